"""Template helpers: Chinese money conventions and query strings that keep the filters."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

register = template.Library()

_FEN = Decimal("0.01")
_WAN = Decimal(10000)


def _decimal(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def yuan(value):
    """¥1,234,567.80 — two places always, grouped by thousands as Chinese finance writes it."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    amount = amount.quantize(_FEN, rounding=ROUND_HALF_UP)
    return "¥{:,.2f}".format(amount)


@register.filter
def wan_yuan(value):
    """An amount in 万元 (ten thousands), as registered capital and revenue are quoted."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    wan = (amount / _WAN).quantize(_FEN, rounding=ROUND_HALF_UP)
    return _("{amount} ten thousand yuan").format(amount="{:,.2f}".format(wan))


@register.filter
def figure(value, unit=""):
    """A report figure with its unit, as the annual report's PDF writes it (1,234家 / 90.0%),
    or 「未记录」 when the data cannot answer it (None), never a silent 0."""
    from chamber.annual.values import shown

    return shown(value, unit or "")


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with `changes` applied (None or "" removes a key).

    Pagination and sort links keep the search and filters: `?{% query page=3 %}`.
    A change of anything but the page starts again at page 1.
    """
    params = context["request"].GET.copy()
    if any(key != "page" for key in changes):
        params.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()
