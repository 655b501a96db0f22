"""Writes of charity: programmes, recipients, donations and what is posted against them.

Programmes and recipients move no money (capability charity.manage); recording a donation,
a receipt, a withdrawn pledge or a reversal does (money.record). Every movement of money
goes through chamber.ledger, so a donation's received and withdrawn totals are always the
sum of its entries, receipts are numbered without gaps (JZ-<year>-00001) and a mistake
is undone by a reversal entry, never by editing or deleting.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.access import CHARITY_MANAGE, MONEY_RECORD
from chamber.audit import audit_record, diff, snapshot
from chamber.ledger import ledger_reverse, ledger_settle, ledger_write_off, money_parse
from chamber.models import PaymentMethod
from members.models import MembershipBranch, MembershipStatus, OfficerPosition

from .models import (
    Donation,
    DonationForm,
    DonorKind,
    Programme,
    ProgrammeForm,
    ProgrammeKind,
    Recipient,
    RecipientKind,
)

PROGRAMME_FIELDS = ("name", "kind", "form", "goal_amount", "starts_on", "ends_on", "organiser_branch",
                    "description", "honour_roll_public")
RECIPIENT_FIELDS = ("name", "kind", "address", "note")


def _require(access, capability):
    """Services called with the caller's `access` refuse what it does not allow (views check first)."""
    if access is not None and not access.has(capability):
        raise PermissionDenied


def _check_date(value, field, *, allow_future=False):
    if not isinstance(value, datetime.date):
        raise ValidationError({field: _("Enter a valid date.")})
    if not allow_future and value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    return value


# --- Programmes and recipients ---------------------------------------------------------------

def _programme_validate(programme):
    errors = {}
    programme.name = (programme.name or "").strip()
    if not programme.name:
        errors["name"] = _("Please give the programme a name.")
    elif Programme.objects.filter(chamber_id=programme.chamber_id, name=programme.name).exclude(pk=programme.pk).exists():
        errors["name"] = _("This chamber already has a programme named “{name}”.").format(name=programme.name)
    if programme.kind not in ProgrammeKind.values:
        errors["kind"] = _("Choose the cause of the programme.")
    if programme.form not in ProgrammeForm.values:
        errors["form"] = _("Choose whether this is a drive or a standing fund.")
    if not isinstance(programme.starts_on, datetime.date):
        errors["starts_on"] = _("Enter a valid date.")
    elif programme.ends_on is not None and (
            not isinstance(programme.ends_on, datetime.date) or programme.ends_on < programme.starts_on):
        errors["ends_on"] = _("The end date cannot be before the start date.")
    if programme.goal_amount not in (None, ""):
        try:
            programme.goal_amount = money_parse(programme.goal_amount, field="goal_amount", allow_zero=True)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    else:
        programme.goal_amount = None
    branch = programme.organiser_branch
    if branch is not None and branch.chamber_id != programme.chamber_id:
        errors["organiser_branch"] = _("Choose a branch of this chamber.")
    if errors:
        raise ValidationError(errors)


def _save_programme(programme):
    try:
        with transaction.atomic():
            programme.save()
    except IntegrityError:
        # A concurrent request took the name between the check and the insert.
        raise ValidationError({"name": _("This chamber already has a programme named “{name}”.").format(
            name=programme.name)}) from None


@transaction.atomic
def programme_create(*, chamber, actor, access=None, name, kind, starts_on, form=ProgrammeForm.DRIVE,
                     goal_amount=None, ends_on=None, organiser_branch=None, description="",
                     honour_roll_public=False):
    """A new programme or fund of `chamber`."""
    _require(access, CHARITY_MANAGE)
    programme = Programme(chamber=chamber, name=name, kind=kind, form=form, goal_amount=goal_amount,
                          starts_on=starts_on, ends_on=ends_on, organiser_branch=organiser_branch,
                          description=(description or "").strip(), honour_roll_public=bool(honour_roll_public))
    _programme_validate(programme)
    _save_programme(programme)
    audit_record(chamber=chamber, actor=actor, action="create", target=programme,
                 changes={"name": programme.name, "kind": programme.kind})
    return programme


@transaction.atomic
def programme_update(*, programme, actor, access=None, **fields):
    """Change a programme's details (any of PROGRAMME_FIELDS)."""
    _require(access, CHARITY_MANAGE)
    unknown = set(fields) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ValueError("unknown programme fields: {}".format(sorted(unknown)))
    before = snapshot(programme, PROGRAMME_FIELDS)
    for field, value in fields.items():
        if field == "description":
            value = (value or "").strip()
        setattr(programme, field, value)
    _programme_validate(programme)
    _save_programme(programme)
    changes = diff(before, snapshot(programme, PROGRAMME_FIELDS))
    if changes:
        audit_record(chamber=programme.chamber, actor=actor, action="update", target=programme, changes=changes)
    return programme


