"""The roster list is built from plain rows for speed; it must say exactly what the
declared serializer fields say, for every kind of member and every reader."""
import datetime

import pytest
from django_scopes import scope

from chamber.access import access_for_user
from members.models import MembershipKind, MembershipStatus, Rank
from members.selectors import membership_list
from members.services import (
    contact_add,
    enterprise_create,
    enterprise_update,
    membership_create,
    person_create,
    person_update,
)
from members.api.serializers import MembershipSerializer

from ..factories import make_mobile, make_uscc


@pytest.fixture
def mixed_roster(chamber, member, branches, contact):
    """An enterprise member with a contact (fixture `member`), an individual member and a
    group member in two branches with two contacts."""
    with scope(chamber=chamber):
        rank = Rank.objects.get(chamber=chamber, code="member")
        person = person_create(chamber=chamber, actor=None, name="李个人", mobile="+86 139 0000 1111")
        individual = membership_create(chamber=chamber, actor=None, kind=MembershipKind.INDIVIDUAL, person=person,
                                       rank=rank, status=MembershipStatus.ACTIVE, joined_on=datetime.date(2020, 1, 2))
        group_org = enterprise_create(chamber=chamber, actor=None, name="苏州市光电行业协会", uscc=make_uscc(300001))
        group = membership_create(chamber=chamber, actor=None, kind=MembershipKind.GROUP, enterprise=group_org, rank=rank,
                                  branches=[branches["display"], branches["cable"]])
        for n, name in enumerate(["王秘书", "赵联络"]):
            p = person_create(chamber=chamber, actor=None, name=name, mobile=make_mobile(n + 1))
            contact_add(enterprise=group_org, person=p, actor=None, title="联络员", is_primary=(n == 1))
    return [member, individual, group]


def _by_fields(chamber, user, pk):
    with scope(chamber=chamber):
        access = access_for_user(chamber, user)
        instance = membership_list(chamber=chamber, access=access).get(pk=pk)
        serializer = MembershipSerializer(instance, context={"access": access})
        return serializer.to_representation_by_fields(instance)


@pytest.mark.parametrize("reader", ["admin_user", "staff_readonly", "branch_secretary"])
def test_list_rows_equal_the_declared_fields(api, url, chamber, mixed_roster, reader, request):
    user = request.getfixturevalue(reader)
    listed = api.as_user(user).get(url("members/"), {"page_size": 50}).json()["results"]
    assert listed, "the reader sees at least one member"
    for document in listed:
        assert document == _by_fields(chamber, user, document["id"])


def test_detail_equals_the_declared_fields(api, url, chamber, mixed_roster, admin_user):
    for membership in mixed_roster:
        detail = api.as_user(admin_user).get(url(f"members/{membership.pk}/")).json()
        assert detail == _by_fields(chamber, admin_user, membership.pk)


def test_member_names_follow_renames_and_sort_the_roster(api, url, chamber, mixed_roster, admin_user):
    member, individual, group = mixed_roster
    with scope(chamber=chamber):
        enterprise_update(enterprise=group.enterprise, actor=None, name="阿里光电协会")
        person_update(person=individual.person, actor=None, name="周个人")
    rows = api.as_user(admin_user).get(url("members/"), {"ordering": "name", "page_size": 50}).json()["results"]
    names = [row["name"] for row in rows]
    assert "阿里光电协会" in names and "周个人" in names
    assert names == sorted(names)


def test_deep_pages_hold_the_right_rows_in_order(api, url, chamber, admin_user):
    with scope(chamber=chamber):
        rank = Rank.objects.get(chamber=chamber, code="member")
        for n in range(23):
            e = enterprise_create(chamber=chamber, actor=None, name=f"测试企业{n:02d}", uscc=make_uscc(500000 + n))
            membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e, rank=rank)
    client = api.as_user(admin_user)
    seen = []
    for page in (1, 2, 3):
        body = client.get(url("members/"), {"ordering": "-name", "page_size": 10, "page": page}).json()
        assert body["count"] == 23
        seen += [row["name"] for row in body["results"]]
    assert seen == [f"测试企业{n:02d}" for n in range(22, -1, -1)]
