"""The requests API: roles and tenancy, filters, actions (move, assign, notes, typical), visits
with their requests, the year's figures, and query-count guards on the lists."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from events.models import Visit

from ...api.conftest import api_url
from .conftest import TODAY, YEAR, count, make_late


@pytest.fixture
def req(member, raise_request):
    return raise_request(member)


def url(chamber, path=""):
    return api_url(chamber, "events/" + path)


@pytest.mark.parametrize("who", ["admin_user", "secretary", "staff_readonly", "branch_secretary"])
def test_readers_list_and_retrieve(request, api, chamber, req, who):
    client = api.as_user(request.getfixturevalue(who))
    response = client.get(url(chamber, "requests/"))
    assert response.status_code == 200 and [r["id"] for r in response.json()["results"]] == [req.pk]
    detail = client.get(url(chamber, "requests/{}/".format(req.pk))).json()
    assert detail["notes"] == [] and detail["status"] == "new" and detail["membership_name"] == req.membership.name
    assert client.get(url(chamber, "visits/")).status_code == 200
    assert client.get(url(chamber, "requests/figures/?year={}".format(YEAR))).status_code == 200


@pytest.mark.parametrize("who", ["treasurer", "representative", "reviewer"])
def test_no_requests_capability_gets_403(request, api, chamber, req, who):
    client = api.as_user(request.getfixturevalue(who))
    assert client.get(url(chamber, "requests/")).status_code == 403
    assert client.get(url(chamber, "requests/{}/".format(req.pk))).status_code == 403
    assert client.post(url(chamber, "requests/{}/move/".format(req.pk)), {"status": "resolved", "note": "x"}).status_code == 403


def test_read_only_staff_gets_403_on_every_write(api, chamber, member, req, staff_readonly):
    client = api.as_user(staff_readonly)
    assert client.post(url(chamber, "requests/"), {"membership": member.pk, "category": "legal", "title": "x",
                                                   "description": "y"}).status_code == 403
    for action in ("move", "assign", "notes", "typical"):
        assert client.post(url(chamber, "requests/{}/{}/".format(req.pk, action)), {}).status_code == 403, action
    assert client.post(url(chamber, "visits/"), {}).status_code == 403


def test_outsider_gets_404_and_foreign_ids_do_not_exist(api, chamber, other_chamber, member, req, outsider,
                                                        foreign_request, secretary):
    client = api.as_user(outsider)
    assert client.get(url(chamber, "requests/")).status_code == 404
    assert client.get(url(chamber, "requests/{}/".format(req.pk))).status_code == 404
    assert client.get(url(other_chamber, "requests/{}/".format(req.pk))).status_code == 404
    assert client.post(url(other_chamber, "requests/{}/move/".format(req.pk)),
                       {"status": "resolved", "note": "x"}).status_code == 404
    ours = api.as_user(secretary)
    assert ours.get(url(chamber, "requests/{}/".format(foreign_request.pk))).status_code == 404
    response = ours.post(url(chamber, "requests/"), {"membership": foreign_request.membership_id, "category": "legal",
                                                     "title": "x", "description": "y"}, format="json")
    assert response.status_code == 400 and "membership" in response.json()
    response = ours.post(url(chamber, "requests/"), {"membership": member.pk, "category": "legal", "title": "x",
                                                     "description": "y", "assignee": outsider.pk}, format="json")
    assert response.status_code == 400 and "assignee" in response.json()


def test_handling_through_the_api(api, chamber, member, secretary, admin_user, officer):
    client = api.as_user(secretary)
    response = client.post(url(chamber, "requests/"), {
        "membership": member.pk, "category": "financing", "title": "贷款", "description": "需要贷款",
        "assignee_officer": officer.pk}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["due_on"] == (TODAY + datetime.timedelta(days=30)).isoformat()
    base = url(chamber, "requests/{}/".format(pk))
    response = client.post(base + "move/", {"status": "resolved", "note": ""}, format="json")
    assert response.status_code == 400 and "note" in response.json()
    response = client.post(base + "assign/", {"assignee": admin_user.pk, "due_on": TODAY.isoformat()}, format="json")
    assert response.status_code == 200 and response.json()["assignee"] == admin_user.pk
    response = client.post(base + "typical/", {"is_typical": True, "summary": "x"}, format="json")
    assert response.status_code == 400
    response = client.post(base + "move/", {"status": "resolved", "note": "已放贷"}, format="json")
    assert response.json()["status"] == "resolved" and response.json()["closed_on"] == TODAY.isoformat()
    response = client.post(base + "move/", {"status": "new", "note": "x"}, format="json")
    assert response.status_code == 400 and "status" in response.json()
    assert client.post(base + "notes/", {"text": "回访满意"}, format="json").status_code == 201
    response = client.post(base + "typical/", {"is_typical": True, "summary": "银企对接"}, format="json")
    assert response.json()["is_typical"] is True
    assert [n["status_to"] for n in response.json()["notes"]] == ["", "resolved", ""]
    figures = client.get(url(chamber, "requests/figures/?year={}".format(YEAR))).json()
    assert figures["resolved"] == 1 and figures["raised"] == 1
    assert [c["title"] for c in figures["typical_cases"]] == ["贷款"]
    assert client.get(url(chamber, "requests/figures/?year=abc")).status_code == 400


def test_list_filters(api, chamber, member, display_member, raise_request, move, secretary):
    late = raise_request(member, title="逾期")
    make_late(late, 2)
    closed = raise_request(display_member, title="已办", category="legal")
    move(closed, "resolved", "ok")
    client = api.as_user(secretary)

    def ids(query):
        response = client.get(url(chamber, "requests/?" + query))
        assert response.status_code == 200, response.json()
        return [r["id"] for r in response.json()["results"]]

    assert ids("overdue=1") == [late.pk]
    assert ids("status=closed") == [closed.pk]
    assert ids("category=legal") == [closed.pk]
    assert ids("search=显示") == [closed.pk]
    assert ids("year={}".format(YEAR)) == [closed.pk, late.pk]
    assert client.get(url(chamber, "requests/?status=zzz")).status_code == 400
    assert client.get(url(chamber, "requests/?assignee=abc")).status_code == 400


def test_branch_secretary_reach(api, chamber, member, display_member, raise_request, branch_secretary):
    ours, theirs = raise_request(member), raise_request(display_member)
    client = api.as_user(branch_secretary)
    assert [r["id"] for r in client.get(url(chamber, "requests/")).json()["results"]] == [ours.pk]
    assert client.get(url(chamber, "requests/{}/".format(theirs.pk))).status_code == 404
    assert client.post(url(chamber, "requests/{}/move/".format(theirs.pk)),
                       {"status": "in_progress", "note": "x"}, format="json").status_code == 404
    response = client.post(url(chamber, "requests/"), {"membership": display_member.pk, "category": "legal",
                                                       "title": "x", "description": "y"}, format="json")
    assert response.status_code == 400 and "membership" in response.json()


def test_visits_with_requests(api, chamber, member, secretary):
    client = api.as_user(secretary)
    response = client.post(url(chamber, "visits/"), {
        "membership": member.pk, "visited_on": TODAY.isoformat(), "visitors": "秘书长 王明",
        "requests": [{"category": "labour", "title": "招工", "description": "缺人"}]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [r["title"] for r in body["requests"]] == ["招工"] and body["requests"][0]["source"] == "visit"
    response = client.post(url(chamber, "visits/"), {
        "membership": member.pk, "visited_on": TODAY.isoformat(), "visitors": "王明",
        "requests": [{"category": "nope", "title": "", "description": ""}]}, format="json")
    assert response.status_code == 400
    assert count(Visit, chamber=chamber) == 1
    listed = client.get(url(chamber, "visits/")).json()["results"]
    assert listed[0]["request_count"] == 1
    assert client.get(url(chamber, "visits/{}/".format(body["id"]))).json()["requests"][0]["title"] == "招工"


def test_list_query_counts_do_not_grow(api, chamber, member, raise_request, secretary, officer,
                                       django_assert_num_queries):
    from events.services.visits import visit_record

    client = api.as_user(secretary)

    def count(path):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(chamber, path)).status_code == 200
        return len(ctx.captured_queries)

    raise_request(member, assignee=secretary, assignee_officer=officer)
    with scope(chamber=chamber):
        visit_record(chamber=chamber, actor=secretary, membership=member, visited_on=TODAY, visitors="王明",
                     officer=officer)
    before = {p: count(p) for p in ("requests/", "visits/", "requests/figures/")}
    for i in range(10):
        raise_request(member, title="t{}".format(i), assignee=secretary, assignee_officer=officer)
        with scope(chamber=chamber):
            visit_record(chamber=chamber, actor=secretary, membership=member, visited_on=TODAY, visitors="王明",
                         officer=officer)
    # requests: auth + roles, count, page rows (member, assignee, officer + person joined);
    # visits: the same with the request count annotated; figures: one aggregate, typical cases, visits.
    assert {p: count(p) for p in before} == before
    # chamber, token, roles, then: count + page (requests, with member, assignee, officer+person
    # joined; visits, with member, officer and the request count); figures: one aggregate, the
    # typical cases, the visits count; one request: the row with its joins, its notes.
    for path, n in (("requests/", 5), ("visits/", 5), ("requests/figures/", 6), ("requests/{}/".format(
            first_request_pk(chamber)), 5)):
        with django_assert_num_queries(n):
            assert client.get(url(chamber, path)).status_code == 200


def first_request_pk(chamber):
    from events.models import MemberRequest
    from django_scopes import scopes_disabled

    with scopes_disabled():
        return MemberRequest.objects.filter(chamber=chamber).order_by("pk").values_list("pk", flat=True).first()
