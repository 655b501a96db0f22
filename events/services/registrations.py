"""Writes of registrations: register (staff, self-service, walk-in), cancel with the waiting
list moving up, and check in by code.

Capacity is guarded by a row lock on the event (select_for_update): every write that changes
how many seats are taken locks the event first, counts the confirmed registrations and only
then decides, so two requests for the last seat never both get it.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.access import EVENTS_MANAGE
from chamber.audit import audit_record
from members.models import Contact, Membership, Person
from members.selectors import enterprise_self_service_list

from ..models import Audience, Event, EventStatus, Registration, RegistrationStatus
from ..selectors.events import membership_may_attend, officer_person_ids

LIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


def _lock(event):
    return Event.objects.select_for_update().select_related("chamber").get(pk=event.pk, chamber_id=event.chamber_id)


def _check_attendee(event, membership, person, self_service, actor):
    """The member and person belong together, to this chamber, and the audience admits them."""
    chamber_id = event.chamber_id
    if membership is not None and membership.chamber_id != chamber_id:
        raise ValidationError({"membership": _("This member does not exist.")})
    if person is not None and person.chamber_id != chamber_id:
        raise ValidationError({"person": _("This person does not exist.")})
    if membership is not None and person is not None:
        belongs = membership.person_id == person.pk or (
            membership.enterprise_id is not None and Contact.objects.filter(
                chamber_id=chamber_id, enterprise_id=membership.enterprise_id, person=person).exists())
        if not belongs:
            raise ValidationError({"person": _("This person is not a contact of the chosen member.")})
    if self_service:
        if membership is None or membership.enterprise_id is None or not enterprise_self_service_list(
                chamber=event.chamber, user=actor).filter(pk=membership.enterprise_id).exists():
            raise PermissionDenied
        if person is None:
            raise ValidationError({"person": _("Choose one of your enterprise's contacts.")})
    if membership is None:
        if person is None:
            return  # a named guest, added by staff (self-service was refused above)
        if event.audience == Audience.OFFICERS and person.pk in officer_person_ids(chamber_id=chamber_id):
            return
        raise ValidationError({"membership": _("Choose the member this person comes for.")})
    if not membership_may_attend(event=event, membership=membership, person=person):
        if event.audience == Audience.OFFICERS:
            raise ValidationError({"person": _("Only officers of the current term may attend this event.")})
        raise ValidationError({"membership": _("This member is not in the audience of this event.")})


@transaction.atomic
def registration_create(*, event, actor, membership=None, person=None, attendee_name="", attendee_mobile="",
                        walk_in=False, access=None, self_service=False):
    """Register one attendee: a member's person, or a guest by name; confirmed while seats are
    left, else on the waiting list. A walk-in is confirmed and checked in at once, even when full."""
    if access is not None and not self_service and not access.covers(EVENTS_MANAGE, event.organiser_branch):
        raise PermissionDenied
    event = _lock(event)
    allowed = {EventStatus.OPEN}
    if walk_in:
        allowed = {EventStatus.OPEN, EventStatus.CLOSED, EventStatus.HELD}
    elif not self_service:
        allowed = {EventStatus.OPEN, EventStatus.CLOSED}
    if event.status not in allowed:
        raise ValidationError(_("This event is “{status}”: registration is not possible.").format(
            status=EventStatus(event.status).label))
    if not walk_in:
        _check_attendee(event, membership, person, self_service, actor)
    elif membership is not None and membership.chamber_id != event.chamber_id:
        raise ValidationError({"membership": _("This member does not exist.")})
    name = (attendee_name or "").strip() or (person.name if person is not None else "")
    mobile = (attendee_mobile or "").strip() or (person.mobile if person is not None else "")
    if not name:
        raise ValidationError({"attendee_name": _("Choose a contact or type the attendee's name.")})
    if len(name) > 60:
        raise ValidationError({"attendee_name": _("Keep the name under 60 characters.")})
    if mobile and (len(mobile) != 11 or not mobile.isdigit()):
        raise ValidationError({"attendee_mobile": _("Enter an 11-digit mobile number.")})
    live = Registration.objects.filter(chamber_id=event.chamber_id, event=event, status__in=LIVE)
    if person is not None and live.filter(person=person).exists():
        raise ValidationError({"person": _("{name} is already registered for this event.").format(name=name)})
    now = timezone.now()
    registration = Registration(chamber_id=event.chamber_id, event=event, membership=membership, person=person,
                                attendee_name=name, attendee_mobile=mobile, is_walk_in=walk_in,
                                registered_by=actor if getattr(actor, "pk", None) else None, registered_at=now)
    if walk_in:
        registration.checked_in_at, registration.checked_in_by = now, registration.registered_by
    elif event.capacity is not None and live.filter(status=RegistrationStatus.CONFIRMED).count() >= event.capacity:
        registration.status = RegistrationStatus.WAITLISTED
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        raise ValidationError({"person": _("{name} is already registered for this event.").format(name=name)}) from None
    audit_record(chamber=event.chamber, actor=actor, action="walk_in" if walk_in else "register", target=event,
                 changes={"attendee": name, "status": registration.status})
    return registration


def waitlist_promote(*, event):
    """Fill free seats from the waiting list in order of registration; the event must be locked
    by the caller. Returns the registrations moved up."""
    if event.capacity is None:
        waiting = Registration.objects.filter(chamber_id=event.chamber_id, event=event,
                                              status=RegistrationStatus.WAITLISTED)
        promoted = list(waiting.order_by("registered_at", "pk"))
    else:
        confirmed = Registration.objects.filter(chamber_id=event.chamber_id, event=event,
                                                status=RegistrationStatus.CONFIRMED).count()
        free = event.capacity - confirmed
        if free <= 0:
            return []
        promoted = list(Registration.objects.filter(
            chamber_id=event.chamber_id, event=event, status=RegistrationStatus.WAITLISTED,
        ).order_by("registered_at", "pk")[:free])
    if promoted:
        Registration.objects.filter(pk__in=[r.pk for r in promoted]).update(status=RegistrationStatus.CONFIRMED)
        for registration in promoted:
            registration.status = RegistrationStatus.CONFIRMED
    return promoted


@transaction.atomic
def registration_cancel(*, registration, actor, access=None, self_service=False):
    """Cancel a registration; a freed seat goes to the first on the waiting list
    (`registration.promoted` lists who moved up)."""
    event = _lock(registration.event)
    if access is not None and not self_service and not access.covers(EVENTS_MANAGE, event.organiser_branch):
        raise PermissionDenied
    registration = Registration.objects.select_for_update().get(pk=registration.pk, chamber_id=event.chamber_id)
    if self_service:
        enterprise_id = Membership.objects.filter(pk=registration.membership_id).values_list(
            "enterprise_id", flat=True).first()
        if enterprise_id is None or not enterprise_self_service_list(chamber=event.chamber, user=actor).filter(
                pk=enterprise_id).exists():
            raise PermissionDenied
    if registration.status == RegistrationStatus.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."))
    if registration.checked_in_at is not None:
        raise ValidationError(_("This attendee has checked in; the registration can no longer be cancelled."))
    if event.status in (EventStatus.HELD, EventStatus.CANCELLED):
        raise ValidationError(_("The event is over or cancelled; its registrations stay as they are."))
    old = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    registration.event = event
    registration.promoted = waitlist_promote(event=event) if old == RegistrationStatus.CONFIRMED else []
    audit_record(chamber=event.chamber, actor=actor, action="cancel registration", target=event,
                 changes={"attendee": registration.attendee_name,
                          "promoted": [r.attendee_name for r in registration.promoted]})
    return registration


def normalise_code(code):
    """A typed code: capitals, no spaces or dashes (the printed code may be grouped)."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:12]


@transaction.atomic
def registration_check_in(*, event, code, actor, access=None):
    """Check in the registration with `code` at `event`. Returns the registration, with
    `already_checked_in` True when it had been checked in before (nothing changes then)."""
    if access is not None and not access.covers(EVENTS_MANAGE, event.organiser_branch):
        raise PermissionDenied
    code = normalise_code(code)
    if not code:
        raise ValidationError({"code": _("Type or scan a check-in code.")})
    if event.status not in (EventStatus.OPEN, EventStatus.CLOSED, EventStatus.HELD):
        raise ValidationError({"code": _("This event is “{status}”: nobody can check in.").format(
            status=EventStatus(event.status).label)})
    registration = Registration.objects.filter(chamber_id=event.chamber_id, code=code).select_related(
        "event", "membership", "person").first()
    if registration is None:
        raise ValidationError({"code": _("No registration has the code {code}.").format(code=code)})
    if registration.event_id != event.pk:
        raise ValidationError({"code": _("The code {code} belongs to another event: {title}.").format(
            code=code, title=registration.event.title)})
    if registration.status == RegistrationStatus.CANCELLED:
        raise ValidationError({"code": _("The registration of {name} was cancelled.").format(
            name=registration.attendee_name)})
    if registration.status == RegistrationStatus.WAITLISTED:
        raise ValidationError({"code": _("{name} is still on the waiting list and has no seat.").format(
            name=registration.attendee_name)})
    now = timezone.now()
    claimed = Registration.objects.filter(pk=registration.pk, checked_in_at=None).update(
        checked_in_at=now, checked_in_by=actor if getattr(actor, "pk", None) else None)
    registration.already_checked_in = not claimed
    if claimed:
        registration.checked_in_at = now
        audit_record(chamber=event.chamber, actor=actor, action="check in", target=event,
                     changes={"attendee": registration.attendee_name})
    else:
        registration.refresh_from_db(fields=["checked_in_at", "checked_in_by"])
    return registration
