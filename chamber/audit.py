"""Writing the audit log: who changed what, before and after, and why.

One format for `changes`: {"field": [before, after]} — a creation has None before, a
removal None after. `audit_record` keeps callers to it (a bare value becomes [None, value])
and masks personal numbers, so the log never becomes a second copy of personal data.
Reads of personal data and exports are logged here too (`audit_personal_data_view`,
`audit_export`); reading and showing the log is chamber.audit_selectors.
"""
import datetime
import decimal

from django.db import models

from .models import AuditEntry
from .validators import mask_id_number

# Actions of reads, not changes: kept apart from the change actions on the log page.
PERSONAL_DATA_VIEW = "personal_data.view"
EXPORT = "export"


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


def created(values):
    """{field: [None, value]} for a new record's non-empty values."""
    return {k: [None, _plain(v)] for k, v in values.items() if v not in ("", None)}


def actor_label(actor):
    if actor is None:
        return ""
    return getattr(actor, "get_full_name", lambda: "")() or getattr(actor, "username", str(actor))


def _year_only(value):
    """A birth date as its year: with the masked ID number beside it, the full date would give
    back the digits the mask hides (digits 7-14 of an ID number are the birth date)."""
    return "{}-**-**".format(value[:4]) if len(value) >= 4 else value


# Fields whose values are personal numbers: kept masked in the log, whatever the caller passes.
_MASKED = {"id_number": mask_id_number, "birth_date": _year_only}


def _mask(name, value):
    masker = _MASKED.get(name)
    if masker is None or not value or not isinstance(value, str) or "*" in value:
        return value
    return masker(value)


def clean_changes(changes):
    """`changes` in the one format, {field: [before, after]}, with personal numbers masked."""
    cleaned = {}
    for name, pair in (changes or {}).items():
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
            pair = [None, pair]
        cleaned[str(name)] = [_mask(name, _plain(pair[0])), _mask(name, _plain(pair[1]))]
    return cleaned


def _entry(*, chamber, actor, action, target, changes=None, reason=""):
    return AuditEntry(
        chamber=chamber,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor)[:150],
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        changes=clean_changes(changes),
        reason=(reason or "")[:500],
    )


def audit_record(*, chamber, actor, action, target, changes=None, reason=""):
    """Append one audit entry; `actor` is a user or None (system)."""
    entry = _entry(chamber=chamber, actor=actor, action=action, target=target, changes=changes, reason=reason)
    entry.save(force_insert=True)
    return entry


def audit_personal_data_view(*, chamber, actor, people, where):
    """Log that `actor` was shown the unmasked ID numbers of `people` (a person or a list)
    on `where` (a page or API path). One INSERT whatever the number of people; people
    without an ID number are skipped (nothing personal was shown). Call it only when the
    numbers were shown in full, i.e. to readers holding PERSONAL_DATA."""
    if not isinstance(people, (list, tuple, set)):
        people = [people]
    seen, entries = set(), []
    for person in people:
        if person is None or not getattr(person, "id_number", "") or person.pk in seen:
            continue
        seen.add(person.pk)
        entries.append(_entry(chamber=chamber, actor=actor, action=PERSONAL_DATA_VIEW, target=person,
                              changes={"where": [None, str(where)[:200]]}))
    if entries:
        AuditEntry.objects.bulk_create(entries)
    return entries


def audit_export(*, chamber, actor, record, personal_data):
    """Log an export started (chamber.interchange): which list, how many rows, which
    filters, the format, and whether personal numbers went out in full."""
    return audit_record(chamber=chamber, actor=actor, action=EXPORT, target=record, changes={
        "list": [None, record.title], "row_count": [None, record.row_count], "file_format": [None, record.file_format],
        "filters": [None, record.filters or None], "personal_data": [None, bool(personal_data)],
    })
