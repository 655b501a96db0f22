"""The registry of reminder rules. Each app writes its own (evaluations/reminders.py,
members/reminders.py, events/reminders.py) and registers them with `@reminder_rule(...)`.

A rule is a function `(chamber, today, days) -> iterable of Due`: given the chamber, the
day of the scan (Asia/Shanghai) and its lead times, it lists every reminder due *today*.
It must be set-based (a few queries, whatever the chamber's size: the scan over 100,000
memberships has a budget of 5 s) and must not send anything. The occasion names what makes
the reminder unique besides subject and recipient, usually "<date watched>/<lead days>",
so a rerun the same day finds the same key and inserts nothing.
"""
import functools
import importlib
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.functional import lazy
from django.utils.translation import get_language

# The apps whose reminders.py registers rules; imported on first use, not at app loading.
RULE_MODULES = ("evaluations.reminders", "members.reminders", "members.dues.reminders", "events.reminders")

_RULES = {}


@dataclass(frozen=True)
class Due:
    """One reminder due today: about what, to whom, on which occasion, saying what.

    `title` and `body` are translatable texts (gettext_lazy) with `{name}` placeholders
    filled from `params`; they are rendered in the recipient's language when stored.
    """

    subject_type: str
    subject_id: object
    recipient_id: int
    occasion: str
    title: object
    body: object = ""
    params: dict = field(default_factory=dict)
    link: str = ""


def reminder_rule(rule):
    """Register the decorated function as the rule `rule` (a ReminderRule value)."""

    def register(function):
        _RULES[rule] = function
        return function

    return register


def registered_rules():
    """{rule: function} for every rule of the RULE_MODULES that exist."""
    for module in RULE_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise
    return dict(_RULES)


# --- What rules share: dates and amounts in the recipient's language, URLs for many rows ------

# Cached per language: a scan renders the same due date for up to 100,000 invoices.
@functools.lru_cache(maxsize=1024)
def _day(day, language):
    return date_format(day, "DATE_FORMAT")


@functools.lru_cache(maxsize=1024)
def _money(amount, language):
    return number_format(amount, 2, force_grouping=True)


# Lazy: rendered when the scan stores the message, under the recipient's language.
day_text = lazy(lambda day: _day(day, get_language()), str)
money_text = lazy(lambda amount: _money(amount, get_language()), str)
# Stands in for an id while a URL is reversed once per rule instead of once per row.
_SENTINEL = 987654321


def url_pattern(name, chamber, **fields):
    """The chamber's URL `name` as a `str.format` pattern, reversed once for many rows:
    `fields` maps each URL argument to a field name, so
    url_pattern("members:portal_enterprise", chamber, enterprise_pk="e").format(e=5)."""
    sentinels = {argument: _SENTINEL + n for n, argument in enumerate(fields)}
    url = reverse(name, kwargs={"chamber": chamber.slug, **sentinels}).replace("{", "{{").replace("}", "}}")
    for argument, field_name in fields.items():
        url = url.replace(str(sentinels[argument]), "{" + field_name + "}")
    return url
