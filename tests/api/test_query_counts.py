"""Every list runs a fixed number of queries, whatever the page size.

Each list is read with page_size=5 and page_size=50 over more than 50 rows, under
`django_assert_num_queries(n)` with the same n. Every request starts with the same three
queries, named once here:

  [chamber]  the tenancy middleware finds the chamber by its slug
  [token]    TokenAuthentication loads the token with its user
  [roles]    the caller's roles in the chamber (with their branches) -> request.access
"""
import datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from branches.models import Branch
from chamber.models import ChamberKind, RoleKind
from chamber.services import chamber_create, role_grant
from members.models import (
    AnnualFigures,
    Body,
    ChangeField,
    Contact,
    Enterprise,
    Honour,
    Level,
    Membership,
    MembershipBranch,
    MembershipChange,
    MembershipKind,
    MembershipStatus,
    OfficerPosition,
    Person,
    Post,
    Rank,
    RepresentativePost,
    Term,
)

from ..factories import make_mobile, make_uscc

ROWS = 60
PAGE_SIZES = (5, 50)
PREAMBLE = 3  # [chamber] [token] [roles]


@pytest.fixture
def big(chamber, branches, admin_user):
    """60 of everything, made quickly with bulk_create inside the chamber's scope."""
    with scope(chamber=chamber):
        member_rank = Rank.objects.get(chamber=chamber, code="member")
        enterprises = Enterprise.objects.bulk_create([
            Enterprise(chamber=chamber, name=f"苏州测试企业{n:02d}有限公司", uscc=make_uscc(200000 + n),
                       industry_code="C3831", division_code="320505") for n in range(ROWS)])
        people = Person.objects.bulk_create([
            Person(chamber=chamber, name=f"联系人{n:02d}", mobile=make_mobile(n)) for n in range(ROWS)])
        Contact.objects.bulk_create([
            Contact(chamber=chamber, enterprise=e, person=p, title="总经理", is_primary=True) for e, p in zip(enterprises, people)])
        memberships = Membership.objects.bulk_create([
            Membership(chamber=chamber, kind=MembershipKind.ENTERPRISE, enterprise=e, name=e.name, rank=member_rank,
                       status=MembershipStatus.ACTIVE, joined_on=datetime.date(2020, 1, 1)) for e in enterprises])
        MembershipBranch.objects.bulk_create([
            MembershipBranch(chamber=chamber, membership=m, branch=b)
            for m in memberships for b in (branches["cable_sub"], branches["display"])])
        RepresentativePost.objects.bulk_create([
            RepresentativePost(chamber=chamber, person=p, body=Body.CPPCC, level=Level.COUNTY, term="第九届") for p in people])
        Honour.objects.bulk_create([
            Honour(chamber=chamber, person=p, name="优秀会员", level=Level.CITY, year=2024) for p in people])
        MembershipChange.objects.bulk_create([
            MembershipChange(chamber=chamber, membership=memberships[0], field=ChangeField.STATUS, old_value="active",
                             new_value="suspended", reason=f"第{n}次", actor=admin_user, actor_label="alice") for n in range(ROWS)])
        AnnualFigures.objects.bulk_create([
            AnnualFigures(chamber=chamber, enterprise=enterprises[0], year=1960 + n, revenue=Decimal(n)) for n in range(ROWS)])
        Contact.objects.bulk_create([
            Contact(chamber=chamber, enterprise=enterprises[1], person=p, title="联络员") for p in people[2:]])
        terms = Term.objects.bulk_create([
            Term(chamber=chamber, ordinal=n + 1, starts_on=datetime.date(1900 + n, 1, 1), ends_on=datetime.date(1900 + n, 12, 31))
            for n in range(ROWS)])
        OfficerPosition.objects.bulk_create([
            OfficerPosition(chamber=chamber, term=terms[-1], person=p, enterprise=e, branch=branches["cable"],
                            post=Post.COUNCIL_MEMBER, starts_on=terms[-1].starts_on) for p, e in zip(people, enterprises)])
        parent = branches["display"]
        Branch.objects.bulk_create([
            Branch(chamber=chamber, parent=parent, name=f"小组{n:02d}", kind="committee", depth=2,
                   path=f"{parent.path}x{n}/") for n in range(ROWS)])
    return {"enterprise": enterprises[0], "contacts_enterprise": enterprises[1], "member": memberships[0]}


def assert_fixed(client, path, expected, django_assert_num_queries, **params):
    for page_size in PAGE_SIZES:
        with django_assert_num_queries(expected):
            response = client.get(path, {**params, "page_size": page_size})
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["results"]) == page_size and body["count"] > 50


