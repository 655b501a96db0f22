"""Self-service: a member representative proposes changes to their own enterprise (profile,
contacts, annual figures); the secretariat approves or rejects them, or, where the chamber
lets changes apply at once (`Chamber.self_service_requires_approval` off), they apply
straight away with the representative as the actor.

A proposal is validated in full when it is made, with the validators and normalisers the
staff services use, and stored normalised: an approval then applies it through those same
services (enterprise_update, person_update, contact_add, contact_remove, annual_figures_set).
A decision claims the change with a conditional update on `status=pending`, so two staff
clicking at once cannot both apply it.
"""
import copy
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.access import MEMBERS_CHANGE
from chamber.audit import audit_record, snapshot

from .models import AnnualFigures, Contact, Enterprise, Person, SelfServiceChange, SelfServiceKind, SelfServiceStatus
from .selectors import enterprise_list
from .services import (
    SELF_SERVICE_ENTERPRISE_FIELDS,
    _enterprise_clean,
    _person_clean,
    annual_figures_set,
    contact_add,
    contact_remove,
    enterprise_update,
    person_create,
    person_update,
)

PROFILE_FIELDS = SELF_SERVICE_ENTERPRISE_FIELDS
CONTACT_PERSON_FIELDS = ("name", "mobile")
CONTACT_OWN_FIELDS = ("title", "is_primary")
CONTACT_FIELDS = CONTACT_PERSON_FIELDS + CONTACT_OWN_FIELDS
FIGURES_VALUES = ("revenue", "tax_paid", "employees")
FIGURES_FIELDS = ("year",) + FIGURES_VALUES


# --- Validating a proposal: each returns (before, proposed) ----------------------------------

def _refuse_unknown(values, allowed):
    refused = sorted(set(values) - set(allowed))
    if refused:
        raise ValidationError({name: _("You may not change this field.") for name in refused})


def _contact_snapshot(contact):
    return {"name": contact.person.name, "mobile": contact.person.mobile,
            "title": contact.title, "is_primary": contact.is_primary}


def _clean_profile(enterprise, values, contact):
    _refuse_unknown(values, PROFILE_FIELDS)
    candidate = copy.copy(enterprise)  # cleaned and normalised as enterprise_update would, never saved
    for name, value in values.items():
        setattr(candidate, name, value)
    _enterprise_clean(candidate)
    before, after = snapshot(enterprise, PROFILE_FIELDS), snapshot(candidate, PROFILE_FIELDS)
    return before, {name: after[name] for name in PROFILE_FIELDS if name in values and after[name] != before[name]}


def _clean_contact_values(enterprise, values, person):
    _refuse_unknown(values, CONTACT_FIELDS)
    person = copy.copy(person) if person is not None else Person(chamber=enterprise.chamber)
    for name in CONTACT_PERSON_FIELDS:
        if name in values:
            setattr(person, name, values[name] or "")
    _person_clean(person)
    contact = Contact(chamber=enterprise.chamber, title=(values.get("title") or "").strip(),
                      is_primary=bool(values.get("is_primary")))
    contact.full_clean(exclude=["chamber", "enterprise", "person"], validate_unique=False, validate_constraints=False)
    return {"name": person.name, "mobile": person.mobile, "title": contact.title, "is_primary": contact.is_primary}


def _clean_contact_add(enterprise, values, contact):
    return {}, _clean_contact_values(enterprise, values, None)


def _clean_contact_change(enterprise, values, contact):
    before = _contact_snapshot(contact)
    after = _clean_contact_values(enterprise, {**before, **values}, contact.person)
    return before, {name: after[name] for name in CONTACT_FIELDS if after[name] != before[name]}


def _clean_contact_remove(enterprise, values, contact):
    return _contact_snapshot(contact), {}


def _figures_before(enterprise, year):
    existing = AnnualFigures.objects.filter(chamber=enterprise.chamber_id, enterprise=enterprise, year=year).first()
    return snapshot(existing, FIGURES_FIELDS) if existing else {"year": year, **dict.fromkeys(FIGURES_VALUES)}


def _clean_figures(enterprise, values, contact):
    _refuse_unknown(values, FIGURES_FIELDS)
    figures = AnnualFigures(chamber=enterprise.chamber, enterprise=enterprise,
                            **{name: values.get(name) for name in FIGURES_FIELDS})
    figures.full_clean(exclude=["chamber", "enterprise"], validate_unique=False, validate_constraints=False)
    # annual_figures_set replaces the whole year, so all three values are proposed together.
    return _figures_before(enterprise, figures.year), snapshot(figures, FIGURES_FIELDS)


