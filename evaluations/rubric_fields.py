"""Cleaning the fields of a version, an indicator and a grade rule, once for everyone: the
services, the pages' forms (through the services) and the importers (JSON and Excel) all
pass their values through these, so a value refused in one is refused in all, with the
same message.

Each `clean_*` takes a dict of raw values (strings from a spreadsheet, numbers from JSON,
Python values from a form) and returns the cleaned dict, or raises ValidationError with
one message per field.
"""
import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import ScoringMode

# The columns are DecimalField(max_digits=8, decimal_places=2).
MAX_POINTS = Decimal("999999.99")
MAX_DEPTH = 8  # aspect → item → sub-item needs 3; sort_key (4 characters a level) allows 30
MAX_SIBLINGS = 999  # sort_key numbers siblings with three digits
MAX_HELD_DAYS = 3650
MAX_LEVEL = 99
MAX_VALIDITY_MONTHS = 600

_TRUE = {"true", "1", "yes", "y", "是", "√", "✓"}
_FALSE = {"false", "0", "no", "n", "否", ""}


def points_text(value):
    """A decimal as the shortest exact text: 100, 12.5, 0.25 (never 1E+2)."""
    if value is None:
        return None
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def options_text(options):
    """Graded options as people write them: 20 / 15 / 0."""
    return " / ".join(points_text(o) for o in options or ())


def parse_decimal(value, *, allow_negative=False):
    """A Decimal with at most two places, or ValueError with the message to show."""
    if isinstance(value, bool):
        raise ValueError(_("Enter a number."))
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace("，", "").replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(_("Enter a number.")) from None
    if not number.is_finite():
        raise ValueError(_("Enter a number."))
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(_("Use at most two decimal places."))
    if number < 0 and not allow_negative:
        raise ValueError(_("Enter a number of at least 0."))
    if abs(number) > MAX_POINTS:
        raise ValueError(_("Enter a number below one million."))
    return number.quantize(Decimal("0.01"))


def parse_options(value):
    """Graded options from a list (JSON) or a text such as "20/15/0" or "20、15、0"."""
    if value is None or value == "":
        return []
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        items = [value]
    elif isinstance(value, str):
        text = value
        for separator in ("、", "，", ",", ";", "；", "|"):
            text = text.replace(separator, "/")
        items = [part for part in (p.strip() for p in text.split("/")) if part]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise ValueError(_("List the graded scores, e.g. 20 / 15 / 0."))
    options = []
    for item in items:
        number = parse_decimal(item)
        if number in options:
            raise ValueError(_("The graded score {score} is listed twice.").format(score=points_text(number)))
        options.append(number)
    return sorted(options, reverse=True)


def parse_bool(value):
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, (int, float)):
        if value in (0, 1):
            return bool(value)
        raise ValueError(_("Answer yes or no."))
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(_("Answer yes or no."))


def parse_int(value, *, minimum, maximum, blank=False):
    if value is None or (isinstance(value, str) and not value.strip()):
        if blank:
            return None
        raise ValueError(_("This field is required."))
    if isinstance(value, bool):
        raise ValueError(_("Enter a whole number."))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("Enter a whole number.")) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(_("Enter a whole number."))
    number = int(number)
    if number < minimum or number > maximum:
        raise ValueError(_("Enter a whole number from {low} to {high}.").format(low=minimum, high=maximum))
    return number


def parse_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None


def _text(value, *, max_length, required=False):
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValueError(_("This field is required."))
    if len(text) > max_length:
        raise ValueError(_("Keep this to {n} characters at most.").format(n=max_length))
    return text


MODE_WORDS = {
    # What a person may type in a spreadsheet for each mode, besides the code itself.
    ScoringMode.GRADED: {"graded", "分档", "分档计分", "graded options"},
    ScoringMode.POINTS: {"points", "扣分", "计分", "扣分计分", "points with a reason for each deduction"},
    ScoringMode.YES_NO: {"yes_no", "是否", "是/否", "yes or no", "yes/no"},
}
MODE_EXPORT_WORDS = {ScoringMode.GRADED: "分档", ScoringMode.POINTS: "扣分", ScoringMode.YES_NO: "是否"}


def parse_mode(value):
    text = str(value or "").strip().lower()
    if not text:
        return ScoringMode.POINTS
    for mode, words in MODE_WORDS.items():
        if text in words:
            return mode
    raise ValueError(_("Unknown scoring mode “{mode}”: use graded, points or yes_no.").format(mode=value))


