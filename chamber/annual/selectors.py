"""Reads of the annual report's hand-entered data: the work records a secretariat keeps
through the year and the chamber's AnnualReport row (summary, denominator, kinds confirmed
as none). Every read names the chamber: another chamber's rows are never returned."""
from django.db.models import Count
from django.utils import timezone

from .models import AnnualReport, WorkRecord, WorkRecordKind


def work_record_list(*, chamber, year=None, kind="", q=""):
    """The chamber's work records, newest first (pk breaks ties, so pages are stable).
    `year` limits to records dated that year, `kind` to one WorkRecordKind, `q` to titles
    containing it (a plain substring: Chinese titles have no words to split on)."""
    records = WorkRecord.objects.filter(chamber=chamber)
    if year:
        # A range on the date, so the (chamber, kind, occurred_on) index serves it.
        records = records.filter(occurred_on__year=year)
    if kind:
        records = records.filter(kind=kind)
    q = (q or "").strip()
    if q:
        records = records.filter(title__icontains=q)
    return records.order_by("-occurred_on", "-pk")


def work_record_get(*, chamber, pk):
    """The chamber's work record `pk`, or None (also when it is another chamber's)."""
    return WorkRecord.objects.filter(chamber=chamber, pk=pk).first()


def work_record_kind_counts(*, chamber, year):
    """{kind: number of the chamber's records dated `year`} for every WorkRecordKind, in the
    kinds' order, 0 included (one grouped query). Whether a 0 means "none" or "not recorded"
    is the report's business (AnnualReport.none_confirmed), not this count's."""
    found = dict(WorkRecord.objects.filter(chamber=chamber, occurred_on__year=year).order_by()
                 .values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {kind: found.get(kind, 0) for kind in WorkRecordKind.values}


def work_record_years(*, chamber):
    """Years in which the chamber has work records, newest first, always with this year
    (one query): the choices of the list's year picker."""
    years = {d.year for d in WorkRecord.objects.filter(chamber=chamber).dates("occurred_on", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def annual_report_get(*, chamber, year):
    """The chamber's AnnualReport for `year`, or None when nobody has saved its inputs yet
    (reading never creates the row)."""
    return AnnualReport.objects.filter(chamber=chamber, year=year).first()
