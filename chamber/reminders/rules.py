"""The registry of reminder rules. Each app writes its own (evaluations/reminders.py,
members/reminders.py, events/reminders.py) and registers them with `@reminder_rule(...)`.

A rule is a function `(chamber, today, days) -> iterable of Due`: given the chamber, the
day of the scan (Asia/Shanghai) and its lead times, it lists every reminder due *today*.
It must be set-based (a few queries, whatever the chamber's size: the scan over 100,000
memberships has a budget of 5 s) and must not send anything. The occasion names what makes
the reminder unique besides subject and recipient, usually "<date watched>/<lead days>",
so a rerun the same day finds the same key and inserts nothing.
"""
import importlib
from dataclasses import dataclass, field

# The apps whose reminders.py registers rules; imported on first use, not at app loading.
RULE_MODULES = ("evaluations.reminders", "members.reminders", "events.reminders")

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