def _collect(data, parsers):
    """Run `parsers` ({field: function(raw) -> value}) over the fields present in `data`."""
    cleaned, errors = {}, {}
    for name, parser in parsers.items():
        if name not in data:
            continue
        try:
            cleaned[name] = parser(data[name])
        except ValueError as error:
            errors[name] = str(error)
    return cleaned, errors


def clean_scheme_fields(data):
    from .models import SchemeKind

    def kind(value):
        if value not in SchemeKind.values:
            raise ValueError(_("Unknown kind “{kind}”.").format(kind=value))
        return value

    cleaned, errors = _collect(data, {
        "kind": kind,
        "name": lambda v: _text(v, max_length=200, required=True),
        "description": lambda v: _text(v, max_length=5000),
    })
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_version_fields(data):
    cleaned, errors = _collect(data, {
        "label": lambda v: _text(v, max_length=60, required=True),
        "effective_from": parse_date,
        "description": lambda v: _text(v, max_length=5000),
        "max_points": parse_decimal,
        "bonus_cap": lambda v: parse_decimal(0 if v in (None, "") else v),
        "validity_months": lambda v: parse_int(v, minimum=1, maximum=MAX_VALIDITY_MONTHS),
    })
    if "max_points" in cleaned and cleaned["max_points"] <= 0:
        errors["max_points"] = _("The full score must be more than 0.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_indicator_fields(data, *, current=None):
    """Clean an indicator's fields. `current`: the values already stored (an update that
    changes only some fields is checked against the others)."""
    cleaned, errors = _collect(data, {
        "code": lambda v: _text(v, max_length=20),
        "title": lambda v: _text(v, max_length=300, required=True),
        "guidance": lambda v: _text(v, max_length=5000),
        "evidence_required": lambda v: _text(v, max_length=5000),
        "max_points": lambda v: parse_decimal(0 if v in (None, "") else v),
        "mode": parse_mode,
        "options": parse_options,
        "is_veto": parse_bool,
        "is_bonus": parse_bool,
    })
    # The checks across fields run on what parsed, so one pass reports as much as it can.
    merged = {**(current or {}), **cleaned}
    mode = merged.get("mode", ScoringMode.POINTS)
    maximum = merged.get("max_points", Decimal("0"))
    options = merged.get("options") or []
    if {"mode", "max_points", "options"} & set(errors):
        pass
    elif mode == ScoringMode.GRADED:
        if not options:
            errors["options"] = _("A graded item lists its scores, e.g. 20 / 15 / 0.")
        elif any(o > maximum for o in options):
            errors["options"] = _("A graded score cannot exceed the item's maximum of {max}.").format(
                max=points_text(maximum))
        elif maximum not in options:
            errors["options"] = _("The graded scores must include the full {max} points.").format(
                max=points_text(maximum))
    elif "options" in cleaned or "mode" in cleaned:
        cleaned["options"] = []  # options mean nothing outside graded mode
    if merged.get("is_veto") and mode != ScoringMode.YES_NO and "mode" not in errors:
        errors["mode"] = _("A veto item is answered yes or no.")
    if merged.get("is_veto") and merged.get("is_bonus"):
        errors["is_bonus"] = _("An item cannot be both a veto item and a bonus item.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_grade_rule_fields(data):
    def code(value):
        text = _text(value, max_length=30, required=True)
        if slugify(text) != text:
            raise ValueError(_("Use lower-case letters, digits, hyphens and underscores, e.g. five_star."))
        return text

    cleaned, errors = _collect(data, {
        "code": code,
        "label": lambda v: _text(v, max_length=60, required=True),
        "level": lambda v: parse_int(v, minimum=1, maximum=MAX_LEVEL),
        "min_total": parse_decimal,
        "requires_level": lambda v: parse_int(v, minimum=1, maximum=MAX_LEVEL, blank=True),
        "requires_held_days": lambda v: parse_int(0 if v in (None, "") else v, minimum=0, maximum=MAX_HELD_DAYS),
    })
    level, required = cleaned.get("level"), cleaned.get("requires_level")
    if level is not None and required is not None and required >= level:
        errors["requires_level"] = _("The prerequisite must be a lower level than the grade itself.")
    if required is None and cleaned.get("requires_held_days"):
        errors["requires_held_days"] = _("Give the prerequisite level too, or leave the days at 0.")
    if errors:
        raise ValidationError(errors)
    return cleaned
