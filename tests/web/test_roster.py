"""The member list page: who may open it, search as you type, filters, sort, pages, bulk
changes (all or nothing, within a branch secretary's reach) and a fixed query count."""
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django_scopes import scope

from members.models import Membership, MembershipChange, MembershipKind, MembershipStatus, Rank
from members.services import contact_add, enterprise_create, membership_create, person_create

from ..factories import make_uscc


def rank(chamber, code):
    with scope(chamber=chamber):
        return Rank.objects.get(chamber=chamber, code=code)


@pytest.fixture
def list_url(chamber):
    return reverse("members:list", kwargs={"chamber": chamber.slug})


@pytest.fixture
def bulk_url(chamber):
    return reverse("members:bulk", kwargs={"chamber": chamber.slug})


@pytest.fixture
def roster(chamber, branches, member):
    """Four members: the fixture member (cable_sub, active, vice-president, GD-001, contact 张伟),
    a suspended display maker (display, contact 王芳), an applying optics firm (cable) and an
    individual member (no branch)."""
    with scope(chamber=chamber):
        contact_add(enterprise=member.enterprise, actor=None, title="总经理", is_primary=True,
                    person=person_create(chamber=chamber, actor=None, name="张伟", mobile="13912345678"))
        display_co = enterprise_create(chamber=chamber, actor=None, name="苏州显示科技有限公司", uscc=make_uscc(100002),
                                       industry_code="C3974", division_code="320506")
        display = membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=display_co,
                                    rank=rank(chamber, "member"), branches=[branches["display"]],
                                    status=MembershipStatus.ACTIVE, joined_on=datetime.date(2020, 3, 1),
                                    member_number="GD-002")
        Membership.objects.filter(pk=display.pk).update(status=MembershipStatus.SUSPENDED)
        contact_add(enterprise=display_co, actor=None, title="董事长",
                    person=person_create(chamber=chamber, actor=None, name="王芳", mobile="13900000002"))
        optics_co = enterprise_create(chamber=chamber, actor=None, name="昆山精密光学有限公司", uscc=make_uscc(100003),
                                      industry_code="I6510", division_code="320583")
        optics = membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=optics_co,
                                   rank=rank(chamber, "council"), branches=[branches["cable"]], member_number="GD-003")
        individual = membership_create(chamber=chamber, actor=None, kind=MembershipKind.INDIVIDUAL,
                                       person=person_create(chamber=chamber, actor=None, name="陈明", mobile="13700000004"),
                                       rank=rank(chamber, "member"), status=MembershipStatus.ACTIVE,
                                       joined_on=datetime.date(2023, 6, 1), member_number="GD-004")
    return {"cable_sub": member, "display": display, "optics": optics, "individual": individual}


def member_ids(response):
    """Ids of the listed members, in the table's order (rows carry data-member-id)."""
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'data-member-id="(\d+)"', response.content.decode())]


def ids(*memberships):
    return [m.pk for m in memberships]


# --- Who may open it -------------------------------------------------------------------------------

