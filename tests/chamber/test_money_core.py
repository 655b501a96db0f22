"""The money core shared by dues and charity: gapless numbering, amount parsing, amounts in
Chinese capitals, the ledger's reconciliation (a hypothesis property test) and form idempotency."""
import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import RequestFactory
from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chamber.idempotency import idempotent_form_post
from chamber.ledger import (
    ledger_mismatches,
    ledger_reverse,
    ledger_settle,
    ledger_totals_match,
    ledger_write_off,
    money_parse,
)
from chamber.models import EntryKind, IdempotencyKey, NumberSeries
from chamber.money_words import amount_in_words
from chamber.numbering import number_format, number_reserve, number_take
from members.models import DuesEntry, DuesInvoice, FeeSchedule

YEAR = 2026


# --- numbering ---------------------------------------------------------------------------------

def test_numbers_are_consecutive_per_chamber_series_and_year(chamber, other_chamber):
    with transaction.atomic(), scope(chamber=chamber):
        taken = [number_take(chamber=chamber, series="dues_receipt", year=YEAR) for _ in range(3)]
        other_series = number_take(chamber=chamber, series="donation_receipt", year=YEAR)
        next_year = number_take(chamber=chamber, series="dues_receipt", year=YEAR + 1)
    with transaction.atomic(), scope(chamber=other_chamber):
        elsewhere = number_take(chamber=other_chamber, series="dues_receipt", year=YEAR)
    assert taken == ["SJ-2026-00001", "SJ-2026-00002", "SJ-2026-00003"]
    assert other_series == "JZ-2026-00001"
    assert next_year == "SJ-2027-00001"
    assert elsewhere == "SJ-2026-00001"


def test_a_rolled_back_number_is_given_again(chamber):
    with scope(chamber=chamber):
        with transaction.atomic():
            assert number_take(chamber=chamber, series="dues_invoice", year=YEAR) == "HF-2026-00001"
        with pytest.raises(RuntimeError), transaction.atomic():
            number_take(chamber=chamber, series="dues_invoice", year=YEAR)
            raise RuntimeError("the record failed to save")
        with transaction.atomic():
            assert number_take(chamber=chamber, series="dues_invoice", year=YEAR) == "HF-2026-00002"


def test_a_block_of_numbers_is_reserved_at_once(chamber):
    with transaction.atomic(), scope(chamber=chamber):
        first = number_reserve(chamber=chamber, series="dues_invoice", year=YEAR, count=5)
        after = number_take(chamber=chamber, series="dues_invoice", year=YEAR)
    assert (first, after) == (1, "HF-2026-00006")
    assert number_format("dues_invoice", YEAR, 42) == "HF-2026-00042"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_get_gapless_distinct_numbers(chamber):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so nothing would race")
    workers, per_worker = 6, 5
    barrier, numbers, errors = threading.Barrier(workers), [], []

    def take():
        try:
            barrier.wait()
            for _ in range(per_worker):
                with transaction.atomic(), scope(chamber=chamber):
                    numbers.append(number_take(chamber=chamber, series="donation_receipt", year=YEAR))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    expected = [number_format("donation_receipt", YEAR, n) for n in range(1, workers * per_worker + 1)]
    assert sorted(numbers) == expected
    with scope(chamber=chamber):
        assert NumberSeries.objects.get(chamber=chamber, series="donation_receipt", year=YEAR).last == 30


# --- amounts ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("given_value, expected", [
    ("1000", Decimal("1000.00")), ("1,000.5", Decimal("1000.50")), (Decimal("0.01"), Decimal("0.01")), (7, Decimal("7.00")),
])
def test_amounts_are_read_as_decimals_with_two_places(given_value, expected):
    assert money_parse(given_value) == expected


@pytest.mark.parametrize("bad, message", [
    (0.1, "浮点"), ("1.234", "两位小数"), ("abc", "请输入金额"), ("-5", "大于零"), ("0", "大于零"),
    ("NaN", "请输入金额"), ("1e20", "过大"), (None, "请输入金额"),
])
def test_bad_amounts_are_refused_in_chinese(bad, message):
    with pytest.raises(ValidationError) as refused:
        money_parse(bad)
    assert message in str(refused.value.message_dict["amount"])


