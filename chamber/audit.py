"""Writing the audit log: who changed what, before and after, and why."""
import datetime
import decimal

from django.db import models

from .models import AuditEntry


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def _field_value(instance, name):
    value = getattr(instance, name)
    field = instance._meta.get_field(name)
    if isinstance(field, models.DecimalField) and value is not None:
        # 10, "10" and 10.00 are one amount: compare them in the column's own precision.
        return f"{decimal.Decimal(value):.{field.decimal_places}f}"
    return _plain(value)


def snapshot(instance, fields):
    """The current values of `fields`, as JSON-friendly values for a later diff."""
    return {name: _field_value(instance, name) for name in fields}


def diff(before, after):
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def actor_label(actor):
    if actor is None:
        return ""
    return getattr(actor, "get_full_name", lambda: "")() or getattr(actor, "username", str(actor))


def audit_record(*, chamber, actor, action, target, changes=None, reason=""):
    """Append one audit entry; `actor` is a user or None (system)."""
    return AuditEntry.objects.create(
        chamber=chamber,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor)[:150],
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        changes=changes or {},
        reason=(reason or "")[:500],
    )

