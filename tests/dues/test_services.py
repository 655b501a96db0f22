"""Dues services: schedule, idempotent generation with gapless numbers, payments, waivers,
reversals, lapsing after the grace period and reactivation, the daily task."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django_scopes import scope

from chamber.models import AuditEntry, NumberSeries
from members.dues import tasks
from members.dues.services import (
    dues_entry_reverse,
    dues_invoices_generate,
    dues_lapse_overdue,
    dues_payment_record,
    dues_waive,
)
from members.models import DuesEntry, DuesInvoice, FeeRate, Membership, MembershipChange, MembershipStatus

from .conftest import RATES, YEAR, add_member, set_schedule

PAID_ON = datetime.date(YEAR, 1, 15)


def test_a_schedule_is_set_and_updated_in_place(chamber, admin_user):
    first = set_schedule(chamber, admin_user, grace_days=60)
    again = set_schedule(chamber, admin_user, grace_days=30, rates={"member": "2500.50"})
    with scope(chamber=chamber):
        assert first.pk == again.pk
        again.refresh_from_db()
        assert again.grace_days == 30
        rates = {r.rank.code: r.amount for r in FeeRate.objects.filter(schedule=again).select_related("rank")}
        assert rates["member"] == Decimal("2500.50")
        assert rates["president"] == Decimal("50000.00")
        assert len(rates) == len(RATES)


def test_a_schedule_refuses_another_chambers_rank_and_bad_amounts(chamber, other_chamber, admin_user):
    from members.models import Rank
    from members.dues.services import fee_schedule_set

    with scope(chamber=other_chamber):
        foreign_rank = Rank.objects.get(chamber=other_chamber, code="member")
    with scope(chamber=chamber):
        with pytest.raises(ValidationError):
            fee_schedule_set(chamber=chamber, actor=admin_user, year=YEAR, due_on=datetime.date(YEAR, 3, 1),
                             grace_days=30, rates={foreign_rank: "100"})
        rank = Rank.objects.get(chamber=chamber, code="member")
        for bad in (0.5, "abc", "-1", "1.234"):
            with pytest.raises(ValidationError):
                fee_schedule_set(chamber=chamber, actor=admin_user, year=YEAR, due_on=datetime.date(YEAR, 3, 1),
                                 grace_days=30, rates={rank: bad})


def test_generation_is_idempotent_and_numbers_are_gapless_in_member_order(chamber, member, second_member, schedule,
                                                                          admin_user):
    with scope(chamber=chamber):
        first = dues_invoices_generate(chamber=chamber, actor=admin_user, year=YEAR)
        second = dues_invoices_generate(chamber=chamber, actor=admin_user, year=YEAR)
        invoices = list(DuesInvoice.objects.filter(chamber=chamber, year=YEAR).order_by("number"))
        assert (first.created, first.existing, first.total_amount) == (2, 0, Decimal("22000.00"))
        assert (second.created, second.existing) == (0, 2)
        assert [i.number for i in invoices] == ["HF-{}-00001".format(YEAR), "HF-{}-00002".format(YEAR)]
        # Numbers follow the members' names, in the database's collation.
        by_name = Membership.objects.filter(chamber=chamber).order_by("name", "pk").values_list("pk", flat=True)
        assert [i.membership_id for i in invoices] == list(by_name)
        mine = next(i for i in invoices if i.membership_id == member.pk)
        assert (mine.amount, mine.rank_name) == (Decimal("20000.00"), "副会长单位")
        assert NumberSeries.objects.get(chamber=chamber, series="dues_invoice", year=YEAR).last == 2
        assert AuditEntry.objects.filter(chamber=chamber, action="dues invoices generate").count() == 1


def test_members_without_a_rate_or_not_in_good_standing_are_skipped(chamber, member, admin_user):
    add_member(chamber, "零费率企业", 300001, rank="council")
    add_member(chamber, "申请中企业", 300002, status=MembershipStatus.APPLIED)
    add_member(chamber, "停权企业", 300003, status=MembershipStatus.SUSPENDED)
    set_schedule(chamber, admin_user, rates={"vice-president": "20000", "council": "0", "member": "2000"})
    with scope(chamber=chamber):
        result = dues_invoices_generate(chamber=chamber, actor=admin_user, year=YEAR)
        assert (result.created, result.skipped_no_rate) == (2, 1)
        assert DuesInvoice.objects.filter(chamber=chamber).count() == 2


def test_generation_needs_a_schedule(chamber, member, admin_user):
    with scope(chamber=chamber), pytest.raises(ValidationError) as refused:
        dues_invoices_generate(chamber=chamber, actor=admin_user, year=YEAR)
    assert "收费标准" in str(refused.value) or str(YEAR) in str(refused.value)


def test_partial_payments_and_a_refused_overpayment(chamber, invoice, treasurer):
    with scope(chamber=chamber):
        one = dues_payment_record(invoice=invoice, actor=treasurer, amount="5000", paid_on=PAID_ON, method="bank_transfer",
                                  reference="TX-1")
        two = dues_payment_record(invoice=invoice, actor=treasurer, amount="10000.50", paid_on=PAID_ON, method="alipay")
        invoice.refresh_from_db()
        assert invoice.outstanding == Decimal("4999.50")
        assert (one.number, two.number) == ("SJ-{}-00001".format(YEAR), "SJ-{}-00002".format(YEAR))
        with pytest.raises(ValidationError) as refused:
            dues_payment_record(invoice=invoice, actor=treasurer, amount="5000", paid_on=PAID_ON, method="cash")
        assert "未作任何记录" in str(refused.value.message_dict["amount"])  # zh_core catalogue
        assert "4,999.50" in str(refused.value.message_dict["amount"])
        assert DuesEntry.objects.filter(invoice=invoice).count() == 2
        invoice.refresh_from_db()
        assert invoice.settled_amount == Decimal("15000.50")


@pytest.mark.parametrize("amount", [1000.0, "abc", "1.234", "-5", "0"])
def test_bad_amounts_are_refused(chamber, invoice, treasurer, amount):
    with scope(chamber=chamber):
        with pytest.raises(ValidationError):
            dues_payment_record(invoice=invoice, actor=treasurer, amount=amount, paid_on=PAID_ON, method="cash")
        assert not DuesEntry.objects.filter(invoice=invoice).exists()


def test_goods_and_unknown_methods_are_refused(chamber, invoice, treasurer):
    with scope(chamber=chamber):
        for method in ("goods", "", "bitcoin"):
            with pytest.raises(ValidationError):
                dues_payment_record(invoice=invoice, actor=treasurer, amount="10", paid_on=PAID_ON, method=method)


def test_a_waiver_needs_a_reason(chamber, invoice, treasurer):
    with scope(chamber=chamber):
        with pytest.raises(ValidationError) as refused:
            dues_waive(invoice=invoice, actor=treasurer, amount="1000", reason="  ")
        assert "原因" in str(refused.value)
        dues_waive(invoice=invoice, actor=treasurer, amount="1000", reason="受灾企业减免")
        invoice.refresh_from_db()
        assert (invoice.written_off_amount, invoice.outstanding) == (Decimal("1000.00"), Decimal("19000.00"))


def test_a_reversal_restores_what_is_outstanding_once(chamber, invoice, treasurer):
    with scope(chamber=chamber):
        payment = dues_payment_record(invoice=invoice, actor=treasurer, amount="20000", paid_on=PAID_ON,
                                      method="wechat_pay")
        reversal = dues_entry_reverse(entry=payment, actor=treasurer, reason="重复录入")
        invoice.refresh_from_db()
        assert invoice.outstanding == Decimal("20000.00")
        assert reversal.reverses_id == payment.pk
        with pytest.raises(ValidationError):
            dues_entry_reverse(entry=payment, actor=treasurer, reason="再次冲正")
        assert DuesEntry.objects.filter(invoice=invoice).count() == 2


@pytest.mark.postgres
def test_a_posted_entry_cannot_be_changed_or_deleted(chamber, invoice, treasurer):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only triggers exist on PostgreSQL only")
    with scope(chamber=chamber):
        payment = dues_payment_record(invoice=invoice, actor=treasurer, amount="10", paid_on=PAID_ON, method="cash")
        with pytest.raises(DatabaseError), transaction.atomic():
            payment.amount = Decimal("1")
            payment.save()
        with pytest.raises(DatabaseError), transaction.atomic():
            DuesEntry.objects.filter(pk=payment.pk).delete()
        assert DuesEntry.objects.get(pk=payment.pk).amount == Decimal("10.00")


def _overdue_invoice(chamber, member, admin_user, year=YEAR - 1, grace_days=30):
    set_schedule(chamber, admin_user, year=year, due_on=datetime.date(year, 3, 31), grace_days=grace_days)
    with scope(chamber=chamber):
        dues_invoices_generate(chamber=chamber, actor=admin_user, year=year)
        return DuesInvoice.objects.get(chamber=chamber, membership=member, year=year)


def test_a_member_lapses_after_the_grace_period_and_the_history_says_why(chamber, member, admin_user, treasurer):
    invoice = _overdue_invoice(chamber, member, admin_user)
    grace_end = datetime.date(YEAR - 1, 4, 30)
    with scope(chamber=chamber):
        dues_payment_record(invoice=invoice, actor=treasurer, amount="5000", paid_on=PAID_ON, method="cash")
        assert dues_lapse_overdue(chamber=chamber, today=grace_end) == []  # the last day of grace still counts
        preview = dues_lapse_overdue(chamber=chamber, today=grace_end + datetime.timedelta(days=1), dry_run=True)
        assert [m.pk for m in preview] == [member.pk]
        member.refresh_from_db()
        assert member.status == MembershipStatus.ACTIVE
        lapsed = dues_lapse_overdue(chamber=chamber, actor=None, today=grace_end + datetime.timedelta(days=1))
        assert [m.pk for m in lapsed] == [member.pk]
        member.refresh_from_db()
        assert member.status == MembershipStatus.LAPSED
        change = MembershipChange.objects.filter(membership=member, new_value="lapsed").get()
        for part in (invoice.number, str(YEAR - 1), "15,000.00", grace_end.isoformat()):
            assert part in change.reason
        assert dues_lapse_overdue(chamber=chamber, today=grace_end + datetime.timedelta(days=2)) == []


def test_paying_in_full_reactivates_a_lapsed_member(chamber, member, admin_user, treasurer):
    invoice = _overdue_invoice(chamber, member, admin_user)
    with scope(chamber=chamber):
        dues_lapse_overdue(chamber=chamber)
        member.refresh_from_db()
        assert member.status == MembershipStatus.LAPSED
        dues_payment_record(invoice=invoice, actor=treasurer, amount="19000", paid_on=PAID_ON, method="cash")
        member.refresh_from_db()
        assert member.status == MembershipStatus.LAPSED  # still 1,000 owed
        dues_payment_record(invoice=invoice, actor=treasurer, amount="1000", paid_on=PAID_ON, method="cash")
        member.refresh_from_db()
        assert member.status == MembershipStatus.ACTIVE
        change = MembershipChange.objects.filter(membership=member, new_value="active").order_by("-pk").first()
        assert invoice.number in change.reason


def test_the_daily_task_runs_the_lapse_for_each_chamber(chamber, other_chamber, member, admin_user,
                                                        django_capture_on_commit_callbacks, monkeypatch):
    _overdue_invoice(chamber, member, admin_user)
    sent = []
    monkeypatch.setattr(tasks.dues_lapse_chamber, "delay", lambda chamber_id: sent.append(chamber_id))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.dues_lapse_all()
    assert sorted(sent) == sorted([chamber.pk, other_chamber.pk])
    assert tasks.dues_lapse_chamber(chamber.pk) == 1
    with scope(chamber=chamber):
        member.refresh_from_db()
        assert member.status == MembershipStatus.LAPSED