def test_members_list(api, url, admin_user, big, django_assert_num_queries):
    # [chamber] [token] [roles]
    # count of memberships
    # the page's membership ids (OFFSET over the ids alone)
    # the page's rows: membership + enterprise + person + rank (one JOIN)
    # branches of the page's memberships
    # contacts (+ person) of the page's enterprises
    assert_fixed(api.as_user(admin_user), url("members/"), PREAMBLE + 5, django_assert_num_queries)


def test_members_list_filtered_by_a_branch_secretary(api, url, branch_secretary, big, branches, django_assert_num_queries):
    # [chamber] [token] [roles]
    # the `branch` filter's id, looked up in the chamber
    # a search: the page's ids and the count in one query (COUNT(*) OVER (), + subtree EXISTS);
    # the page's rows; branches; contacts
    assert_fixed(api.as_user(branch_secretary), url("members/"), PREAMBLE + 5, django_assert_num_queries,
                 branch=branches["cable"].pk, search="苏州", ordering="-name")


def test_member_history(api, url, admin_user, big, django_assert_num_queries):
    # [chamber] [token] [roles]
    # the membership (within the caller's reach; no prefetches for this action)
    # count of history rows; history rows + actor
    assert_fixed(api.as_user(admin_user), url(f"members/{big['member'].pk}/history/"), PREAMBLE + 3,
                 django_assert_num_queries)


def test_people_list(api, url, admin_user, big, django_assert_num_queries):
    # [chamber] [token] [roles]
    # count; people; prefetch representative posts; prefetch honours; consent states (one
    # query for the page: members.api.serializers.PersonListSerializer)
    assert_fixed(api.as_user(admin_user), url("people/"), PREAMBLE + 5, django_assert_num_queries)


def test_branches_list(api, url, admin_user, big, django_assert_num_queries):
    # [chamber] [token] [roles]
    # count; branches + parent + leader
    assert_fixed(api.as_user(admin_user), url("branches/"), PREAMBLE + 2, django_assert_num_queries)


def test_branch_tree(api, url, admin_user, big, django_assert_num_queries):
    # [chamber] [token] [roles]
    # every visible node (+ parent + leader); the (member, node path) pairs for the counts
    client = api.as_user(admin_user)
    with django_assert_num_queries(PREAMBLE + 2):
        response = client.get(url("branches/tree/"))
    assert response.status_code == 200
    display = next(n for n in response.json() if n["name"] == "显示分会")
    assert len(display["children"]) == ROWS and display["member_count"] == ROWS


def test_officers_list(api, url, admin_user, big, django_assert_num_queries):
    # [chamber] [token] [roles]
    # count; positions + term + person + enterprise + branch
    assert_fixed(api.as_user(admin_user), url("officers/"), PREAMBLE + 2, django_assert_num_queries)


def test_terms_list(api, url, admin_user, big, django_assert_num_queries):
    # [chamber] [token] [roles]
    # count; terms
    assert_fixed(api.as_user(admin_user), url("terms/"), PREAMBLE + 2, django_assert_num_queries)


def test_figures_list(api, url, admin_user, big, django_assert_num_queries):
    # [chamber] [token] [roles]
    # the enterprise (within the caller's reach); count; figures
    assert_fixed(api.as_user(admin_user), url(f"enterprises/{big['enterprise'].pk}/figures/"), PREAMBLE + 3,
                 django_assert_num_queries)


def test_contacts_list(api, url, admin_user, big, django_assert_num_queries):
    # [chamber] [token] [roles]
    # the enterprise (within the caller's reach); count; contacts + person
    assert_fixed(api.as_user(admin_user), url(f"enterprises/{big['contacts_enterprise'].pk}/contacts/"), PREAMBLE + 3,
                 django_assert_num_queries)


def test_ranks_list(api, url, admin_user, chamber, django_assert_num_queries):
    """Ranks are few (6 by default); the count is fixed all the same."""
    with scope(chamber=chamber):
        Rank.objects.bulk_create([Rank(chamber=chamber, code=f"r{n}", name=f"级别{n}", order=200 + n) for n in range(ROWS)])
    # [chamber] [token] [roles]
    # count; ranks
    assert_fixed(api.as_user(admin_user), url("ranks/"), PREAMBLE + 2, django_assert_num_queries)


def test_chambers_list(api, make_user, django_assert_num_queries):
    user = make_user("multi")
    from django_scopes import scopes_disabled

    with scopes_disabled():
        for n in range(ROWS):
            c = chamber_create(actor=None, name=f"测试商会{n:02d}", slug=f"test-{n:02d}", kind=ChamberKind.INDUSTRY)
            with scope(chamber=c):
                role_grant(chamber=c, user=user, kind=RoleKind.SECRETARIAT_READONLY, actor=None)
    # [token]
    # the caller's role chambers (read inside the lifted scope, not as a subquery: the
    # row-level security policy would see no role outside it); count; the chambers
    assert_fixed(api.as_user(user), "/api/v1/chambers/", 4, django_assert_num_queries)
