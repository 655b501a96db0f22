"""Local helpers for the roster tests. Tests that use `in_chamber` run inside its scope."""
import itertools

import pytest
from django_scopes import scope

from members.models import MembershipKind, MembershipStatus, Rank
from members.services import enterprise_create, membership_create
from tests.factories import make_uscc

_numbers = itertools.count(500000)


@pytest.fixture
def in_chamber(chamber):
    with scope(chamber=chamber):
        yield chamber


@pytest.fixture
def rank(in_chamber):
    def get(code):
        return Rank.objects.get(chamber=in_chamber, code=code)

    return get


@pytest.fixture
def make_enterprise(in_chamber):
    def make(name="苏州测试企业有限公司", **fields):
        fields.setdefault("uscc", make_uscc(next(_numbers)))
        return enterprise_create(chamber=in_chamber, actor=None, name=name, **fields)

    return make


@pytest.fixture
def make_member(in_chamber, make_enterprise, rank):
    def make(enterprise=None, status=MembershipStatus.ACTIVE, actor=None, **kwargs):
        return membership_create(chamber=in_chamber, actor=actor, kind=MembershipKind.ENTERPRISE,
                                 enterprise=enterprise or make_enterprise(), rank=kwargs.pop("rank", None) or rank("member"),
                                 status=status, **kwargs)

    return make