def test_isolation(client, client_as, list_url, bulk_url, roster, outsider, representative, reviewer):
    assert client_as(outsider).get(list_url).status_code == 404
    assert client_as(outsider).post(bulk_url, {}).status_code == 404
    assert client_as(representative).get(list_url).status_code == 403
    assert client_as(reviewer).get(list_url).status_code == 403
    response = client.get(list_url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.post(bulk_url, {})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_list_shows_the_columns(client_as, list_url, roster, secretary, chamber):
    response = client_as(secretary).get(list_url)
    html = response.content.decode()
    assert member_ids(response) == ids(roster["optics"], roster["cable_sub"], roster["display"], roster["individual"])
    assert 'data-count="4"' in html
    row = html[html.index(f'data-member-id="{roster["cable_sub"].pk}"'):]
    row = row[:row.index("</tr>")]
    assert "GD-001" in row and "苏州光电缆有限公司" in row and "光纤预制棒专委会" in row and "张伟" in row
    assert "13912345678" in row  # the secretariat reads personal data
    assert "2015-05-20" in row and 'data-status="active"' in row
    assert f'href="/c/{chamber.slug}/members/{roster["cable_sub"].pk}/"' in row
    assert 'name="members"' in html and 'id="roster-bulk"' in html  # may change: ticks and the bulk panel


def test_read_only_staff_see_mobiles_as_the_member_page_and_api_show_them(client_as, list_url, roster, staff_readonly):
    client = client_as(staff_readonly)
    html = client.get(list_url).content.decode()
    # The same rule everywhere (chamber.api.serializers.show_mobiles): roster readers see mobiles.
    api = client.get(list_url.replace("/c/", "/api/v1/chambers/")).json()
    assert any("13912345678" in str(row) for row in api["results"])
    assert "13912345678" in html and "139****5678" not in html
    assert 'name="members"' not in html and 'id="roster-bulk"' not in html  # read-only: no bulk change


# --- Search ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("term, expected", [
    ("显示", ["display"]),              # Chinese, part of the name
    ("苏州光电缆有限公司", ["cable_sub"]),
    ("szgd", ["cable_sub"]),            # pinyin initials of 苏州光电缆…
    ("SZGD", ["cable_sub"]),
    ("13900000002", ["display"]),       # a contact's mobile
    ("0000000", ["display", "individual"]),  # a mobile fragment (王芳's and 陈明's)
    ("王芳", ["display"]),              # a contact's name
    ("陈明", ["individual"]),           # an individual member
    ("GD-003", ["optics"]),             # member number
    ("gd-003", ["optics"]),
    ("杭州川味", []),                    # another chamber's member
])
def test_search(client_as, list_url, roster, secretary, other_chamber, term, expected):
    found = member_ids(client_as(secretary).get(list_url, {"q": term}))
    assert sorted(found) == sorted(roster[key].pk for key in expected)


def test_search_by_uscc_fragment(client_as, list_url, roster, secretary):
    uscc = roster["optics"].enterprise.uscc
    client = client_as(secretary)
    assert member_ids(client.get(list_url, {"q": uscc})) == ids(roster["optics"])
    assert member_ids(client.get(list_url, {"q": uscc[-9:].lower()})) == ids(roster["optics"])


