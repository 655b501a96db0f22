"""Members over the API: the roster, admissions, edits with history, status changes,
filters and search, and the reach of a branch secretary."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_scopes import scope

from chamber.models import AuditEntry
from members.models import (
    Enterprise,
    Membership,
    MembershipBranch,
    MembershipChange,
    MembershipKind,
    MembershipStatus,
    Rank,
)
from members.services import contact_add, enterprise_create, membership_create, person_create

from ..factories import make_uscc


def counts(chamber):
    with scope(chamber=chamber):
        return Enterprise.objects.count(), Membership.objects.count(), MembershipBranch.objects.count()


def rank(chamber, code):
    with scope(chamber=chamber):
        return Rank.objects.get(chamber=chamber, code=code)


@pytest.fixture
def roster(chamber, branches, member):
    """Four members to filter: the fixture member plus a display maker, an applying optics
    firm in the cable branch, and an individual member."""
    with scope(chamber=chamber):
        display_co = enterprise_create(chamber=chamber, actor=None, name="苏州显示科技有限公司", uscc=make_uscc(100002),
                                       industry_code="C3974", division_code="320506")
        display = membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=display_co,
                                    rank=rank(chamber, "member"), branches=[branches["display"]],
                                    status=MembershipStatus.ACTIVE, joined_on=datetime.date(2020, 3, 1), member_number="GD-002")
        Membership.objects.filter(pk=display.pk).update(status=MembershipStatus.SUSPENDED)
        contact_add(enterprise=display_co, person=person_create(chamber=chamber, actor=None, name="王芳", mobile="13900000002"),
                    actor=None, title="董事长")
        optics_co = enterprise_create(chamber=chamber, actor=None, name="昆山精密光学有限公司", uscc=make_uscc(100003),
                                      industry_code="I6510", division_code="320583")
        optics = membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=optics_co,
                                   rank=rank(chamber, "council"), branches=[branches["cable"]], member_number="GD-003")
        individual = membership_create(chamber=chamber, actor=None, kind=MembershipKind.INDIVIDUAL,
                                       person=person_create(chamber=chamber, actor=None, name="陈明"),
                                       rank=rank(chamber, "member"), status=MembershipStatus.ACTIVE,
                                       joined_on=datetime.date(2023, 6, 1), member_number="GD-004")
    return {"cable_sub": member, "display": display, "optics": optics, "individual": individual}


def names(response):
    assert response.status_code == 200, response.json()
    return sorted(m["name"] for m in response.json()["results"])


# --- The roster ----------------------------------------------------------------------------------

def test_member_shape(api, url, admin_user, member, contact, branches):
    body = api.as_user(admin_user).get(url(f"members/{member.pk}/")).json()
    assert body["name"] == "苏州光电缆有限公司"
    assert body["kind"] == "enterprise" and body["status"] == "active" and body["member_number"] == "GD-001"
    assert body["joined_on"] == "2015-05-20" and body["left_on"] is None and body["updated_at"]
    assert body["rank"]["code"] == "vice-president"
    assert body["branches"] == [{"id": branches["cable_sub"].pk, "name": "光纤预制棒专委会"}]
    assert body["enterprise"]["uscc"] == member.enterprise.uscc
    assert body["enterprise"]["industry_code"] == "C3831" and body["enterprise"]["division_code"] == "320505"
    [c] = body["contacts"]
    assert c["name"] == "张伟" and c["title"] == "总经理" and c["is_primary"] is True
    assert c["mobile"] == "13912345678"  # roster readers see mobiles; ID numbers only appear on people


def test_list_is_paginated_in_pk_order(api, url, admin_user, roster):
    body = api.as_user(admin_user).get(url("members/?page_size=2")).json()
    assert body["count"] == 4 and body["next"]
    assert [m["id"] for m in body["results"]] == sorted(m.pk for m in roster.values())[:2]
    assert len(api.as_user(admin_user).get(url("members/?page_size=500")).json()["results"]) == 4  # capped at 200


# --- Admission ----------------------------------------------------------------------------------

def test_create_with_existing_enterprise(api, url, chamber, admin_user, branches):
    with scope(chamber=chamber):
        e = enterprise_create(chamber=chamber, actor=None, name="苏州光网科技有限公司", uscc=make_uscc(100010))
    response = api.as_user(admin_user).post(url("members/"), {
        "kind": "enterprise", "enterprise": e.pk, "rank": rank(chamber, "council").pk,
        "branches": [branches["cable"].pk, branches["display"].pk], "status": "active", "joined_on": "2024-01-15",
        "member_number": "GD-100", "reason": "理事会审议通过",
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["enterprise"]["id"] == e.pk and body["rank"]["code"] == "council" and body["status"] == "active"
    assert sorted(b["name"] for b in body["branches"]) == ["光缆分会", "显示分会"]
    history = api.as_user(admin_user).get(url(f"members/{body['id']}/history/")).json()["results"]
    assert {h["field"] for h in history} == {"created", "rank", "branches"}
    assert all(h["reason"] == "理事会审议通过" and h["by"] == "alice" for h in history)


def test_create_with_new_enterprise_in_one_request(api, url, chamber, admin_user, branches):
    uscc = make_uscc(100011)
    response = api.as_user(admin_user).post(url("members/"), {
        "kind": "enterprise", "rank": rank(chamber, "member").pk, "branches": [branches["display"].pk],
        "new_enterprise": {"name": " 苏州新显光电有限公司 ", "uscc": uscc.lower(), "industry_code": "3974",
                           "division_code": "320505", "address": "苏州工业园区星湖街 1 号"},
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "applied"
    assert body["enterprise"]["name"] == "苏州新显光电有限公司"
    assert body["enterprise"]["uscc"] == uscc and body["enterprise"]["industry_code"] == "C3974"
    with scope(chamber=chamber):
        assert AuditEntry.objects.filter(target_type="members.enterprise", target_id=str(body["enterprise"]["id"]),
                                         action="create", actor=admin_user).exists()


@pytest.mark.parametrize("enterprise, field", [
    ({"name": "校验位错", "uscc": make_uscc(100012)[:17] + ("1" if make_uscc(100012)[17] != "1" else "2")}, "uscc"),
    ({"name": "x" * 201}, "name"),
    ({"name": "空\x00字符"}, "name"),
    ({"name": "行业错", "industry_code": "Z99"}, "industry_code"),
    ({"name": "区划错", "division_code": "990101"}, "division_code"),
    ({"name": "网址错", "website": "not a url"}, "website"),
])
def test_bad_new_enterprise_is_400_and_nothing_saved(api, url, chamber, admin_user, branches, enterprise, field):
    before = counts(chamber)
    response = api.as_user(admin_user).post(url("members/"), {
        "kind": "enterprise", "rank": rank(chamber, "member").pk, "new_enterprise": enterprise,
    }, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"new_enterprise"}
    assert set(response.json()["new_enterprise"]) == {field}
    assert counts(chamber) == before


def test_duplicate_uscc_in_this_chamber_is_400(api, url, chamber, admin_user, member):
    before = counts(chamber)
    response = api.as_user(admin_user).post(url("members/"), {
        "kind": "enterprise", "rank": rank(chamber, "member").pk,
        "new_enterprise": {"name": "冒名公司", "uscc": member.enterprise.uscc},
    }, format="json")
    assert response.status_code == 400
    assert set(response.json()["new_enterprise"]) == {"uscc"}
    assert counts(chamber) == before


def test_same_uscc_in_another_chamber_is_fine(api, url, chamber, admin_user, other_chamber):
    with scope(chamber=other_chamber):
        theirs = Enterprise.objects.get(chamber=other_chamber).uscc
    response = api.as_user(admin_user).post(url("members/"), {
        "kind": "enterprise", "rank": rank(chamber, "member").pk,
        "new_enterprise": {"name": "杭州川味餐饮有限公司苏州分公司", "uscc": theirs},
    }, format="json")
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("field", ["rank", "branches", "enterprise", "person"])
def test_foreign_ids_are_400_and_nothing_saved(api, url, chamber, admin_user, branches, foreign, field):
    with scope(chamber=chamber):
        mine = enterprise_create(chamber=chamber, actor=None, name="本会企业", uscc=make_uscc(100013))
    body = {"kind": "enterprise", "rank": rank(chamber, "member").pk, "enterprise": mine.pk}
    if field == "rank":
        body["rank"] = foreign["rank"].pk
    elif field == "branches":
        body["branches"] = [branches["cable"].pk, foreign["branch"].pk]
    elif field == "enterprise":
        body["enterprise"] = foreign["spare_enterprise"].pk
    else:
        body = {"kind": "individual", "rank": rank(chamber, "member").pk, "person": foreign["person"].pk}
    before = counts(chamber)
    response = api.as_user(admin_user).post(url("members/"), body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert counts(chamber) == before


def test_enterprise_already_a_member_is_400(api, url, chamber, admin_user, member):
    response = api.as_user(admin_user).post(url("members/"), {
        "kind": "enterprise", "rank": rank(chamber, "member").pk, "enterprise": member.enterprise_id}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"enterprise"}


def test_existing_and_new_enterprise_together_is_400(api, url, chamber, admin_user, member):
    response = api.as_user(admin_user).post(url("members/"), {
        "kind": "enterprise", "rank": rank(chamber, "member").pk, "enterprise": member.enterprise_id,
        "new_enterprise": {"name": "另一家"}}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"new_enterprise"}


def test_enterprise_member_needs_an_enterprise(api, url, chamber, admin_user):
    response = api.as_user(admin_user).post(url("members/"), {"kind": "group", "rank": rank(chamber, "member").pk},
                                            format="json")
    assert response.status_code == 400 and set(response.json()) == {"enterprise"}


def test_individual_member(api, url, chamber, admin_user, person):
    response = api.as_user(admin_user).post(url("members/"), {
        "kind": "individual", "person": person.pk, "rank": rank(chamber, "member").pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "张伟" and body["enterprise"] is None and body["person"]["id"] == person.pk
    assert body["contacts"] == []


def test_duplicate_member_number_is_400(api, url, chamber, admin_user, member):
    response = api.as_user(admin_user).post(url("members/"), {
        "kind": "enterprise", "rank": rank(chamber, "member").pk, "member_number": "GD-001",
        "new_enterprise": {"name": "号码重复公司"}}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"member_number"}


def test_new_member_cannot_start_suspended(api, url, chamber, admin_user):
    response = api.as_user(admin_user).post(url("members/"), {
        "kind": "enterprise", "rank": rank(chamber, "member").pk, "status": "suspended",
        "new_enterprise": {"name": "暂停公司"}}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"status"}


# --- Edits and history ----------------------------------------------------------------------------

def test_patch_rank_with_reason_shows_in_history(api, url, chamber, admin_user, member):
    client = api.as_user(admin_user)
    response = client.patch(url(f"members/{member.pk}/"), {"rank": rank(chamber, "president").pk,
                                                            "reason": "第八届会员大会选举", "effective_on": "2024-06-30"},
                            format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["rank"]["code"] == "president"
    history = client.get(url(f"members/{member.pk}/history/")).json()["results"]
    latest = history[0]
    assert latest["field"] == "rank"
    assert (latest["old"], latest["new"]) == ("副会长单位", "会长单位")
    assert latest["reason"] == "第八届会员大会选举" and latest["effective_on"] == "2024-06-30"
    assert latest["by"] == "alice" and latest["by_id"] == admin_user.pk and latest["at"]


def test_patch_rank_without_reason_is_400(api, url, chamber, admin_user, member):
    response = api.as_user(admin_user).patch(url(f"members/{member.pk}/"), {"rank": rank(chamber, "president").pk},
                                             format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"reason"}
    with scope(chamber=chamber):
        assert Membership.objects.get(pk=member.pk).rank.code == "vice-president"


def test_patch_same_rank_needs_no_reason(api, url, chamber, admin_user, member):
    response = api.as_user(admin_user).patch(url(f"members/{member.pk}/"), {"rank": member.rank_id}, format="json")
    assert response.status_code == 200


def test_patch_branches_with_reason(api, url, chamber, admin_user, member, branches):
    response = api.as_user(admin_user).patch(url(f"members/{member.pk}/"), {
        "branches": [branches["display"].pk], "reason": "主营转向显示面板"}, format="json")
    assert response.status_code == 200, response.json()
    assert [b["name"] for b in response.json()["branches"]] == ["显示分会"]
    with scope(chamber=chamber):
        change = MembershipChange.objects.filter(membership=member, field="branches").first()
    assert (change.old_value, change.new_value, change.reason) == ("光纤预制棒专委会", "显示分会", "主营转向显示面板")


def test_patch_is_all_or_nothing(api, url, chamber, admin_user, member, branches):
    """The rank change is rolled back when the branch change in the same request fails."""
    api.as_user(admin_user).post(url(f"branches/{branches['display'].pk}/archive/"), {"reason": "撤销"}, format="json")
    response = api.as_user(admin_user).patch(url(f"members/{member.pk}/"), {
        "rank": rank(chamber, "president").pk, "branches": [branches["display"].pk], "reason": "调整"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"branches"}
    with scope(chamber=chamber):
        assert Membership.objects.get(pk=member.pk).rank.code == "vice-president"
        assert not MembershipChange.objects.filter(membership=member, field="rank", reason="调整").exists()


def test_patch_number_and_join_date_is_audited(api, url, chamber, admin_user, member):
    response = api.as_user(admin_user).patch(url(f"members/{member.pk}/"), {"member_number": "GD-0001",
                                                                            "joined_on": "2015-06-01"}, format="json")
    assert response.status_code == 200
    assert response.json()["member_number"] == "GD-0001" and response.json()["joined_on"] == "2015-06-01"
    with scope(chamber=chamber):
        entry = AuditEntry.objects.get(target_type="members.membership", target_id=str(member.pk), action="update")
    assert entry.actor == admin_user and entry.changes["member_number"] == ["GD-001", "GD-0001"]


def test_patch_foreign_rank_or_branch_is_400(api, url, admin_user, member, foreign):
    client = api.as_user(admin_user)
    r1 = client.patch(url(f"members/{member.pk}/"), {"rank": foreign["rank"].pk, "reason": "x"}, format="json")
    r2 = client.patch(url(f"members/{member.pk}/"), {"branches": [foreign["branch"].pk], "reason": "x"}, format="json")
    assert (r1.status_code, set(r1.json())) == (400, {"rank"})
    assert (r2.status_code, set(r2.json())) == (400, {"branches"})


def test_status_change_with_reason_and_history_labels(api, url, chamber, admin_user, member):
    client = api.as_user(admin_user)
    response = client.post(url(f"members/{member.pk}/status/"), {"status": "suspended", "reason": "连续两年未缴会费",
                                                                 "effective_on": "2025-01-01"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "suspended"
    latest = client.get(url(f"members/{member.pk}/history/")).json()["results"][0]
    with translation.override("zh-hans"):
        labels = (str(MembershipStatus.ACTIVE.label), str(MembershipStatus.SUSPENDED.label))
    assert (latest["field"], latest["old_value"], latest["new_value"]) == ("status", "active", "suspended")
    assert (latest["old"], latest["new"]) == labels
    assert latest["reason"] == "连续两年未缴会费" and latest["effective_on"] == "2025-01-01"


def test_status_change_needs_reason(api, url, admin_user, member):
    response = api.as_user(admin_user).post(url(f"members/{member.pk}/status/"), {"status": "left"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"reason"}


def test_leaving_is_final(api, url, admin_user, member):
    client = api.as_user(admin_user)
    assert client.post(url(f"members/{member.pk}/status/"), {"status": "left", "reason": "注销"}, format="json").json()["left_on"]
    response = client.post(url(f"members/{member.pk}/status/"), {"status": "active", "reason": "回归"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"status"}


# --- A branch secretary's reach -------------------------------------------------------------------

def test_branch_secretary_sees_their_subtree_only(api, url, branch_secretary, roster, branches):
    client = api.as_user(branch_secretary)
    assert names(client.get(url("members/"))) == ["昆山精密光学有限公司", "苏州光电缆有限公司"]
    assert client.get(url(f"members/{roster['display'].pk}/")).status_code == 404
    assert client.get(url(f"members/{roster['display'].pk}/history/")).status_code == 404
    # Filtering on a branch outside the subtree finds nothing rather than leaking.
    assert names(client.get(url(f"members/?branch={branches['display'].pk}"))) == []


def test_branch_secretary_cannot_admit_outside_their_branches(api, url, chamber, branch_secretary, branches):
    before = counts(chamber)
    response = api.as_user(branch_secretary).post(url("members/"), {
        "kind": "enterprise", "rank": rank(chamber, "member").pk, "branches": [branches["display"].pk],
        "new_enterprise": {"name": "越界公司", "uscc": make_uscc(100020)}}, format="json")
    assert response.status_code == 403
    assert counts(chamber) == before


def test_branch_secretary_cannot_admit_without_a_branch(api, url, chamber, branch_secretary, branches):
    before = counts(chamber)
    response = api.as_user(branch_secretary).post(url("members/"), {
        "kind": "enterprise", "rank": rank(chamber, "member").pk, "new_enterprise": {"name": "无分会公司"}}, format="json")
    assert response.status_code == 403
    assert counts(chamber) == before


def test_branch_secretary_admits_into_their_subtree(api, url, chamber, branch_secretary, branches):
    response = api.as_user(branch_secretary).post(url("members/"), {
        "kind": "enterprise", "rank": rank(chamber, "member").pk, "branches": [branches["cable_sub"].pk],
        "new_enterprise": {"name": "预制棒新材料公司", "uscc": make_uscc(100021)}}, format="json")
    assert response.status_code == 201, response.json()


def test_branch_secretary_cannot_move_a_member_out_of_reach(api, url, chamber, branch_secretary, member, branches):
    response = api.as_user(branch_secretary).patch(url(f"members/{member.pk}/"), {
        "branches": [branches["display"].pk], "reason": "转出"}, format="json")
    assert response.status_code == 403
    with scope(chamber=chamber):
        assert [b.pk for b in Membership.objects.get(pk=member.pk).branches.all()] == [branches["cable_sub"].pk]
        assert not MembershipChange.objects.filter(membership=member, reason="转出").exists()


# --- Filters, search, ordering ---------------------------------------------------------------------

def test_filter_branch_covers_the_subtree(api, url, admin_user, roster, branches):
    client = api.as_user(admin_user)
    assert names(client.get(url(f"members/?branch={branches['cable'].pk}"))) == ["昆山精密光学有限公司", "苏州光电缆有限公司"]
    assert names(client.get(url(f"members/?branch={branches['cable_sub'].pk}"))) == ["苏州光电缆有限公司"]
    assert names(client.get(url(f"members/?branch={branches['display'].pk}"))) == ["苏州显示科技有限公司"]


def test_filter_foreign_branch_is_400(api, url, admin_user, roster, foreign):
    response = api.as_user(admin_user).get(url(f"members/?branch={foreign['branch'].pk}"))
    assert response.status_code == 400 and set(response.json()) == {"branch"}


def test_filter_rank_by_code_or_id(api, url, chamber, admin_user, roster):
    client = api.as_user(admin_user)
    assert names(client.get(url("members/?rank=vice-president"))) == ["苏州光电缆有限公司"]
    assert names(client.get(url(f"members/?rank={rank(chamber, 'member').pk}"))) == ["苏州显示科技有限公司", "陈明"]


def test_filter_status_multiple_and_kind(api, url, admin_user, roster):
    client = api.as_user(admin_user)
    assert names(client.get(url("members/?status=suspended&status=applied"))) == ["昆山精密光学有限公司", "苏州显示科技有限公司"]
    assert names(client.get(url("members/?kind=individual"))) == ["陈明"]
    assert client.get(url("members/?status=bogus")).status_code == 400


def test_filter_industry_and_division_prefixes(api, url, admin_user, roster):
    client = api.as_user(admin_user)
    assert names(client.get(url("members/?industry=C"))) == ["苏州光电缆有限公司", "苏州显示科技有限公司"]
    assert names(client.get(url("members/?industry=C38"))) == ["苏州光电缆有限公司"]
    assert names(client.get(url("members/?industry=c3831"))) == ["苏州光电缆有限公司"]
    assert names(client.get(url("members/?industry=39"))) == ["苏州显示科技有限公司"]
    assert names(client.get(url("members/?division=3205"))) == ["昆山精密光学有限公司", "苏州光电缆有限公司", "苏州显示科技有限公司"]
    assert names(client.get(url("members/?division=320583"))) == ["昆山精密光学有限公司"]


def test_filter_joined_range(api, url, admin_user, roster):
    client = api.as_user(admin_user)
    assert names(client.get(url("members/?joined_after=2016-01-01"))) == ["苏州显示科技有限公司", "陈明"]
    assert names(client.get(url("members/?joined_before=2016-01-01"))) == ["苏州光电缆有限公司"]
    assert names(client.get(url("members/?joined_after=2020-03-01&joined_before=2023-05-31"))) == ["苏州显示科技有限公司"]


def test_filter_updated_since(api, url, chamber, admin_user, roster):
    long_ago = timezone.make_aware(datetime.datetime(2020, 1, 1))
    with scope(chamber=chamber):
        Membership.objects.exclude(pk=roster["optics"].pk).update(updated_at=long_ago)
    client = api.as_user(admin_user)
    assert names(client.get(url("members/?updated_since=2024-01-01T00:00:00%2B08:00"))) == ["昆山精密光学有限公司"]
    assert len(names(client.get(url("members/?updated_since=2019-12-31T00:00:00Z")))) == 4
    assert client.get(url("members/?updated_since=yesterday")).status_code == 400


@pytest.mark.parametrize("term, expected", [
    ("显示", ["苏州显示科技有限公司"]),             # Chinese substring of the name
    ("szgd", ["苏州光电缆有限公司"]),               # pinyin initials
    ("SZGD", ["苏州光电缆有限公司"]),
    ("13900000002", ["苏州显示科技有限公司"]),      # a contact's mobile
    ("王芳", ["苏州显示科技有限公司"]),             # a contact's name
    ("陈明", ["陈明"]),                             # an individual member
    ("GD-003", ["昆山精密光学有限公司"]),           # member number
])
def test_search(api, url, admin_user, roster, term, expected):
    assert names(api.as_user(admin_user).get(url("members/"), {"search": term})) == expected


def test_search_by_uscc(api, url, admin_user, roster):
    uscc = roster["optics"].enterprise.uscc
    assert names(api.as_user(admin_user).get(url("members/"), {"search": uscc})) == ["昆山精密光学有限公司"]
    assert names(api.as_user(admin_user).get(url("members/"), {"search": uscc[-9:].lower()})) == ["昆山精密光学有限公司"]


def test_search_pages_count_matches_with_the_page(api, url, admin_user, roster):
    """A search reads its page's ids and the number of matches in one query (COUNT(*) OVER ()),
    so it is one query cheaper than the plain list; past its last page it is still a 404."""
    client = api.as_user(admin_user)
    client.get(url("members/"))  # warm the session and the caches
    with CaptureQueriesContext(connection) as plain:
        listed = client.get(url("members/"), {"page_size": 2, "ordering": "name"}).json()
    with CaptureQueriesContext(connection) as searched:
        found = client.get(url("members/"), {"search": "苏州", "page_size": 1, "ordering": "name"}).json()
    assert listed["count"] == 4
    assert found["count"] == 2 and len(found["results"]) == 1 and found["next"]
    assert len(searched.captured_queries) == len(plain.captured_queries) - 1
    second = client.get(url("members/"), {"search": "苏州", "page_size": 1, "ordering": "name", "page": 2}).json()
    assert second["count"] == 2 and second["next"] is None
    assert {found["results"][0]["name"], second["results"][0]["name"]} == {"苏州显示科技有限公司", "苏州光电缆有限公司"}
    assert client.get(url("members/"), {"search": "苏州", "page_size": 1, "page": 3}).status_code == 404
    assert client.get(url("members/"), {"search": "苏州", "page": "x"}).status_code == 404
    assert client.get(url("members/"), {"search": "无此会员", "page": 1}).json()["count"] == 0


def test_search_does_not_reach_another_chamber(api, url, admin_user, roster, other_chamber):
    assert names(api.as_user(admin_user).get(url("members/"), {"search": "杭州川味"})) == []


def test_ordering(api, url, admin_user, roster):
    client = api.as_user(admin_user)

    def order(param):
        response = client.get(url("members/"), {"ordering": param})
        assert response.status_code == 200, response.json()
        return [m["name"] for m in response.json()["results"]]

    assert order("name") == sorted(order("name"))
    assert order("-joined_on") == ["陈明", "苏州显示科技有限公司", "苏州光电缆有限公司", "昆山精密光学有限公司"]
    assert order("rank") == ["苏州光电缆有限公司", "昆山精密光学有限公司", "苏州显示科技有限公司", "陈明"]
    assert order("-member_number") == ["陈明", "昆山精密光学有限公司", "苏州显示科技有限公司", "苏州光电缆有限公司"]
    assert order("rank,-joined_on")[2:] == ["陈明", "苏州显示科技有限公司"]
    assert client.get(url("members/"), {"ordering": "password"}).status_code == 400


def test_equal_sort_keys_are_broken_by_pk(api, url, chamber, admin_user, branches):
    """Pages over equal keys neither overlap nor skip: pk breaks every tie."""
    with scope(chamber=chamber):
        for n in range(7):
            e = enterprise_create(chamber=chamber, actor=None, name="同名企业")
            membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e,
                              rank=rank(chamber, "member"))
    client = api.as_user(admin_user)
    seen = []
    for page in (1, 2, 3):
        seen += [m["id"] for m in client.get(url("members/"), {"ordering": "name", "page_size": 3, "page": page}).json()["results"]]
    assert seen == sorted(seen) and len(set(seen)) == 7
