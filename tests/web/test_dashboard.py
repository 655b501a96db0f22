"""The dashboard: member figures within the reader's reach, charts, and what falls due soon."""
import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from chamber.selectors import dashboard_monthly_joins_and_leaves
from members.models import MembershipKind, MembershipStatus, Post, Rank
from members.officers import officer_appoint, term_create
from members.services import enterprise_create, membership_change_status, membership_create, person_create
from tests.factories import make_uscc

TODAY = timezone.localdate()
LONG_AGO = datetime.date(TODAY.year - 3, 3, 1)


def _url(chamber):
    return reverse("chamber:dashboard", kwargs={"chamber": chamber.slug})


def _member(chamber, n, rank_code, branches=(), joined_on=LONG_AGO, kind=MembershipKind.ENTERPRISE, name=None):
    e = enterprise_create(chamber=chamber, actor=None, name=name or f"测试企业{n}有限公司", uscc=make_uscc(700000 + n))
    return membership_create(chamber=chamber, actor=None, kind=kind, enterprise=e,
                             rank=Rank.objects.get(chamber=chamber, code=rank_code), branches=list(branches),
                             status=MembershipStatus.ACTIVE, joined_on=joined_on)


@pytest.fixture
def world(chamber, branches, member):
    """Active: `member` (副会长单位, cable_sub), display-1 (会员单位, display), cable-both (会员单位, cable and
    cable_sub), new (group member joined today, no branch); suspended: display-2; left today: cable-left."""
    with scope(chamber=chamber):
        _member(chamber, 1, "member", [branches["display"]])
        _member(chamber, 2, "member", [branches["cable"], branches["cable_sub"]])
        suspended = _member(chamber, 3, "member", [branches["display"]])
        membership_change_status(membership=suspended, actor=None, status=MembershipStatus.SUSPENDED, reason="欠费")
        left = _member(chamber, 4, "council", [branches["cable"]], joined_on=datetime.date(TODAY.year - 2, 1, 1))
        membership_change_status(membership=left, actor=None, status=MembershipStatus.LEFT, reason="退会")
        _member(chamber, 5, "member", joined_on=TODAY, kind=MembershipKind.GROUP)
    return chamber


def _stat(html, name):
    match = re.search(rf'data-stat="{name}">.*?class="stat-value">(?:<a href="[^"]*">)?([\d,]+)', html, re.S)
    return int(match.group(1).replace(",", ""))


def _member_list(chamber):
    return reverse("members:list", kwargs={"chamber": chamber.slug})


# --- Who may open it ----------------------------------------------------------------------

def test_anonymous_is_sent_to_log_in(client, chamber):
    response = client.get(_url(chamber))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_outsider_gets_404(client_as, chamber, outsider):
    assert client_as(outsider).get(_url(chamber)).status_code == 404


@pytest.mark.parametrize("user_fixture", ["representative", "reviewer"])
def test_roles_without_members_view_get_403(request, client_as, chamber, user_fixture):
    assert client_as(request.getfixturevalue(user_fixture)).get(_url(chamber)).status_code == 403


@pytest.mark.parametrize("user_fixture", ["staff_readonly", "admin_user"])
def test_the_page_reads_only(request, client_as, chamber, user_fixture):
    client = client_as(request.getfixturevalue(user_fixture))
    assert client.get(_url(chamber)).status_code == 200
    assert client.post(_url(chamber)).status_code == 403


# --- The figures --------------------------------------------------------------------------

def test_figures_of_the_whole_chamber(client_as, world, staff_readonly, branches):
    response = client_as(staff_readonly).get(_url(world))
    html = response.content.decode()
    figures = response.context["figures"]
    assert figures.by_status == {"active": 4, "suspended": 1, "left": 1}
    assert figures.by_kind == {"enterprise": 3, "group": 1}
    with scope(chamber=world):
        ranks = {r.code: r.pk for r in Rank.objects.filter(chamber=world)}
    by_rank = {key: n for key, _name, n in figures.rank_rows()}
    assert by_rank[ranks["vice-president"]] == 1 and by_rank[ranks["member"]] == 3
    assert by_rank[ranks["council"]] == 0 and by_rank[ranks["president"]] == 0  # zero ranks are shown too
    assert [name for _key, name, _n in figures.rank_rows()][:2] == ["会长单位", "执行会长单位"]
    assert (figures.joined, figures.left) == (1, 1)
    assert (_stat(html, "active"), _stat(html, "current"), _stat(html, "joined"), _stat(html, "left")) == (4, 5, 1, 1)
    # Top-level branches count their subtree, each member once, active members only.
    assert [(b.pk, n) for b, n, _url in response.context["branch_rows"]] == [
        (branches["cable"].pk, 2), (branches["display"].pk, 1)]
    assert response.context["branch_limited"] is False


def test_branch_secretary_sees_only_their_subtree(client_as, world, branch_secretary, branches):
    response = client_as(branch_secretary).get(_url(world))
    figures = response.context["figures"]
    assert figures.by_status == {"active": 2, "left": 1}
    assert figures.by_kind == {"enterprise": 2}
    assert (figures.joined, figures.left) == (0, 1)
    assert [(b.pk, n) for b, n, _url in response.context["branch_rows"]] == [(branches["cable"].pk, 2)]
    html = response.content.decode()
    assert 'data-reach="branches"' in html and branches["display"].name not in html


def test_numbers_link_to_the_filtered_member_list(client_as, world, secretary, branches):
    html = client_as(secretary).get(_url(world)).content.decode()
    base = _member_list(world)
    with scope(chamber=world):
        member_rank = Rank.objects.get(chamber=world, code="member").pk
    for query in ("status=active", f"status=active&amp;rank={member_rank}",
                  f"status=active&amp;branch={branches['cable'].pk}",
                  "status=active&amp;kind=group", "status=suspended"):
        assert f'href="{base}?{query}"' in html, query