def test_htmx_request_returns_only_the_results(client_as, list_url, roster, secretary):
    response = client_as(secretary).get(list_url, {"q": "显示"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert member_ids(response) == ids(roster["display"])
    assert "<html" not in html and 'id="roster-filters"' not in html and 'class="roster-results"' in html
    page = client_as(secretary).get(list_url, {"q": "显示"}).content.decode()
    assert "<html" in page and 'id="roster-filters"' in page
    assert 'hx-trigger="input changed delay:250ms, search"' in page and 'hx-push-url="true"' in page
    assert 'value="显示"' in page  # the search box keeps the term


def test_empty_state(client_as, list_url, roster, secretary):
    html = client_as(secretary).get(list_url, {"q": "没有这个会员"}).content.decode()
    assert 'class="roster-empty' in html and 'data-count="0"' in html


# --- Filters, sort, pages ----------------------------------------------------------------------------

def test_filters(client_as, list_url, chamber, roster, branches, secretary):
    client = client_as(secretary)
    get = lambda **params: sorted(member_ids(client.get(list_url, params)))  # noqa: E731
    r = roster
    assert get(branch=branches["cable"].pk) == sorted(ids(r["cable_sub"], r["optics"]))  # the subtree
    assert get(branch=branches["cable_sub"].pk) == ids(r["cable_sub"])
    assert get(rank=rank(chamber, "member").pk) == sorted(ids(r["display"], r["individual"]))
    assert get(status="suspended") == ids(r["display"])
    assert get(status="applied") == ids(r["optics"])
    assert get(kind="individual") == ids(r["individual"])
    assert get(industry="C") == sorted(ids(r["cable_sub"], r["display"]))
    assert get(industry="38") == ids(r["cable_sub"])  # bare digits get their section letter
    assert get(division="320583") == ids(r["optics"])
    assert get(division="3205") == sorted(ids(r["cable_sub"], r["display"], r["optics"]))
    assert get(joined_from="2016-01-01") == sorted(ids(r["display"], r["individual"]))
    assert get(joined_to="2016-01-01") == ids(r["cable_sub"])
    assert get(joined_from="2020-03-01", joined_to="2023-05-31") == ids(r["display"])
    assert get(status="active", q="苏州") == ids(r["cable_sub"])


def test_invalid_filters_are_reported_not_500(client_as, list_url, roster, secretary, other_chamber):
    with scope(chamber=other_chamber):
        foreign_rank = rank(other_chamber, "member")
    client = client_as(secretary)
    for params in ({"rank": foreign_rank.pk}, {"branch": "x"}, {"status": "bogus"}, {"joined_from": "yesterday"},
                   {"division": "abc"}, {"page": "999"}, {"page": "x"}, {"ordering": "password"}, {"page_size": "7"}):
        response = client.get(list_url, params)
        assert response.status_code == 200, params
    # An invalid filter is ignored (with its error shown): the list is not narrowed by it.
    assert len(member_ids(client.get(list_url, {"rank": foreign_rank.pk}))) == 4
    assert "is-invalid" in client.get(list_url, {"status": "bogus"}).content.decode()


@pytest.mark.parametrize("ordering, expected", [
    ("name", ["optics", "cable_sub", "display", "individual"]),  # code point order: 昆 < 苏州光 < 苏州显 < 陈
    ("-name", ["individual", "display", "cable_sub", "optics"]),
    ("joined_on", ["cable_sub", "display", "individual", "optics"]),  # no join date last
    ("-joined_on", ["individual", "display", "cable_sub", "optics"]),
    ("rank", ["cable_sub", "optics", "display", "individual"]),  # vice-president, council, member (pk)
    ("-rank", ["individual", "display", "optics", "cable_sub"]),
    ("member_number", ["cable_sub", "display", "optics", "individual"]),
    ("-member_number", ["individual", "optics", "display", "cable_sub"]),
])
def test_sort(client_as, list_url, roster, secretary, ordering, expected):
    assert member_ids(client_as(secretary).get(list_url, {"ordering": ordering})) == [roster[k].pk for k in expected]


def test_pagination_keeps_the_filters(client_as, list_url, chamber, roster, secretary):
    with scope(chamber=chamber):
        for n in range(30):
            e = enterprise_create(chamber=chamber, actor=None, name=f"苏州分页测试{n:02d}有限公司", uscc=make_uscc(200000 + n))
            membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e,
                              rank=rank(chamber, "member"), status=MembershipStatus.ACTIVE)
    client = client_as(secretary)
    response = client.get(list_url, {"q": "分页测试", "status": "active", "page_size": "25"})
    html = response.content.decode()
    assert len(member_ids(response)) == 25 and 'data-count="30"' in html
    next_link = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "q=%E5%88%86%E9%A1%B5%E6%B5%8B%E8%AF%95" in next_link and "status=active" in next_link
    assert "page_size=25" in next_link and "page=2" in next_link
    second = client.get(next_link)
    assert len(member_ids(second)) == 5 and 'data-page="2"' in second.content.decode()
    assert not set(member_ids(second)) & set(member_ids(response))
    # The default page holds 50.
    assert len(member_ids(client.get(list_url))) == 34
    # A sort link keeps the filters too, and starts again at page 1.
    sort_link = re.search(r'data-sort="joined_on" href="([^"]+)"', second.content.decode()).group(1)
    assert "status=active" in sort_link and "ordering=joined_on" in sort_link and "page=" not in sort_link


# --- Branch secretaries --------------------------------------------------------------------------------

def test_branch_secretary_sees_only_the_subtree(client_as, list_url, roster, branches, branch_secretary):
    client = client_as(branch_secretary)
    assert sorted(member_ids(client.get(list_url))) == sorted(ids(roster["cable_sub"], roster["optics"]))
    # A branch outside the reach is not a choice: the filter is refused, the reach still holds.
    response = client.get(list_url, {"branch": branches["display"].pk})
    assert sorted(member_ids(response)) == sorted(ids(roster["cable_sub"], roster["optics"]))
    html = response.content.decode()
    branch_select = html[html.index('id="id_branch"'):]
    branch_select = branch_select[:branch_select.index("</select>")]
    assert f'value="{branches["display"].pk}"' not in branch_select and f'value="{branches["cable_sub"].pk}"' in branch_select
    assert member_ids(client.get(list_url, {"q": "显示"})) == []


def test_branch_secretary_cannot_bulk_change_outside_the_reach(client_as, bulk_url, chamber, roster, branches,
                                                                branch_secretary):
    client = client_as(branch_secretary)
    # A member outside the subtree is refused with the rest.
    response = client.post(bulk_url, {"members": ids(roster["cable_sub"], roster["display"]), "action": "rank",
                                      "rank": rank(chamber, "council").pk, "reason": "换届"})
    assert response.status_code == 200 and 'class="alert alert-danger bulk-errors"' in response.content.decode()
    # Moving own members out of the reach is refused too (nothing changes).
    response = client.post(bulk_url, {"members": ids(roster["cable_sub"], roster["optics"]), "action": "branches",
                                      "branches": [branches["display"].pk], "reason": "调整"})
    assert response.status_code == 200
    with scope(chamber=chamber):
        assert Membership.objects.get(pk=roster["display"].pk).rank.code == "member"
        assert Membership.objects.get(pk=roster["cable_sub"].pk).rank.code == "vice-president"
        assert list(roster["cable_sub"].branches.values_list("pk", flat=True)) == [branches["cable_sub"].pk]
    # Within the reach it works.
    response = client.post(bulk_url, {"members": ids(roster["cable_sub"], roster["optics"]), "action": "branches",
                                      "branches": [branches["cable"].pk], "reason": "调整"})
    assert response.status_code == 302
    with scope(chamber=chamber):
        # The optics firm was in the cable branch already: no change, no history row.
        assert list(MembershipChange.objects.filter(field="branches", reason="调整").values_list("membership_id", flat=True)) \
            == ids(roster["cable_sub"])
        assert list(roster["cable_sub"].branches.values_list("pk", flat=True)) == [branches["cable"].pk]


# --- Bulk change ------------------------------------------------------------------------------------

def test_bulk_change_of_rank(client_as, bulk_url, list_url, chamber, roster, secretary):
    client = client_as(secretary)
    response = client.post(bulk_url, {"members": ids(roster["display"], roster["individual"]), "action": "rank",
                                      "rank": rank(chamber, "council").pk, "reason": "理事会决议",
                                      "back": "status=suspended&ordering=-name"})
    assert response.status_code == 302
    assert response["Location"] == f"{list_url}?status=suspended&ordering=-name"
    with scope(chamber=chamber):
        assert set(Membership.objects.filter(rank__code="council").values_list("pk", flat=True)) \
            == set(ids(roster["display"], roster["individual"], roster["optics"]))
        change = MembershipChange.objects.get(membership=roster["display"], field="rank", new_value="理事单位")
        assert change.reason == "理事会决议" and change.actor == secretary
    with translation.override("en"):
        page = client.get(response["Location"], headers={"Accept-Language": "en"}).content.decode()
    assert 'class="alert alert-success message"' in page


def test_bulk_change_of_status_and_branches(client_as, bulk_url, chamber, roster, branches, secretary):
    client = client_as(secretary)
    assert client.post(bulk_url, {"members": ids(roster["cable_sub"], roster["individual"]), "action": "status",
                                  "status": "suspended", "reason": "欠缴会费"}).status_code == 302
    assert client.post(bulk_url, {"members": ids(roster["individual"]), "action": "branches",
                                  "branches": [branches["display"].pk, branches["cable"].pk], "reason": "加入"}).status_code == 302
    with scope(chamber=chamber):
        assert Membership.objects.get(pk=roster["cable_sub"].pk).status == "suspended"
        assert Membership.objects.get(pk=roster["individual"].pk).status == "suspended"
        assert set(roster["individual"].branches.values_list("pk", flat=True)) == {branches["display"].pk, branches["cable"].pk}


def test_bulk_change_is_all_or_nothing(client_as, bulk_url, chamber, roster, secretary):
    """`left` is final: one member that has left makes the whole batch fail, naming it."""
    with scope(chamber=chamber):
        Membership.objects.filter(pk=roster["individual"].pk).update(status=MembershipStatus.LEFT)
        before = MembershipChange.objects.count()
    response = client_as(secretary).post(bulk_url, {
        "members": ids(roster["cable_sub"], roster["display"], roster["individual"]),
        "action": "status", "status": "active", "reason": "恢复",
    })
    html = response.content.decode()
    assert response.status_code == 200 and "陈明" in html[html.index("bulk-errors"):]
    assert 'value="恢复"' in html  # the reason typed is kept
    assert re.search(rf'value="{roster["display"].pk}"[^>]*checked', html)  # and the ticks
    with scope(chamber=chamber):
        assert Membership.objects.get(pk=roster["cable_sub"].pk).status == "active"
        assert Membership.objects.get(pk=roster["display"].pk).status == "suspended"  # not reactivated
        assert MembershipChange.objects.count() == before


def test_bulk_change_needs_a_reason_a_value_and_members(client_as, bulk_url, chamber, roster, secretary):
    client = client_as(secretary)
    for data in (
        {"members": ids(roster["display"]), "action": "rank", "rank": rank(chamber, "council").pk, "reason": " "},
        {"members": ids(roster["display"]), "action": "rank", "reason": "x"},
        {"action": "rank", "rank": rank(chamber, "council").pk, "reason": "x"},
        {"members": ["999999"], "action": "rank", "rank": rank(chamber, "council").pk, "reason": "x"},
        {"members": ids(roster["display"]), "action": "bogus", "reason": "x"},
    ):
        response = client.post(bulk_url, data)
        assert response.status_code == 200 and "is-invalid" in response.content.decode() or \
            "bulk-errors" in response.content.decode(), data
    with scope(chamber=chamber):
        assert Membership.objects.get(pk=roster["display"].pk).rank.code == "member"


def test_bulk_change_refuses_another_chambers_member(client_as, bulk_url, chamber, roster, secretary, other_chamber):
    with scope(chamber=other_chamber):
        foreign = Membership.objects.get(chamber=other_chamber)
    response = client_as(secretary).post(bulk_url, {"members": [foreign.pk], "action": "status", "status": "left",
                                                    "reason": "x"})
    assert response.status_code == 200
    with scope(chamber=other_chamber):
        assert Membership.objects.get(pk=foreign.pk).status == "active"


def test_read_only_users_may_not_bulk_change(client_as, bulk_url, chamber, roster, staff_readonly):
    response = client_as(staff_readonly).post(bulk_url, {"members": ids(roster["display"]), "action": "rank",
                                                         "rank": rank(chamber, "council").pk, "reason": "x"})
    assert response.status_code == 403
    with scope(chamber=chamber):
        assert Membership.objects.get(pk=roster["display"].pk).rank.code == "member"


# --- Queries -----------------------------------------------------------------------------------------

def _add_members(chamber, branches, n, start=0):
    with scope(chamber=chamber):
        for i in range(start, start + n):
            e = enterprise_create(chamber=chamber, actor=None, name=f"苏州批量{i:03d}有限公司", uscc=make_uscc(300000 + i))
            contact_add(enterprise=e, actor=None, is_primary=True,
                        person=person_create(chamber=chamber, actor=None, name=f"联系人{i}", mobile=f"1380000{i:04d}"))
            membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e,
                              rank=rank(chamber, "member"), status=MembershipStatus.ACTIVE,
                              branches=[branches["cable_sub"], branches["display"]], member_number=f"B{i:03d}")


