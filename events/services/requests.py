"""Writes of member requests (诉求): raising one (staff, a visit or the member's portal), moving it
through its statuses with a note at every step, assigning it, notes, the member's rating and
the "typical case" flag.

Every write takes the caller's `access` where staff act: a branch secretary handles only the
requests of members within their branches (REQUESTS_MANAGE's reach). The member's own writes
(raise, note, rate) are checked against the enterprise grant of the representative instead.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.access import REQUESTS_MANAGE, ROLE_CAPABILITIES
from chamber.audit import actor_label, audit_record
from chamber.models import Role
from members.models import Membership, MembershipStatus
from members.selectors import enterprise_self_service_list, membership_visible

from ..models import REQUEST_TRANSITIONS, MemberRequest, RequestCategory, RequestNote, RequestSource, RequestStatus

# Without a due date a request is due this many days after it is raised (the UI says so).
DEFAULT_DUE_DAYS = 30
CLOSED = (RequestStatus.RESOLVED, RequestStatus.UNRESOLVABLE)
MANAGER_ROLES = tuple(kind for kind, caps in ROLE_CAPABILITIES.items() if REQUESTS_MANAGE in caps)


def _require(access, capability=REQUESTS_MANAGE):
    """Services called with the caller's `access` refuse what it does not allow (views check first)."""
    if access is not None and not access.has(capability):
        raise PermissionDenied


def _check_member_reach(access, membership, field="membership"):
    """A branch-limited handler may act only on members placed within their branches."""
    if access is None or access.branch_paths(REQUESTS_MANAGE) is None:
        return
    visible = membership_visible(chamber=membership.chamber_id, access=access, capability=REQUESTS_MANAGE)
    if not visible.filter(pk=membership.pk).exists():
        raise ValidationError({field: _("Choose a member within the branches you manage.")})


def _check_request_reach(access, request):
    _require(access)
    try:
        _check_member_reach(access, request.membership)
    except ValidationError:
        raise PermissionDenied(_("This request is outside the branches you manage.")) from None


def _text(value, field, message, max_length=5000):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > max_length:
        raise ValidationError({field: _("Keep it under {count} characters.").format(count=max_length)})
    return value


def _check_assignee(chamber, assignee, assignee_officer):
    """Staff must hold a role here that may handle requests; an officer must serve in this chamber."""
    if assignee is not None and not Role.objects.filter(chamber=chamber, user=assignee, kind__in=MANAGER_ROLES).exists():
        raise ValidationError({"assignee": _("Choose a staff member of this chamber who handles requests.")})
    if assignee_officer is not None:
        today = timezone.localdate()
        if assignee_officer.chamber_id != chamber.pk or (
                assignee_officer.ends_on is not None and assignee_officer.ends_on < today):
            raise ValidationError({"assignee_officer": _("Choose a serving officer of this chamber.")})


def _check_due(due_on):
    if due_on is None:
        return
    if not isinstance(due_on, datetime.date):
        raise ValidationError({"due_on": _("Enter a valid date.")})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})


def _assignee_label(request):
    names = []
    if request.assignee_id:
        names.append(actor_label(request.assignee))
    if request.assignee_officer_id:
        names.append(str(request.assignee_officer))
    return "、".join(names) or _("nobody")


def _lock(request):
    """Re-read the request under a row lock: two handlers moving it at once act in turn."""
    locked = MemberRequest.objects.select_for_update().get(chamber_id=request.chamber_id, pk=request.pk)
    for field in ("status", "closed_on", "assignee_id", "assignee_officer_id", "due_on", "rating", "is_typical"):
        setattr(request, field, getattr(locked, field))
    return request


def _note(request, *, author, text, status_from="", status_to="", by_member=False, label=None):
    return RequestNote.objects.create(
        chamber_id=request.chamber_id, request=request, text=text, status_from=status_from, status_to=status_to,
        author=author if getattr(author, "pk", None) else None,
        author_label=(label if label is not None else actor_label(author))[:150], by_member=by_member,
    )


