"""Reminder rules about dues and the self-service queue (registered via members/reminders.py).

- DUES_DUE / DUES_OVERDUE: each open invoice of a member that has not left, `d` days before
  (after) its due date, to the member's representatives, plus one summary per fee schedule
  to the chamber's treasurers;
- SELF_SERVICE_DIGEST: once a day, the pending self-service changes, to the secretariat and
  the chamber administrators (everything) and to branch secretaries (their subtrees only).

Every rule is set-based: a fixed handful of queries of plain values, whatever the number of
invoices or changes (the scan's budget is 5 s at 100,000 memberships for all rules).
"""
import datetime
from collections import defaultdict

from django.db.models import Count, F, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chamber.models import Role, RoleKind
from chamber.reminders.models import ReminderRule
from chamber.reminders.recipients import representatives_by_enterprise, role_user_ids
from chamber.reminders.rules import Due, day_text, money_text, reminder_rule, url_pattern

from ..models import (
    DuesInvoice,
    MembershipBranch,
    MembershipStatus,
    SelfServiceChange,
    SelfServiceStatus,
)
from .selectors import OPEN

# --- Dues -------------------------------------------------------------------------------------

def _due_summary(n):
    return ngettext("{n} invoice totalling {amount} yuan falls due on {date}",
                    "{n} invoices totalling {amount} yuan fall due on {date}", n)


def _overdue_summary(n):
    return ngettext("{n} invoice totalling {amount} yuan is still unpaid after its due date, {date}",
                    "{n} invoices totalling {amount} yuan are still unpaid after their due date, {date}", n)


# Whole sentences per count, chosen in the recipient's language when the scan renders them.
due_summary = lazy(_due_summary, str)
overdue_summary = lazy(_overdue_summary, str)

DUE_TEXTS = {
    ReminderRule.DUES_DUE: {
        "title": _("{member}: dues {year} of {amount} yuan fall due on {date}"),
        "body": _("Invoice {number}: {amount} yuan are still to be paid by {date}."),
        "summary": due_summary,
        "summary_body": _("Dues {year}: the open invoices are listed on the linked page."),
    },
    ReminderRule.DUES_OVERDUE: {
        "title": _("{member}: dues {year} of {amount} yuan were due on {date} and are still unpaid"),
        "body": _("Invoice {number}: please pay the {amount} yuan outstanding as soon as possible."),
        "summary": overdue_summary,
        "summary_body": _("Dues {year}: the overdue invoices are listed on the linked page."),
    },
}


def _dues(rule, chamber, today, days, sign):
    """The reminders of `rule` for invoices due `sign * d` days from today, for each d.

    Three queries when something is due (the invoices with their member, the representatives,
    the treasurers), one when nothing is.
    """
    lead_by_date = {today + datetime.timedelta(days=sign * d): d for d in days}
    open_invoices = (DuesInvoice.objects.filter(OPEN, chamber=chamber, due_on__in=list(lead_by_date))
                     .exclude(membership__status=MembershipStatus.LEFT))
    invoices = list(
        open_invoices
        .annotate(open_amount=F("amount") - F("settled_amount") - F("written_off_amount"))
        .order_by("due_on", "pk")
        .values_list("pk", "number", "year", "due_on", "schedule_id", "open_amount", "membership__name",
                     "membership__enterprise_id", "membership__person__user_id")
    )
    if not invoices:
        return []
    # The same invoices as a subquery: 100,000 enterprise ids stay out of the SQL text.
    representatives = representatives_by_enterprise(
        chamber=chamber, enterprise_ids=open_invoices.values("membership__enterprise_id"))
    texts = DUE_TEXTS[rule]
    portal = url_pattern("members:portal_enterprise", chamber, enterprise_pk="enterprise")
    result = []
    summaries = {}
    # One lazy text per date and per amount, shared by the rows (most invoices share both).
    dates = {due_on: day_text(due_on) for due_on in lead_by_date}
    amounts = {}
    for pk, number, year, due_on, schedule_id, amount, member, enterprise_id, person_user_id in invoices:
        d = lead_by_date[due_on]
        occasion = "{}/{}".format(due_on.isoformat(), d)
        if amount not in amounts:
            amounts[amount] = money_text(amount)
        params = {"member": member, "year": year, "amount": amounts[amount], "date": dates[due_on], "days": d,
                  "number": number}
        # An individual member has no enterprise to represent: their own login is reminded.
        if enterprise_id:
            recipients = representatives.get(enterprise_id, [])
        else:
            recipients = [person_user_id] if person_user_id else []
        link = portal.format(enterprise=enterprise_id) if enterprise_id else ""
        for user_id in recipients:
            result.append(Due("members.duesinvoice", pk, user_id, occasion, texts["title"], texts["body"], params,
                              link))
        summary = summaries.setdefault((schedule_id, due_on), {"n": 0, "amount": 0, "year": year, "days": d})
        summary["n"] += 1
        summary["amount"] += amount
    treasurers = role_user_ids(chamber=chamber, kinds=[RoleKind.TREASURER])
    invoice_list = reverse("members:dues_invoices", kwargs={"chamber": chamber.slug})
    for (schedule_id, due_on), summary in summaries.items():
        params = {**summary, "amount": money_text(summary["amount"]), "date": day_text(due_on)}
        query = "?year={}".format(summary["year"]) + ("&status=overdue" if sign < 0 else "")
        occasion = "{}/{}".format(due_on.isoformat(), summary["days"])
        for user_id in treasurers:
            result.append(Due("members.feeschedule", schedule_id, user_id, occasion, texts["summary"](summary["n"]),
                              texts["summary_body"], params, invoice_list + query))
    return result


@reminder_rule(ReminderRule.DUES_DUE)
def dues_due(chamber, today, days):
    """Open invoices falling due in exactly `d` days: the member's representatives, and a
    summary per fee schedule to the treasurers."""
    return _dues(ReminderRule.DUES_DUE, chamber, today, days, 1)


@reminder_rule(ReminderRule.DUES_OVERDUE)
def dues_overdue(chamber, today, days):
    """Open invoices that fell due exactly `d` days ago: as dues_due."""
    return _dues(ReminderRule.DUES_OVERDUE, chamber, today, days, -1)


# --- Self-service digest ----------------------------------------------------------------------

def _digest_title(n):
    return ngettext("{n} self-service change waiting for approval (oldest from {date})",
                    "{n} self-service changes waiting for approval (oldest from {date})", n)


digest_title = lazy(_digest_title, str)
DIGEST_BODY = _("Member representatives proposed changes to their enterprises; please approve or reject them.")
# Who gets the digest: these roles at the chamber root see every change, at a branch those
# of enterprises with a membership in that subtree (as members.selectors.enterprise_list).
DIGEST_ROLES = [RoleKind.CHAMBER_ADMIN, RoleKind.SECRETARIAT, RoleKind.BRANCH_SECRETARY]


def _digest(user_id, pending, chamber, occasion, link):
    n = sum(count for count, _oldest in pending)
    if not n:
        return None
    oldest = timezone.localtime(min(when for _count, when in pending)).date()
    return Due("chamber.chamber", chamber.pk, user_id, occasion, digest_title(n), DIGEST_BODY,
               {"n": n, "date": day_text(oldest)}, link)


@reminder_rule(ReminderRule.SELF_SERVICE_DIGEST)
def self_service_digest(chamber, today, days):
    """Pending self-service changes, once a day, to those who approve them.

    The digest watches no date, so the lead days are not used: it is about today. Up to
    three queries: pending changes per enterprise, the approvers' roles, and (only when a
    branch-limited approver exists) the branches of the enterprises concerned.
    """
    pending = {
        enterprise_id: (count, oldest)
        for enterprise_id, count, oldest in SelfServiceChange.objects.filter(
            chamber=chamber, status=SelfServiceStatus.PENDING).order_by().values("enterprise_id")
        .annotate(n=Count("pk"), oldest=Min("requested_at")).values_list("enterprise_id", "n", "oldest")
    }
    if not pending:
        return []
    roles = Role.objects.filter(chamber=chamber, kind__in=DIGEST_ROLES, user__is_active=True).values_list(
        "user_id", "branch__path")
    reach = defaultdict(set)  # user id → subtree paths; None among them: the whole chamber
    for user_id, path in roles:
        reach[user_id].add(path)
    branch_paths = defaultdict(list)
    if any(None not in paths for paths in reach.values()):
        links = MembershipBranch.objects.filter(
            chamber=chamber, membership__enterprise_id__in=list(pending)).values_list(
            "membership__enterprise_id", "branch__path")
        for enterprise_id, path in links:
            branch_paths[enterprise_id].append(path)
    occasion = today.isoformat()
    link = reverse("members:approvals", kwargs={"chamber": chamber.slug})
    result = []
    for user_id in sorted(reach):
        paths = reach[user_id]
        if None in paths:
            mine = pending.values()
        else:
            mine = [counts for enterprise_id, counts in pending.items()
                    if any(branch.startswith(root) for branch in branch_paths[enterprise_id] for root in paths)]
        due = _digest(user_id, list(mine), chamber, occasion, link)
        if due is not None:
            result.append(due)
    return result
