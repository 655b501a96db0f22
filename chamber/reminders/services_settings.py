"""Writes behind the reminder pages: a chamber's settings, a user's preferences, the inbox's
"mark all read" (services.py keeps the scan and the send; these are the people's side)."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..audit import audit_record, diff
from .models import DEFAULT_LEAD_DAYS, Delivery, DeliveryStatus, ReminderPreference, ReminderRule, ReminderSettings

MAX_LEAD_DAYS = 400
MAX_LEAD_TIMES = 5


def _snapshot(options):
    # The audit log is JSON: the time as text.
    return {"lead_days": options.lead_days, "disabled_rules": options.disabled_rules,
            "send_time": options.send_time.strftime("%H:%M")}


def lead_days_clean(days):
    """The lead times as a sorted list of distinct integers; ValidationError unless each is
    0–400 and there are at most five (more would flood the recipients)."""
    try:
        values = sorted({int(d) for d in days})
    except (TypeError, ValueError):
        raise ValidationError(gettext("Lead times must be whole numbers of days."), code="invalid") from None
    if any(d < 0 or d > MAX_LEAD_DAYS for d in values):
        raise ValidationError(gettext("Each lead time must be between 0 and {maximum} days.").format(
            maximum=MAX_LEAD_DAYS), code="range")
    if len(values) > MAX_LEAD_TIMES:
        raise ValidationError(gettext("At most {count} lead times per rule.").format(count=MAX_LEAD_TIMES),
                              code="too_many")
    return values


@transaction.atomic
def reminder_settings_set(*, chamber, actor, lead_days, disabled_rules, send_time):
    """Save the chamber's lead times ({rule: [days]}; an empty list or the defaults: the
    defaults), the rules it switched off and the hour reminders go out; audited.

    Only lead times that differ from the defaults are stored, so a later change of the
    product's defaults reaches every chamber that never chose its own.
    """
    errors = {}
    stored = {}
    for rule, days in (lead_days or {}).items():
        if rule not in ReminderRule.values:
            errors.setdefault("lead_days", []).append(gettext("Unknown rule: {rule}.").format(rule=rule))
            continue
        try:
            cleaned = lead_days_clean(days or [])
        except ValidationError as error:
            errors.setdefault("lead_days", []).extend(error.messages)
            continue
        if cleaned and cleaned != sorted(set(DEFAULT_LEAD_DAYS[rule])):
            stored[rule] = cleaned
    unknown = [rule for rule in disabled_rules or [] if rule not in ReminderRule.values]
    if unknown:
        errors.setdefault("disabled_rules", []).append(
            gettext("Unknown rule: {rule}.").format(rule=", ".join(unknown)))
    if not isinstance(send_time, datetime.time):
        errors["send_time"] = [gettext("Enter the time reminders go out.")]
    if errors:
        raise ValidationError(errors)
    options = ReminderSettings.objects.select_for_update().filter(chamber=chamber).first()
    created = options is None
    if created:
        options = ReminderSettings(chamber=chamber)
    before = _snapshot(options)
    options.lead_days = stored
    # In the order of the rules, so the audit diff does not flag a mere reordering.
    options.disabled_rules = [rule for rule in ReminderRule.values if rule in set(disabled_rules or [])]
    options.send_time = send_time
    changes = diff({} if created else before, _snapshot(options))
    if changes or created:
        options.save()
        audit_record(chamber=chamber, actor=actor, action="reminder settings set", target=options, changes=changes)
    return options


@transaction.atomic
def reminder_preferences_set(*, user, preferences):
    """Store a user's choices {rule: (by_email, in_inbox)}; a rule on both ways keeps no row
    (a missing row means "both on"), so the table holds only what users switched off."""
    unknown = [rule for rule in preferences if rule not in ReminderRule.values]
    if unknown:
        raise ValidationError(gettext("Unknown rule: {rule}.").format(rule=", ".join(unknown)))
    ReminderPreference.objects.filter(user=user).delete()
    ReminderPreference.objects.bulk_create([
        ReminderPreference(user=user, rule=rule, by_email=bool(by_email), in_inbox=bool(in_inbox))
        for rule, (by_email, in_inbox) in preferences.items() if not (by_email and in_inbox)
    ])


def inbox_mark_all_read(*, user):
    """Mark every unread message of the user's inbox read, in all chambers; returns how many.

    Cross-chamber by nature: the caller opens `scopes_disabled()`; the recipient filter is
    what keeps it to the user's own messages.
    """
    return Delivery.objects.filter(recipient=user, status=DeliveryStatus.SENT, read_at__isnull=True).update(
        read_at=timezone.now())
