"""Reminder rules of the events app: events the registrant attends soon, member requests
past their due date. Both are set-based (a fixed handful of queries of plain values)."""
import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chamber.models import RoleKind
from chamber.reminders.models import ReminderRule
from chamber.reminders.recipients import representatives_by_enterprise, role_user_ids
from chamber.reminders.rules import Due, day_text, reminder_rule, url_pattern
from members.models import MembershipStatus

from .models import EventStatus, MemberRequest, Registration, RegistrationStatus, RequestStatus

# --- Events -----------------------------------------------------------------------------------

EVENT_TITLE = _("Reminder: {event} on {date} at {time}")
EVENT_BODY = _("{event} starts on {date} at {time}, {place}. Registered: {names}. Show the entry pass at the door.")
# Events that will take place: a draft is not announced, a cancelled or held one is no news.
UPCOMING = [EventStatus.OPEN, EventStatus.CLOSED]


def _day_bounds(day):
    """[start, end) of a local (Asia/Shanghai) day as aware datetimes."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


@reminder_rule(ReminderRule.EVENT_SOON)
def event_soon(chamber, today, days):
    """Confirmed registrants of events starting `d` days from today, one reminder per user
    and event however many registrations reach them.

    A registration reaches its person's login; without one, the representatives of the
    member enterprise it was made for. Two queries when something is due (registrations
    with their event, person and member; the representatives), one when nothing is.
    """
    lead_by_date = {today + datetime.timedelta(days=d): d for d in days}
    on_those_days = Q(pk__in=[])
    for day in lead_by_date:
        start, end = _day_bounds(day)
        on_those_days |= Q(event__starts_at__gte=start, event__starts_at__lt=end)
    registrations = list(
        Registration.objects.filter(on_those_days, chamber=chamber, status=RegistrationStatus.CONFIRMED,
                                    event__status__in=UPCOMING)
        .order_by("event_id", "pk")
        .values_list("pk", "event_id", "event__title", "event__starts_at", "event__place", "attendee_name",
                     "person__user_id", "person__user__is_active", "membership__enterprise_id", "membership__status")
    )
    if not registrations:
        return []
    enterprise_ids = {row[8] for row in registrations if row[8]}
    representatives = representatives_by_enterprise(chamber=chamber, enterprise_ids=list(enterprise_ids))
    represented = {(user_id, enterprise_id) for enterprise_id, users in representatives.items() for user_id in users}
    portal_pass = url_pattern("events:portal_pass", chamber, enterprise_pk="enterprise",
                              registration_pk="registration")
    staff_pass = url_pattern("events:registration_pass", chamber, pk="event", registration_pk="registration")
    # (event, user) → what the reminder says; filled in registration order, so the link is
    # the first registration's pass and the names list every attendee the user brings.
    reminders = {}
    for (pk, event_id, title, starts_at, place, name, person_user, active, enterprise_id,
         member_status) in registrations:
        if person_user and active:
            users = [person_user]
        else:
            users = representatives.get(enterprise_id, []) if enterprise_id else []
        for user_id in users:
            entry = reminders.get((event_id, user_id))
            if entry is None:
                local = timezone.localtime(starts_at)
                # The portal's pass is for the enterprise's representatives (while a member);
                # anyone else (staff registered themselves) gets the staff page's pass.
                if (user_id, enterprise_id) in represented and member_status != MembershipStatus.LEFT:
                    link = portal_pass.format(enterprise=enterprise_id, registration=pk)
                else:
                    link = staff_pass.format(event=event_id, registration=pk)
                entry = reminders[(event_id, user_id)] = {
                    "occasion": "{}/{}".format(local.date().isoformat(), lead_by_date[local.date()]),
                    "params": {"event": title, "date": day_text(local.date()), "time": local.strftime("%H:%M"),
                               "place": place, "names": []},
                    "link": link,
                }
            if name not in entry["params"]["names"]:
                entry["params"]["names"].append(name)
    result = []
    for (event_id, user_id), entry in reminders.items():
        params = {**entry["params"], "names": "、".join(entry["params"]["names"])}
        result.append(Due("events.event", event_id, user_id, entry["occasion"], EVENT_TITLE, EVENT_BODY, params,
                          entry["link"]))
    return result


# --- Member requests --------------------------------------------------------------------------

REQUEST_TITLE = _("Request “{title}” was due on {date} and is still open")
REQUEST_BODY = _("Member: {member}. Please resolve the request, or agree a new due date with the member.")
OPEN_REQUEST = [RequestStatus.NEW, RequestStatus.IN_PROGRESS]


@reminder_rule(ReminderRule.REQUEST_OVERDUE)
def request_overdue(chamber, today, days):
    """Open member requests whose due date was exactly `d` days ago, to whoever handles them:
    the assigned staff user, else the assigned officer's login, else the secretariat.

    One query, two when a request has nobody to remind (the secretariat's users).
    """
    lead_by_date = {today - datetime.timedelta(days=d): d for d in days}
    requests = list(
        MemberRequest.objects.filter(chamber=chamber, status__in=OPEN_REQUEST, due_on__in=list(lead_by_date))
        .order_by("due_on", "pk")
        .values_list("pk", "title", "due_on", "membership__name", "assignee_id", "assignee__is_active",
                     "assignee_officer__person__user_id", "assignee_officer__person__user__is_active")
    )
    if not requests:
        return []
    secretariat = None
    detail = url_pattern("events:request_detail", chamber, pk="request")
    result = []
    for pk, title, due_on, member, assignee, assignee_active, officer_user, officer_active in requests:
        if assignee and assignee_active:
            users = [assignee]
        elif officer_user and officer_active:
            users = [officer_user]
        else:
            if secretariat is None:
                secretariat = role_user_ids(chamber=chamber, kinds=[RoleKind.SECRETARIAT])
            users = secretariat
        d = lead_by_date[due_on]
        params = {"title": title, "days": d, "member": member, "date": day_text(due_on)}
        occasion = "{}/{}".format(due_on.isoformat(), d)
        for user_id in users:
            result.append(Due("events.memberrequest", pk, user_id, occasion, REQUEST_TITLE, REQUEST_BODY, params,
                              detail.format(request=pk)))
    return result
