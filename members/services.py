"""Writes to the roster: enterprises, people, contacts, memberships and their history,
annual figures and self-service grants. Officers live in `members/officers.py`.

Every service validates (raising Django's ValidationError with field messages in the
user's language), writes inside a transaction, and records who changed what.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm
from pypinyin import Style, lazy_pinyin

from chamber.access import MEMBERS_CHANGE
from chamber.audit import actor_label, audit_record, created, diff, snapshot
from chamber.models import Role, RoleKind
from chamber.validators import normalize_id_number, normalize_industry_code, normalize_mobile, normalize_uscc, id_number_birth_date

from .models import (
    STATUS_TRANSITIONS,
    AnnualFigures,
    ChangeField,
    Contact,
    Enterprise,
    Membership,
    MembershipBranch,
    MembershipChange,
    MembershipKind,
    MembershipStatus,
    Person,
    Rank,
)
from .privacy import consent_record
from .selectors import enterprise_self_service_list

ENTERPRISE_FIELDS = (
    "name", "uscc", "legal_representative", "industry_code", "division_code", "address",
    "founded_on", "registered_capital", "employees", "website", "description",
)
# What a member representative may change on their own enterprise.
SELF_SERVICE_ENTERPRISE_FIELDS = (
    "legal_representative", "industry_code", "address", "registered_capital", "employees", "website", "description",
)
PERSON_FIELDS = ("name", "gender", "birth_date", "mobile", "email", "id_number", "political_affiliation")
# What a roster row (members.api.serializers.roster_document) shows of a member's enterprise
# and people: a change to one of these is a change of the member for sync clients.
ROSTER_ENTERPRISE_FIELDS = ("name", "uscc", "legal_representative", "industry_code", "division_code", "address")
ROSTER_PERSON_FIELDS = ("name", "mobile")

DEFAULT_RANKS = (
    ("president", "会长单位"),
    ("executive-president", "执行会长单位"),
    ("vice-president", "副会长单位"),
    ("standing-council", "常务理事单位"),
    ("council", "理事单位"),
    ("member", "会员单位"),
)


def pinyin_initials(text):
    """'苏州光电' -> 'szgd'; letters and digits in the text are kept as they are."""
    letters = lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors="default")
    return "".join(ch for ch in "".join(letters).lower() if ch.isalnum())[:200]


def _normalise(instance, field, normaliser):
    value = getattr(instance, field)
    if value:
        try:
            setattr(instance, field, normaliser(value))
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from None


def _save_unique(instance, unique_errors):
    """Save, turning a unique-constraint race into the same field error a pre-check gives."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        for marker, error in unique_errors.items():
            if marker in str(exc):
                raise ValidationError(error) from None
        raise


def ensure_within_reach(access, membership):
    """A branch-limited writer must still see the member after the write (else roll back)."""
    if access is None or access.branch_paths(MEMBERS_CHANGE) is None:
        return
    # Read the links afresh: `membership.branches` may be a prefetched list from before the write.
    links = MembershipBranch.objects.filter(chamber=membership.chamber, membership=membership).select_related("branch")
    branches = [link.branch for link in links]
    if not access.covers_any(MEMBERS_CHANGE, branches):
        raise PermissionDenied(_("You may only manage members of your own branches."))


# --- Ranks ---------------------------------------------------------------------------------

def rank_defaults_create(*, chamber):
    """Give a new chamber the usual rank list; it edits the list afterwards."""
    for order, (code, name) in enumerate(DEFAULT_RANKS):
        Rank.objects.get_or_create(chamber=chamber, code=code, defaults={"name": name, "order": (order + 1) * 10})


# --- Enterprises ---------------------------------------------------------------------------

def _enterprise_clean(enterprise):
    _normalise(enterprise, "uscc", normalize_uscc)
    _normalise(enterprise, "industry_code", normalize_industry_code)
    enterprise.name = (enterprise.name or "").strip()
    enterprise.name_initials = pinyin_initials(enterprise.name)
    enterprise.full_clean(exclude=["chamber"], validate_unique=False, validate_constraints=False)
    if enterprise.uscc and Enterprise.objects.filter(chamber=enterprise.chamber, uscc=enterprise.uscc).exclude(pk=enterprise.pk).exists():
        raise ValidationError({"uscc": _("An enterprise with this unified social credit code is already registered in this chamber.")})