@pytest.mark.parametrize("amount, words", [
    ("0", "零元整"), ("1234.50", "壹仟贰佰叁拾肆元伍角整"), ("100200", "壹拾万零贰佰元整"),
    ("1000001.01", "壹佰万零壹元零壹分"), ("128266", "壹拾贰万捌仟贰佰陆拾陆元整"), ("321800", "叁拾贰万壹仟捌佰元整"),
    ("20000000", "贰仟万元整"), ("1010", "壹仟零壹拾元整"), ("-3", "负叁元整"), ("300000000.07", "叁亿元零柒分"),
])
def test_amounts_in_chinese_capitals(amount, words):
    assert amount_in_words(Decimal(amount)) == words


# --- the ledger: balances always equal the sum of the entries ---------------------------------

OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["pay", "waive", "reverse"]), st.integers(min_value=0, max_value=3),
              st.integers(min_value=1, max_value=150_000), st.integers(min_value=0, max_value=20)),
    max_size=15,
)


def _documents(chamber, member, amounts):
    """Two dues invoices (this member, two years) and two donations (one programme), of `amounts`."""
    from charity.models import Donation, Programme

    documents = []
    for year, amount in zip((YEAR - 1, YEAR), amounts[:2]):
        schedule, _created = FeeSchedule.objects.get_or_create(chamber=chamber, year=year,
                                                               defaults={"due_on": datetime.date(year, 3, 31)})
        documents.append(DuesInvoice.objects.create(
            chamber=chamber, membership=member, schedule=schedule, year=year, number="HF-{}-00001".format(year),
            rank_name="会员单位", issued_on=datetime.date(year, 1, 5), due_on=schedule.due_on, amount=amount))
    programme = Programme.objects.create(chamber=chamber, name="助学基金", kind="education",
                                         starts_on=datetime.date(YEAR - 1, 1, 1))
    for amount in amounts[2:]:
        documents.append(Donation.objects.create(
            chamber=chamber, programme=programme, donor_kind="member", membership=member, donor_name=member.name,
            amount=amount, pledged_on=datetime.date(YEAR - 1, 6, 1)))
    return documents, programme


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts_fen=st.lists(st.integers(min_value=1, max_value=200_000), min_size=4, max_size=4),
       operations=OPERATIONS)
def test_balances_always_equal_the_sum_of_entries(chamber, member, treasurer, amounts_fen, operations):
    """Whatever mix of payments, waivers, receipts, withdrawals, refusals and reversals happens
    on two invoices and two donations, each balance is its amount less its entries and never
    negative, every settlement keeps its own receipt number, and the totals the pages show
    (a year's dues, the programme's pledged and received) are the sums of the entries."""
    from charity.models import DonationEntry
    from charity.selectors import programme_totals
    from members.dues.selectors import dues_year_totals

    with transaction.atomic(), scope(chamber=chamber):
        documents, programme = _documents(chamber, member, [Decimal(fen) / 100 for fen in amounts_fen])
        for operation, target, fen, pick in operations:
            document = documents[target]
            amount = Decimal(fen) / 100
            try:
                if operation == "pay":
                    ledger_settle(document=document, amount=amount, actor=treasurer, occurred_on=datetime.date(YEAR, 2, 1),
                                  method="bank_transfer")
                elif operation == "waive":
                    ledger_write_off(document=document, amount=amount, actor=treasurer, reason="困难企业减免")
                else:
                    entries = list(document.entries.exclude(kind=EntryKind.REVERSAL).order_by("pk"))
                    if entries:
                        ledger_reverse(entry=entries[pick % len(entries)], actor=treasurer, reason="录入错误")
            except ValidationError:
                pass  # refused (overpayment, already reversed): must leave no trace, checked below
        entry_total = Decimal(0)
        for document in documents:
            document.refresh_from_db()
            entries = list(document.entries.all())
            entry_total += sum((e.amount for e in entries), Decimal(0))
            assert ledger_totals_match(document)
            assert document.amount - sum((e.amount for e in entries), Decimal(0)) == document.outstanding
            assert Decimal(0) <= document.outstanding <= document.amount
        settlements = [e for model in (DuesEntry, DonationEntry)
                       for e in model.objects.filter(chamber=chamber, kind=EntryKind.SETTLEMENT)]
        assert all(e.number for e in settlements)
        assert len({e.number for e in settlements}) == len(settlements)
        # What the pages show: the dues overview's year totals and the programme totals.
        invoices, donations = documents[:2], documents[2:]
        for invoice in invoices:
            shown = dues_year_totals(chamber=chamber, year=invoice.year)
            assert (shown["paid"], shown["waived"], shown["outstanding"]) == (
                invoice.settled_amount, invoice.written_off_amount, invoice.outstanding)
        shown = programme_totals(chamber=chamber)["total"]
        assert shown["received"] == sum((d.settled_amount for d in donations), Decimal(0))
        assert shown["pledged"] == sum((d.amount - d.written_off_amount for d in donations), Decimal(0))
        assert sum((d.amount for d in documents), Decimal(0)) - entry_total == sum(
            (d.outstanding for d in documents), Decimal(0))
        # The aggregate check money_reconcile runs agrees, one query per table.
        assert not ledger_mismatches(DuesInvoice, chamber=chamber).exists()
        assert not ledger_mismatches(type(donations[0]), chamber=chamber).exists()
        transaction.set_rollback(True)


