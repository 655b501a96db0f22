"""Reads of dues: schedules, invoices, arrears, collection totals, a member's dues.

Every list filters on `chamber` first and loads what its rows show with select_related /
prefetch here, so a page costs a fixed number of queries whatever its size.
"""
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import DuesEntry, DuesInvoice, FeeRate, FeeSchedule, MembershipBranch

ZERO = Decimal("0.00")
# What an invoice's state is called; one word per badge (see invoice_status).
INVOICE_STATUSES = {
    "paid": _("Paid"),
    "partial": _("Partly paid"),
    "unpaid": _("Unpaid"),
    "overdue": _("Overdue"),
    "waived": _("Waived"),
}
OPEN = Q(amount__gt=F("settled_amount") + F("written_off_amount"))


def invoice_status(invoice, today=None):
    """paid / waived (nothing outstanding), overdue (open after the due date), partial or unpaid."""
    today = today or timezone.localdate()
    if invoice.outstanding <= 0:
        return "paid" if invoice.settled_amount > 0 else "waived"
    if invoice.due_on < today:
        return "overdue"
    return "partial" if invoice.settled_amount + invoice.written_off_amount > 0 else "unpaid"


def _status_q(status, today):
    """The filter matching `status` (overdue overlaps partial and unpaid, as the badge does not)."""
    touched = Q(settled_amount__gt=0) | Q(written_off_amount__gt=0)
    return {
        "paid": ~OPEN & Q(settled_amount__gt=0),
        "waived": ~OPEN & Q(settled_amount=0),
        "partial": OPEN & touched,
        "unpaid": OPEN & Q(settled_amount=0, written_off_amount=0),
        "overdue": OPEN & Q(due_on__lt=today),
    }.get(status)


def fee_schedule_list(*, chamber):
    """The chamber's schedules, latest year first, with their rates and ranks (2 queries)."""
    rates = FeeRate.objects.filter(chamber=chamber).select_related("rank").order_by("rank__order", "pk")
    return (FeeSchedule.objects.filter(chamber=chamber).order_by("-year", "pk")
            .prefetch_related(Prefetch("rates", queryset=rates)))


def fee_schedule_for_year(*, chamber, year):
    """The year's schedule with its rates, or None."""
    return fee_schedule_list(chamber=chamber).filter(year=year).first()


def dues_years(*, chamber):
    """Years with a schedule, plus the current one, latest first (for the year switcher)."""
    years = set(FeeSchedule.objects.filter(chamber=chamber).values_list("year", flat=True))
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def _filtered(qs, *, year=None, status=None, branch=None, rank=None, search="", today=None):
    if year:
        qs = qs.filter(year=year)
    if status:
        condition = _status_q(status, today or timezone.localdate())
        if condition is not None:
            qs = qs.filter(condition)
    if branch is not None:
        in_branch = MembershipBranch.objects.filter(membership_id=OuterRef("membership_id"),
                                                    branch__path__startswith=branch.path)
        qs = qs.filter(Exists(in_branch))
    if rank is not None:
        qs = qs.filter(membership__rank=rank)
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(membership__name__icontains=search) | Q(number__iexact=search))
    return qs


def dues_invoice_list(*, chamber, year=None, status=None, branch=None, rank=None, search="", today=None):
    """Invoices with their member loaded, filtered; newest year first, then by number (1 query a page)."""
    qs = DuesInvoice.objects.filter(chamber=chamber).select_related("membership")
    return _filtered(qs, year=year, status=status, branch=branch, rank=rank, search=search,
                     today=today).order_by("-year", "number", "pk")


def dues_arrears_list(*, chamber, year=None, today=None, branch=None, rank=None, search=""):
    """Invoices with something outstanding, oldest due first, member loaded (1 query a page).

    Only indexed filters and one join: it is read at 20,000 members.
    """
    qs = DuesInvoice.objects.filter(chamber=chamber).filter(OPEN).select_related("membership")
    return _filtered(qs, year=year, branch=branch, rank=rank, search=search,
                     today=today).order_by("due_on", "number", "pk")


def dues_invoice_detail(*, chamber, pk):
    """One invoice with member, schedule and entries (2 queries); DuesInvoice.DoesNotExist otherwise."""
    entries = DuesEntry.objects.filter(chamber=chamber).select_related("created_by").order_by("created_at", "pk")
    invoice = (DuesInvoice.objects.filter(chamber=chamber).select_related("membership", "schedule")
               .prefetch_related(Prefetch("entries", queryset=entries, to_attr="entry_list")).get(pk=pk))
    _mark_reversed(invoice.entry_list)
    invoice.chamber = chamber
    invoice.membership.chamber = chamber
    return invoice


def _mark_reversed(entries):
    reversed_ids = {entry.reverses_id for entry in entries if entry.reverses_id}
    for entry in entries:
        entry.is_reversed = entry.pk in reversed_ids


def dues_entry_get(*, chamber, pk):
    """One entry with its invoice and member (1 query); DuesEntry.DoesNotExist otherwise."""
    entry = DuesEntry.objects.filter(chamber=chamber).select_related("invoice", "invoice__membership").get(pk=pk)
    entry.chamber = entry.invoice.chamber = chamber
    entry.is_reversed = DuesEntry.objects.filter(chamber=chamber, reverses=entry).exists()
    return entry


def dues_year_totals(*, chamber, year, today=None):
    """A year's invoiced, paid, waived and outstanding amounts and counts by status (1 query)."""
    today = today or timezone.localdate()
    money = DecimalField(max_digits=14, decimal_places=2)

    def total(expression):
        return Coalesce(Sum(expression), Value(ZERO), output_field=money)

    counts = {name: Count("pk", filter=_status_q(name, today)) for name in INVOICE_STATUSES}
    row = DuesInvoice.objects.filter(chamber=chamber, year=year).aggregate(
        invoiced=total("amount"), paid=total("settled_amount"), waived=total("written_off_amount"),
        count=Count("pk"), **{"count_" + name: c for name, c in counts.items()},
    )
    row["outstanding"] = row["invoiced"] - row["paid"] - row["waived"]
    row["counts"] = {name: row.pop("count_" + name) for name in INVOICE_STATUSES}
    row["year"] = year
    return row


def member_dues_summary(*, membership):
    """The member page's dues section: invoices (latest year first) with entries, total outstanding,
    whether any is overdue, and the status labels for the badges (2 queries)."""
    today = timezone.localdate()
    chamber_id = membership.chamber_id
    entries = DuesEntry.objects.filter(chamber_id=chamber_id).order_by("created_at", "pk")
    invoices = list(DuesInvoice.objects.filter(chamber_id=chamber_id, membership=membership)
                    .order_by("-year", "-pk").prefetch_related(Prefetch("entries", queryset=entries, to_attr="entry_list")))
    for invoice in invoices:
        invoice.status = invoice_status(invoice, today)
        _mark_reversed(invoice.entry_list)
    return {
        "invoices": invoices,
        "outstanding": sum((invoice.outstanding for invoice in invoices), ZERO),
        "overdue": any(invoice.status == "overdue" for invoice in invoices),
        "statuses": INVOICE_STATUSES,
    }
