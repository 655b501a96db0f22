"""Dues under concurrent requests on PostgreSQL: one set of invoices from two generation runs,
no silent overpayment from two payments, gapless receipt numbers from N payments.

Each thread has its own connection (closed at its end); SQLite serialises every writer, so
these only mean something on PostgreSQL."""
import datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from chamber.numbering import number_format
from members.dues.services import dues_invoices_generate, dues_payment_record
from members.models import DuesEntry, DuesInvoice

from .conftest import YEAR, add_member, set_schedule

from tests.concurrency import NEEDS_POSTGRES, race

pytestmark = [pytest.mark.postgres, NEEDS_POSTGRES, pytest.mark.django_db(transaction=True)]
PAID_ON = datetime.date(YEAR, 1, 10)




def test_two_concurrent_generations_make_one_set_of_gapless_invoices(chamber, member, admin_user, treasurer):
    for n in range(8):
        add_member(chamber, "并发企业{}".format(n), 400000 + n)
    set_schedule(chamber, admin_user)

    def generate(actor):
        with scope(chamber=chamber):
            return dues_invoices_generate(chamber=chamber, actor=actor, year=YEAR).created

    outcomes = race(generate, [admin_user, treasurer])
    assert sorted(outcomes, key=lambda o: o[1]) == [("ok", 0), ("ok", 9)]
    with scope(chamber=chamber):
        numbers = sorted(DuesInvoice.objects.filter(chamber=chamber, year=YEAR).values_list("number", flat=True))
    assert numbers == [number_format("dues_invoice", YEAR, n) for n in range(1, 10)]


def test_two_concurrent_payments_never_overpay(chamber, invoice, treasurer, admin_user):
    # 20,000 due: 12,000 and 11,000 each fit alone, not together.
    def pay(job):
        actor, amount = job
        with scope(chamber=chamber):
            mine = DuesInvoice.objects.get(pk=invoice.pk)
            return dues_payment_record(invoice=mine, actor=actor, amount=amount, paid_on=PAID_ON, method="bank_transfer").pk

    outcomes = race(pay, [(treasurer, "12000"), (admin_user, "11000")])
    assert sorted(kind for kind, _value in outcomes) == ["ok", "refused"]
    with scope(chamber=chamber):
        invoice.refresh_from_db()
        assert invoice.settled_amount in (Decimal("12000.00"), Decimal("11000.00"))
        assert invoice.outstanding >= 0
        assert DuesEntry.objects.filter(invoice=invoice).count() == 1


def test_concurrent_payments_on_different_invoices_get_gapless_receipts(chamber, admin_user, treasurer):
    members = [add_member(chamber, "收据企业{}".format(n), 500000 + n) for n in range(6)]
    set_schedule(chamber, admin_user)
    with scope(chamber=chamber):
        dues_invoices_generate(chamber=chamber, actor=admin_user, year=YEAR)
        invoice_ids = list(DuesInvoice.objects.filter(chamber=chamber, membership__in=members).values_list("pk", flat=True))

    def pay(invoice_id):
        with scope(chamber=chamber):
            mine = DuesInvoice.objects.get(pk=invoice_id)
            return dues_payment_record(invoice=mine, actor=treasurer, amount="100", paid_on=PAID_ON, method="cash").number

    outcomes = race(pay, invoice_ids)
    assert [kind for kind, _value in outcomes] == ["ok"] * len(invoice_ids)
    receipts = sorted(value for _kind, value in outcomes)
    assert receipts == [number_format("dues_receipt", timezone_year(), n) for n in range(1, len(invoice_ids) + 1)]


def timezone_year():
    """Receipts are numbered in the year they are recorded."""
    from django.utils import timezone

    return timezone.localdate().year
