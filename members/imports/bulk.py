"""Admitting many checked member rows at once: the same records member_register makes (an
enterprise or person, the membership with its branch links and first history rows, a
primary contact, the audit entries), written with one bulk insert per table.

Why not member_register per row: it costs about 36 queries per member (existence checks,
savepoints, one insert per history row and audit entry), some 25 ms a row on PostgreSQL,
so a 20,000-row roster would take eight minutes. The rows reaching here have passed the
import's check against lookups loaded once (USCC and ID check characters, ranks, branches,
member numbers, duplicates in the chamber), so the per-row checks of the services would
only repeat it; the database's unique and check constraints remain the last guard, and
the pipeline falls back to apply_row (the services) for a chunk that fails.
"""
from django.utils import timezone

from chamber.audit import actor_label
from chamber.models import AuditEntry
from chamber.validators import id_number_birth_date

from ..models import (
    ChangeField,
    Contact,
    Enterprise,
    Membership,
    MembershipBranch,
    MembershipChange,
    MembershipKind,
    MembershipStatus,
    Person,
)
from ..services import ENTERPRISE_FIELDS, branch_names_text, id_number_gender, pinyin_initials


def _audit(chamber, actor, action, target, changes):
    return AuditEntry(chamber=chamber, actor=actor if getattr(actor, "pk", None) else None,
                      actor_label=actor_label(actor)[:150], action=action, target_type=target._meta.label_lower,
                      target_id=str(target.pk), target_repr=str(target)[:200], changes=changes)


def _person(chamber, name, mobile="", id_number="", gender=""):
    person = Person(chamber=chamber, name=name, mobile=mobile, id_number=id_number, gender=gender,
                    name_initials=pinyin_initials(name)[:60])
    if id_number:  # as members.services._person_clean derives them
        person.birth_date = id_number_birth_date(id_number)
        person.gender = gender or id_number_gender(id_number)
    return person


def member_register_many(*, chamber, actor, rows, reason):
    """Admit the members of `rows` (the members import's checked rows); returns each row's
    undo records, as MembersImport.apply_row does. Call inside a transaction."""
    today = timezone.localdate()
    enterprises, persons, contact_persons = {}, {}, {}
    for index, row in enumerate(rows):
        if row["kind"] == MembershipKind.INDIVIDUAL:
            if not row["person_id"]:
                persons[index] = _person(chamber, row["name"], row["mobile"], row["id_number"], row["gender"])
        else:
            if not row["enterprise_id"]:
                enterprises[index] = Enterprise(
                    chamber=chamber, name=row["name"], name_initials=pinyin_initials(row["name"]), uscc=row["uscc"],
                    industry_code=row["industry_code"], legal_representative=row["legal_representative"],
                    address=row["address"])
            if row["contact"]:
                contact_persons[index] = _person(chamber, row["contact"]["name"], row["contact"]["mobile"])
    Enterprise.objects.bulk_create(enterprises.values())
    Person.objects.bulk_create([*persons.values(), *contact_persons.values()])

    memberships = {}
    for index, row in enumerate(rows):
        individual = row["kind"] == MembershipKind.INDIVIDUAL
        enterprise_id = None if individual else (row["enterprise_id"] or enterprises[index].pk)
        person_id = (row["person_id"] or persons[index].pk) if individual else None
        joined_on = row["joined_on"]
        if row["status"] == MembershipStatus.ACTIVE and joined_on is None:
            joined_on = today
        memberships[index] = Membership(
            chamber=chamber, kind=row["kind"], enterprise_id=enterprise_id, person_id=person_id, rank=row["rank"],
            name=row["holder_name"], member_number=row["member_number"], joined_on=joined_on, status=row["status"])
    Membership.objects.bulk_create(memberships.values())

    links, history, contacts, audit = [], [], {}, []
    label = actor_label(actor)[:150]
    actor_or_none = actor if getattr(actor, "pk", None) else None
    for index, row in enumerate(rows):
        membership = memberships[index]
        links += [MembershipBranch(chamber=chamber, membership=membership, branch=b) for b in row["branches"]]
        changes = [(ChangeField.CREATED, membership.status), (ChangeField.RANK, row["rank"].name)]
        if row["branches"]:
            changes.append((ChangeField.BRANCHES, branch_names_text(row["branches"])))
        history += [MembershipChange(chamber=chamber, membership=membership, field=field, old_value="",
                                     new_value=str(value)[:500], reason=reason[:500],
                                     effective_on=membership.joined_on or today, actor=actor_or_none,
                                     actor_label=label) for field, value in changes]
        if index in contact_persons:
            contacts[index] = Contact(chamber=chamber, enterprise_id=membership.enterprise_id,
                                      person=contact_persons[index], title=row["contact"]["title"], is_primary=True)
    # A contact made primary on an enterprise the chamber already had takes over the flag.
    existing = {contacts[i].enterprise_id for i in contacts if rows[i]["enterprise_id"]}
    primary_before = {}
    if existing:
        primaries = Contact.objects.filter(chamber=chamber, enterprise_id__in=existing, is_primary=True)
        for pk, enterprise_id in primaries.values_list("pk", "enterprise_id"):
            primary_before.setdefault(enterprise_id, []).append(pk)
        primaries.update(is_primary=False)
    MembershipBranch.objects.bulk_create(links)
    MembershipChange.objects.bulk_create(history)
    Contact.objects.bulk_create(contacts.values())
    # One audit entry per member: the record made, with its contact (the services write
    # one for the enterprise, one for the contact person and one for the contact).
    for index, row in enumerate(rows):
        contact = contacts.get(index)
        contact_change = {"contact": [None, "{} {}".format(contact.person.name, contact.title).strip()]} if contact else {}
        if index in enterprises:
            enterprise = enterprises[index]
            changes = {name: [None, getattr(enterprise, name)] for name in ENTERPRISE_FIELDS
                       if getattr(enterprise, name) not in ("", None)}
            audit.append(_audit(chamber, actor, "create", enterprise, {**changes, **contact_change}))
        elif index in persons:
            audit.append(_audit(chamber, actor, "create", persons[index], {"name": [None, persons[index].name]}))
        elif contact:
            audit.append(_audit(chamber, actor, "contact", Enterprise(pk=contact.enterprise_id, name=row["holder_name"]),
                                contact_change))
    AuditEntry.objects.bulk_create(audit)

    records = []
    for index, row in enumerate(rows):
        made = []
        if index in enterprises:
            made.append({"made": "enterprise", "id": enterprises[index].pk})
        if index in persons:
            made.append({"made": "person", "id": persons[index].pk})
        if index in contacts:
            made += [{"made": "person", "id": contact_persons[index].pk}, {"made": "contact", "id": contacts[index].pk}]
            if row["enterprise_id"]:
                made[-1]["primary_before"] = primary_before.get(row["enterprise_id"], [])
        made.append({"made": "membership", "id": memberships[index].pk})
        for record in made:
            record["name"] = row["name"]
        records.append(made)
    return records
