"""Writes of governing-body meetings: the attendance of the line-up, resolutions and minutes.

Who is expected and how the quorum is counted: see events.selectors.meetings. Every write
is audited. Callers pass the caller's `access` so a branch-limited user (a branch
secretary) writes only on meetings their subtree organises; views check first.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chamber.access import EVENTS_MANAGE
from chamber.audit import audit_record, diff, snapshot

from ..models import AttendanceStatus, Event, EventStatus, GOVERNING_KINDS, MeetingAttendance, Resolution
from ..selectors.meetings import meeting_expected_positions, quorum, suggest_passed, takes_officer_attendance

RESOLUTION_FIELDS = ("title", "text", "votes_for", "votes_against", "abstentions", "passed")


def require_manage(access, event):
    """Refuse a caller whose `access` does not let them manage this event's meetings."""
    if access is not None and not access.covers(EVENTS_MANAGE, event.organiser_branch):
        raise PermissionDenied


def _require_meeting(event):
    if event.kind not in GOVERNING_KINDS:
        raise ValidationError({"event": _(
            "Only meetings of governing bodies have attendance, resolutions and minutes.")})


def _lock(event):
    """Serialise writes on one meeting (resolution numbers, attendance rows)."""
    Event.objects.select_for_update().filter(pk=event.pk).values_list("pk", flat=True).first()


@transaction.atomic
def meeting_attendance_prepare(*, event, actor, access=None):
    """Create an "absent" row for every officer of the expected line-up that has none yet.
    Idempotent: recorded rows are kept; officers appointed since are added. Returns the
    number of rows added."""
    require_manage(access, event)
    if not takes_officer_attendance(event):
        raise ValidationError({"event": _(
            "Attendance officer by officer is taken at council and standing council meetings; a general "
            "assembly counts the members checked in.")})
    if event.status == EventStatus.CANCELLED:
        raise ValidationError({"event": _("The meeting was cancelled: no attendance can be recorded.")})
    _lock(event)
    lineup = meeting_expected_positions(event=event)
    have = set(MeetingAttendance.objects.filter(chamber_id=event.chamber_id, event=event).values_list(
        "position_id", flat=True))
    new = [MeetingAttendance(chamber_id=event.chamber_id, event=event, position=p) for p in lineup if p.pk not in have]
    MeetingAttendance.objects.bulk_create(new)
    if new:
        audit_record(chamber=event.chamber, actor=actor, action="attendance prepare", target=event,
                     changes={"added": len(new)})
    return len(new)


def _clean_status(position, value):
    """(status, proxy_name, note) from what a form or the API gave for one officer."""
    status, proxy_name, note = (tuple(value) + ("", ""))[:3]
    if status not in AttendanceStatus.values:
        raise ValidationError({"statuses": _("Choose present, proxy, excused or absent for {name}.").format(
            name=position.person.name)})
    proxy_name = (proxy_name or "").strip()
    note = (note or "").strip()
    if status == AttendanceStatus.PROXY and not proxy_name:
        raise ValidationError({"statuses": _("Give the name of the proxy who represents {name}.").format(
            name=position.person.name)})
    if status != AttendanceStatus.PROXY:
        proxy_name = ""
    if len(proxy_name) > 60:
        raise ValidationError({"statuses": _("A proxy's name has at most 60 characters.")})
    if len(note) > 300:
        raise ValidationError({"statuses": _("A note has at most 300 characters.")})
    return status, proxy_name, note


