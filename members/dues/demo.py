"""Demo dues for seed_demo: schedules for this year and last, the invoices, and a mix of paid,
partly paid, waived and unpaid invoices with one reversal. Idempotent: a second run finds the
entries there and adds nothing (each invoice is touched only while it has no entries)."""
import datetime
from decimal import Decimal

from django.utils import timezone

from ..models import DuesEntry, DuesInvoice, Rank
from .services import dues_entry_reverse, dues_invoices_generate, dues_payment_record, dues_waive, fee_schedule_set

DEMO_RATES = {"president": "50000", "executive-president": "30000", "vice-president": "20000",
              "standing-council": "10000", "council": "5000", "member": "2000"}
METHODS = ("bank_transfer", "wechat_pay", "alipay", "cash")


def _post(invoice, actor, index, year, today):
    """One of five outcomes by position: paid, partly paid, waived, paid then reversed, unpaid."""
    paid_on = min(datetime.date(year, 2, 1) + datetime.timedelta(days=index % 60), today)
    outcome = index % 5
    method = METHODS[index % len(METHODS)]
    reference = "DEMO-{}-{:04d}".format(year, index)
    if outcome == 0:
        dues_payment_record(invoice=invoice, actor=actor, amount=invoice.amount, paid_on=paid_on, method=method,
                            reference=reference)
    elif outcome == 1:
        dues_payment_record(invoice=invoice, actor=actor, amount=(invoice.amount / 2).quantize(Decimal("0.01")),
                            paid_on=paid_on, method=method, reference=reference)
    elif outcome == 2 and index % 10 == 2:
        dues_waive(invoice=invoice, actor=actor, amount=invoice.amount, reason="受灾企业，经会长办公会议同意减免当年会费")
    elif outcome == 3 and index == 3:
        payment = dues_payment_record(invoice=invoice, actor=actor, amount=invoice.amount, paid_on=paid_on,
                                      method="bank_transfer", reference=reference)
        dues_entry_reverse(entry=payment, actor=actor, reason="到账核对有误，重复录入")


def seed_dues(*, chamber, actor):
    """Schedules, invoices and payments for `chamber` (call inside its scope); safe to run twice."""
    today = timezone.localdate()
    ranks = {rank.code: rank for rank in Rank.objects.filter(chamber=chamber)}
    rates = {ranks[code]: amount for code, amount in DEMO_RATES.items() if code in ranks}
    for year in (today.year - 1, today.year):
        fee_schedule_set(chamber=chamber, actor=actor, year=year, due_on=datetime.date(year, 3, 31),
                         grace_days=90, rates=rates, note="依据会员大会通过的会费标准")
        dues_invoices_generate(chamber=chamber, actor=actor, year=year, issued_on=datetime.date(year, 1, 5))
        touched = set(DuesEntry.objects.filter(chamber=chamber, invoice__year=year).values_list("invoice_id", flat=True))
        invoices = DuesInvoice.objects.filter(chamber=chamber, year=year).order_by("number", "pk")
        for index, invoice in enumerate(invoices):
            if invoice.pk not in touched:
                invoice.chamber = chamber
                _post(invoice, actor, index, year, today)