_ENTERPRISE_UNIQUE = {
    "enterprise_uscc_unique_in_chamber": {"uscc": _("An enterprise with this unified social credit code is already registered in this chamber.")},
}


@transaction.atomic
def enterprise_create(*, chamber, actor, **fields):
    enterprise = Enterprise(chamber=chamber, **{k: v for k, v in fields.items() if k in ENTERPRISE_FIELDS})
    _enterprise_clean(enterprise)
    _save_unique(enterprise, _ENTERPRISE_UNIQUE)
    audit_record(chamber=chamber, actor=actor, action="create", target=enterprise,
                 changes={k: [None, v] for k, v in snapshot(enterprise, ENTERPRISE_FIELDS).items() if v not in ("", None)})
    return enterprise


@transaction.atomic
def enterprise_update(*, enterprise, actor, allowed_fields=ENTERPRISE_FIELDS, reason="", **fields):
    """Change an enterprise's profile; fields outside `allowed_fields` are refused."""
    refused = sorted(set(fields) - set(allowed_fields))
    if refused:
        raise ValidationError({name: _("You may not change this field.") for name in refused})
    before = snapshot(enterprise, ENTERPRISE_FIELDS)
    for name, value in fields.items():
        setattr(enterprise, name, value)
    _enterprise_clean(enterprise)
    _save_unique(enterprise, _ENTERPRISE_UNIQUE)
    changes = diff(before, snapshot(enterprise, ENTERPRISE_FIELDS))
    if "name" in changes:  # also moves updated_at
        memberships_touch(Membership.objects.filter(chamber=enterprise.chamber, enterprise=enterprise), name=enterprise.name)
    elif set(changes) & set(ROSTER_ENTERPRISE_FIELDS):
        memberships_touch(Membership.objects.filter(chamber=enterprise.chamber, enterprise=enterprise))
    if changes:
        audit_record(chamber=enterprise.chamber, actor=actor, action="update", target=enterprise, changes=changes, reason=reason)
    return enterprise


def memberships_touch(memberships, **fields):
    """The members' roster rows show what just changed on a related row (enterprise, person,
    contact, branch): move their updated_at so the sync feed (members/sync.py) sends them
    again, setting `fields` too (a holder's rename reaches the name memberships carry for
    sorting). One UPDATE, whatever the number of members."""
    memberships.update(updated_at=timezone.now(), **fields)


def _memberships_of_contacts(chamber, person):
    """The members whose roster rows list `person` among their enterprise's contacts."""
    enterprises = Contact.objects.filter(chamber=chamber, person=person).values("enterprise_id")
    return Membership.objects.filter(chamber=chamber, enterprise_id__in=enterprises)


def enterprise_self_service_update(*, enterprise, user, **fields):
    """A member representative edits their own enterprise (guardian object permission)."""
    if not user.has_perm("members.change_enterprise", enterprise):
        raise PermissionDenied(_("You may only change your own enterprise."))
    return enterprise_update(enterprise=enterprise, actor=user, allowed_fields=SELF_SERVICE_ENTERPRISE_FIELDS,
                             reason=_("Self-service"), **fields)


# --- People and contacts -------------------------------------------------------------------

def id_number_gender(id_number):
    """GB 11643: the 17th digit is odd for men, even for women."""
    return "male" if int(id_number[16]) % 2 else "female"


def _person_clean(person):
    person.name = (person.name or "").strip()
    _normalise(person, "mobile", normalize_mobile)
    _normalise(person, "id_number", normalize_id_number)
    if person.id_number:
        born = id_number_birth_date(person.id_number)
        if person.birth_date and person.birth_date != born:
            raise ValidationError({"birth_date": _("The birth date does not match the one inside the ID number.")})
        person.birth_date = born
        if not person.gender:
            person.gender = id_number_gender(person.id_number)
    person.name_initials = pinyin_initials(person.name)[:60]
    person.full_clean(exclude=["chamber"], validate_unique=False, validate_constraints=False)
    if person.id_number and Person.objects.with_id_number(person.chamber, person.id_number).exclude(pk=person.pk).exists():
        raise ValidationError({"id_number": _("A person with this ID number is already registered in this chamber.")})