@transaction.atomic
def meeting_attendance_set(*, event, actor, statuses, access=None):
    """Record attendance: `statuses` maps a position id to (status, proxy name, note).
    Officers not named keep what they had. Returns the number of rows changed."""
    meeting_attendance_prepare(event=event, actor=actor, access=access)
    lineup = {p.pk: p for p in meeting_expected_positions(event=event)}
    rows = {a.position_id: a for a in MeetingAttendance.objects.filter(chamber_id=event.chamber_id, event=event,
                                                                       position_id__in=list(lineup))}
    changed, changes = [], {}
    for key, value in statuses.items():
        try:
            position = lineup[int(key)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError({"statuses": _("Officer {id} is not in the line-up of this meeting.").format(
                id=key)}) from None
        status, proxy_name, note = _clean_status(position, value)
        row = rows[position.pk]
        if (row.status, row.proxy_name, row.note) != (status, proxy_name, note):
            changes[str(position)] = [row.status, status]
            row.status, row.proxy_name, row.note = status, proxy_name, note
            changed.append(row)
    MeetingAttendance.objects.bulk_update(changed, ["status", "proxy_name", "note"])
    if changed:
        audit_record(chamber=event.chamber, actor=actor, action="attendance", target=event, changes=changes)
    return len(changed)


def _count(value, field):
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter a whole number.")}) from None
    if number < 0:
        raise ValidationError({field: _("The number cannot be negative.")})
    return number


def _check_votes(resolution, event):
    """Votes cast cannot exceed those attending; `passed` defaults to a simple majority of them."""
    resolution.title = (resolution.title or "").strip()
    if not resolution.title:
        raise ValidationError({"title": _("Give the resolution a title.")})
    for field in ("votes_for", "votes_against", "abstentions"):
        setattr(resolution, field, _count(getattr(resolution, field), field))
    votes = [v for v in (resolution.votes_for, resolution.votes_against, resolution.abstentions) if v is not None]
    attending = quorum(event).attending
    if sum(votes) > attending:
        raise ValidationError({"votes_for": _(
            "The votes ({votes}) exceed those attending the meeting ({attending}). Record the attendance first "
            "if it is missing.").format(votes=sum(votes), attending=attending)})
    return attending


@transaction.atomic
def resolution_create(*, event, actor, title, text="", votes_for=None, votes_against=None, abstentions=None,
                      passed=None, access=None):
    """Add a resolution to a meeting, numbered after the last one. `passed` None: a simple
    majority of those attending decides."""
    require_manage(access, event)
    _require_meeting(event)
    _lock(event)
    resolution = Resolution(chamber_id=event.chamber_id, event=event, title=title, text=(text or "").strip(),
                            votes_for=votes_for, votes_against=votes_against, abstentions=abstentions)
    attending = _check_votes(resolution, event)
    resolution.passed = suggest_passed(resolution.votes_for, attending) if passed is None else bool(passed)
    last = Resolution.objects.filter(chamber_id=event.chamber_id, event=event).aggregate(n=Max("number"))["n"]
    resolution.number = (last or 0) + 1
    resolution.save()
    audit_record(chamber=event.chamber, actor=actor, action="resolution add", target=resolution,
                 changes=snapshot(resolution, RESOLUTION_FIELDS))
    return resolution


@transaction.atomic
def resolution_update(*, resolution, actor, access=None, **fields):
    """Change a resolution (any of RESOLUTION_FIELDS); `passed` None: suggested again."""
    event = resolution.event
    require_manage(access, event)
    unknown = set(fields) - set(RESOLUTION_FIELDS)
    if unknown:
        raise ValueError("unknown resolution fields: {}".format(sorted(unknown)))
    before = snapshot(resolution, RESOLUTION_FIELDS)
    raw = {field: getattr(resolution, field) for field in RESOLUTION_FIELDS}
    passed = fields.pop("passed", resolution.passed)
    for field, value in fields.items():
        setattr(resolution, field, (value or "").strip() if field == "text" else value)
    try:
        attending = _check_votes(resolution, event)
    except ValidationError:
        # The caller's object stays as stored, so a page can show it again unchanged.
        for field, value in raw.items():
            setattr(resolution, field, value)
        raise
    resolution.passed = suggest_passed(resolution.votes_for, attending) if passed is None else bool(passed)
    resolution.save()
    changes = diff(before, snapshot(resolution, RESOLUTION_FIELDS))
    if changes:
        audit_record(chamber=event.chamber, actor=actor, action="resolution change", target=resolution,
                     changes=changes)
    return resolution


@transaction.atomic
def resolution_delete(*, resolution, actor, reason="", access=None):
    """Remove a resolution entered by mistake (the audit log keeps what it said)."""
    event = resolution.event
    require_manage(access, event)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the resolution is removed.")})
    audit_record(chamber=event.chamber, actor=actor, action="resolution delete", target=resolution,
                 changes=snapshot(resolution, ("number",) + RESOLUTION_FIELDS), reason=reason)
    resolution.delete()


@transaction.atomic
def meeting_minutes_set(*, event, actor, minutes, access=None):
    """Record or correct the minutes of a meeting."""
    require_manage(access, event)
    _require_meeting(event)
    minutes = (minutes or "").strip()
    if len(minutes) > 50000:
        raise ValidationError({"minutes": _("The minutes have at most 50,000 characters.")})
    if minutes == event.minutes:
        return event
    old = event.minutes
    event.minutes = minutes
    event.save(update_fields=["minutes", "updated_at"])
    # The whole text before and after: minutes are a record, a correction must be traceable.
    audit_record(chamber=event.chamber, actor=actor, action="minutes", target=event,
                 changes={"minutes": [old, minutes]})
    return event