@pytest.mark.parametrize("params, queries", [
    ({}, 14),
    # A search counts its matches with the page's ids (COUNT(*) OVER ()): one query less.
    ({"q": "苏州", "status": "active", "ordering": "-joined_on"}, 13),
])
def test_query_count_does_not_grow_with_rows(client_as, list_url, chamber, branches, secretary,
                                             django_assert_num_queries, params, queries):
    client = client_as(secretary)
    client.get(list_url)  # the session is read once per request all the same; warm nothing else
    # session, user, chamber (middleware), roles (access), branches and ranks (choices, once for
    # the filters and the bulk form), count, page ids, rows (+ enterprise, person, rank), branches
    # of the rows, contacts of the rows; the layout's chamber switcher (the user's chambers: two).
    _add_members(chamber, branches, 5)
    with django_assert_num_queries(queries):
        assert len(member_ids(client.get(list_url, {**params, "page_size": 100}))) == 5
    _add_members(chamber, branches, 25, start=5)
    with django_assert_num_queries(queries):
        assert len(member_ids(client.get(list_url, {**params, "page_size": 100}))) == 30


def test_htmx_partial_query_count(client_as, list_url, chamber, branches, secretary, django_assert_num_queries):
    _add_members(chamber, branches, 30)
    client = client_as(secretary)
    # As the search above without the chamber switcher (the partial draws no layout).
    with django_assert_num_queries(10):
        response = client.get(list_url, {"q": "批量"}, headers={"HX-Request": "true"})
    assert len(member_ids(response)) == 30


def test_search_past_the_last_page_shows_the_last_page(client_as, list_url, roster, secretary):
    response = client_as(secretary).get(list_url, {"q": "苏州", "page": "9"})
    html = response.content.decode()
    assert sorted(member_ids(response)) == sorted(ids(roster["cable_sub"], roster["display"])) and 'data-count="2"' in html