_PERSON_UNIQUE = {
    "person_id_number_unique_in_chamber": {"id_number": _("A person with this ID number is already registered in this chamber.")},
}


@transaction.atomic
def person_create(*, chamber, actor, consent=False, **fields):
    """`consent`: the secretariat has the person's consent to process their data (PIPL),
    recorded as a PersonConsent row (members.privacy.consent_record)."""
    person = Person(chamber=chamber, **{k: v for k, v in fields.items() if k in PERSON_FIELDS + ("user",)})
    _person_clean(person)
    _save_unique(person, _PERSON_UNIQUE)
    audit_record(chamber=chamber, actor=actor, action="create", target=person,
                 # The ID number is masked by audit_record; the birth date it spells out is left out.
                 changes=created({k: v for k, v in snapshot(person, PERSON_FIELDS).items() if k != "birth_date"}))
    if consent:
        consent_record(person=person, actor=actor)
    return person


@transaction.atomic
def person_update(*, person, actor, reason="", consent=False, **fields):
    if consent:
        consent_record(person=person, actor=actor)
    refused = sorted(set(fields) - set(PERSON_FIELDS))
    if refused:
        raise ValidationError({name: _("You may not change this field.") for name in refused})
    before = snapshot(person, PERSON_FIELDS)
    if fields.get("id_number") and person.id_number:
        # A birth date and gender derived from the old number follow the new one (unless given).
        if "birth_date" not in fields and person.birth_date == id_number_birth_date(person.id_number):
            person.birth_date = None
        if "gender" not in fields and person.gender == id_number_gender(person.id_number):
            person.gender = ""
    for name, value in fields.items():
        setattr(person, name, value)
    _person_clean(person)
    _save_unique(person, _PERSON_UNIQUE)
    changes = diff(before, snapshot(person, PERSON_FIELDS))
    if "name" in changes:  # also moves updated_at
        memberships_touch(Membership.objects.filter(chamber=person.chamber, person=person), name=person.name)
    elif "mobile" in changes:
        memberships_touch(Membership.objects.filter(chamber=person.chamber, person=person))
    if set(changes) & set(ROSTER_PERSON_FIELDS):
        memberships_touch(_memberships_of_contacts(person.chamber, person))
    # The ID number goes into the log masked (chamber.audit.clean_changes), never in clear.
    if changes:
        audit_record(chamber=person.chamber, actor=actor, action="update", target=person, changes=changes, reason=reason)
    return person


@transaction.atomic
def contact_add(*, enterprise, person, actor, title="", is_primary=False):
    """Make `person` a contact of `enterprise`, or change their title or primary flag;
    the audit entry says which (and none is written when nothing changes)."""
    if person.chamber_id != enterprise.chamber_id:
        raise ValidationError({"person": _("This person does not exist.")})
    contact = Contact.objects.filter(chamber=enterprise.chamber, enterprise=enterprise, person=person).first()
    before = (contact.title, contact.is_primary) if contact else None
    if before == (title, is_primary):
        return contact
    if is_primary:
        Contact.objects.filter(chamber=enterprise.chamber, enterprise=enterprise).update(is_primary=False)
    contact = contact or Contact(chamber=enterprise.chamber, enterprise=enterprise, person=person)
    contact.title, contact.is_primary = title, is_primary
    contact.save()
    memberships_touch(Membership.objects.filter(chamber=enterprise.chamber, enterprise=enterprise))
    label = f"{person.name} {title}".strip()
    changes = {"contact": [None, label]} if before is None else {
        "contact": [f"{person.name} {before[0]}".strip(), label], "is_primary": [before[1], is_primary]
    }
    audit_record(chamber=enterprise.chamber, actor=actor, action="contact", target=enterprise, changes=changes)
    return contact


