"""Requests fixtures: a second member in the display branch (outside the branch secretary's
reach) with its own representative, a serving officer, the other chamber's request, and a
helper that raises a request through the service (inside the chamber's scope)."""
import datetime

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from events.models import MemberRequest
from events.services.requests import request_create, request_move
from members.models import MembershipKind, MembershipStatus, Post, Rank
from members.officers import officer_appoint, term_create
from members.services import enterprise_create, member_representative_grant, membership_create, person_create

from ...factories import make_uscc

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def display_member(chamber, branches):
    """An active member in the display branch (outside branch_cable)."""
    with scope(chamber=chamber):
        e = enterprise_create(chamber=chamber, actor=None, name="苏州显示科技有限公司", uscc=make_uscc(100002))
        return membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e,
                                 rank=Rank.objects.get(chamber=chamber, code="member"),
                                 branches=[branches["display"]], status=MembershipStatus.ACTIVE,
                                 joined_on=datetime.date(2018, 1, 1))


@pytest.fixture
def display_representative(make_user, chamber, display_member):
    user = make_user("dora")
    with scope(chamber=chamber):
        member_representative_grant(enterprise=display_member.enterprise, user=user, actor=None)
    return user


@pytest.fixture
def officer(chamber, member):
    """王建国, vice-president serving in the current term."""
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="王建国")
        term = term_create(chamber=chamber, actor=None, ordinal=8, starts_on=datetime.date(YEAR - 2, 1, 1),
                           ends_on=datetime.date(YEAR + 3, 12, 31))
        return officer_appoint(term=term, actor=None, person=person, post=Post.VICE_PRESIDENT,
                               enterprise=member.enterprise)


@pytest.fixture
def raise_request(chamber, secretary):
    """raise_request(membership, **kwargs) -> MemberRequest recorded by the secretary."""

    def make(membership, **kwargs):
        kwargs.setdefault("category", "financing")
        kwargs.setdefault("title", "流动资金贷款难")
        kwargs.setdefault("description", "企业需要500万元流动资金，银行要求抵押。")
        kwargs.setdefault("source", "staff")
        with scope(chamber=membership.chamber):
            return request_create(chamber=membership.chamber, actor=kwargs.pop("actor", secretary),
                                  membership=membership, **kwargs)

    return make


@pytest.fixture
def move(secretary):
    """move(request, status, note="…") as the secretary."""

    def make(request, status, note="已处理", actor=None):
        with scope(chamber=request.chamber):
            return request_move(request=request, actor=actor or secretary, status=status, note=note)

    return make


@pytest.fixture
def foreign_request(other_chamber, outsider):
    """A request of the other chamber's member."""
    from members.models import Membership

    with scope(chamber=other_chamber):
        membership = Membership.objects.get(chamber=other_chamber)
        return request_create(chamber=other_chamber, actor=outsider, membership=membership, category="legal",
                              title="合同纠纷", description="供应商拖欠货款。", source="staff")


# The page tests' signed-in clients (tests/web/conftest.py's fixture, shared here).
from ...web.conftest import client_as  # noqa: E402,F401


def make_late(request, days):
    """Put a request's due date `days` in the past (the service refuses that, so straight to the row)."""
    with scope(chamber=request.chamber):
        MemberRequest.objects.filter(chamber=request.chamber, pk=request.pk).update(
            due_on=TODAY - datetime.timedelta(days=days))


def fetch(model, **lookup):
    """model.objects.get(**lookup) outside any request (scopes disabled for the read)."""
    with scopes_disabled():
        return model.objects.get(**lookup)


def count(model, **lookup):
    with scopes_disabled():
        return model.objects.filter(**lookup).count()
