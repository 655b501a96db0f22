"""Reads of reminders: a user's inbox and unread count, a chamber's deliveries and failures.

The inbox spans every chamber the user belongs to, so its reads are made with
`scopes_disabled()` by the caller and always filter by recipient explicitly; the staff
pages read inside the request's chamber scope and filter by chamber explicitly.
"""
from django.db.models import Count

from .models import Delivery, DeliveryStatus, ReminderPreference, ReminderRule

# The staff page's tabs, failures first: what needs someone's attention leads.
DELIVERY_TABS = ("failed", "pending", "sending", "sent", "all")


def _hidden_rules(user):
    return ReminderPreference.objects.filter(user=user, in_inbox=False).values("rule")


def inbox_unread_count(*, user):
    """Unread messages across the user's chambers (the number in the page header); one query."""
    return (Delivery.objects.filter(recipient=user, read_at__isnull=True, status=DeliveryStatus.SENT)
            .exclude(rule__in=_hidden_rules(user)).count())


def inbox_list(*, user):
    """The user's messages, newest first, with their chamber (sent ones; rules they hid are left out)."""
    return (Delivery.objects.filter(recipient=user, status=DeliveryStatus.SENT).exclude(rule__in=_hidden_rules(user))
            .select_related("chamber").order_by("-sent_at", "-pk"))


def inbox_message(*, user, pk):
    """One of the user's inbox messages; Delivery.DoesNotExist for anyone else's (or a hidden one)."""
    return inbox_list(user=user).get(pk=pk)


def reminder_preferences(*, user):
    """{rule: (by_email, in_inbox)} for every rule; a rule without a row is on both ways."""
    stored = {rule: (by_email, in_inbox) for rule, by_email, in_inbox in
              ReminderPreference.objects.filter(user=user).values_list("rule", "by_email", "in_inbox")}
    return {rule: stored.get(rule, (True, True)) for rule in ReminderRule.values}


def delivery_list(*, chamber, status=None, rule=None):
    """A chamber's deliveries for the staff page, newest due first, with recipients."""
    rows = Delivery.objects.filter(chamber=chamber).select_related("recipient").order_by("-due_at", "-pk")
    if status:
        rows = rows.filter(status=status)
    if rule:
        rows = rows.filter(rule=rule)
    return rows


def delivery_status_counts(*, chamber, rule=None):
    """{tab: number of deliveries} for the staff page's tabs (one query)."""
    rows = Delivery.objects.filter(chamber=chamber)
    if rule:
        rows = rows.filter(rule=rule)
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("pk")))
    result = {tab: counts.get(tab, 0) for tab in DELIVERY_TABS if tab != "all"}
    result["all"] = sum(counts.values())
    return result