@transaction.atomic
def contact_remove(*, contact, actor):
    enterprise = contact.enterprise
    audit_record(chamber=enterprise.chamber, actor=actor, action="contact", target=enterprise,
                 changes={"contact": [f"{contact.person.name} {contact.title}".strip(), None]})
    contact.delete()
    memberships_touch(Membership.objects.filter(chamber=enterprise.chamber, enterprise=enterprise))


# --- Memberships and their history -----------------------------------------------------------

def _record(membership, actor, field, old, new, reason="", effective_on=None):
    return MembershipChange.objects.create(
        chamber=membership.chamber, membership=membership, field=field,
        old_value=str(old or "")[:500], new_value=str(new or "")[:500], reason=(reason or "")[:500],
        effective_on=effective_on or timezone.localdate(),
        actor=actor if getattr(actor, "pk", None) else None, actor_label=actor_label(actor)[:150],
    )


def branch_names_text(branches):
    return "、".join(sorted(b.name for b in branches))


def _check_branches(chamber, branches):
    for branch in branches:
        if branch.chamber_id != chamber.pk:
            raise ValidationError({"branches": _("This branch does not exist.")})
        if branch.status == "archived":
            raise ValidationError({"branches": _("Branch %(name)s is archived.") % {"name": branch.name}})


_MEMBERSHIP_UNIQUE = {
    "membership_number_unique": {"member_number": _("This member number is already in use in this chamber.")},
    "membership_one_current_per_enterprise": {"enterprise": _("This enterprise is already a member of this chamber.")},
}


@transaction.atomic
def membership_create(*, chamber, actor, kind, rank, enterprise=None, person=None, branches=(),
                      member_number="", joined_on=None, status=MembershipStatus.APPLIED, reason="", access=None):
    """Admit a member; the first history row records how it came in."""
    if rank.chamber_id != chamber.pk:
        raise ValidationError({"rank": _("This rank does not exist.")})
    for holder in (enterprise, person):
        if holder is not None and holder.chamber_id != chamber.pk:
            raise ValidationError({"enterprise" if holder is enterprise else "person": _("This record does not exist.")})
    if kind == MembershipKind.INDIVIDUAL and person is None:
        raise ValidationError({"person": _("An individual member needs a person.")})
    if kind != MembershipKind.INDIVIDUAL and enterprise is None:
        raise ValidationError({"enterprise": _("An enterprise or group member needs an organisation.")})
    if kind != MembershipKind.INDIVIDUAL:
        person = None
    else:
        enterprise = None
    if enterprise is not None and Membership.objects.filter(chamber=chamber, enterprise=enterprise).exclude(status=MembershipStatus.LEFT).exists():
        raise ValidationError({"enterprise": _("This enterprise is already a member of this chamber.")})
    if member_number and Membership.objects.filter(chamber=chamber, member_number=member_number).exists():
        raise ValidationError({"member_number": _("This member number is already in use in this chamber.")})
    if status not in (MembershipStatus.APPLIED, MembershipStatus.ACTIVE):
        raise ValidationError({"status": _("A new member is either applying or active.")})
    branches = list(branches)
    _check_branches(chamber, branches)
    if status == MembershipStatus.ACTIVE and joined_on is None:
        joined_on = timezone.localdate()
    membership = Membership(chamber=chamber, kind=kind, enterprise=enterprise, person=person, rank=rank,
                            name=(enterprise or person).name,
                            member_number=member_number, joined_on=joined_on, status=status)
    membership.full_clean(exclude=["chamber"], validate_unique=False, validate_constraints=False)
    _save_unique(membership, _MEMBERSHIP_UNIQUE)
    MembershipBranch.objects.bulk_create(
        [MembershipBranch(chamber=chamber, membership=membership, branch=b) for b in branches]
    )
    _record(membership, actor, ChangeField.CREATED, "", membership.status, reason, effective_on=joined_on)
    _record(membership, actor, ChangeField.RANK, "", rank.name, reason, effective_on=joined_on)
    if branches:
        _record(membership, actor, ChangeField.BRANCHES, "", branch_names_text(branches), reason, effective_on=joined_on)
    # audit trail (issue 10): the history above is the member's own story; the audit log
    # holds every change of the chamber in one place, with the same before/after.
    audit_record(chamber=chamber, actor=actor, action="create", target=membership, reason=reason, changes=created({
        "kind": kind, "status": membership.status, "rank": rank.name, "member_number": member_number,
        "joined_on": joined_on, "branches": branch_names_text(branches)}))
    ensure_within_reach(access, membership)
    return membership


