"""Reminder rules of the members app: officer terms ending (here) and, registered by the
import at the end, the dues and the self-service digest (members/dues/reminders.py).

A term's end concerns the whole chamber — the general election (换届) has to be prepared —
so it goes to the people who run the chamber: the admins and the secretariat at its root,
one reminder per term and lead day each. The officers themselves are not reminded: their
posts end with the term whatever they do, and the election is the secretariat's work.
"""
import datetime

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy as _

from chamber.models import Role, RoleKind
from chamber.reminders.models import ReminderRule
from chamber.reminders.rules import Due, reminder_rule

from .models import Term

RUNNING_THE_CHAMBER = (RoleKind.CHAMBER_ADMIN, RoleKind.SECRETARIAT)

TERM_TITLE = _("The term “{term}” ends on {date}")
TERM_BODY = _("The officers' term “{term}” ends on {date}. "
              "Please prepare the election of the next term and its line-up in time.")


def _format_day(day):
    return date_format(day, "DATE_FORMAT")


def _term_label(ordinal):
    return gettext("Term %(n)s") % {"n": ordinal}


# Rendered in the recipient's language when the scan stores the message.
day_text = lazy(_format_day, str)
term_label = lazy(_term_label, str)


@reminder_rule(ReminderRule.TERM_END)
def term_end_reminders(chamber, today, days):
    """Terms ending `d` days after today, to the chamber's admins and secretariat. Two queries."""
    targets = {today + datetime.timedelta(days=d): d for d in days}
    if not targets:
        return []
    terms = list(Term.objects.filter(chamber=chamber, ends_on__in=list(targets))
                 .values_list("pk", "ordinal", "name", "ends_on").order_by("ends_on", "pk"))
    if not terms:
        return []
    staff = sorted(set(Role.objects.filter(chamber=chamber, kind__in=RUNNING_THE_CHAMBER, branch__isnull=True,
                                           user__is_active=True).values_list("user_id", flat=True)))
    dues = []
    for pk, ordinal, name, ends_on in terms:
        link = reverse("members:officers", kwargs={"chamber": chamber.slug}) + "?term={}".format(pk)
        params = {"term": name or term_label(ordinal), "date": day_text(ends_on)}
        occasion = "{}/{}".format(ends_on.isoformat(), targets[ends_on])
        for user_id in staff:
            dues.append(Due(subject_type="members.term", subject_id=pk, recipient_id=user_id, occasion=occasion,
                            title=TERM_TITLE, body=TERM_BODY, params=params, link=link))
    return dues


# The dues and digest rules live with the dues (another file, written separately); importing
# them here registers them, since rules.RULE_MODULES names this module only.
try:
    from .dues import reminders as _dues_reminders  # noqa: F401,E402
except ModuleNotFoundError as error:
    if error.name != "members.dues.reminders":
        raise
