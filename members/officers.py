"""Writes for officers: terms (届), appointments, the next term, rotating chairs, liaison."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from chamber.audit import audit_record, created, diff, snapshot

from .models import Liaison, OfficerPosition, RotatingChair, Term


def _same_chamber(chamber, **objects):
    for field, obj in objects.items():
        if obj is not None and obj.chamber_id != chamber.pk:
            raise ValidationError({field: _("This record does not exist.")})


@transaction.atomic
def term_create(*, chamber, actor, ordinal, starts_on, ends_on, elected_on=None, name=""):
    if Term.objects.filter(chamber=chamber, ordinal=ordinal).exists():
        raise ValidationError({"ordinal": _("This chamber already has a term with this number.")})
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": _("A term must end after it starts.")})
    term = Term(chamber=chamber, ordinal=ordinal, starts_on=starts_on, ends_on=ends_on, elected_on=elected_on,
                name=name or _("Term %(n)s") % {"n": ordinal})
    term.full_clean(exclude=["chamber"], validate_unique=False, validate_constraints=False)
    term.save()
    audit_record(chamber=chamber, actor=actor, action="create", target=term, changes=created(snapshot(term, TERM_FIELDS)))
    return term


TERM_FIELDS = ("ordinal", "name", "starts_on", "ends_on", "elected_on")


@transaction.atomic
def term_update(*, term, actor, **fields):
    """Correct a term's number, name or dates (the line-up is edited post by post)."""
    before = snapshot(term, TERM_FIELDS)
    for name, value in fields.items():
        if name not in TERM_FIELDS:
            raise ValueError(f"term_update cannot set {name}")
        setattr(term, name, value)
    if Term.objects.filter(chamber=term.chamber, ordinal=term.ordinal).exclude(pk=term.pk).exists():
        raise ValidationError({"ordinal": _("This chamber already has a term with this number.")})
    if term.ends_on <= term.starts_on:
        raise ValidationError({"ends_on": _("A term must end after it starts.")})
    term.full_clean(exclude=["chamber"], validate_unique=False, validate_constraints=False)
    term.save()
    changes = diff(before, snapshot(term, TERM_FIELDS))
    if changes:
        audit_record(chamber=term.chamber, actor=actor, action="update", target=term, changes=changes)
    return term


@transaction.atomic
def officer_appoint(*, term, actor, person, post, enterprise=None, branch=None, starts_on=None, ends_on=None):
    """Put a person in a post for a term (dates default to the term's)."""
    chamber = term.chamber
    _same_chamber(chamber, person=person, enterprise=enterprise, branch=branch)
    position = OfficerPosition(chamber=chamber, term=term, person=person, post=post, enterprise=enterprise, branch=branch,
                               starts_on=starts_on or term.starts_on, ends_on=ends_on)
    if position.ends_on and position.ends_on < position.starts_on:
        raise ValidationError({"ends_on": _("A post must end after it starts.")})
    position.full_clean(exclude=["chamber"], validate_unique=False, validate_constraints=False)
    position.save()
    audit_record(chamber=chamber, actor=actor, action="appoint", target=position,
                 changes={"post": [None, position.get_post_display()], "person": [None, person.name]})
    return position


@transaction.atomic
def officer_end(*, position, actor, ends_on, reason=""):
    if ends_on < position.starts_on:
        raise ValidationError({"ends_on": _("A post must end after it starts.")})
    old = position.ends_on
    position.ends_on = ends_on
    position.save(update_fields=["ends_on"])
    audit_record(chamber=position.chamber, actor=actor, action="end post", target=position, reason=reason,
                 changes={"ends_on": [str(old) if old else None, str(ends_on)]})
    return position


@transaction.atomic
def term_start_next(*, chamber, actor, starts_on, ends_on, elected_on=None, name="", carry_over=True, ordinal=None):
    """Open the next term after a general assembly (换届), optionally carrying the posts over
    so the secretariat edits the line-up instead of retyping it.

    `ordinal` defaults to the one after the latest term; a chamber that starts keeping its
    records at, say, its eighth term names that number itself. It may not go backwards:
    the posts carried over come from the latest term.
    """
    previous = Term.objects.filter(chamber=chamber).order_by("-ordinal").first()
    if ordinal is None:
        ordinal = (previous.ordinal + 1) if previous else 1
    elif previous and ordinal <= previous.ordinal:
        raise ValidationError({"ordinal": _("The new term must come after term {n}.").format(n=previous.ordinal)})
    term = term_create(chamber=chamber, actor=actor, ordinal=ordinal,
                       starts_on=starts_on, ends_on=ends_on, elected_on=elected_on, name=name)
    if previous and carry_over:
        current = OfficerPosition.objects.filter(chamber=chamber, term=previous).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=previous.ends_on)
        )
        carried = OfficerPosition.objects.bulk_create([
            OfficerPosition(chamber=chamber, term=term, person_id=p.person_id, enterprise_id=p.enterprise_id,
                            post=p.post, branch_id=p.branch_id, starts_on=starts_on)
            for p in current
        ])
        if carried:  # one entry for the whole line-up carried over (each post is then edited on its own)
            audit_record(chamber=chamber, actor=actor, action="carry over", target=term,
                         changes={"posts": [None, len(carried)], "from_term": [None, str(previous)]})
    return term


@transaction.atomic
def rotating_chair_add(*, term, actor, position, starts_on, ends_on):
    """One rotating-chair period; periods of a term may not overlap."""
    _same_chamber(term.chamber, position=position)
    if position.term_id != term.pk:
        raise ValidationError({"position": _("The officer must hold a post in this term.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("A period must end after it starts.")})
    if starts_on < term.starts_on or ends_on > term.ends_on:
        raise ValidationError({"starts_on": _("The period must lie within the term.")})
    if RotatingChair.objects.filter(chamber=term.chamber, term=term, starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        raise ValidationError({"starts_on": _("This period overlaps another rotating chair period.")})
    chair = RotatingChair.objects.create(chamber=term.chamber, term=term, position=position, starts_on=starts_on, ends_on=ends_on)
    audit_record(chamber=term.chamber, actor=actor, action="rotating chair", target=position,
                 changes={"period": [None, f"{starts_on}–{ends_on}"]})
    return chair


@transaction.atomic
def liaison_assign(*, officer, membership, actor):
    _same_chamber(officer.chamber, membership=membership)
    liaison, created = Liaison.objects.get_or_create(chamber=officer.chamber, officer=officer, membership=membership)
    if created:  # assigning again changes nothing, so there is nothing to log
        audit_record(chamber=officer.chamber, actor=actor, action="liaison", target=membership,
                     changes={"liaison": [None, str(officer)]})
    return liaison


@transaction.atomic
def liaison_remove(*, liaison, actor):
    audit_record(chamber=liaison.chamber, actor=actor, action="liaison", target=liaison.membership,
                 changes={"liaison": [str(liaison.officer), None]})
    liaison.delete()


@transaction.atomic
def rotating_chair_remove(*, chair, actor):
    """Drop a rotating-chair period (planned wrongly, or the enterprise withdrew)."""
    audit_record(chamber=chair.chamber, actor=actor, action="rotating chair", target=chair.position,
                 changes={"period": [f"{chair.starts_on}–{chair.ends_on}", None]})
    chair.delete()