@transaction.atomic
def membership_change_status(*, membership, actor, status, reason, effective_on=None, access=None):
    """Move a member along applied → active → suspended / lapsed / left, with a reason."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk, chamber=membership.chamber)
    if status not in MembershipStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    old = MembershipStatus(membership.status)
    new = MembershipStatus(status)
    if new == old:
        return membership
    if new not in STATUS_TRANSITIONS[old]:
        raise ValidationError({"status": _("A member cannot go from %(old)s to %(new)s.") % {"old": old.label, "new": new.label}})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give a reason for this change.")})
    effective_on = effective_on or timezone.localdate()
    membership.status = new
    if new == MembershipStatus.ACTIVE and membership.joined_on is None:
        membership.joined_on = effective_on
    if new == MembershipStatus.LEFT:
        membership.left_on = effective_on
    membership.save(update_fields=["status", "joined_on", "left_on", "updated_at"])
    _record(membership, actor, ChangeField.STATUS, old.value, new.value, reason, effective_on)
    audit_record(chamber=membership.chamber, actor=actor, action="status", target=membership,
                 changes={"status": [old.value, new.value]}, reason=reason)
    ensure_within_reach(access, membership)
    return membership


@transaction.atomic
def membership_change_rank(*, membership, actor, rank, reason, effective_on=None, access=None):
    if rank.chamber_id != membership.chamber_id:
        raise ValidationError({"rank": _("This rank does not exist.")})
    if rank.pk == membership.rank_id:
        return membership
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give a reason for this change.")})
    old = membership.rank
    membership.rank = rank
    membership.save(update_fields=["rank", "updated_at"])
    _record(membership, actor, ChangeField.RANK, old.name, rank.name, reason, effective_on)
    audit_record(chamber=membership.chamber, actor=actor, action="rank", target=membership,
                 changes={"rank": [old.name, rank.name]}, reason=reason)
    ensure_within_reach(access, membership)
    return membership


@transaction.atomic
def membership_set_branches(*, membership, actor, branches, reason, effective_on=None, access=None):
    branches = list(branches)
    _check_branches(membership.chamber, branches)
    current = list(membership.branches.all())
    if {b.pk for b in current} == {b.pk for b in branches}:
        return membership
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give a reason for this change.")})
    MembershipBranch.objects.filter(chamber=membership.chamber, membership=membership).exclude(branch__in=branches).delete()
    existing = {b.pk for b in current}
    MembershipBranch.objects.bulk_create([
        MembershipBranch(chamber=membership.chamber, membership=membership, branch=b) for b in branches if b.pk not in existing
    ])
    memberships_touch(Membership.objects.filter(pk=membership.pk))
    getattr(membership, "_prefetched_objects_cache", {}).pop("branches", None)  # now stale
    _record(membership, actor, ChangeField.BRANCHES, branch_names_text(current), branch_names_text(branches), reason, effective_on)
    audit_record(chamber=membership.chamber, actor=actor, action="branches", target=membership,
                 changes={"branches": [branch_names_text(current) or None, branch_names_text(branches) or None]},
                 reason=reason)
    ensure_within_reach(access, membership)
    return membership


@transaction.atomic
def membership_update(*, membership, actor, member_number=None, joined_on=None, reason="", access=None):
    """Edit the plain fields of a membership (number, join date); audited."""
    before = snapshot(membership, ("member_number", "joined_on"))
    if member_number is not None:
        if member_number and Membership.objects.filter(chamber=membership.chamber, member_number=member_number).exclude(pk=membership.pk).exists():
            raise ValidationError({"member_number": _("This member number is already in use in this chamber.")})
        membership.member_number = member_number
    if joined_on is not None:
        membership.joined_on = joined_on
    membership.full_clean(exclude=["chamber"], validate_unique=False, validate_constraints=False)
    _save_unique(membership, _MEMBERSHIP_UNIQUE)
    changes = diff(before, snapshot(membership, ("member_number", "joined_on")))
    if changes:
        audit_record(chamber=membership.chamber, actor=actor, action="update", target=membership, changes=changes, reason=reason)
    ensure_within_reach(access, membership)
    return membership


# --- Annual figures --------------------------------------------------------------------------

@transaction.atomic
def annual_figures_set(*, enterprise, actor, year, revenue=None, tax_paid=None, employees=None):
    """Create or replace one year's figures (one row per enterprise per year); audited."""
    figures = AnnualFigures.objects.filter(chamber=enterprise.chamber, enterprise=enterprise, year=year).first()
    before = snapshot(figures, ("revenue", "tax_paid", "employees")) if figures else {}
    figures = figures or AnnualFigures(chamber=enterprise.chamber, enterprise=enterprise, year=year)
    figures.revenue, figures.tax_paid, figures.employees = revenue, tax_paid, employees
    figures.full_clean(exclude=["chamber", "enterprise"], validate_unique=False, validate_constraints=False)
    figures.save()
    changes = diff(before, snapshot(figures, ("revenue", "tax_paid", "employees")))
    if changes:
        audit_record(chamber=enterprise.chamber, actor=actor, action=f"figures {year}", target=enterprise, changes=changes)
    return figures


