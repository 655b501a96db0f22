"""Writes of events: create and edit, status moves, attachments and invitations.

A branch secretary holds EVENTS_MANAGE at their branch: they plan events their subtree
organises and nothing else, so every write checks the organiser against `access`.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.access import EVENTS_MANAGE
from chamber.audit import audit_record, diff, snapshot
from chamber.uploads import upload_check
from members.models import Membership

from ..models import Audience, Event, EventAttachment, EventInvitation, EventKind, EventStatus

EVENT_FIELDS = ("title", "kind", "organiser_branch", "starts_at", "ends_at", "place", "capacity", "audience",
                "audience_branch", "agenda", "description")

# Which status may follow which; a held event is history, a cancelled one stays cancelled.
STATUS_MOVES = {
    EventStatus.DRAFT: {EventStatus.OPEN, EventStatus.CANCELLED},
    EventStatus.OPEN: {EventStatus.CLOSED, EventStatus.HELD, EventStatus.CANCELLED},
    EventStatus.CLOSED: {EventStatus.HELD, EventStatus.CANCELLED},
    EventStatus.HELD: set(),
    EventStatus.CANCELLED: set(),
}


def require_event_manager(access, event_or_branch):
    """Refuse a write the caller's `access` does not reach (None: a trusted caller)."""
    if access is None:
        return
    branch = getattr(event_or_branch, "organiser_branch", event_or_branch)
    if not access.covers(EVENTS_MANAGE, branch):
        raise PermissionDenied


def _validate(event, access):
    errors = {}
    event.title = (event.title or "").strip()
    event.place = (event.place or "").strip()
    event.agenda = (event.agenda or "").strip()
    event.description = (event.description or "").strip()
    if not event.title:
        errors["title"] = _("Please give the event a title.")
    if event.kind not in EventKind.values:
        errors["kind"] = _("Choose the kind of event.")
    if not isinstance(event.starts_at, datetime.datetime):
        errors["starts_at"] = _("Enter a valid date and time.")
    if not isinstance(event.ends_at, datetime.datetime):
        errors["ends_at"] = _("Enter a valid date and time.")
    elif isinstance(event.starts_at, datetime.datetime) and event.ends_at <= event.starts_at:
        errors["ends_at"] = _("The event must end after it starts.")
    if event.capacity is not None and (not isinstance(event.capacity, int) or event.capacity < 1):
        errors["capacity"] = _("The capacity must be at least 1, or empty for no limit.")
    if event.audience not in Audience.values:
        errors["audience"] = _("Choose who may take part.")
    elif event.audience == Audience.BRANCH:
        branch = event.audience_branch
        if branch is None or branch.chamber_id != event.chamber_id:
            errors["audience_branch"] = _("For a branch audience, choose a branch of this chamber.")
    else:
        event.audience_branch = None
    organiser = event.organiser_branch
    if organiser is not None and organiser.chamber_id != event.chamber_id:
        errors["organiser_branch"] = _("Choose a branch of this chamber.")
    elif access is not None and not access.covers(EVENTS_MANAGE, organiser):
        errors["organiser_branch"] = _("You may only organise events of the branches you look after.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def event_create(*, chamber, actor, access=None, title, kind, starts_at, ends_at, organiser_branch=None,
                 place="", capacity=None, audience=Audience.ALL_MEMBERS, audience_branch=None, agenda="",
                 description=""):
    """A new event of `chamber`, as a draft."""
    event = Event(chamber=chamber, title=title, kind=kind, starts_at=starts_at, ends_at=ends_at,
                  organiser_branch=organiser_branch, place=place, capacity=capacity, audience=audience,
                  audience_branch=audience_branch, agenda=agenda, description=description,
                  created_by=actor if getattr(actor, "pk", None) else None)
    _validate(event, access)
    event.save()
    audit_record(chamber=chamber, actor=actor, action="create", target=event,
                 changes={"title": event.title, "kind": event.kind})
    return event