@transaction.atomic
def request_create(*, chamber, actor, access=None, membership, category, title, description,
                   source=RequestSource.STAFF, assignee=None, assignee_officer=None, due_on=None, visit=None):
    """Record a member's request (by staff, or during `visit`); due in DEFAULT_DUE_DAYS unless told."""
    _require(access)
    if membership is None or membership.chamber_id != chamber.pk:
        raise ValidationError({"membership": _("Choose a member of this chamber.")})
    if membership.status == MembershipStatus.LEFT:
        raise ValidationError({"membership": _("This member has left the chamber.")})
    _check_member_reach(access, membership)
    if category not in RequestCategory.values:
        raise ValidationError({"category": _("Choose what the request is about.")})
    if source not in RequestSource.values:
        raise ValidationError({"source": _("Choose how the request was raised.")})
    if visit is not None and (visit.chamber_id != chamber.pk or visit.membership_id != membership.pk):
        raise ValidationError({"visit": _("Choose a visit to this member.")})
    title = _text(title, "title", _("Give the request a short title."), 200)
    description = _text(description, "description", _("Describe the problem."))
    _check_assignee(chamber, assignee, assignee_officer)
    _check_due(due_on)
    request = MemberRequest.objects.create(
        chamber=chamber, membership=membership, source=source, visit=visit, category=category, title=title,
        description=description, assignee=assignee, assignee_officer=assignee_officer,
        due_on=due_on or timezone.localdate() + datetime.timedelta(days=DEFAULT_DUE_DAYS),
        raised_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(chamber=chamber, actor=actor, action="create", target=request,
                 changes={"membership": membership.pk, "category": category, "source": source})
    return request


def _represented_membership(enterprise, user):
    """The enterprise's current membership, if `user` represents it (else PermissionDenied)."""
    if not enterprise_self_service_list(chamber=enterprise.chamber_id, user=user).filter(pk=enterprise.pk).exists():
        raise PermissionDenied
    membership = (Membership.objects.filter(chamber_id=enterprise.chamber_id, enterprise=enterprise)
                  .exclude(status=MembershipStatus.LEFT).order_by("-pk").first())
    if membership is None:
        raise ValidationError(_("Your enterprise is not a member of the chamber."))
    return membership


@transaction.atomic
def request_raise_by_member(*, enterprise, user, category, title, description):
    """A representative raises a request for their enterprise from the portal."""
    membership = _represented_membership(enterprise, user)
    if category not in RequestCategory.values:
        raise ValidationError({"category": _("Choose what the request is about.")})
    title = _text(title, "title", _("Give the request a short title."), 200)
    description = _text(description, "description", _("Describe the problem."))
    request = MemberRequest.objects.create(
        chamber_id=enterprise.chamber_id, membership=membership, source=RequestSource.PORTAL, category=category,
        title=title, description=description, raised_by=user,
        due_on=timezone.localdate() + datetime.timedelta(days=DEFAULT_DUE_DAYS),
    )
    audit_record(chamber=membership.chamber, actor=user, action="create", target=request,
                 changes={"membership": membership.pk, "category": category, "source": RequestSource.PORTAL})
    return request


@transaction.atomic
def request_move(*, request, actor, status, note, access=None):
    """Move a request to `status` (REQUEST_TRANSITIONS) with a note saying what was done."""
    _check_request_reach(access, request)
    _lock(request)
    if status not in RequestStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    current = RequestStatus(request.status)
    target = RequestStatus(status)
    if target == current:
        raise ValidationError({"status": _("The request is already “{status}”.").format(status=current.label)})
    if target not in REQUEST_TRANSITIONS[current]:
        raise ValidationError({"status": _("A request cannot move from “{current}” to “{target}”.").format(
            current=current.label, target=target.label)})
    text = _text(note, "note", _("Write a note on what was done."))
    request.status = target
    request.closed_on = timezone.localdate() if target in CLOSED else None
    request.save(update_fields=["status", "closed_on", "updated_at"])
    _note(request, author=actor, text=text, status_from=current, status_to=target)
    audit_record(chamber=request.chamber, actor=actor, action="status", target=request,
                 changes={"status": [current.value, target.value]}, reason=text[:500])
    return request


@transaction.atomic
def request_note_add(*, request, actor, text, by_member=False, access=None):
    """A note without a move; `by_member`: the representative writing from the portal."""
    if by_member:
        if not enterprise_self_service_list(chamber=request.chamber_id, user=actor).filter(
                pk=request.membership.enterprise_id).exists():
            raise PermissionDenied
        label = "{} ({})".format(actor_label(actor), request.membership.name)
    else:
        _check_request_reach(access, request)
        label = None
    text = _text(text, "text", _("Write a note."))
    note = _note(request, author=actor, text=text, by_member=by_member, label=label)
    MemberRequest.objects.filter(pk=request.pk).update(updated_at=timezone.now())
    audit_record(chamber=request.chamber, actor=actor, action="note", target=request,
                 changes={"by_member": by_member})
    return note


@transaction.atomic
def request_assign(*, request, actor, assignee=None, assignee_officer=None, due_on=None, note="", access=None):
    """Hand an open request to a staff member and/or an officer, optionally with a new due date."""
    _check_request_reach(access, request)
    _lock(request)
    if not request.is_open:
        raise ValidationError(_("A closed request cannot be reassigned; reopen it first."))
    _check_assignee(request.chamber, assignee, assignee_officer)
    if due_on is not None and due_on != request.due_on:
        _check_due(due_on)
    before = {"assignee": request.assignee_id, "assignee_officer": request.assignee_officer_id,
              "due_on": str(request.due_on) if request.due_on else None}
    request.assignee, request.assignee_officer = assignee, assignee_officer
    if due_on is not None:
        request.due_on = due_on
    request.save(update_fields=["assignee", "assignee_officer", "due_on", "updated_at"])
    after = {"assignee": request.assignee_id, "assignee_officer": request.assignee_officer_id,
             "due_on": str(request.due_on) if request.due_on else None}
    text = (note or "").strip() or _("Assigned to {names}, due {date}.").format(
        names=_assignee_label(request), date=request.due_on.isoformat() if request.due_on else "—")
    _note(request, author=actor, text=text[:5000])
    audit_record(chamber=request.chamber, actor=actor, action="assign", target=request,
                 changes={k: [before[k], after[k]] for k in before if before[k] != after[k]})
    return request


@transaction.atomic
def request_rate(*, request, user, rating, comment=""):
    """The raising enterprise's representative rates a closed request's handling (1–5; may change it)."""
    if not enterprise_self_service_list(chamber=request.chamber_id, user=user).filter(
            pk=request.membership.enterprise_id).exists():
        raise PermissionDenied
    _lock(request)
    if request.status not in CLOSED:
        raise ValidationError({"rating": _("You can rate a request once it is closed.")})
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationError({"comment": _("Keep it under {count} characters.").format(count=500)})
    before = request.rating
    request.rating, request.rating_comment = rating, comment
    request.save(update_fields=["rating", "rating_comment", "updated_at"])
    audit_record(chamber=request.chamber, actor=user, action="rate", target=request,
                 changes={"rating": [before, rating]})
    return request


@transaction.atomic
def request_mark_typical(*, request, actor, is_typical, summary="", access=None):
    """Flag a closed request as a typical case (with a summary for the annual report), or unflag it."""
    _check_request_reach(access, request)
    _lock(request)
    if is_typical:
        if request.status not in CLOSED:
            raise ValidationError({"is_typical": _("Only a closed request can be a typical case.")})
        request.typical_summary = _text(summary, "summary", _("Summarise the case for the annual report."))
    request.is_typical = bool(is_typical)
    request.save(update_fields=["is_typical", "typical_summary", "updated_at"])
    audit_record(chamber=request.chamber, actor=actor, action="typical" if is_typical else "untypical",
                 target=request)
    return request