# --- Member representatives (self-service) ----------------------------------------------------

@transaction.atomic
def member_representative_grant(*, enterprise, user, actor):
    """Let `user` keep `enterprise`'s profile, contacts and figures (and nothing else).
    Returns False when the user had both the role and the grant already (nothing logged)."""
    _role, role_created = Role.objects.get_or_create(
        chamber=enterprise.chamber, user=user, kind=RoleKind.MEMBER_REPRESENTATIVE, branch=None,
        defaults={"granted_by": actor if getattr(actor, "pk", None) else None},
    )
    if enterprise_self_service_list(chamber=enterprise.chamber, user=user).filter(pk=enterprise.pk).exists():
        return role_created
    assign_perm("members.change_enterprise", user, enterprise)
    audit_record(chamber=enterprise.chamber, actor=actor, action="grant representative", target=enterprise,
                 changes={"representative": [None, user.get_username()]})
    return True


@transaction.atomic
def member_representative_revoke(*, enterprise, user, actor):
    remove_perm("members.change_enterprise", user, enterprise)
    # The role was granted with the first enterprise; it ends with the last one.
    if not enterprise_self_service_list(chamber=enterprise.chamber, user=user).exists():
        Role.objects.filter(chamber=enterprise.chamber, user=user, kind=RoleKind.MEMBER_REPRESENTATIVE).delete()
    audit_record(chamber=enterprise.chamber, actor=actor, action="revoke representative", target=enterprise,
                 changes={"representative": [user.get_username(), None]})


# --- The member pages: create or edit a member in one go (members/views/profile.py) -----------

def _part_errors(part, exc):
    """Name each field error after the part of the form it belongs to ("enterprise.uscc"),
    so one page made of several forms puts every message under its own field."""
    if hasattr(exc, "error_dict"):
        return ValidationError({f"{part}.{field}": errors for field, errors in exc.error_dict.items()})
    return ValidationError({f"{part}.__all__": exc.messages})


@transaction.atomic
def member_register(*, chamber, actor, kind, membership, enterprise=None, person=None, contact=None, access=None):
    """Admit a new member with its enterprise (or, for an individual, its person) and an
    optional primary contact, all or nothing.

    `enterprise`, `person` and `contact` are dicts of fields (`contact` also takes `title`);
    `membership` holds membership_create's keywords (rank, branches, member_number, ...).
    Errors are keyed "<part>.<field>" (parts: enterprise, person, contact, membership).
    """
    part = "enterprise"
    try:
        holder_enterprise = holder_person = None
        if kind == MembershipKind.INDIVIDUAL:
            part = "person"
            holder_person = person_create(chamber=chamber, actor=actor, **(person or {}))
        else:
            holder_enterprise = enterprise_create(chamber=chamber, actor=actor, **(enterprise or {}))
        part = "membership"
        created = membership_create(chamber=chamber, actor=actor, kind=kind, enterprise=holder_enterprise,
                                    person=holder_person, access=access, **membership)
        if holder_enterprise is not None and contact and contact.get("name"):
            part = "contact"
            contact = dict(contact)
            title = contact.pop("title", "")
            contact_person = person_create(chamber=chamber, actor=actor, **contact)
            contact_add(enterprise=holder_enterprise, person=contact_person, actor=actor, title=title, is_primary=True)
    except ValidationError as exc:
        raise _part_errors(part, exc) from None
    return created


