"""Calendar feeds (.ics) fetched by calendar apps with a per-user token instead of a session.

- `/calendar/<token>/c/<chamber>.ics`: the chamber's events the token's user may see
  (their roles there decide, as on the pages), without drafts; cancelled ones are kept
  with STATUS:CANCELLED so calendars remove them.
- `/calendar/<token>/mine.ics`: the events the user is registered for, across chambers:
  through a Person linked to their login, and for a representative through their
  enterprises' registrations. Every query names its chamber or the user explicitly; the
  scope is disabled only because one feed spans chambers.

An unknown token, or a chamber where the user has no role, is a 404.
"""
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from icalendar import Calendar, Event as IcsEvent

from chamber.access import EVENTS_VIEW, SELF_SERVICE, access_for_user
from chamber.models import Chamber
from members.models import EnterpriseUserObjectPermission, Person

from .models import CalendarToken, Event, EventStatus, Registration, RegistrationStatus
from .selectors.events import calendar_events_for_chamber

SHANGHAI = ZoneInfo("Asia/Shanghai")
ICS_STATUS = {EventStatus.CANCELLED: "CANCELLED", EventStatus.DRAFT: "TENTATIVE"}


def _user_for(token):
    row = CalendarToken.objects.filter(token=token).select_related("user").first()
    if row is None or not row.user.is_active:
        raise Http404
    return row.user


def _calendar(name):
    cal = Calendar()
    cal.add("prodid", "-//chamber-platform//events//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    return cal


def _add(cal, event, chamber_slug, host):
    item = IcsEvent()
    item.add("uid", "event-{}-{}@{}".format(chamber_slug, event.pk, host))
    item.add("summary", event.title)
    item.add("dtstart", event.starts_at.astimezone(SHANGHAI))
    item.add("dtend", event.ends_at.astimezone(SHANGHAI))
    item.add("dtstamp", timezone.now())
    item.add("last-modified", event.updated_at)
    if event.place:
        item.add("location", event.place)
    if event.agenda or event.description:
        item.add("description", "\n\n".join(t for t in (event.description, event.agenda) if t))
    item.add("status", ICS_STATUS.get(event.status, "CONFIRMED"))
    cal.add_component(item)


def _response(cal, filename):
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="{}"'.format(filename)
    response["Cache-Control"] = "private, max-age=300"
    return response


def _host(request):
    return getattr(settings, "CALENDAR_UID_HOST", "") or request.get_host().split(":")[0] or "localhost"


def chamber_feed(request, token, chamber):
    """The chamber's events the token's user may see."""
    with scopes_disabled():
        user = _user_for(token)
        chamber_obj = Chamber.objects.filter(slug=chamber).first()
    if chamber_obj is None:
        raise Http404
    with scope(chamber=chamber_obj):
        access = access_for_user(chamber_obj, user)
        if not access.has(EVENTS_VIEW):
            raise Http404
        cal = _calendar(chamber_obj.short_name or chamber_obj.name)
        host = _host(request)
        for event in calendar_events_for_chamber(chamber=chamber_obj, access=access):
            _add(cal, event, chamber_obj.slug, host)
    return _response(cal, "{}.ics".format(chamber_obj.slug))


def mine_feed(request, token):
    """The events the user is registered for, in every chamber."""
    with scopes_disabled():
        user = _user_for(token)
        people = Person.objects.filter(user=user).values("pk")
        enterprises = EnterpriseUserObjectPermission.objects.filter(
            user=user, permission__codename="change_enterprise", permission__content_type__app_label="members",
        ).values("content_object_id")
        live = Registration.objects.filter(status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED])
        mine = live.filter(person__in=people).values("event_id")
        # A representative's grants count only in chambers where they still hold SELF_SERVICE.
        represented = live.filter(membership__enterprise_id__in=enterprises).values_list("event_id", "chamber_id")
        allowed_chambers = {}
        event_ids = set()
        for event_id, chamber_id in represented:
            if chamber_id not in allowed_chambers:
                chamber_obj = Chamber.objects.get(pk=chamber_id)
                allowed_chambers[chamber_id] = access_for_user(chamber_obj, user).has(SELF_SERVICE)
            if allowed_chambers[chamber_id]:
                event_ids.add(event_id)
        events = Event.objects.filter(Q(pk__in=mine) | Q(pk__in=event_ids)).exclude(
            status=EventStatus.DRAFT).select_related("chamber").order_by("starts_at", "pk")
        cal = _calendar(_("My events"))
        host = _host(request)
        for event in events:
            _add(cal, event, event.chamber.slug, host)
    return _response(cal, "mine.ics")


__all__ = ["chamber_feed", "mine_feed"]