def _invoice(chamber, member, amount):
    schedule, _created = FeeSchedule.objects.get_or_create(chamber=chamber, year=YEAR,
                                                           defaults={"due_on": datetime.date(YEAR, 3, 31)})
    return DuesInvoice.objects.create(
        chamber=chamber, membership=member, schedule=schedule, year=YEAR, number="HF-2026-09999", rank_name="会员单位",
        issued_on=datetime.date(YEAR, 1, 5), due_on=schedule.due_on, amount=amount,
    )


def test_an_overpayment_is_refused_and_leaves_nothing(chamber, member, treasurer):
    with scope(chamber=chamber):
        invoice = _invoice(chamber, member, Decimal("1000.00"))
        ledger_settle(document=invoice, amount="600", actor=treasurer, occurred_on=datetime.date(YEAR, 2, 1), method="cash")
        with pytest.raises(ValidationError) as refused:
            ledger_settle(document=invoice, amount="400.01", actor=treasurer, occurred_on=datetime.date(YEAR, 2, 2),
                          method="cash")
        assert "400.00" in str(refused.value.message_dict["amount"])
        invoice.refresh_from_db()
        assert (invoice.settled_amount, invoice.outstanding) == (Decimal("600.00"), Decimal("400.00"))
        assert DuesEntry.objects.filter(invoice=invoice).count() == 1
        assert NumberSeries.objects.get(chamber=chamber, series="dues_receipt").last == 1


def test_a_reversal_restores_the_balance_once(chamber, member, treasurer):
    with scope(chamber=chamber):
        invoice = _invoice(chamber, member, Decimal("500.00"))
        payment = ledger_settle(document=invoice, amount="500", actor=treasurer, occurred_on=datetime.date(YEAR, 2, 1),
                                method="wechat_pay", reference="4200001234")
        reversal = ledger_reverse(entry=payment, actor=treasurer, reason="重复录入")
        invoice.refresh_from_db()
        assert invoice.outstanding == Decimal("500.00")
        assert (reversal.amount, reversal.reverses_id, reversal.reference) == (Decimal("-500.00"), payment.pk, payment.number)
        with pytest.raises(ValidationError):
            ledger_reverse(entry=payment, actor=treasurer, reason="again")
        with pytest.raises(ValidationError):
            ledger_reverse(entry=reversal, actor=treasurer, reason="undo the undo")
        with pytest.raises(ValidationError) as no_reason:
            ledger_reverse(entry=payment, actor=treasurer, reason=" ")
        assert "原因" in str(no_reason.value)


