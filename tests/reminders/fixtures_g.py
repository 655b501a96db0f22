"""Fixtures and helpers of the dues, self-service, event and request reminder tests: members
with representatives, the year's invoices, events with registrations, requests, and a scan
helper that reads back the deliveries (all through the services, inside the chamber's scope)."""
import datetime
import itertools

import pytest
from django.utils import timezone
from django_scopes import scope

from chamber.models import RoleKind
from chamber.reminders.models import Delivery
from chamber.reminders.services import reminders_scan
from events.models import EventStatus
from events.services.events import event_create, event_set_status
from events.services.registrations import registration_create
from events.services.requests import request_create
from members.dues.services import dues_invoices_generate, fee_schedule_set
from members.models import DuesInvoice, Membership, MembershipKind, MembershipStatus, Rank
from members.services import (
    contact_add,
    enterprise_create,
    member_representative_grant,
    membership_create,
    person_create,
)

from ..factories import make_uscc, user_with_role

TODAY = timezone.localdate()
YEAR = TODAY.year
# The fee schedule's due date: invoices copy it. The scan's "today" is chosen around it.
DUE = datetime.date(YEAR, 6, 30)
RATES = {"vice-president": "20000", "member": "2000"}
_numbers = itertools.count(700000)


def scan(chamber, today, rule):
    """Run the scan for one rule on `today`; returns how many deliveries were new."""
    with scope(chamber=chamber):
        return reminders_scan(chamber=chamber, today=today, rules=[rule])


def deliveries(chamber, rule):
    """{(recipient username, subject id, occasion): delivery} of one rule in `chamber`."""
    with scope(chamber=chamber):
        rows = Delivery.objects.filter(chamber=chamber, rule=rule).select_related("recipient")
        return {(row.recipient.username, row.subject_id, row.occasion): row for row in rows}


def add_member(chamber, name, rank="member", branches=(), representative=None):
    """An active enterprise member (through the services), optionally with a representative."""
    with scope(chamber=chamber):
        enterprise = enterprise_create(chamber=chamber, actor=None, name=name, uscc=make_uscc(next(_numbers)))
        membership = membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE,
                                       enterprise=enterprise, rank=Rank.objects.get(chamber=chamber, code=rank),
                                       branches=list(branches), status=MembershipStatus.ACTIVE,
                                       joined_on=datetime.date(2020, 1, 1))
        if representative is not None:
            member_representative_grant(enterprise=enterprise, user=representative, actor=None)
    return membership


def add_contact(chamber, membership, name, user=None):
    """A person of the member's enterprise (with a login when `user` is given)."""
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name=name, user=user)
        contact_add(enterprise=membership.enterprise, person=person, actor=None, title="员工")
    return person


def issue_invoices(chamber, actor, due_on=DUE):
    """The year's fee schedule (20,000 / 2,000 yuan) and every member's invoice."""
    with scope(chamber=chamber):
        ranks = {rank.code: rank for rank in Rank.objects.filter(chamber=chamber)}
        fee_schedule_set(chamber=chamber, actor=actor, year=YEAR, due_on=due_on, grace_days=90,
                         rates={ranks[code]: amount for code, amount in RATES.items()})
        dues_invoices_generate(chamber=chamber, actor=actor, year=YEAR)
        return {invoice.membership_id: invoice for invoice in DuesInvoice.objects.filter(chamber=chamber)}


@pytest.fixture
def second_representative(make_user):
    return make_user("dora")


@pytest.fixture
def display_member(chamber, branches, second_representative):
    """An ordinary member (2,000 yuan) in the display branch, represented by dora."""
    return add_member(chamber, "苏州显示科技有限公司", branches=[branches["display"]],
                      representative=second_representative)


@pytest.fixture
def invoices(chamber, admin_user, member, representative, display_member, treasurer):
    """{membership id: invoice} of `member` (20,000 yuan) and `display_member` (2,000 yuan)."""
    return issue_invoices(chamber, admin_user)


@pytest.fixture
def foreign_invoices(other_chamber, outsider, make_user):
    """The other chamber's invoices (same due date), with a treasurer and a representative there."""
    user_with_role(make_user, other_chamber, "otto", RoleKind.TREASURER)
    with scope(chamber=other_chamber):
        membership = Membership.objects.get(chamber=other_chamber)
        member_representative_grant(enterprise=membership.enterprise, user=make_user("olga"), actor=None)
    return issue_invoices(other_chamber, outsider)


# --- Events and requests ----------------------------------------------------------------------

# 14:00 local time ten days from now: far enough for the services, a whole day inside one date.
START = (timezone.localtime(timezone.now()) + datetime.timedelta(days=10)).replace(hour=14, minute=0, second=0,
                                                                                   microsecond=0)
START_DAY = START.date()


def make_event(chamber, actor, status=EventStatus.OPEN, starts_at=START, title="光通信产业政策宣讲会", capacity=None):
    """An event through the services, moved to `status`."""
    with scope(chamber=chamber):
        event = event_create(chamber=chamber, actor=actor, title=title, kind="policy_briefing", starts_at=starts_at,
                             ends_at=starts_at + datetime.timedelta(hours=3), place="苏州国际博览中心",
                             capacity=capacity)
        path = {EventStatus.OPEN: ["open"], EventStatus.CLOSED: ["open", "closed"],
                EventStatus.CANCELLED: ["open", "cancelled"]}[status]
        for step in path:
            event = event_set_status(event=event, actor=actor, status=step, reason="测试")
    return event


def register(chamber, event, membership, person):
    """A registration through the service, as staff would record it."""
    with scope(chamber=chamber):
        return registration_create(event=event, actor=None, membership=membership, person=person)


def raise_request(chamber, actor, membership, due_on, **kwargs):
    """A member request through the service, due on `due_on` (today or later)."""
    with scope(chamber=chamber):
        return request_create(chamber=chamber, actor=actor, membership=membership, category="financing",
                              title=kwargs.pop("title", "流动资金贷款难"), description="企业需要500万元流动资金。",
                              due_on=due_on, **kwargs)