def _set_closed(programme, actor, access, closed):
    _require(access, CHARITY_MANAGE)
    if programme.is_closed != closed:
        programme.is_closed = closed
        programme.save(update_fields=["is_closed", "updated_at"])
        audit_record(chamber=programme.chamber, actor=actor, action="close" if closed else "reopen",
                     target=programme)
    return programme


@transaction.atomic
def programme_close(*, programme, actor, access=None):
    """Close a programme: it takes no new donations (receipts on existing pledges still post)."""
    return _set_closed(programme, actor, access, True)


@transaction.atomic
def programme_reopen(*, programme, actor, access=None):
    """Open a closed programme again."""
    return _set_closed(programme, actor, access, False)


def _recipient_validate(recipient):
    errors = {}
    recipient.name = (recipient.name or "").strip()
    if not recipient.name:
        errors["name"] = _("Please give the recipient's name.")
    elif Recipient.objects.filter(chamber_id=recipient.chamber_id, programme_id=recipient.programme_id,
                                  name=recipient.name).exclude(pk=recipient.pk).exists():
        errors["name"] = _("This programme already has a recipient named “{name}”.").format(name=recipient.name)
    if recipient.kind not in RecipientKind.values:
        errors["kind"] = _("Choose the kind of recipient.")
    recipient.address = (recipient.address or "").strip()
    recipient.note = (recipient.note or "").strip()
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            recipient.save()
    except IntegrityError:
        raise ValidationError({"name": _("This programme already has a recipient named “{name}”.").format(
            name=recipient.name)}) from None


@transaction.atomic
def recipient_add(*, programme, actor, access=None, name, kind, address="", note=""):
    """A recipient (family, school, village, area …) of `programme`."""
    _require(access, CHARITY_MANAGE)
    recipient = Recipient(chamber_id=programme.chamber_id, programme=programme, name=name, kind=kind,
                          address=address, note=note)
    _recipient_validate(recipient)
    audit_record(chamber=programme.chamber, actor=actor, action="recipient_add", target=programme,
                 changes={"recipient": recipient.name})
    return recipient


@transaction.atomic
def recipient_update(*, recipient, actor, access=None, **fields):
    """Change a recipient's name, kind, address or note."""
    _require(access, CHARITY_MANAGE)
    unknown = set(fields) - set(RECIPIENT_FIELDS)
    if unknown:
        raise ValueError("unknown recipient fields: {}".format(sorted(unknown)))
    before = snapshot(recipient, RECIPIENT_FIELDS)
    for field, value in fields.items():
        setattr(recipient, field, value)
    _recipient_validate(recipient)
    changes = diff(before, snapshot(recipient, RECIPIENT_FIELDS))
    if changes:
        audit_record(chamber=recipient.programme.chamber, actor=actor, action="update", target=recipient,
                     changes=changes)
    return recipient


# --- Donations ---------------------------------------------------------------------------------

def _member_branch(membership):
    """The member's first branch by tree path (a member may sit in several)."""
    link = (MembershipBranch.objects.filter(chamber_id=membership.chamber_id, membership=membership)
            .select_related("branch").order_by("branch__path", "pk").first())
    return link.branch if link else None


def _donor(*, chamber_id, donor_kind, membership, branch, person, donor_name):
    """(membership, branch, person, donor_name, credited branch) for the kind, or a field error."""
    if donor_kind == DonorKind.MEMBER:
        if membership is None or membership.chamber_id != chamber_id:
            raise ValidationError({"membership": _("Choose a member of this chamber.")})
        if membership.status == MembershipStatus.LEFT:
            raise ValidationError({"membership": _("This member has left the chamber.")})
        return membership, None, None, membership.holder_name, _member_branch(membership)
    if donor_kind == DonorKind.BRANCH:
        if branch is None or branch.chamber_id != chamber_id:
            raise ValidationError({"branch": _("Choose a branch of this chamber.")})
        return None, branch, None, branch.name, branch
    if donor_kind == DonorKind.OFFICER:
        if person is None or person.chamber_id != chamber_id:
            raise ValidationError({"person": _("Choose an officer of this chamber.")})
        position = (OfficerPosition.objects.filter(chamber_id=chamber_id, person=person)
                    .select_related("branch").order_by("-starts_on", "-pk").first())
        if position is None:
            raise ValidationError({"person": _("This person holds no officer post in this chamber.")})
        return None, None, person, person.name, position.branch
    if donor_kind == DonorKind.OUTSIDE:
        name = (donor_name or "").strip()
        if not name:
            raise ValidationError({"donor_name": _("Please give the donor's name.")})
        return None, None, None, name[:200], None
    raise ValidationError({"donor_kind": _("Choose who the donor is.")})


@transaction.atomic
def donation_record(*, programme, actor, donor_kind, form, amount, pledged_on, membership=None, branch=None,
                    person=None, donor_name="", goods_description="", recipient=None, anonymous=False,
                    note="", received=None, access=None):
    """Record a donation (the pledged amount, fixed from now on) and, with `received`
    ({"amount", "on", "method", "reference"}), its first receipt at once."""
    _require(access, MONEY_RECORD)
    if programme.is_closed:
        raise ValidationError({"programme": _("This programme is closed and takes no new donations.")})
    membership, donor_branch, person, name, credited = _donor(
        chamber_id=programme.chamber_id, donor_kind=donor_kind, membership=membership, branch=branch,
        person=person, donor_name=donor_name)
    if form not in DonationForm.values:
        raise ValidationError({"form": _("Choose money or goods.")})
    goods_description = (goods_description or "").strip()
    if form == DonationForm.GOODS and not goods_description:
        raise ValidationError({"goods_description": _("Describe the goods donated.")})
    if form == DonationForm.MONEY:
        goods_description = ""
    if recipient is not None and (recipient.chamber_id != programme.chamber_id or recipient.programme_id != programme.pk):
        raise ValidationError({"recipient": _("Choose a recipient of this programme.")})
    amount = money_parse(amount)
    _check_date(pledged_on, "pledged_on")
    donation = Donation.objects.create(
        chamber=programme.chamber, programme=programme, donor_kind=donor_kind, membership=membership,
        person=person, branch=donor_branch or credited, donor_name=name, form=form,
        goods_description=goods_description[:500], recipient=recipient, pledged_on=pledged_on,
        anonymous=bool(anonymous), note=(note or "").strip()[:500], amount=amount,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(chamber=programme.chamber, actor=actor, action="create", target=donation,
                 changes={"programme": [None, programme.name], "donor": [None, name], "amount": [None, str(amount)],
                          "form": [None, form], "pledged_on": [None, str(pledged_on)]})
    if received:
        try:
            donation_receive(donation=donation, actor=actor, amount=received.get("amount"),
                             received_on=received.get("on") or pledged_on, method=received.get("method") or "",
                             reference=received.get("reference") or "")
        except ValidationError as exc:
            # Name the fields of the "received now" part, not the pledge's own amount.
            for old in ("amount", "method", "reference"):
                exc = _renamed(exc, old, "received_" + old)
            raise exc from None
        # chamber.ledger updated a locked copy; show the caller the running totals too.
        donation.refresh_from_db(fields=["settled_amount", "written_off_amount"])
    return donation


@transaction.atomic
def donation_receive(*, donation, actor, amount, received_on, method, reference="", access=None):
    """Money or goods received on a pledge: an entry with a numbered receipt (JZ-<year>-00001)."""
    _require(access, MONEY_RECORD)
    if donation.form == DonationForm.GOODS:
        method = PaymentMethod.GOODS
    elif method not in PaymentMethod.values or method == PaymentMethod.GOODS:
        raise ValidationError({"method": _("Choose how the money was received.")})
    _check_date(received_on, "received_on")
    try:
        return ledger_settle(document=donation, amount=amount, actor=actor, occurred_on=received_on,
                             method=method, reference=reference)
    except ValidationError as exc:
        raise _renamed(exc, "occurred_on", "received_on") from None


@transaction.atomic
def donation_withdraw(*, donation, actor, amount, reason, access=None):
    """Part or all of a pledge that will not be honoured (认捐撤回), with a reason."""
    _require(access, MONEY_RECORD)
    return ledger_write_off(document=donation, amount=amount, actor=actor, reason=reason)


@transaction.atomic
def donation_entry_reverse(*, entry, actor, reason, access=None):
    """Undo a receipt or a withdrawal with a reversal entry (the original stays as it was)."""
    _require(access, MONEY_RECORD)
    return ledger_reverse(entry=entry, actor=actor, reason=reason)


def _renamed(exc, old, new):
    if hasattr(exc, "error_dict") and old in exc.error_dict:
        errors = dict(exc.error_dict)
        errors[new] = errors.pop(old)
        return ValidationError(errors)
    return exc