def test_future_dates_and_missing_methods_are_refused(chamber, member, treasurer):
    with scope(chamber=chamber):
        invoice = _invoice(chamber, member, Decimal("100.00"))
        tomorrow = datetime.date.today() + datetime.timedelta(days=2)
        with pytest.raises(ValidationError):
            ledger_settle(document=invoice, amount="10", actor=treasurer, occurred_on=tomorrow, method="cash")
        with pytest.raises(ValidationError):
            ledger_settle(document=invoice, amount="10", actor=treasurer, occurred_on=datetime.date(YEAR, 1, 1), method="")
        assert DuesEntry.objects.filter(invoice=invoice).count() == 0


@pytest.mark.postgres
def test_the_database_refuses_to_change_posted_money(chamber, member, treasurer):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only triggers exist on PostgreSQL only")
    from django.db import DatabaseError

    with scope(chamber=chamber):
        invoice = _invoice(chamber, member, Decimal("100.00"))
        payment = ledger_settle(document=invoice, amount="10", actor=treasurer, occurred_on=datetime.date(YEAR, 1, 2),
                                method="cash")
        for attempt in (
            lambda: DuesEntry.objects.filter(pk=payment.pk).update(amount=Decimal("1")),
            lambda: DuesEntry.objects.filter(pk=payment.pk).delete(),
            lambda: DuesInvoice.objects.filter(pk=invoice.pk).update(amount=Decimal("1")),
            # Past Django's own PROTECT: the database itself refuses.
            lambda: DuesInvoice.objects.filter(pk=invoice.pk)._raw_delete(connection.alias),
        ):
            with pytest.raises(DatabaseError, match="never changed or deleted"), transaction.atomic():
                attempt()
        payment.refresh_from_db()
        assert payment.amount == Decimal("10.00")


# --- a double-submitted money form records once -----------------------------------------------

def test_a_form_sent_twice_with_one_key_records_once(chamber, treasurer):
    request = RequestFactory().post("/c/sz-optical/members/dues/x/pay/")
    request.chamber, request.user = chamber, treasurer
    calls = []

    def handle():
        calls.append(1)
        return "/c/sz-optical/members/dues/invoices/{}/".format(len(calls))

    with scope(chamber=chamber):
        first = idempotent_form_post(request, key="k-1", handle=handle)
        second = idempotent_form_post(request, key="k-1", handle=handle)
        third = idempotent_form_post(request, key="k-2", handle=handle)
        assert IdempotencyKey.objects.filter(chamber=chamber, user=treasurer).count() == 2
    assert len(calls) == 2
    assert first.url == second.url == "/c/sz-optical/members/dues/invoices/1/"
    assert third.url.endswith("/2/")


def test_a_refused_form_keeps_no_key(chamber, treasurer):
    request = RequestFactory().post("/x/")
    request.chamber, request.user = chamber, treasurer

    def refuse():
        raise ValidationError({"amount": "no"})

    with scope(chamber=chamber):
        with pytest.raises(ValidationError):
            idempotent_form_post(request, key="k-1", handle=refuse)
        assert not IdempotencyKey.objects.filter(chamber=chamber).exists()
        assert idempotent_form_post(request, key="k-1", handle=lambda: "/ok/").url == "/ok/"


def test_reconcile_finds_a_balance_that_disagrees_with_its_entries(chamber, member, treasurer):
    from django.core.management import CommandError, call_command

    with scope(chamber=chamber):
        invoice = _invoice(chamber, member, Decimal("800.00"))
        payment = ledger_settle(document=invoice, amount="300", actor=treasurer, occurred_on=datetime.date(YEAR, 2, 1),
                                method="alipay")
        ledger_write_off(document=invoice, amount="100", actor=treasurer, reason="减免")
        ledger_reverse(entry=payment, actor=treasurer, reason="退回")
        assert list(ledger_mismatches(DuesInvoice, chamber=chamber)) == []
    call_command("money_reconcile", stdout=io.StringIO())
    with scope(chamber=chamber):
        # A cache written behind the ledger's back (the trigger allows it: only amount is fixed).
        DuesInvoice.objects.filter(pk=invoice.pk).update(settled_amount=Decimal("300.00"))
        assert [d.pk for d in ledger_mismatches(DuesInvoice, chamber=chamber)] == [invoice.pk]
    with pytest.raises(CommandError, match="1 documents"):
        call_command("money_reconcile", "--chamber", chamber.slug, stdout=io.StringIO())