@transaction.atomic
def event_update(*, event, actor, access=None, **fields):
    """Change an event's details (any of EVENT_FIELDS); a larger capacity moves the waiting list up."""
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError("unknown event fields: {}".format(sorted(unknown)))
    require_event_manager(access, event)
    event = Event.objects.select_for_update().select_related("chamber").get(pk=event.pk)
    if event.status in (EventStatus.HELD, EventStatus.CANCELLED):
        raise ValidationError(_("A held or cancelled event can no longer be changed."))
    before = snapshot(event, EVENT_FIELDS)
    for field, value in fields.items():
        setattr(event, field, value)
    _validate(event, access)
    event.save()
    changes = diff(before, snapshot(event, EVENT_FIELDS))
    if changes:
        audit_record(chamber=event.chamber, actor=actor, action="update", target=event, changes=changes)
    if "capacity" in changes:
        from .registrations import waitlist_promote

        waitlist_promote(event=event)
    return event


@transaction.atomic
def event_set_status(*, event, actor, status, access=None, reason=""):
    """Move an event along draft → open → closed → held, or cancel it (anything but held)."""
    require_event_manager(access, event)
    event = Event.objects.select_for_update().select_related("chamber").get(pk=event.pk)
    if status not in EventStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status not in STATUS_MOVES[event.status]:
        raise ValidationError({"status": _("An event that is “{old}” cannot become “{new}”.").format(
            old=EventStatus(event.status).label, new=EventStatus(status).label)})
    reason = (reason or "").strip()
    if status == EventStatus.CANCELLED and not reason:
        raise ValidationError({"reason": _("Please give the reason for cancelling.")})
    old = event.status
    event.status = status
    event.save(update_fields=["status", "updated_at"])
    audit_record(chamber=event.chamber, actor=actor, action="status", target=event,
                 changes={"status": [old, status]}, reason=reason)
    return event


# --- Attachments ------------------------------------------------------------------------------

@transaction.atomic
def attachment_add(*, event, actor, file, access=None):
    """Attach a document (PDF, image, Office file; type read from the content) to an event."""
    require_event_manager(access, event)
    upload = upload_check(file, default_stem="attachment")
    attachment = EventAttachment(
        chamber_id=event.chamber_id, event=event, original_name=upload.original_name,
        content_type=upload.content_type, size=len(upload.content),
        uploaded_by=actor if getattr(actor, "pk", None) else None, uploaded_at=timezone.now(),
    )
    attachment.file.save("upload", ContentFile(upload.content), save=False)
    try:
        attachment.save()
        audit_record(chamber=event.chamber, actor=actor, action="attach", target=event,
                     changes={"attachment": [None, attachment.original_name]})
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment, actor, access=None):
    """Remove an attachment and its file (the file goes once the row is gone for good)."""
    event = attachment.event
    require_event_manager(access, event)
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    audit_record(chamber=event.chamber, actor=actor, action="detach", target=event,
                 changes={"attachment": [attachment.original_name, None]})
    transaction.on_commit(lambda: storage.delete(name))


# --- Invitations ------------------------------------------------------------------------------

@transaction.atomic
def invitation_set(*, event, actor, memberships, access=None):
    """The invited members of an event become exactly `memberships` (this chamber's, not left)."""
    require_event_manager(access, event)
    wanted = {m.pk for m in memberships}
    valid = set(Membership.objects.filter(chamber_id=event.chamber_id, pk__in=wanted).exclude(
        status="left").values_list("pk", flat=True))
    if valid != wanted:
        raise ValidationError({"memberships": _("Choose current members of this chamber.")})
    current = set(EventInvitation.objects.filter(chamber_id=event.chamber_id, event=event).values_list(
        "membership_id", flat=True))
    added, removed = wanted - current, current - wanted
    EventInvitation.objects.filter(chamber_id=event.chamber_id, event=event, membership_id__in=removed).delete()
    EventInvitation.objects.bulk_create([
        EventInvitation(chamber_id=event.chamber_id, event=event, membership_id=pk) for pk in sorted(added)
    ])
    if added or removed:
        audit_record(chamber=event.chamber, actor=actor, action="invitations", target=event,
                     changes={"added": sorted(added), "removed": sorted(removed)})
    return len(wanted)



@transaction.atomic
def calendar_token_renew(*, user):
    """A new calendar token for `user`: the old feed URLs stop working at once."""
    from ..models import CalendarToken
    from ..models.events import calendar_token

    token, created = CalendarToken.objects.get_or_create(user=user)
    if not created:
        token.token = calendar_token()
        token.save(update_fields=["token"])
    return token