@transaction.atomic
def member_edit(*, membership, actor, access=None, enterprise=None, person=None, member_number=None,
                joined_on=None, rank=None, status=None, branches=None, reason="", effective_on=None):
    """Change a member's profile and membership at once, all or nothing: the profile through
    enterprise_update / person_update, plain fields through membership_update, and rank,
    status and branches through their own services (each writes a history row, and needs
    `reason` when it changes something). Errors are keyed "<part>.<field>"."""
    part = "enterprise"
    try:
        if enterprise is not None and membership.enterprise_id:
            enterprise_update(enterprise=membership.enterprise, actor=actor, reason=reason, **enterprise)
        if person is not None and membership.person_id:
            part = "person"
            person_update(person=membership.person, actor=actor, reason=reason, **person)
        part = "membership"
        membership_update(membership=membership, actor=actor, member_number=member_number, joined_on=joined_on,
                          reason=reason, access=access)
        if rank is not None:
            membership_change_rank(membership=membership, actor=actor, rank=rank, reason=reason,
                                   effective_on=effective_on, access=access)
        if status is not None:
            membership = membership_change_status(membership=membership, actor=actor, status=status, reason=reason,
                                                  effective_on=effective_on, access=access)
        if branches is not None:
            membership_set_branches(membership=membership, actor=actor, branches=branches, reason=reason,
                                    effective_on=effective_on, access=access)
    except ValidationError as exc:
        raise _part_errors(part, exc) from None
    return membership


# --- Bulk changes from the roster page ---------------------------------------------------------

class BulkAction:
    BRANCHES = "branches"
    RANK = "rank"
    STATUS = "status"


@transaction.atomic
def membership_bulk_change(*, chamber, actor, access, memberships, action, value, reason, effective_on=None):
    """Set the branches, the rank or the status of several members at once, with one reason.

    All or nothing: the first member that cannot take the change (a status transition that
    is not allowed, a member the writer's branch reach does not cover) undoes the whole
    batch, and the error names that member. Returns how many members actually changed
    (a member already in that state is left as it is, without a history row).
    """
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give a reason for this change.")})
    memberships = sorted(memberships, key=lambda m: m.pk)  # one lock order for concurrent batches
    if any(m.chamber_id != chamber.pk for m in memberships):
        raise ValidationError(_("This member does not exist."))
    changed = 0
    for membership in memberships:
        try:
            if action == BulkAction.BRANCHES:
                before = set(MembershipBranch.objects.filter(chamber=chamber, membership=membership)
                             .values_list("branch_id", flat=True))
                membership_set_branches(membership=membership, actor=actor, branches=value, reason=reason,
                                        effective_on=effective_on, access=access)
                changed += before != {b.pk for b in value}
            elif action == BulkAction.RANK:
                before = membership.rank_id
                membership_change_rank(membership=membership, actor=actor, rank=value, reason=reason,
                                       effective_on=effective_on, access=access)
                changed += before != value.pk
            elif action == BulkAction.STATUS:
                before = membership.status
                membership_change_status(membership=membership, actor=actor, status=value, reason=reason,
                                         effective_on=effective_on, access=access)
                changed += before != value
            else:
                raise ValidationError({"action": _("Unknown action.")})
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError) and getattr(exc, "error_dict", None) and "action" in exc.error_dict:
                raise
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise ValidationError(
                _("Nothing was changed. {name}: {error}").format(name=membership.holder_name, error=" ".join(messages)),
                code="bulk_member",
            ) from None
    return changed
