"""Shared fixtures: two chambers and a cast of users (healthchecks' alice / bob / charlie).

- `chamber` (苏州市光电产业商会) with ranks, two branches (`branch_cable` ⊃ `branch_cable_sub`,
  and `branch_display`) and one active member in `branch_cable_sub`;
- `other_chamber` with its own member;
- users: `admin_user` (chamber admin), `secretary` (secretariat), `staff_readonly`
  (secretariat read-only), `branch_secretary` (at branch_cable), `treasurer`, `reviewer`,
  `representative` (of the member's enterprise), `outsider` (admin of other_chamber only).
"""
import datetime

import pytest
from django_scopes import scope, scopes_disabled
from rest_framework.test import APIClient

from branches.services import branch_create
from chamber.models import ChamberKind, RoleKind
from chamber.services import api_key_create, chamber_create
from members.models import MembershipKind, MembershipStatus, Rank
from members.services import enterprise_create, member_representative_grant, membership_create

from .factories import UserFactory, make_uscc, user_with_role


@pytest.fixture
def make_user(db):
    def make(username, **kwargs):
        return UserFactory(username=username, **kwargs)

    return make


@pytest.fixture
def chamber(db):
    with scopes_disabled():
        c = chamber_create(actor=None, name="苏州市光电产业商会", short_name="光电商会", slug="sz-optical",
                           kind=ChamberKind.INDUSTRY, division_code="320500")
    return c


@pytest.fixture
def other_chamber(db):
    with scopes_disabled():
        c = chamber_create(actor=None, name="浙江省四川商会", slug="zj-sichuan", kind=ChamberKind.OUT_OF_TOWN,
                           division_code="330100")
        e = enterprise_create(chamber=c, actor=None, name="杭州川味餐饮有限公司", uscc=make_uscc(900001, "330100"))
        membership_create(chamber=c, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e,
                          rank=Rank.objects.get(chamber=c, code="member"), status=MembershipStatus.ACTIVE,
                          joined_on=datetime.date(2019, 3, 1))
    return c


@pytest.fixture
def branches(chamber):
    with scope(chamber=chamber):
        cable = branch_create(chamber=chamber, actor=None, name="光缆分会", kind="branch", code="CABLE")
        cable_sub = branch_create(chamber=chamber, actor=None, name="光纤预制棒专委会", kind="committee", parent=cable)
        display = branch_create(chamber=chamber, actor=None, name="显示分会", kind="branch", code="DISPLAY")
    return {"cable": cable, "cable_sub": cable_sub, "display": display}


@pytest.fixture
def branch_cable(branches):
    return branches["cable"]


@pytest.fixture
def branch_cable_sub(branches):
    return branches["cable_sub"]


@pytest.fixture
def branch_display(branches):
    return branches["display"]


@pytest.fixture
def member(chamber, branches):
    """An active enterprise member in the cable sub-committee."""
    with scope(chamber=chamber):
        e = enterprise_create(chamber=chamber, actor=None, name="苏州光电缆有限公司", uscc=make_uscc(100001),
                              industry_code="C3831", division_code="320505")
        return membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e,
                                 rank=Rank.objects.get(chamber=chamber, code="vice-president"),
                                 branches=[branches["cable_sub"]], status=MembershipStatus.ACTIVE,
                                 joined_on=datetime.date(2015, 5, 20), member_number="GD-001")


@pytest.fixture
def admin_user(make_user, chamber):
    return user_with_role(make_user, chamber, "alice", RoleKind.CHAMBER_ADMIN)


@pytest.fixture
def secretary(make_user, chamber):
    return user_with_role(make_user, chamber, "sally", RoleKind.SECRETARIAT)


@pytest.fixture
def staff_readonly(make_user, chamber):
    return user_with_role(make_user, chamber, "bob", RoleKind.SECRETARIAT_READONLY)


@pytest.fixture
def branch_secretary(make_user, chamber, branch_cable):
    return user_with_role(make_user, chamber, "brenda", RoleKind.BRANCH_SECRETARY, branch=branch_cable)


@pytest.fixture
def treasurer(make_user, chamber):
    return user_with_role(make_user, chamber, "terry", RoleKind.TREASURER)


@pytest.fixture
def reviewer(make_user, chamber):
    return user_with_role(make_user, chamber, "rita", RoleKind.REVIEWER)


@pytest.fixture
def representative(make_user, chamber, member):
    user = make_user("remy")
    with scope(chamber=chamber):
        member_representative_grant(enterprise=member.enterprise, user=user, actor=None)
    return user


@pytest.fixture
def outsider(make_user, other_chamber):
    """Admin of the other chamber: a fully trusted user, just not here."""
    return user_with_role(make_user, other_chamber, "charlie", RoleKind.CHAMBER_ADMIN)


@pytest.fixture
def api_key(chamber):
    """(ApiKey, raw key) for a read-only roster client of `chamber`."""
    with scope(chamber=chamber):
        return api_key_create(chamber=chamber, actor=None, name="OA roster sync")


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` authenticates with a token."""
    from rest_framework.authtoken.models import Token

    client = APIClient()

    def as_user(user):
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    def as_key(raw):
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
        return client

    client.as_user = as_user
    client.as_key = as_key
    return client


# The evaluations cast and rubric (a module of its own to keep this one readable).
from .evaluation_fixtures import *  # noqa: E402,F401,F403


@pytest.fixture
def sent_to_broker():
    """Unit-test settings run tasks eagerly; the real-worker tests need them sent through Redis."""
    from chamber.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous
