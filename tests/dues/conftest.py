"""Dues fixtures: a fee schedule for this year (rates per rank), a second member, the year's
invoices, and the other chamber's invoice (for isolation tests)."""
import datetime

import pytest
from django.utils import timezone
from django_scopes import scope

from members.dues.services import dues_invoices_generate, fee_schedule_set
from members.models import DuesInvoice, MembershipKind, MembershipStatus, Rank
from members.services import enterprise_create, membership_change_status, membership_create

from ..factories import make_uscc

TODAY = timezone.localdate()
YEAR = TODAY.year
RATES = {"president": "50000", "executive-president": "30000", "vice-president": "20000",
         "standing-council": "10000", "council": "5000", "member": "2000"}


def set_schedule(chamber, actor, year=YEAR, due_on=None, grace_days=90, rates=None):
    """The year's schedule with RATES (or `rates`, by rank code)."""
    with scope(chamber=chamber):
        ranks = {rank.code: rank for rank in Rank.objects.filter(chamber=chamber)}
        given = RATES if rates is None else rates
        return fee_schedule_set(chamber=chamber, actor=actor, year=year,
                                due_on=due_on or datetime.date(year, 12, 31), grace_days=grace_days,
                                rates={ranks[code]: amount for code, amount in given.items()})


def add_member(chamber, name, n, rank="member", status=MembershipStatus.ACTIVE):
    with scope(chamber=chamber):
        enterprise = enterprise_create(chamber=chamber, actor=None, name=name, uscc=make_uscc(n))
        membership = membership_create(
            chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=enterprise,
            rank=Rank.objects.get(chamber=chamber, code=rank), joined_on=datetime.date(2020, 1, 1),
            status=MembershipStatus.APPLIED if status == MembershipStatus.APPLIED else MembershipStatus.ACTIVE)
        if status not in (MembershipStatus.APPLIED, MembershipStatus.ACTIVE):
            membership = membership_change_status(membership=membership, actor=None, status=status, reason="测试")
        return membership


@pytest.fixture
def schedule(chamber, admin_user):
    return set_schedule(chamber, admin_user)


@pytest.fixture
def second_member(chamber):
    """A second active ordinary member (会员单位, 2,000 yuan)."""
    return add_member(chamber, "阿里光学有限公司", 200001)


@pytest.fixture
def invoice(chamber, member, schedule, admin_user):
    """The member's (副会长单位, 20,000 yuan) invoice for this year."""
    with scope(chamber=chamber):
        dues_invoices_generate(chamber=chamber, actor=admin_user, year=YEAR)
        return DuesInvoice.objects.get(chamber=chamber, membership=member, year=YEAR)


@pytest.fixture
def foreign_invoice(other_chamber, outsider):
    """The other chamber's member's invoice."""
    set_schedule(other_chamber, outsider)
    with scope(chamber=other_chamber):
        dues_invoices_generate(chamber=other_chamber, actor=outsider, year=YEAR)
        return DuesInvoice.objects.get(chamber=other_chamber)

from ..web.conftest import client_as  # noqa: E402,F401  (the page tests sign in with it)
