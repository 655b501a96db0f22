"""Reads of event outcomes: one event's outcome, and the year's totals for the annual report.

A figure never recorded stays None, never 0: the annual report says "not recorded" rather
than claiming nobody came. Totals add up the recorded figures and say on how many events
they were recorded (`*_recorded`), so a reader sees how complete a total is.
"""
from django.db.models import Count, Q, Sum
from django.utils import timezone

from ..models import EventKind, EventOutcome, EventStatus, OutcomeScope, Registration, RegistrationStatus, \
    TRAINING_KINDS
from .meetings import event_visible

FIGURES = ("participants", "people_trained", "deals_signed", "deals_amount")


def outcome_get(*, event):
    """The event's outcome, or None when nothing was recorded yet (one query)."""
    return EventOutcome.objects.filter(chamber_id=event.chamber_id, event=event).first()


def checked_in_count(*, event):
    """Confirmed registrations checked in: the suggested number of participants (one query)."""
    return Registration.objects.filter(chamber_id=event.chamber_id, event=event, status=RegistrationStatus.CONFIRMED,
                                       checked_in_at__isnull=False).count()


def outcome_context(event):
    """The outcome section of the event page: the outcome and the check-in count (two queries)."""
    return {"outcome": outcome_get(event=event), "outcome_checked_in": checked_in_count(event=event)}


def held_events(*, chamber, year, access=None, capability=None):
    """Events of `year` that took place: marked held, or open / closed and already over.
    Drafts, cancelled events and events still to come do not count."""
    now = timezone.now()
    held = Q(status=EventStatus.HELD) | Q(status__in=[EventStatus.OPEN, EventStatus.CLOSED], ends_at__lte=now)
    return event_visible(chamber=chamber, access=access, capability=capability).filter(
        held, starts_at__year=year)


def add_recorded(a, b):
    """Sum of two recorded figures; None only while neither was recorded."""
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _blank_row(key, label):
    row = {"key": key, "label": label, "events": 0, "with_outcome": 0}
    for figure in FIGURES:
        row[figure] = None
        row[figure + "_recorded"] = 0
    return row


def _merge(row, group):
    row["events"] += group["events"]
    row["with_outcome"] += group["with_outcome"]
    for figure in FIGURES:
        row[figure] = add_recorded(row[figure], group[figure])
        row[figure + "_recorded"] += group[figure + "_recorded"]


def outcome_totals(*, chamber, year, access=None, capability=None):
    """The year's outcomes for the annual report (one query: a grouped sum by kind and scope).

    Returns a dict: `year`; `by_kind` (one row per kind held, in the kinds' order); `total`;
    `scopes` (domestic / abroad rows: events, deals signed, amount); `trainings` (the
    training kinds: events and people trained — the statistics form's items 5 and 6) and
    `dialogues` (government–enterprise dialogues and participants, item 9). Each row holds
    `events`, `with_outcome` and, per figure, the sum (None if never recorded) and
    `<figure>_recorded` (on how many events it was recorded).
    """
    aggregates = {"events": Count("pk"), "with_outcome": Count("outcome")}
    for figure in FIGURES:
        aggregates[figure] = Sum("outcome__" + figure)
        aggregates[figure + "_recorded"] = Count("outcome__" + figure)
    groups = list(held_events(chamber=chamber, year=year, access=access, capability=capability).order_by().values(
        "kind", "outcome__scope").annotate(**aggregates))
    labels = dict(EventKind.choices)
    by_kind = {}
    total = _blank_row("total", None)
    scopes = {scope: _blank_row(scope, label) for scope, label in OutcomeScope.choices}
    trainings = _blank_row("trainings", None)
    for group in groups:
        kind = group["kind"]
        _merge(by_kind.setdefault(kind, _blank_row(kind, labels.get(kind, kind))), group)
        _merge(total, group)
        if group["outcome__scope"] in scopes:
            _merge(scopes[group["outcome__scope"]], group)
        if kind in TRAINING_KINDS:
            _merge(trainings, group)
    order = list(EventKind.values)
    rows = sorted(by_kind.values(), key=lambda r: order.index(r["key"]) if r["key"] in order else len(order))
    dialogues = by_kind.get(EventKind.GOVERNMENT_DIALOGUE, _blank_row(EventKind.GOVERNMENT_DIALOGUE,
                                                                       labels[EventKind.GOVERNMENT_DIALOGUE]))
    return {"year": year, "by_kind": rows, "total": total, "scopes": [scopes[s] for s in OutcomeScope.values],
            "trainings": trainings, "dialogues": dialogues}


def outcome_years(*, chamber):
    """Years in which the chamber has events, newest first, for the year picker (one query)."""
    from ..models import Event

    dates = Event.objects.filter(chamber=chamber).datetimes("starts_at", "year", order="DESC")
    years = [d.year for d in dates]
    this_year = timezone.localdate().year
    if this_year not in years:
        years.insert(0, this_year)
    return years