_CLEANERS = {
    SelfServiceKind.PROFILE: _clean_profile,
    SelfServiceKind.CONTACT_ADD: _clean_contact_add,
    SelfServiceKind.CONTACT_CHANGE: _clean_contact_change,
    SelfServiceKind.CONTACT_REMOVE: _clean_contact_remove,
    SelfServiceKind.FIGURES: _clean_figures,
}
_ABOUT_A_CONTACT = (SelfServiceKind.CONTACT_CHANGE, SelfServiceKind.CONTACT_REMOVE)


# --- Applying ---------------------------------------------------------------------------------

def self_service_reason(change):
    return _("Self-service change #{number}").format(number=change.pk)


def _live_contact(change):
    contact = (Contact.objects.filter(chamber=change.chamber_id, enterprise=change.enterprise_id, pk=change.contact_id)
               .select_related("person").first())
    if contact is None:
        raise ValidationError(_("This contact no longer exists; the change cannot be applied."))
    return contact


def _apply(change, *, actor):
    """Write the proposed values through the staff services, as `actor`."""
    enterprise, values, reason = change.enterprise, change.proposed, self_service_reason(change)
    if change.kind == SelfServiceKind.PROFILE:
        enterprise_update(enterprise=enterprise, actor=actor, allowed_fields=PROFILE_FIELDS, reason=reason, **values)
    elif change.kind == SelfServiceKind.CONTACT_ADD:
        person = person_create(chamber=enterprise.chamber, actor=actor, name=values["name"], mobile=values["mobile"])
        change.contact = contact_add(enterprise=enterprise, person=person, actor=actor,
                                     title=values["title"], is_primary=values["is_primary"])
        change.save(update_fields=["contact"])
    elif change.kind == SelfServiceKind.CONTACT_CHANGE:
        contact = _live_contact(change)
        person_values = {name: values[name] for name in CONTACT_PERSON_FIELDS if name in values}
        if person_values:
            person_update(person=contact.person, actor=actor, reason=reason, **person_values)
        # Fields not proposed keep their current values, even if staff changed them meanwhile.
        contact_add(enterprise=enterprise, person=contact.person, actor=actor,
                    title=values.get("title", contact.title), is_primary=values.get("is_primary", contact.is_primary))
    elif change.kind == SelfServiceKind.CONTACT_REMOVE:
        contact_remove(contact=_live_contact(change), actor=actor)
    elif change.kind == SelfServiceKind.FIGURES:
        annual_figures_set(enterprise=enterprise, actor=actor, **values)


# --- Proposing and deciding -------------------------------------------------------------------

@transaction.atomic
def self_service_propose(*, enterprise, user, kind, values=None, contact=None):
    """Propose a change to `enterprise` as its representative `user`; returns the change,
    already applied (status applied) when the chamber does not ask for approval."""
    if not user.has_perm("members.change_enterprise", enterprise):
        raise PermissionDenied(_("You may only change your own enterprise."))
    if kind not in _CLEANERS:
        raise ValidationError(_("Unknown kind of change."))
    if kind in _ABOUT_A_CONTACT:
        if contact is None or contact.enterprise_id != enterprise.pk or contact.chamber_id != enterprise.chamber_id:
            raise ValidationError({"contact": _("This contact does not exist.")})
    else:
        contact = None
    before, proposed = _CLEANERS[kind](enterprise, dict(values or {}), contact)
    unchanged = proposed == before if kind == SelfServiceKind.FIGURES else not proposed
    if kind != SelfServiceKind.CONTACT_REMOVE and unchanged:
        raise ValidationError(_("Nothing has changed."))
    chamber = enterprise.chamber
    change = SelfServiceChange.objects.create(
        chamber=chamber, enterprise=enterprise, kind=kind, contact=contact, proposed=proposed, before=before,
        requested_by=user,
    )
    if not chamber.self_service_requires_approval:
        _apply(change, actor=user)
        change.status, change.decided_at = SelfServiceStatus.APPLIED, timezone.now()
        change.save(update_fields=["status", "decided_at"])
    return change