def test_charts_are_valid_svg_with_chinese_labels(client_as, world, secretary, branches):
    html = client_as(secretary).get(_url(world)).content.decode()
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) == 5  # status, rank, branch, kind, months
    texts = set()
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.find("{http://www.w3.org/2000/svg}title").text
        texts |= {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"副会长单位", "会员单位", branches["cable"].name, branches["display"].name} <= texts


def test_twelve_months_of_joins_and_leaves(world):
    with scope(chamber=world):
        months = dashboard_monthly_joins_and_leaves(chamber=world, access=None, today=TODAY)
    assert len(months) == 12 and months[-1][0] == TODAY.replace(day=1)
    assert months[-1][1:] == (1, 1)
    assert sum(j for _m, j, _l in months) == 1 and sum(left for _m, _j, left in months) == 1


def test_terms_and_officer_posts_ending_soon(client_as, chamber, member, secretary, branch_secretary, branches):
    with scope(chamber=chamber):
        ending = term_create(chamber=chamber, actor=None, ordinal=7, starts_on=TODAY - datetime.timedelta(days=1700),
                             ends_on=TODAY + datetime.timedelta(days=100))
        later = term_create(chamber=chamber, actor=None, ordinal=8, starts_on=TODAY + datetime.timedelta(days=101),
                            ends_on=TODAY + datetime.timedelta(days=1900))
        president = person_create(chamber=chamber, actor=None, name="王建国")
        in_cable = person_create(chamber=chamber, actor=None, name="李光明")
        long_serving = person_create(chamber=chamber, actor=None, name="赵长久")
        officer_appoint(term=ending, actor=None, person=president, post=Post.PRESIDENT, enterprise=member.enterprise)
        officer_appoint(term=ending, actor=None, person=in_cable, post=Post.VICE_PRESIDENT,
                        branch=branches["cable_sub"],
                        ends_on=TODAY + datetime.timedelta(days=30))
        officer_appoint(term=later, actor=None, person=long_serving, post=Post.SECRETARY_GENERAL)
    response = client_as(secretary).get(_url(chamber))
    assert [term.pk for term, _days in response.context["terms_ending"]] == [ending.pk]
    assert response.context["terms_ending"][0][1] == 100
    html = response.content.decode()
    assert f'data-term="{ending.pk}"' in html and f'data-term="{later.pk}"' not in html
    # Soonest first; the post without its own end ends with its term.
    assert [p.person.name for p in response.context["officers_ending"]] == ["李光明", "王建国"]
    assert "赵长久" not in html
    # A branch secretary sees the posts held in their subtree only.
    limited = client_as(branch_secretary).get(_url(chamber))
    assert [p.person.name for p in limited.context["officers_ending"]] == ["李光明"]


def test_pending_self_service_changes_are_counted_for_those_who_approve(
        client_as, world, member, secretary, staff_readonly, branch_secretary):
    from members import models

    with scope(chamber=world):
        display_member = models.Membership.objects.get(chamber=world, enterprise__name="测试企业1有限公司")
        kind = models.SelfServiceKind.values[0]
        for enterprise, status in ((member.enterprise, "pending"), (display_member.enterprise, "pending"),
                                   (member.enterprise, "rejected")):
            models.SelfServiceChange.objects.create(chamber=world, enterprise=enterprise, kind=kind, status=status)
    assert _stat(client_as(secretary).get(_url(world)).content.decode(), "pending") == 2
    # A branch secretary approves within their subtree: only the cable member's change.
    assert _stat(client_as(branch_secretary).get(_url(world)).content.decode(), "pending") == 1
    # Read-only staff cannot approve: the queue is not theirs.
    assert 'data-stat="pending"' not in client_as(staff_readonly).get(_url(world)).content.decode()


def test_an_empty_chamber_draws_its_dashboard(client_as, chamber, secretary):
    response = client_as(secretary).get(_url(chamber))
    assert response.status_code == 200
    assert response.context["figures"].active == 0 and response.context["branch_rows"] == []


def test_the_dashboard_runs_a_fixed_number_of_queries(client_as, world, secretary, branches, django_assert_num_queries):
    client = client_as(secretary)
    client.get(_url(world))  # warm up: content types, translations
    # session, user, chamber, the user's roles (access), the switcher's roles and chambers (2),
    # ranks, member counts (one GROUP BY), visible branches, branch counts (one aggregate),
    # twelve months (one GROUP BY), terms ending, officer posts ending, pending changes (count),
    # the inbox's unread count in the header
    expected = 15
    with django_assert_num_queries(expected):
        assert client.get(_url(world)).status_code == 200
    with scope(chamber=world):
        for n in range(10, 30):
            _member(world, n, ("member", "council", "vice-president")[n % 3],
                    [(branches["display"], branches["cable_sub"])[n % 2]], joined_on=TODAY)
    with django_assert_num_queries(expected):
        response = client.get(_url(world))
    assert response.context["figures"].active == 24


def test_joined_this_year_links_to_the_list_of_exactly_those_members(client_as, world, secretary):
    client = client_as(secretary)
    html = client.get(_url(world)).content.decode()
    link = re.search(r'data-stat="joined">.*?<a href="([^"]+)">(\d+)</a>', html, re.S)
    assert link, "the joined figure links to the member list"
    url, count = link.group(1).replace("&amp;", "&"), int(link.group(2))
    listed = client.get(url)
    assert listed.status_code == 200
    # The list's result rows: one per member who joined this year (the group member of the world).
    assert listed.content.decode().count('name="members" value=') == count >= 1
