"""Events fixtures: an open event with a small capacity, people of the member's enterprise,
a second member, and helpers that call the services inside the chamber's scope."""
import datetime

import pytest
from django.utils import timezone
from django_scopes import scope

from events.models import EventStatus
from events.services.events import event_create, event_set_status
from events.services.registrations import registration_create
from members.models import MembershipKind, MembershipStatus, Rank
from members.services import contact_add, enterprise_create, membership_create, person_create

from ...factories import make_mobile, make_uscc

START = timezone.now().replace(microsecond=0) + datetime.timedelta(days=10)


def make_event(chamber, actor, status=EventStatus.OPEN, **fields):
    """An event through the service, moved to `status` (draft → open → …)."""
    values = {"title": "光通信产业政策宣讲会", "kind": "policy_briefing", "starts_at": START,
              "ends_at": START + datetime.timedelta(hours=3), "place": "苏州国际博览中心"}
    values.update(fields)
    with scope(chamber=chamber):
        event = event_create(chamber=chamber, actor=actor, **values)
        path = {EventStatus.DRAFT: [], EventStatus.OPEN: ["open"], EventStatus.CLOSED: ["open", "closed"],
                EventStatus.HELD: ["open", "held"], EventStatus.CANCELLED: ["cancelled"]}[status]
        for step in path:
            event = event_set_status(event=event, actor=actor, status=step, reason="测试")
    return event


def register(chamber, event, actor=None, **kwargs):
    with scope(chamber=chamber):
        return registration_create(event=event, actor=actor, **kwargs)


@pytest.fixture
def event(chamber, admin_user):
    """An open briefing for everyone, capacity 2."""
    return make_event(chamber, admin_user, capacity=2)


@pytest.fixture
def people(chamber, member):
    """Four contacts of the member's enterprise: 王一 … 王四."""
    with scope(chamber=chamber):
        result = []
        for n, name in enumerate(["王一", "王二", "王三", "王四"]):
            person = person_create(chamber=chamber, actor=None, name=name, mobile=make_mobile(5550000 + n))
            contact_add(enterprise=member.enterprise, person=person, actor=None, title="员工")
            result.append(person)
    return result


@pytest.fixture
def second_member(chamber, branches):
    """An active member in the display branch, with one contact 赵六."""
    with scope(chamber=chamber):
        e = enterprise_create(chamber=chamber, actor=None, name="苏州显示科技有限公司", uscc=make_uscc(100777))
        m = membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e,
                              rank=Rank.objects.get(chamber=chamber, code="member"), branches=[branches["display"]],
                              status=MembershipStatus.ACTIVE)
        p = person_create(chamber=chamber, actor=None, name="赵六")
        contact_add(enterprise=e, person=p, actor=None)
        m.contact_person = p
    return m