def _check_reach(change, access):
    """A branch secretary decides only on enterprises that are members in their subtrees."""
    if access is None:
        return
    if not access.has(MEMBERS_CHANGE):
        raise PermissionDenied
    if access.branch_paths(MEMBERS_CHANGE) is None:
        return
    if not enterprise_list(chamber=access.chamber, access=access, capability=MEMBERS_CHANGE).filter(
        pk=change.enterprise_id
    ).exists():
        raise PermissionDenied(_("You may only manage members of your own branches."))


def _claim(change, *, actor, status, note):
    """Move the change from pending to `status`; only one caller can ever succeed."""
    now = timezone.now()
    claimed = SelfServiceChange.objects.filter(
        chamber=change.chamber_id, pk=change.pk, status=SelfServiceStatus.PENDING
    ).update(status=status, decided_by=actor, decided_at=now, decision_note=note[:500])
    if not claimed:
        raise ValidationError(_("This change has already been decided."), code="decided")
    change.status, change.decided_by, change.decided_at, change.decision_note = status, actor, now, note[:500]


@transaction.atomic
def self_service_approve(*, change, actor, note="", access=None):
    """Apply a pending change as `actor` (the approver); refused if already decided."""
    _check_reach(change, access)
    note = (note or "").strip()
    _claim(change, actor=actor, status=SelfServiceStatus.APPROVED, note=note)
    _apply(change, actor=actor)  # a ValidationError rolls the claim back: the change stays pending
    audit_record(chamber=change.chamber, actor=actor, action="self-service approve", target=change,
                 changes={"status": [SelfServiceStatus.PENDING, SelfServiceStatus.APPROVED]},
                 reason=note or self_service_reason(change))
    return change


@transaction.atomic
def self_service_reject(*, change, actor, note, access=None):
    """Refuse a pending change, saying why; the enterprise is left as it is."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Please say why the change is rejected.")})
    _check_reach(change, access)
    _claim(change, actor=actor, status=SelfServiceStatus.REJECTED, note=note)
    audit_record(chamber=change.chamber, actor=actor, action="self-service reject", target=change,
                 changes={"status": [SelfServiceStatus.PENDING, SelfServiceStatus.REJECTED]}, reason=note)
    return change


# --- Showing a change -------------------------------------------------------------------------

_LABEL_SOURCES = {
    **{name: Enterprise for name in PROFILE_FIELDS},
    "name": Person, "mobile": Person, "title": Contact, "is_primary": Contact,
    **{name: AnnualFigures for name in FIGURES_FIELDS},
}
MONEY_FIELDS = {"registered_capital", "revenue", "tax_paid"}


@dataclass
class DiffRow:
    """One field of a change: before → proposed, and the value now if it moved since."""

    field: str
    label: str
    before: object
    proposed: object
    current: object = None
    changed_since: bool = False
    is_money: bool = False
    is_bool: bool = False


def _current_values(change):
    """The record's values now (one query at most), or None when it is gone or not comparable."""
    if change.kind == SelfServiceKind.PROFILE:
        enterprise = Enterprise.objects.filter(chamber=change.chamber_id, pk=change.enterprise_id).first()
        return snapshot(enterprise, PROFILE_FIELDS) if enterprise else None
    if change.kind in _ABOUT_A_CONTACT:
        contact = (Contact.objects.filter(chamber=change.chamber_id, pk=change.contact_id)
                   .select_related("person").first())
        return _contact_snapshot(contact) if contact else None
    if change.kind == SelfServiceKind.FIGURES:
        return _figures_before(change.enterprise, change.proposed.get("year"))
    return None


def self_service_diff(change):
    """The change field by field; for a pending change, also what the record holds now."""
    if change.kind == SelfServiceKind.CONTACT_REMOVE:
        fields = [name for name in CONTACT_FIELDS if name in change.before]
    else:
        fields = [name for name in change.proposed if name in _LABEL_SOURCES]
    current = _current_values(change) if change.status == SelfServiceStatus.PENDING else None
    rows = []
    for name in fields:
        before = change.before.get(name)
        row = DiffRow(field=name, label=_LABEL_SOURCES[name]._meta.get_field(name).verbose_name,
                      before=before, proposed=change.proposed.get(name),
                      is_money=name in MONEY_FIELDS, is_bool=name == "is_primary")
        if current is not None and name in current:
            row.current = current[name]
            row.changed_since = current[name] != before and change.kind != SelfServiceKind.CONTACT_ADD
        rows.append(row)
    return rows
