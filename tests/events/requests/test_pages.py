"""Request and visit pages: who may see and do what, tenancy (another chamber's ids 404), branch
reach, the forms' round trips, the board's overdue highlighting and query-count guards, the
year figures, the member page's section and the representative's portal pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from events.models import MemberRequest, RequestNote, Visit

from .conftest import TODAY, YEAR, count, fetch, make_late


def page(chamber, path=""):
    slug = chamber if isinstance(chamber, str) else chamber.slug
    return "/c/{}/events/{}".format(slug, path)


@pytest.fixture
def req(member, raise_request):
    return raise_request(member)


@pytest.fixture
def visit(chamber, member, secretary):
    from events.services.visits import visit_record

    with scope(chamber=chamber):
        return visit_record(chamber=chamber, actor=secretary, membership=member, visited_on=TODAY, visitors="王明")


def read_paths(req, visit):
    return ["requests/", "requests/?tab=all&overdue=1&q=贷款&category=financing", "requests/figures/",
            "requests/{}/".format(req.pk), "visits/", "visits/{}/".format(visit.pk)]


def write_paths(req):
    return ["requests/new/", "visits/new/"]


def post_paths(req):
    return ["requests/{}/move/".format(req.pk), "requests/{}/assign/".format(req.pk),
            "requests/{}/notes/".format(req.pk), "requests/{}/typical/".format(req.pk)]


@pytest.mark.parametrize("who", ["admin_user", "secretary", "staff_readonly", "branch_secretary"])
def test_readers_see_every_page(request, client_as, chamber, req, visit, who):
    client = client_as(request.getfixturevalue(who))
    for path in read_paths(req, visit):
        assert client.get(page(chamber, path)).status_code == 200, path


@pytest.mark.parametrize("who", ["treasurer", "representative", "reviewer"])
def test_no_requests_capability_gets_403(request, client_as, chamber, req, visit, who):
    client = client_as(request.getfixturevalue(who))
    for path in read_paths(req, visit) + write_paths(req):
        assert client.get(page(chamber, path)).status_code == 403, path
    for path in post_paths(req):
        assert client.post(page(chamber, path), {"note": "x", "status": "in_progress"}).status_code == 403, path


def test_read_only_staff_gets_403_on_writes(client_as, chamber, req, staff_readonly):
    client = client_as(staff_readonly)
    for path in write_paths(req):
        assert client.get(page(chamber, path)).status_code == 403, path
    for path in post_paths(req):
        assert client.post(page(chamber, path), {"status": "in_progress", "note": "x"}).status_code == 403, path
    assert fetch(MemberRequest, pk=req.pk).status == "new"


def test_outsider_gets_404_and_our_ids_are_not_found_under_theirs(client_as, chamber, other_chamber, req, visit,
                                                                  outsider):
    client = client_as(outsider)
    for path in read_paths(req, visit) + write_paths(req) + post_paths(req):
        assert client.get(page(chamber, path)).status_code == 404, path
        assert client.post(page(chamber, path), {}).status_code == 404, path
    for path in ["requests/{}/".format(req.pk), "visits/{}/".format(visit.pk)] + post_paths(req):
        assert client.get(page(other_chamber, path)).status_code == 404, path


def test_branch_secretary_sees_only_their_members(client_as, chamber, display_member, raise_request, req,
                                                  branch_secretary):
    theirs = raise_request(display_member, title="显示面板出口退税")
    client = client_as(branch_secretary)
    board = client.get(page(chamber, "requests/")).content.decode()
    assert req.title in board and theirs.title not in board
    assert client.get(page(chamber, "requests/{}/".format(theirs.pk))).status_code == 404
    response = client.post(page(chamber, "requests/{}/move/".format(theirs.pk)), {"status": "in_progress", "note": "x"})
    assert response.status_code == 404
    response = client.post(page(chamber, "requests/{}/move/".format(req.pk)), {"status": "in_progress", "note": "受理"})
    assert response.status_code == 302


def test_staff_records_and_handles_a_request(client_as, chamber, member, secretary, admin_user):
    client = client_as(secretary)
    response = client.post(page(chamber, "requests/new/"), {
        "membership": member.pk, "category": "legal", "title": "劳动仲裁", "description": "员工仲裁咨询",
        "assignee": admin_user.pk})
    assert response.status_code == 302
    with scope(chamber=chamber):
        created = MemberRequest.objects.get(title="劳动仲裁")
    assert created.source == "staff" and created.assignee == admin_user
    detail = page(chamber, "requests/{}/".format(created.pk))
    # A move without a note stays on the page with the error; nothing moves.
    response = client.post(detail + "move/", {"status": "resolved", "note": ""})
    assert response.status_code == 200 and fetch(MemberRequest, pk=created.pk).status == "new"
    assert client.post(detail + "move/", {"status": "resolved", "note": "已协调律师"}).status_code == 302
    assert client.post(detail + "notes/", {"text": "企业表示满意"}).status_code == 302
    assert client.post(detail + "typical/", {"is_typical": "on", "summary": "律师团义务调解"}).status_code == 302
    created.refresh_from_db()
    assert created.status == "resolved" and created.closed_on == TODAY and created.is_typical
    html = client.get(detail).content.decode()
    assert "已协调律师" in html and "律师团义务调解" in html


def test_a_foreign_member_or_assignee_is_refused_on_the_form(client_as, chamber, other_chamber, member, secretary,
                                                            outsider):
    from members.models import Membership

    with scope(chamber=other_chamber):
        theirs = Membership.objects.get(chamber=other_chamber)
    client = client_as(secretary)
    for data in ({"membership": theirs.pk}, {"membership": member.pk, "assignee": outsider.pk},
                 {"membership": "abc"}):
        body = {"category": "legal", "title": "x", "description": "y", **data}
        response = client.post(page(chamber, "requests/new/"), body)
        assert response.status_code == 200 and response.context["form"].errors
    assert not count(MemberRequest, title="x")


def test_visit_form_records_requests_inline(client_as, chamber, member, secretary):
    client = client_as(secretary)
    body = {"membership": member.pk, "visited_on": TODAY.isoformat(), "visitors": "秘书长 王明", "notes": "座谈",
            "requests-TOTAL_FORMS": "2", "requests-INITIAL_FORMS": "0", "requests-MIN_NUM_FORMS": "0",
            "requests-MAX_NUM_FORMS": "10",
            "requests-0-category": "labour", "requests-0-title": "招工难", "requests-0-description": "缺50人",
            "requests-1-category": "", "requests-1-title": "", "requests-1-description": ""}
    response = client.post(page(chamber, "visits/new/"), body)
    assert response.status_code == 302
    with scope(chamber=chamber):
        visit = Visit.objects.get(chamber=chamber)
        assert list(visit.requests.values_list("title", "source")) == [("招工难", "visit")]
    # A half-filled row is an error on the page, and nothing is recorded.
    body.update({"requests-1-title": "融资", "visitors": "李强"})
    response = client.post(page(chamber, "visits/new/"), body)
    assert response.status_code == 200
    assert count(Visit, chamber=chamber) == 1
    # A tampered management form is a message, not a 500.
    response = client.post(page(chamber, "visits/new/"), {"membership": member.pk})
    assert response.status_code == 200


def test_board_puts_overdue_first_with_days_and_a_fixed_query_count(client_as, chamber, member, raise_request,
                                                                   secretary, django_assert_num_queries):
    fresh = raise_request(member, title="新诉求")
    late = raise_request(member, title="逾期诉求")
    make_late(late, 5)
    client = client_as(secretary)
    html = client.get(page(chamber, "requests/")).content.decode()
    assert html.index("逾期诉求") < html.index("新诉求")
    assert 'data-overdue="5"' in html and "table-danger" in html

    def board_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(page(chamber, "requests/")).status_code == 200
        return len(ctx.captured_queries)

    few = board_queries()
    for i in range(30):
        raise_request(member, title="诉求{}".format(i), assignee=secretary)
    # session + user + roles, counts (1), page count (1), page rows (1), assignee choices (1), menu…:
    # the same whatever the number of rows.
    assert board_queries() == few
    # session, chamber, user, roles; counts per status (1), page count (1), page rows with member,
    # assignee and officer joined (1); the assignee filter's users (1); the layout's chamber menu (2).
    with django_assert_num_queries(11):
        assert client.get(page(chamber, "requests/?tab=all")).status_code == 200
    assert fresh.pk


def test_lists_and_detail_query_counts_do_not_grow(client_as, chamber, member, raise_request, secretary, move):
    client = client_as(secretary)
    first = raise_request(member)

    def count(path):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(page(chamber, path)).status_code == 200
        return len(ctx.captured_queries)

    before = {p: count(p) for p in ("visits/", "requests/figures/", "requests/{}/".format(first.pk))}
    for i in range(5):
        move(first, "in_progress" if i % 2 == 0 else "resolved", "第{}步".format(i))
        raise_request(member, title="t{}".format(i))
    after = {p: count(p) for p in before}
    assert after == before


def test_year_figures_page_counts_solved_and_lists_typical_cases(client_as, chamber, member, raise_request, move,
                                                                 secretary):
    from events.services.requests import request_mark_typical

    solved = raise_request(member, title="融资对接")
    move(solved, "resolved", "已放贷")
    with scope(chamber=chamber):
        request_mark_typical(request=solved, actor=secretary, is_typical=True, summary="对接三家银行，放贷500万元")
    html = client_as(secretary).get(page(chamber, "requests/figures/?year={}".format(YEAR))).content.decode()
    assert 'data-figure="resolved">1<' in html and "对接三家银行" in html
    assert client_as(secretary).get(page(chamber, "requests/figures/?year=abc")).status_code == 200


def test_member_page_shows_the_members_requests(client_as, chamber, member, req, secretary, treasurer):
    html = client_as(secretary).get("/c/{}/members/{}/".format(chamber.slug, member.pk)).content.decode()
    assert 'id="section-requests"' in html and req.title in html
    html = client_as(treasurer).get("/c/{}/members/{}/".format(chamber.slug, member.pk)).content.decode()
    assert req.title not in html


# --- The portal ---------------------------------------------------------------------------------

def portal(chamber, enterprise, path=""):
    return page(chamber, "portal/{}/requests/{}".format(enterprise.pk, path))


def test_representative_raises_follows_notes_and_rates(client_as, chamber, member, representative, move):
    client = client_as(representative)
    enterprise = member.enterprise
    assert client.get(portal(chamber, enterprise, "new/")).status_code == 200
    response = client.post(portal(chamber, enterprise, "new/"), {"category": "tax", "title": "留抵退税",
                                                                 "description": "退税进度慢"})
    assert response.status_code == 302
    with scope(chamber=chamber):
        raised = MemberRequest.objects.get(title="留抵退税")
    assert raised.source == "portal" and raised.raised_by == representative
    detail = portal(chamber, enterprise, "{}/".format(raised.pk))
    assert client.post(detail + "notes/", {"text": "已补交材料"}).status_code == 302
    assert count(RequestNote, request=raised, by_member=True) == 1
    # Rating before it is closed: refused on the page.
    assert client.post(detail + "rate/", {"rating": "5"}).status_code == 200
    move(raised, "resolved", "税务局已受理")
    assert client.post(detail + "rate/", {"rating": "4", "comment": "及时"}).status_code == 302
    raised.refresh_from_db()
    assert raised.rating == 4
    html = client.get("/c/{}/members/portal/{}/".format(chamber.slug, enterprise.pk)).content.decode()
    assert "留抵退税" in html
    html = client.get(detail).content.decode()
    assert "税务局已受理" in html and "已补交材料" in html


def test_portal_isolation(client_as, chamber, other_chamber, member, display_member, display_representative,
                          representative, raise_request, foreign_request, secretary):
    mine = raise_request(member)
    theirs = raise_request(display_member)
    client = client_as(representative)
    # Another enterprise's request, through my enterprise or theirs: 404.
    assert client.get(portal(chamber, member.enterprise, "{}/".format(theirs.pk))).status_code == 404
    assert client.get(portal(chamber, display_member.enterprise, "{}/".format(theirs.pk))).status_code == 404
    assert client.get(portal(chamber, display_member.enterprise, "new/")).status_code == 404
    assert client.post(portal(chamber, member.enterprise, "{}/notes/".format(theirs.pk)), {"text": "x"}).status_code == 404
    # Another chamber's request under ours, and our request under theirs: 404.
    assert client.get(portal(chamber, member.enterprise, "{}/".format(foreign_request.pk))).status_code == 404
    assert client.get(portal(other_chamber, member.enterprise, "{}/".format(mine.pk))).status_code == 404
    # Staff without the grant: 403 (no self-service capability).
    assert client_as(secretary).get(portal(chamber, member.enterprise, "{}/".format(mine.pk))).status_code == 403
    assert client.get(portal(chamber, member.enterprise, "{}/".format(mine.pk))).status_code == 200


def test_garbage_never_ends_in_a_500(client_as, chamber, req, secretary):
    client = client_as(secretary)
    for path, body in [("requests/{}/move/".format(req.pk), {"status": "zzz", "note": "x"}),
                       ("requests/{}/assign/".format(req.pk), {"assignee": "abc", "due_on": "昨天"}),
                       ("requests/{}/typical/".format(req.pk), {"is_typical": "on"}),
                       ("requests/?page=999&assignee=abc&category=zzz&tab=zzz", None)]:
        response = client.post(page(chamber, path), body) if body is not None else client.get(page(chamber, path))
        assert response.status_code == 200, path
