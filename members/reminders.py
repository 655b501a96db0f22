"""Reminder rules of the members app: officer terms ending (here) and, registered by the
import at the end, the dues and the self-service digest (members/dues/reminders.py).

A term's end concerns the whole chamber — the general election (换届) has to be prepared —
so it goes to the people who run the chamber: the admins and the secretariat at its root,
one reminder per term and lead day each. The officers themselves are not reminded: their
posts end with the term whatever they do, and the election is the secretariat's work.
"""
import datetime

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy as _

from chamber.models import RoleKind
from chamber.reminders.models import ReminderRule
from chamber.reminders.recipients import role_user_ids
from chamber.reminders.rules import Due, day_text, reminder_rule

from .models import Term

RUNNING_THE_CHAMBER = (RoleKind.CHAMBER_ADMIN, RoleKind.SECRETARIAT)

TERM_TITLE = _("The term “{term}” ends on {date}")
TERM_BODY = _("The officers' term “{term}” ends on {date}. "
              "Please prepare the election of the next term and its line-up in time.")


def _term_label(ordinal):
    return gettext("Term %(n)s") % {"n": ordinal}


# Rendered in the recipient's language when the scan stores the message.
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
    staff = role_user_ids(chamber=chamber, kinds=RUNNING_THE_CHAMBER, root_only=True)
    dues = []
    for pk, ordinal, name, ends_on in terms:
        link = reverse("members:officers", kwargs={"chamber": chamber.slug}) + "?term={}".format(pk)
        params = {"term": name or term_label(ordinal), "date": day_text(ends_on)}
        occasion = "{}/{}".format(ends_on.isoformat(), targets[ends_on])
        for user_id in staff:
            dues.append(Due(subject_type="members.term", subject_id=pk, recipient_id=user_id, occasion=occasion,
                            title=TERM_TITLE, body=TERM_BODY, params=params, link=link))
    return dues

