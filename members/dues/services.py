"""Writes of dues: the fee schedule, the year's invoices, payments, waivers, reversals and lapsing.

Every money movement goes through chamber.ledger (one code path with charity), so an
invoice's balance is always the sum of its entries and a posted entry is only ever undone
by a reversal. Invoice numbers come from chamber.numbering: gapless per chamber and year.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.audit import audit_record
from chamber.ledger import ledger_reverse, ledger_settle, ledger_write_off, money_parse, money_text
from chamber.models import PaymentMethod
from chamber.numbering import number_format, number_lock, number_reserve

from ..models import DuesInvoice, FeeRate, FeeSchedule, Membership, MembershipStatus, Rank
from ..services import membership_change_status

INVOICE_SERIES = "dues_invoice"
# Members who owe dues for a year: those in good standing or suspended (a suspension does
# not end the obligation); applicants, lapsed and former members get no new invoice.
INVOICED_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)
# How dues are paid. Recorded by staff after the money arrived; nothing is processed online.
DUES_METHODS = [(value, label) for value, label in PaymentMethod.choices if value != PaymentMethod.GOODS]
DUES_METHOD_VALUES = {value for value, _label in DUES_METHODS}


@dataclass
class GenerationResult:
    """What one run of `dues_invoices_generate` did."""

    created: int = 0
    existing: int = 0
    skipped_no_rate: int = 0
    total_amount: Decimal = Decimal("0.00")
    numbers: list = field(default_factory=list)

    def as_dict(self):
        """The result for the API: amounts as text."""
        return {"created": self.created, "existing": self.existing, "skipped_no_rate": self.skipped_no_rate,
                "total_amount": "{:.2f}".format(self.total_amount),
                "first_number": self.numbers[0] if self.numbers else None,
                "last_number": self.numbers[-1] if self.numbers else None}


def _check_year(year):
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter a year such as 2026.")}) from None
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    return year


@transaction.atomic
def fee_schedule_set(*, chamber, actor, year, due_on, grace_days, rates, note=""):
    """Create or update the year's fee schedule and its rate per rank.

    `rates` maps Rank → amount (text or Decimal; 0 means "no dues for this rank"). Rates may
    change at any time; invoices already issued keep the amount they were issued with.
    """
    year = _check_year(year)
    if not isinstance(due_on, datetime.date):
        raise ValidationError({"due_on": _("Enter a valid date.")})
    if due_on.year not in (year - 1, year, year + 1):
        raise ValidationError({"due_on": _("The due date should fall in or next to the year {year}.").format(year=year)})
    try:
        grace_days = int(grace_days)
    except (TypeError, ValueError):
        raise ValidationError({"grace_days": _("Enter a whole number of days.")}) from None
    if not 0 <= grace_days <= 730:
        raise ValidationError({"grace_days": _("The grace period is 0 to 730 days.")})
    parsed = {}
    for rank, amount in rates.items():
        if not isinstance(rank, Rank) or rank.chamber_id != chamber.pk:
            raise ValidationError({"rates": _("This rank does not exist.")})
        parsed[rank] = money_parse(amount, field="rates", allow_zero=True)
    schedule = FeeSchedule.objects.filter(chamber=chamber, year=year).select_for_update().first()
    created = schedule is None
    before = {} if created else {"due_on": str(schedule.due_on), "grace_days": schedule.grace_days,
                                 "note": schedule.note}
    if created:
        schedule = FeeSchedule(chamber=chamber, year=year)
    schedule.due_on, schedule.grace_days, schedule.note = due_on, grace_days, (note or "").strip()[:300]
    schedule.save()
    existing = {rate.rank_id: rate for rate in FeeRate.objects.filter(chamber=chamber, schedule=schedule)}
    old_rates = {rank.name: str(existing[rank.pk].amount) for rank in parsed if rank.pk in existing}
    changed_rates = {}
    for rank, amount in parsed.items():
        rate = existing.get(rank.pk)
        if rate is None:
            FeeRate.objects.create(chamber=chamber, schedule=schedule, rank=rank, amount=amount)
        elif rate.amount != amount:
            rate.amount = amount
            rate.save(update_fields=["amount"])
        else:
            continue
        changed_rates[rank.name] = str(amount)
    after = {"due_on": str(due_on), "grace_days": grace_days, "note": schedule.note}
    if created or before != after or changed_rates:  # saving the same values again is not a change
        audit_record(chamber=chamber, actor=actor, action="fee schedule set" if not created else "fee schedule create",
                     target=schedule, changes={**{k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
                                               **{"rate:" + rank: [old_rates.get(rank), new]
                                                  for rank, new in changed_rates.items()}})
    return schedule


@transaction.atomic
def dues_invoices_generate(*, chamber, actor, year, issued_on=None):
    """Issue the year's invoice to every active or suspended member who has none yet.

    Idempotent: a second run finds every member invoiced and creates nothing. The invoice
    series is locked first, so a concurrent run waits here and then sees this run's
    invoices. Numbers are reserved as one block and given in member order (name, pk).
    """
    year = _check_year(year)
    schedule = FeeSchedule.objects.filter(chamber=chamber, year=year).first()
    if schedule is None:
        raise ValidationError({"year": _("Set the fee schedule for {year} first.").format(year=year)})
    number_lock(chamber=chamber, series=INVOICE_SERIES, year=year)
    rates = dict(FeeRate.objects.filter(chamber=chamber, schedule=schedule).values_list("rank_id", "amount"))
    rank_names = dict(Rank.objects.filter(chamber=chamber).values_list("pk", "name"))
    invoiced = DuesInvoice.objects.filter(chamber=chamber, year=year)
    result = GenerationResult(existing=invoiced.count())
    candidates = (Membership.objects.filter(chamber=chamber, status__in=INVOICED_STATUSES)
                  .exclude(pk__in=invoiced.values("membership_id"))
                  .order_by("name", "pk").values_list("pk", "rank_id"))
    due = []
    for membership_id, rank_id in candidates:
        amount = rates.get(rank_id)
        if not amount:
            result.skipped_no_rate += 1
            continue
        due.append((membership_id, rank_id, amount))
    if not due:
        return result
    first = number_reserve(chamber=chamber, series=INVOICE_SERIES, year=year, count=len(due))
    issued_on = issued_on or timezone.localdate()
    invoices = [
        DuesInvoice(chamber=chamber, membership_id=membership_id, schedule=schedule, year=year,
                    number=number_format(INVOICE_SERIES, year, first + i), rank_name=rank_names[rank_id],
                    issued_on=issued_on, due_on=schedule.due_on, amount=amount,
                    created_by=actor if getattr(actor, "pk", None) else None)
        for i, (membership_id, rank_id, amount) in enumerate(due)
    ]
    DuesInvoice.objects.bulk_create(invoices, batch_size=2000)
    result.created = len(invoices)
    result.total_amount = sum((invoice.amount for invoice in invoices), Decimal("0.00"))
    result.numbers = [invoices[0].number, invoices[-1].number]
    audit_record(chamber=chamber, actor=actor, action="dues invoices generate", target=schedule,
                 changes={"created": [None, result.created], "skipped_no_rate": [None, result.skipped_no_rate],
                          "total_amount": [None, str(result.total_amount)],
                          "numbers": [None, "{}–{}".format(*result.numbers)]})
    return result


def dues_generation_preview(*, chamber, year):
    """How many invoices a run would create now, and how many members it would skip (no rate)."""
    schedule = FeeSchedule.objects.filter(chamber=chamber, year=year).first()
    if schedule is None:
        return None
    rated = FeeRate.objects.filter(chamber=chamber, schedule=schedule, amount__gt=0).values("rank_id")
    pending = (Membership.objects.filter(chamber=chamber, status__in=INVOICED_STATUSES)
               .exclude(pk__in=DuesInvoice.objects.filter(chamber=chamber, year=year).values("membership_id")))
    would_create = pending.filter(rank_id__in=rated).count()
    return {"would_create": would_create, "skipped_no_rate": pending.count() - would_create}


def _has_other_overdue(invoice, today):
    """Whether the member still owes on another invoice past its due date (then they stay lapsed)."""
    return DuesInvoice.objects.filter(
        chamber_id=invoice.chamber_id, membership_id=invoice.membership_id, due_on__lt=today,
        amount__gt=F("settled_amount") + F("written_off_amount"),
    ).exclude(pk=invoice.pk).exists()


@transaction.atomic
def dues_payment_record(*, invoice, actor, amount, paid_on, method, reference="", note=""):
    """Record a payment received (bank transfer, cash, WeChat Pay, Alipay, other) on `invoice`.

    Partial payments are fine; a payment above what is outstanding is refused with nothing
    saved. Paying in full reactivates a member who lapsed for dues, unless another overdue
    invoice is still open.
    """
    if method not in DUES_METHOD_VALUES:
        raise ValidationError({"method": _("Choose how it was paid.")})
    entry = ledger_settle(document=invoice, amount=amount, actor=actor, occurred_on=paid_on, method=method,
                          reference=(reference or "")[:100], reason=(note or "")[:500])
    invoice = DuesInvoice.objects.select_related("membership").get(pk=invoice.pk, chamber_id=invoice.chamber_id)
    membership = invoice.membership
    membership.chamber = invoice.chamber = entry.chamber
    if (invoice.outstanding == 0 and membership.status == MembershipStatus.LAPSED
            and not _has_other_overdue(invoice, timezone.localdate())):
        membership_change_status(
            membership=membership, actor=actor, status=MembershipStatus.ACTIVE,
            reason=_("Dues paid in full: invoice {number} ({year}), receipt {receipt}.").format(
                number=invoice.number, year=invoice.year, receipt=entry.number),
        )
    return entry


@transaction.atomic
def dues_waive(*, invoice, actor, amount, reason):
    """Waive part or all of what is outstanding on `invoice`; a reason is required."""
    return ledger_write_off(document=invoice, amount=amount, actor=actor, reason=reason)


@transaction.atomic
def dues_entry_reverse(*, entry, actor, reason):
    """Undo a payment or waiver with a reversal entry (the original stays, marked reversed)."""
    return ledger_reverse(entry=entry, actor=actor, reason=reason)


def dues_lapse_candidates(*, chamber, today=None):
    """Active members with an open invoice whose grace period has ended, with that invoice.

    Returns [(membership, invoice)], the oldest overdue invoice per member, in name order.
    """
    today = today or timezone.localdate()
    invoices = (DuesInvoice.objects.filter(chamber=chamber, membership__status=MembershipStatus.ACTIVE,
                                           amount__gt=F("settled_amount") + F("written_off_amount"))
                .select_related("membership", "schedule").order_by("membership__name", "membership_id", "due_on", "pk"))
    picked = {}
    for invoice in invoices:
        grace_end = invoice.due_on + datetime.timedelta(days=invoice.schedule.grace_days)
        if grace_end < today and invoice.membership_id not in picked:
            invoice.grace_end = grace_end
            picked[invoice.membership_id] = (invoice.membership, invoice)
    return list(picked.values())


def lapse_reason(invoice):
    """The history's explanation of a lapse: which invoice, how much, since when."""
    return _(
        "Dues {year} unpaid after the grace period: invoice {number}, {outstanding} yuan outstanding, "
        "grace period ended {grace_end}."
    ).format(year=invoice.year, number=invoice.number, outstanding=money_text(invoice.outstanding),
             grace_end=invoice.grace_end.isoformat())


@transaction.atomic
def dues_lapse_overdue(*, chamber, actor=None, today=None, dry_run=False):
    """Lapse every active member whose dues are unpaid after the grace period; returns them.

    With `dry_run`, only says who would lapse. Each lapse goes through
    membership_change_status with a reason naming the invoice, so the history shows why.
    """
    candidates = dues_lapse_candidates(chamber=chamber, today=today)
    lapsed = []
    for membership, invoice in candidates:
        membership.chamber = chamber
        if dry_run:
            membership.lapse_reason = lapse_reason(invoice)
            lapsed.append(membership)
            continue
        changed = membership_change_status(membership=membership, actor=actor, status=MembershipStatus.LAPSED,
                                           reason=lapse_reason(invoice))
        changed.lapse_reason = lapse_reason(invoice)
        lapsed.append(changed)
    if lapsed and not dry_run:
        audit_record(chamber=chamber, actor=actor, action="dues lapse", target=chamber,
                     changes={"lapsed": len(lapsed)})
    return lapsed

