"""Dues reminders (due, overdue) and the daily self-service digest (members/dues/reminders.py):
the right people on exactly the lead days, nobody else, other chambers untouched, a second
scan adds nothing, and a fixed number of queries whatever the number of invoices or changes."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from chamber.models import RoleKind
from chamber.reminders.models import Delivery, ReminderRule, ReminderSettings
from members.dues.reminders import dues_due, dues_overdue, self_service_digest
from members.dues.services import dues_payment_record, dues_waive
from members.models import MembershipStatus, SelfServiceKind
from members.self_service import self_service_propose
from members.services import membership_change_status

from ..factories import user_with_role
from .fixtures_g import *  # noqa: F401,F403  (the fixtures)
from .fixtures_g import DUE, add_member, deliveries, issue_invoices, scan

DUE_RULE, OVERDUE_RULE, DIGEST = (ReminderRule.DUES_DUE, ReminderRule.DUES_OVERDUE,
                                  ReminderRule.SELF_SERVICE_DIGEST)


def days(n):
    return datetime.timedelta(days=n)


def plain(text):
    """Amounts without the thousands separator (zh-hans groups none, English groups by three)."""
    return text.replace(",", "")


# --- Dues falling due -------------------------------------------------------------------------

def test_due_reminds_representatives_and_treasurer_on_exactly_the_lead_days(chamber, invoices, member, display_member):
    # Defaults: 30 and 7 days before. The days around them remind nobody.
    for today in (DUE - days(31), DUE - days(29), DUE - days(8), DUE - days(6), DUE):
        assert scan(chamber, today, DUE_RULE) == 0
    assert scan(chamber, DUE - days(30), DUE_RULE) == 3
    occasion = "{}/30".format(DUE.isoformat())
    sent = deliveries(chamber, DUE_RULE)
    mine, theirs = invoices[member.pk], invoices[display_member.pk]
    schedule_id = str(mine.schedule_id)
    assert set(sent) == {("remy", str(mine.pk), occasion), ("dora", str(theirs.pk), occasion),
                         ("terry", schedule_id, occasion)}
    to_remy = sent[("remy", str(mine.pk), occasion)]
    assert "20000.00" in plain(to_remy.title) and str(mine.year) in to_remy.title
    assert to_remy.link == "/c/{}/members/portal/{}/".format(chamber.slug, member.enterprise_id)
    summary = sent[("terry", schedule_id, occasion)]
    # One summary for both invoices: 20,000 + 2,000 yuan.
    assert summary.title.startswith("2 张缴费通知单") and "22000.00" in plain(summary.title)
    assert summary.link == "/c/{}/members/dues/invoices/?year={}".format(chamber.slug, DUE.year)
    assert scan(chamber, DUE - days(7), DUE_RULE) == 3
    assert len(deliveries(chamber, DUE_RULE)) == 6


def test_a_second_scan_adds_nothing(chamber, invoices):
    assert scan(chamber, DUE - days(7), DUE_RULE) == 3
    assert scan(chamber, DUE - days(7), DUE_RULE) == 0
    assert len(deliveries(chamber, DUE_RULE)) == 3


def test_paid_and_waived_invoices_are_not_reminded_partly_paid_ones_are(chamber, invoices, member, display_member,
                                                                         admin_user, treasurer):
    with scope(chamber=chamber):
        dues_payment_record(invoice=invoices[member.pk], actor=treasurer, amount=Decimal("5000"),
                            paid_on=DUE - days(40), method="bank_transfer")
        dues_waive(invoice=invoices[display_member.pk], actor=admin_user, amount=Decimal("2000"), reason="困难企业")
    scan(chamber, DUE - days(30), DUE_RULE)
    sent = deliveries(chamber, DUE_RULE)
    assert {key[0] for key in sent} == {"remy", "terry"}  # dora's invoice is waived
    assert "15000.00" in plain(sent[("remy", str(invoices[member.pk].pk), "{}/30".format(DUE.isoformat()))].title)
    with scope(chamber=chamber):
        dues_payment_record(invoice=invoices[member.pk], actor=treasurer, amount=Decimal("15000"),
                            paid_on=DUE - days(10), method="cash")
    assert scan(chamber, DUE - days(7), DUE_RULE) == 0  # nothing open any more: no summary either


def test_members_that_left_are_not_reminded(chamber, invoices, display_member):
    with scope(chamber=chamber):
        membership_change_status(membership=display_member, actor=None, status=MembershipStatus.LEFT, reason="退会")
    scan(chamber, DUE - days(30), DUE_RULE)
    sent = deliveries(chamber, DUE_RULE)
    assert {key[0] for key in sent} == {"remy", "terry"}
    summary = sent[("terry", str(invoices[display_member.pk].schedule_id), "{}/30".format(DUE.isoformat()))]
    assert summary.title.startswith("1 张缴费通知单共计") and "20000.00" in plain(summary.title)


def test_other_chambers_are_untouched(chamber, invoices, foreign_invoices):
    scan(chamber, DUE - days(30), DUE_RULE)
    with scopes_disabled():
        assert not Delivery.objects.exclude(chamber=chamber).exists()
        assert set(Delivery.objects.values_list("recipient__username", flat=True)) == {"remy", "dora", "terry"}


def test_lead_days_come_from_the_chamber_settings(chamber, invoices):
    with scope(chamber=chamber):
        ReminderSettings.objects.create(chamber=chamber, lead_days={DUE_RULE: [3]})
    assert scan(chamber, DUE - days(30), DUE_RULE) == 0
    assert scan(chamber, DUE - days(3), DUE_RULE) == 3


def test_individual_member_is_reminded_at_their_own_login(chamber, admin_user, make_user, treasurer):
    from members.models import MembershipKind, Rank
    from members.services import membership_create, person_create

    user = make_user("ivan")
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="张个人", user=user)
        membership_create(chamber=chamber, actor=None, kind=MembershipKind.INDIVIDUAL, person=person,
                          rank=Rank.objects.get(chamber=chamber, code="member"), status=MembershipStatus.ACTIVE)
    issue_invoices(chamber, admin_user)
    scan(chamber, DUE - days(7), DUE_RULE)
    assert {key[0] for key in deliveries(chamber, DUE_RULE)} == {"ivan", "terry"}


# --- Dues overdue -----------------------------------------------------------------------------

def test_overdue_on_exactly_the_days_after(chamber, invoices, member, display_member):
    for today in (DUE - days(1), DUE, DUE + days(2), DUE + days(29), DUE + days(31)):
        assert scan(chamber, today, OVERDUE_RULE) == 0
    assert scan(chamber, DUE + days(1), OVERDUE_RULE) == 3
    assert scan(chamber, DUE + days(30), OVERDUE_RULE) == 3
    sent = deliveries(chamber, OVERDUE_RULE)
    occasion = "{}/30".format(DUE.isoformat())
    summary = sent[("terry", str(invoices[member.pk].schedule_id), occasion)]
    assert summary.title.startswith("2 张缴费通知单") and "22000.00" in plain(summary.title)
    assert summary.link.endswith("?year={}&status=overdue".format(DUE.year))
    assert ("dora", str(invoices[display_member.pk].pk), occasion) in sent
    assert scan(chamber, DUE + days(30), OVERDUE_RULE) == 0


def test_overdue_skips_members_that_left_and_paid_invoices(chamber, invoices, member, display_member, treasurer):
    with scope(chamber=chamber):
        membership_change_status(membership=display_member, actor=None, status=MembershipStatus.LEFT, reason="退会")
        dues_payment_record(invoice=invoices[member.pk], actor=treasurer, amount=Decimal("20000"), paid_on=DUE,
                            method="cash")
    assert scan(chamber, DUE + days(1), OVERDUE_RULE) == 0


def _many_members(chamber, make_user, n):
    for i in range(n):
        add_member(chamber, "企业{}有限公司".format(i), representative=make_user("rep{}".format(i)))


@pytest.mark.parametrize("members", [1, 10])
def test_dues_rules_run_a_fixed_number_of_queries(chamber, admin_user, treasurer, make_user, members,
                                                  django_assert_num_queries):
    _many_members(chamber, make_user, members)
    issue_invoices(chamber, admin_user)
    with scope(chamber=chamber):
        # The open invoices with their member, the representatives, the treasurers.
        with django_assert_num_queries(3):
            due = list(dues_due(chamber, DUE - days(7), [30, 7]))
        with django_assert_num_queries(3):
            overdue = list(dues_overdue(chamber, DUE + days(1), [1, 30]))
        # Nothing due: the invoices only.
        with django_assert_num_queries(1):
            assert list(dues_due(chamber, DUE - days(8), [30, 7])) == []
    assert len(due) == len(overdue) == members + 1


# --- Self-service digest ----------------------------------------------------------------------

def _propose(chamber, membership, user, employees):
    with scope(chamber=chamber):
        return self_service_propose(enterprise=membership.enterprise, user=user, kind=SelfServiceKind.PROFILE,
                                    values={"employees": employees})


@pytest.fixture
def approvers(admin_user, secretary, branch_secretary, treasurer, staff_readonly):
    return admin_user, secretary, branch_secretary


def test_digest_goes_to_secretariat_admins_and_branch_secretaries_within_reach(
        chamber, member, representative, display_member, second_representative, approvers, make_user, branch_display):
    today = timezone.localdate()
    _propose(chamber, member, representative, 120)  # member: in the cable sub-committee
    _propose(chamber, display_member, second_representative, 50)
    _propose(chamber, display_member, second_representative, 60)
    user_with_role(make_user, chamber, "nora", RoleKind.BRANCH_SECRETARY, branch=branch_display)
    assert scan(chamber, today, DIGEST) == 4
    sent = deliveries(chamber, DIGEST)
    occasion = today.isoformat()
    assert set(sent) == {(name, str(chamber.pk), occasion) for name in ("alice", "sally", "brenda", "nora")}
    assert sent[("sally", str(chamber.pk), occasion)].title.startswith("3 ")
    assert sent[("brenda", str(chamber.pk), occasion)].title.startswith("1 ")  # cable only
    assert sent[("nora", str(chamber.pk), occasion)].title.startswith("2 ")  # display only
    assert sent[("alice", str(chamber.pk), occasion)].link == "/c/{}/members/approvals/".format(chamber.slug)
    assert scan(chamber, today, DIGEST) == 0
    assert scan(chamber, today + days(1), DIGEST) == 4  # daily, as long as they wait


def test_digest_skips_branch_secretaries_with_nothing_in_reach_and_quiet_days(
        chamber, display_member, second_representative, approvers, outsider):
    today = timezone.localdate()
    assert scan(chamber, today, DIGEST) == 0  # nothing pending: no digest at all
    _propose(chamber, display_member, second_representative, 50)
    assert scan(chamber, today, DIGEST) == 2
    assert {key[0] for key in deliveries(chamber, DIGEST)} == {"alice", "sally"}  # brenda: cable only
    with scopes_disabled():
        assert not Delivery.objects.exclude(chamber=chamber).exists()


@pytest.mark.parametrize("changes", [1, 10])
def test_digest_runs_a_fixed_number_of_queries(chamber, branch_cable, approvers, make_user, changes,
                                               django_assert_num_queries):
    for i in range(changes):
        user = make_user("rep{}".format(i))
        membership = add_member(chamber, "企业{}有限公司".format(i), branches=[branch_cable], representative=user)
        _propose(chamber, membership, user, 10 + i)
    with scope(chamber=chamber):
        # Pending changes per enterprise, the approvers' roles, the branches of those enterprises.
        with django_assert_num_queries(3):
            digest = list(self_service_digest(chamber, timezone.localdate(), [0]))
    assert len(digest) == 3
    assert {due.params["n"] for due in digest} == {changes}
