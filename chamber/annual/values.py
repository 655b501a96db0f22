"""How the annual report writes a figure, on the page, in the PDF and in the workbook:
1,234 / 1,285,600.00 / 90.0%, and 「未记录」 for None, never 0. Kept apart from
document.py so that the web page's template filter does not import WeasyPrint."""
import unicodedata
from decimal import Decimal

from django.utils.html import format_html
from django.utils.translation import pgettext

__all__ = ["PERCENT_UNITS", "is_percent", "number_text", "not_recorded_text", "shown"]

PERCENT_UNITS = ("%", "％")


def is_percent(unit):
    return unit in PERCENT_UNITS


def number_text(value, unit=""):
    """A number as printed: 1,234 / 1,285,600.00 (money, a Decimal) / 90.0 (a percentage,
    or a float such as an average rating)."""
    if is_percent(unit) or isinstance(value, float):
        return "{:,.1f}".format(value)
    if isinstance(value, Decimal):
        return "{:,.2f}".format(value)
    return "{:,}".format(value)


def _with_unit(text, unit):
    """「35家」, 「90.0%」 but "35 people": no space before a CJK unit or a percent sign."""
    if not unit:
        return text
    if is_percent(unit) or unicodedata.east_asian_width(unit[0]) in "WF":
        return text + unit
    return "{} {}".format(text, unit)


def not_recorded_text():
    return pgettext("annual report", "Not recorded")


def shown(value, unit=""):
    """A value for the page or the PDF (safe HTML): the number and its unit, or the marked 「未记录」."""
    if value is None:
        return format_html('<span class="not-recorded">{}</span>', not_recorded_text())
    return format_html("{}", _with_unit(number_text(value, unit), unit))
