"""Charity services: donors by kind, closed programmes, goods, receipts numbered without gaps,
over-receipt refused, withdrawals and reversals, floats refused, and the totals."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from django_scopes import scope

from chamber.access import access_for_user
from chamber.ledger import ledger_totals_match
from charity.models import Donation, DonationEntry, Programme
from charity.selectors import (
    branch_totals,
    donor_totals,
    honour_roll,
    member_donation_summary,
    programme_totals,
    year_totals,
)
from charity.services import (
    donation_entry_reverse,
    donation_receive,
    donation_record,
    donation_withdraw,
    programme_close,
    programme_create,
    programme_reopen,
    programme_update,
    recipient_add,
)
from members.models import Membership, MembershipStatus

from .conftest import TODAY, YEAR, received


def _errors(excinfo):
    return excinfo.value.message_dict


# --- programmes ------------------------------------------------------------------------------

def test_programme_name_is_unique_per_chamber_and_dates_ordered(chamber, programme, admin_user, other_chamber):
    with scope(chamber=chamber), pytest.raises(ValidationError) as refused:
        programme_create(chamber=chamber, actor=admin_user, name=" 河南水灾救助 ", kind="education",
                         starts_on=TODAY)
    assert "河南水灾救助" in _errors(refused)["name"][0]
    with scope(chamber=chamber), pytest.raises(ValidationError) as refused:
        programme_update(programme=programme, actor=admin_user, ends_on=datetime.date(YEAR - 1, 1, 1))
    assert "ends_on" in _errors(refused)
    with scope(chamber=chamber), pytest.raises(ValidationError) as refused:
        programme_update(programme=programme, actor=admin_user, goal_amount="-1")
    assert "goal_amount" in _errors(refused)
    # The same name in another chamber is fine.
    with scope(chamber=other_chamber):
        programme_create(chamber=other_chamber, actor=None, name="河南水灾救助", kind="education", starts_on=TODAY)


def test_closed_programme_refuses_donations_until_reopened(chamber, programme, admin_user, donate):
    with scope(chamber=chamber):
        programme_close(programme=programme, actor=admin_user)
    with pytest.raises(ValidationError) as refused:
        donate(programme, "100")
    assert "programme" in _errors(refused)
    with scope(chamber=chamber):
        programme_reopen(programme=programme, actor=admin_user)
    assert donate(programme, "100").amount == Decimal("100.00")


def test_secretary_access_may_manage_programmes_but_not_record_money(chamber, programme, secretary, admin_user):
    with scope(chamber=chamber):
        access = access_for_user(chamber, secretary)
        recipient_add(programme=programme, actor=secretary, access=access, name="红旗区一中", kind="school")
        with pytest.raises(PermissionDenied):
            donation_record(programme=programme, actor=secretary, access=access, donor_kind="outside",
                            donor_name="张三", form="money", amount="10", pledged_on=TODAY)


# --- donors ------------------------------------------------------------------------------------

def test_member_donor_is_named_and_credited_to_the_members_branch(chamber, programme, member, donate, branch_cable_sub):
    donation = donate(programme, "5000", donor_kind="member", membership=member, donor_name="ignored")
    assert donation.donor_name == "苏州光电缆有限公司"
    assert donation.branch == branch_cable_sub


def test_another_chambers_member_is_refused(chamber, programme, other_chamber, donate):
    with scope(chamber=other_chamber):
        theirs = Membership.objects.get(chamber=other_chamber)
    with pytest.raises(ValidationError) as refused:
        donate(programme, "100", donor_kind="member", membership=theirs)
    assert "membership" in _errors(refused)
    with scope(chamber=chamber):
        assert not Donation.objects.filter(chamber=chamber).exists()


def test_a_member_who_left_is_refused(chamber, programme, member, donate):
    with scope(chamber=chamber):
        Membership.objects.filter(pk=member.pk).update(status=MembershipStatus.LEFT)
        member.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        donate(programme, "100", donor_kind="member", membership=member)
    assert "membership" in _errors(refused)


def test_branch_and_officer_donors(chamber, programme, branch_display, officer_person, donate, other_chamber):
    by_branch = donate(programme, "300", donor_kind="branch", branch=branch_display)
    assert (by_branch.donor_name, by_branch.branch) == ("显示分会", branch_display)
    by_officer = donate(programme, "800", donor_kind="officer", person=officer_person)
    assert (by_officer.donor_name, by_officer.person, by_officer.branch) == ("王建国", officer_person, branch_display)
    from members.services import person_create
    with scope(chamber=chamber):
        plain = person_create(chamber=chamber, actor=None, name="路人甲")
    with pytest.raises(ValidationError) as refused:
        donate(programme, "10", donor_kind="officer", person=plain)
    assert "person" in _errors(refused)
    with pytest.raises(ValidationError) as refused:
        donate(programme, "10", donor_kind="branch", branch=None)
    assert "branch" in _errors(refused)
    with pytest.raises(ValidationError) as refused:
        donate(programme, "10", donor_kind="outside", donor_name="  ")
    assert "donor_name" in _errors(refused)
    with pytest.raises(ValidationError):
        donate(programme, "10", donor_kind="alien")


def test_goods_need_a_description_and_are_received_as_goods(chamber, programme, donate):
    with pytest.raises(ValidationError) as refused:
        donate(programme, "2000", form="goods")
    assert "goods_description" in _errors(refused)
    goods = donate(programme, "2000", form="goods", goods_description="矿泉水 200 箱", received=received("2000", method="cash"))
    with scope(chamber=chamber):
        entry = DonationEntry.objects.get(donation=goods)
    assert (entry.method, goods.settled_amount) == ("goods", Decimal("2000.00"))


def test_recipient_must_belong_to_the_programme(chamber, programme, fund, admin_user, donate):
    with scope(chamber=chamber):
        elsewhere = recipient_add(programme=fund, actor=admin_user, name="某小学", kind="school")
    with pytest.raises(ValidationError) as refused:
        donate(programme, "100", recipient=elsewhere)
    assert "recipient" in _errors(refused)


@pytest.mark.parametrize("amount", [100.5, "1.234", "-3", "abc"])
def test_bad_amounts_are_refused(programme, donate, amount):
    with pytest.raises(ValidationError) as refused:
        donate(programme, amount)
    assert "amount" in _errors(refused)


# --- receipts, withdrawals, reversals ------------------------------------------------------------

def test_receipts_are_numbered_without_gaps(chamber, programme, fund, donate, treasurer):
    numbers = []
    for prog in (programme, fund, programme):
        d = donate(prog, "100", received=received("60"))
        with scope(chamber=chamber):
            numbers.append(DonationEntry.objects.get(donation=d).number)
            numbers.append(donation_receive(donation=d, actor=treasurer, amount="40", received_on=TODAY,
                                            method="cash").number)
    assert numbers == ["JZ-{}-{:05d}".format(YEAR, n) for n in range(1, 7)]


def test_receiving_more_than_outstanding_is_refused_and_nothing_saved(chamber, programme, donate, treasurer):
    donation = donate(programme, "1000", received=received("600"))
    with scope(chamber=chamber), pytest.raises(ValidationError) as refused:
        donation_receive(donation=donation, actor=treasurer, amount="400.01", received_on=TODAY, method="cash")
    assert "400.00" in _errors(refused)["amount"][0]
    # The message is the ledger's, in the user's language (“…未结余额 400.00 元…”).
    assert _errors(refused)["amount"][0] == gettext(
        "This would pay more than is outstanding ({outstanding} yuan). Nothing was recorded.").format(outstanding="400.00")
    with scope(chamber=chamber):
        donation.refresh_from_db()
        assert DonationEntry.objects.filter(donation=donation).count() == 1
    assert donation.settled_amount == Decimal("600.00")


def test_received_part_too_large_leaves_no_donation(chamber, programme, donate):
    with pytest.raises(ValidationError) as refused:
        donate(programme, "100", received=received("150"))
    assert "received_amount" in _errors(refused)
    with scope(chamber=chamber):
        assert not Donation.objects.filter(chamber=chamber).exists()


def test_withdrawal_needs_a_reason(chamber, programme, donate, treasurer):
    donation = donate(programme, "1000")
    with scope(chamber=chamber), pytest.raises(ValidationError) as refused:
        donation_withdraw(donation=donation, actor=treasurer, amount="500", reason="  ")
    assert "reason" in _errors(refused)
    with scope(chamber=chamber):
        donation_withdraw(donation=donation, actor=treasurer, amount="500", reason="企业经营困难")
        donation.refresh_from_db()
    assert donation.outstanding == Decimal("500.00")


def test_reversal_restores_and_cannot_repeat(chamber, programme, donate, treasurer):
    donation = donate(programme, "1000", received=received("1000"))
    with scope(chamber=chamber):
        entry = DonationEntry.objects.get(donation=donation)
        with pytest.raises(ValidationError):
            donation_entry_reverse(entry=entry, actor=treasurer, reason="")
        reversal = donation_entry_reverse(entry=entry, actor=treasurer, reason="重复登记")
        donation.refresh_from_db()
        assert (donation.settled_amount, donation.outstanding) == (Decimal("0.00"), Decimal("1000.00"))
        assert reversal.amount == Decimal("-1000.00") and reversal.reference == entry.number
        with pytest.raises(ValidationError) as refused:
            donation_entry_reverse(entry=entry, actor=treasurer, reason="再来一次")
        assert "entry" in _errors(refused)
        with pytest.raises(ValidationError):
            donation_entry_reverse(entry=reversal, actor=treasurer, reason="冲正的冲正")
        assert ledger_totals_match(donation)


# --- totals on a hand-computed example ------------------------------------------------------------

@pytest.fixture
def example(chamber, programme, fund, member, branch_display, officer_person, donate, treasurer):
    """programme: member 5000 (received 3000, then 1000 more reversed), branch 300 (received 300),
    outside 陈 2000 pledged last year (withdrawn 500, received 1500, anonymous);
    fund: officer 800 (received 800), outside 陈 1000 (nothing received)."""
    last_year = datetime.date(YEAR - 1, 12, 20)
    d_member = donate(programme, "5000", donor_kind="member", membership=member, received=received("3000"))
    d_branch = donate(programme, "300", donor_kind="branch", branch=branch_display, received=received("300"))
    d_outside = donate(programme, "2000", pledged_on=last_year, anonymous=True,
                       received=received("1500", on=last_year))
    d_officer = donate(fund, "800", donor_kind="officer", person=officer_person, received=received("800"))
    d_fund = donate(fund, "1000")
    with scope(chamber=chamber):
        extra = donation_receive(donation=d_member, actor=treasurer, amount="1000", received_on=TODAY, method="cash")
        donation_entry_reverse(entry=extra, actor=treasurer, reason="误录")
        donation_withdraw(donation=d_outside, actor=treasurer, amount="500", reason="认捐未兑现")
    return {"member": d_member, "branch": d_branch, "outside": d_outside, "officer": d_officer, "fund": d_fund}


def test_totals_per_programme(chamber, programme, fund, example):
    with scope(chamber=chamber):
        totals = programme_totals(chamber=chamber)
        this_year = programme_totals(chamber=chamber, year=YEAR)
    rows = {row["programme"].pk: row for row in totals["rows"]}
    assert (rows[programme.pk]["pledged"], rows[programme.pk]["received"], rows[programme.pk]["outstanding"],
            rows[programme.pk]["count"]) == (Decimal("6800"), Decimal("4800"), Decimal("2000"), 3)
    assert rows[programme.pk]["progress"] == 4  # 4,800 of the 100,000 goal
    assert (rows[fund.pk]["pledged"], rows[fund.pk]["received"], rows[fund.pk]["progress"]) == (
        Decimal("1800"), Decimal("800"), None)
    assert totals["total"] == {"pledged": Decimal("8600"), "received": Decimal("5600"),
                               "outstanding": Decimal("3000"), "count": 5}
    year_rows = {row["programme"].pk: row for row in this_year["rows"]}
    assert year_rows[programme.pk]["pledged"] == Decimal("5300")


def test_totals_per_donor_branch_and_year(chamber, example, branch_display, branch_cable_sub):
    with scope(chamber=chamber):
        donors = donor_totals(chamber=chamber)
        branches = branch_totals(chamber=chamber)
        years = year_totals(chamber=chamber)
    by_name = {(row["donor_kind"], row["donor_name"]): row for row in donors}
    assert by_name[("outside", "爱心企业家陈先生")]["pledged"] == Decimal("2500")  # 1500 + 1000
    assert by_name[("outside", "爱心企业家陈先生")]["received"] == Decimal("1500")
    assert by_name[("member", "苏州光电缆有限公司")]["received"] == Decimal("3000")
    assert donors[0]["donor_name"] == "苏州光电缆有限公司"  # most received first
    by_branch = {row["branch_id"]: row for row in branches}
    assert by_branch[branch_cable_sub.pk]["received"] == Decimal("3000")
    assert by_branch[branch_display.pk]["pledged"] == Decimal("1100")  # the branch's 300 + the officer's 800
    assert by_branch[None]["pledged"] == Decimal("2500") and branches[-1]["branch_id"] is None
    by_year = {row["year"]: row for row in years}
    assert by_year[YEAR - 1]["pledged"] == Decimal("1500") and by_year[YEAR - 1]["received"] == Decimal("1500")
    # This year: 3000 + 300 + 800 received; the 1000 received and reversed this year count zero.
    assert by_year[YEAR]["received"] == Decimal("4100")
    assert by_year[YEAR]["pledged"] == Decimal("7100")


def test_member_summary_and_honour_roll(chamber, programme, member, example):
    with scope(chamber=chamber):
        summary = member_donation_summary(membership=member)
        roll = honour_roll(programme=programme)
    assert (summary["pledged"], summary["received"], summary["outstanding"], summary["count"]) == (
        Decimal("5000"), Decimal("3000"), Decimal("2000"), 1)
    assert summary["donations"][0].programme.name == "河南水灾救助"
    assert [row["name"] for row in roll] == ["苏州光电缆有限公司", "显示分会", gettext("Caring donor")]
    assert roll[-1]["anonymous"] and roll[-1]["donors"] == 1


def test_programme_is_a_tenant_row(chamber, programme, other_chamber):
    with scope(chamber=other_chamber):
        assert not Programme.objects.filter(chamber=other_chamber, pk=programme.pk).exists()
