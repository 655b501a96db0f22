"""What the import kinds share: reading a cell's text, finding ranks, branches and
enterprises by the names people type, and taking back what an import made."""
import datetime
import re

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch, BranchStatus
from chamber.interchange.cells import parse_date, parse_decimal, parse_int
from chamber.interchange.kinds import ROW
from members.models import Membership
from members.signals import membership_removals_record

EARLIEST = datetime.date(1949, 1, 1)
BRANCH_SEPARATORS = re.compile(r"[、，,;；\n]+")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def text(values, key):
    """A cell's text with surrounding (also full-width) spaces removed; "" when absent."""
    return (values.get(key) or "").strip().strip("\u3000").strip()


def word(text_value, words):
    """The value `text_value` names in `words` ({typed word: value}), case-insensitive, or None."""
    return words.get(text_value.strip().lower().replace(" ", ""))


def chinese_number(value):
    """'8', '八', '十二', '二十一' → int; None for anything else (numbers up to 99 suffice for terms)."""
    value = value.strip()
    if value.isdigit():
        return int(value)
    if not value or any(ch not in _DIGITS and ch != "十" for ch in value):
        return None
    if "十" in value:
        tens, _sep, ones = value.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    return _DIGITS[value] if len(value) == 1 else None


def too_long(values, key, result, limit):
    if len(text(values, key)) > limit:
        result.error(key, _("At most {} characters.").format(limit))
        return True
    return False


def cell_date(values, key, result, *, earliest=EARLIEST, allow_future=False):
    """The cell's date, or None (empty or an error put in `result`): not in the future
    (unless allowed), not before `earliest`."""
    try:
        value = parse_date(text(values, key))
    except ValidationError as exc:
        result.error(key, exc.messages[0])
        return None
    if value is None:
        return None
    if not allow_future and value > timezone.localdate():
        result.error(key, _("{} is in the future.").format(value.isoformat()))
        return None
    if earliest and value < earliest:
        result.error(key, _("{} is before {}; please check the year.").format(value.isoformat(), earliest.year))
        return None
    return value


def cell_number(values, key, result, *, places=2, integer=False):
    """A non-negative amount (or whole number) from the cell, or None (empty or an error)."""
    try:
        value = parse_int(text(values, key)) if integer else parse_decimal(text(values, key), places=places)
    except ValidationError as exc:
        result.error(key, exc.messages[0])
        return None
    if value is not None and value < 0:
        result.error(key, _("The number cannot be negative."))
        return None
    return value


def cell_normalised(values, key, result, normaliser):
    """The cell's text through a chamber.validators normaliser, or "" (empty or an error)."""
    value = text(values, key)
    if not value:
        return ""
    try:
        return normaliser(value)
    except ValidationError as exc:
        result.error(key, exc.messages[0])
        return ""


# --- Branches ----------------------------------------------------------------------------

def branch_lookup(chamber):
    """{name: [Branch, ...]} of the chamber's branches (one query)."""
    by_name = {}
    for branch in Branch.objects.filter(chamber=chamber).order_by("path"):
        by_name.setdefault(branch.name.strip(), []).append(branch)
    return by_name


def find_branch(name, by_name, result, key):
    """The one branch of this name, or None with an error in `result`."""
    if any(sep in name for sep in "/／\\>＞"):
        result.error(key, _("“{}”: write the branch's own name without its parents (only the last part).").format(name))
        return None
    found = by_name.get(name, [])
    if not found:
        result.error(key, _("There is no branch named “{}” in this chamber.").format(name))
        return None
    if len(found) > 1:
        result.error(key, _("Several branches are named “{}”; give them distinct names before importing.").format(name))
        return None
    if found[0].status == BranchStatus.ARCHIVED:
        result.error(key, _("Branch {} is archived.").format(name))
        return None
    return found[0]


def find_branches(values, key, by_name, result):
    """The branches named in the cell (separated by 、，,;；), each checked; [] when none."""
    names = [n.strip() for n in BRANCH_SEPARATORS.split(text(values, key)) if n.strip()]
    found = []
    for name in dict.fromkeys(names):
        branch = find_branch(name, by_name, result, key)
        if branch is not None:
            found.append(branch)
    return found


# --- Errors from the services ----------------------------------------------------------------

def row_errors(exc, field_columns):
    """A service's ValidationError re-keyed by the import's column keys (ROW for the rest)."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({ROW: exc.messages})
    errors = {}
    for field, messages in exc.message_dict.items():
        errors.setdefault(field_columns.get(field, ROW), []).extend(messages)
    return ValidationError(errors)


# --- Undo ------------------------------------------------------------------------------------

def _owner_of(obj, model, owners):
    """The member name of the row whose record `obj` refers to (through any of its foreign keys)."""
    for field in obj._meta.concrete_fields:
        if field.is_relation and field.related_model is model:
            name = owners.get(getattr(obj, field.attname))
            if name:
                return name
    return None


def delete_made(steps):
    """Delete what an import made, step by step, or change nothing.

    `steps` are (model, {pk: member name}, models that may go with them): each step's rows
    are deleted with everything that cascades from them, but only when that is nothing
    beyond the models allowed. A row another record points at (an invoice, a donation, a
    registration, a liaison ... made since the import) makes the whole undo fail with a
    ValidationError naming the members concerned. Call inside a transaction.
    """
    with transaction.atomic():
        for model, owners, allowed in steps:
            if not owners:
                continue
            queryset = model.objects.filter(pk__in=list(owners))
            collector = Collector(using=router.db_for_write(model), origin=queryset)
            try:
                collector.collect(queryset)
            except (ProtectedError, RestrictedError) as exc:
                used = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
                raise _used_since(used, model, owners) from None
            extra = [obj for other, objs in collector.data.items() if other not in allowed and other is not model
                     for obj in objs]
            # Rows Django deletes without loading them, and rows whose link would be emptied.
            extra += [obj for qs in collector.fast_deletes if qs.model not in allowed for obj in qs]
            extra += [obj for batches in collector.field_updates.values() for objs in batches for obj in objs]
            if extra:
                raise _used_since(extra, model, owners)
            membership_removals_record(collector.data.get(Membership, ()))
            collector.delete()


def _used_since(objects, model, owners):
    names = sorted({_owner_of(obj, model, owners) or "?" for obj in objects})
    kinds = sorted({str(obj._meta.verbose_name) for obj in objects})
    return ValidationError(_(
        "This import cannot be undone: records it made have been used since ({kinds}) for: {names}. "
        "Nothing was changed."
    ).format(kinds="、".join(kinds), names="、".join(names)))
