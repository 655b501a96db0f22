"""Writes of event outcomes: what an event achieved, for the annual report.

A figure left empty stays None ("not recorded"), which the totals keep apart from 0.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.audit import audit_record, diff, snapshot
from chamber.ledger import money_parse

from ..models import EventOutcome, EventStatus, OutcomeScope
from .meetings import require_manage

OUTCOME_FIELDS = ("participants", "people_trained", "deals_signed", "deals_amount", "scope", "summary")
COUNT_FIELDS = ("participants", "people_trained", "deals_signed")


def _count(value, field):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValidationError({field: _("Enter a whole number.")})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter a whole number.")}) from None
    if number != value and str(number) != str(value).strip():
        raise ValidationError({field: _("Enter a whole number.")})
    if number < 0:
        raise ValidationError({field: _("The number cannot be negative.")})
    if number > 10_000_000:
        raise ValidationError({field: _("This number is too large.")})
    return number


def _validate(outcome):
    errors = {}
    for field in COUNT_FIELDS:
        try:
            setattr(outcome, field, _count(getattr(outcome, field), field))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if outcome.deals_amount in (None, ""):
        outcome.deals_amount = None
    else:
        try:
            outcome.deals_amount = money_parse(outcome.deals_amount, field="deals_amount", allow_zero=True)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if outcome.scope not in OutcomeScope.values:
        errors["scope"] = _("Choose domestic or abroad.")
    outcome.summary = (outcome.summary or "").strip()
    if len(outcome.summary) > 5000:
        errors["summary"] = _("The summary has at most 5,000 characters.")
    if errors:
        raise ValidationError(errors)
    if (outcome.people_trained is not None and outcome.participants is not None
            and outcome.people_trained > outcome.participants):
        errors["people_trained"] = _("More people trained ({trained}) than participants ({participants}).").format(
            trained=outcome.people_trained, participants=outcome.participants)
    if outcome.deals_amount and not outcome.deals_signed:
        errors["deals_signed"] = _("An amount of deals is recorded: give the number of deals signed too.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def outcome_set(*, event, actor, access=None, **fields):
    """Record or change what `event` achieved (any of OUTCOME_FIELDS; those not given keep
    their value). Only for events that took place: not cancelled, not still to come."""
    require_manage(access, event)
    unknown = set(fields) - set(OUTCOME_FIELDS)
    if unknown:
        raise ValueError("unknown outcome fields: {}".format(sorted(unknown)))
    if event.status in (EventStatus.CANCELLED, EventStatus.DRAFT):
        raise ValidationError({"event": _("Outcomes are recorded for events that took place, not for a draft or a "
                                          "cancelled event.")})
    if event.starts_at > timezone.now():
        raise ValidationError({"event": _("The event has not started yet: record its outcome afterwards.")})
    outcome = EventOutcome.objects.select_for_update().filter(chamber_id=event.chamber_id, event=event).first()
    created = outcome is None
    if created:
        outcome = EventOutcome(chamber_id=event.chamber_id, event=event)
    before = {} if created else snapshot(outcome, OUTCOME_FIELDS)
    for field, value in fields.items():
        setattr(outcome, field, value)
    _validate(outcome)
    outcome.save()
    changes = diff(before, snapshot(outcome, OUTCOME_FIELDS))
    if changes:
        audit_record(chamber=event.chamber, actor=actor, action="outcome", target=event, changes=changes)
    return outcome
