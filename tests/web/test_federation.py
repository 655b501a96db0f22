"""The federation view: the chambers a federation supervises, in aggregate figures only."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from chamber.models import ChamberKind, ChamberStatus, RoleKind
from chamber.services import chamber_create, role_grant
from members.models import MembershipKind, MembershipStatus, Rank
from members.services import (
    contact_add,
    enterprise_create,
    membership_change_status,
    membership_create,
    person_create,
)
from tests.factories import make_uscc

TODAY = timezone.localdate()
MEMBER_NAMES = ("苏州光电缆有限公司", "测试光纤有限公司", "郯城街道企业有限公司", "联络人张三")


def _url(federation, name="chamber:affiliates", **kwargs):
    return reverse(name, kwargs={"chamber": federation.slug, **kwargs})


def _detail(federation, affiliate):
    return _url(federation, "chamber:affiliate_detail", affiliate=affiliate.slug)


def _add_member(chamber, n, rank_code, name, joined_on=datetime.date(2018, 1, 1), kind=MembershipKind.ENTERPRISE):
    with scope(chamber=chamber):
        e = enterprise_create(chamber=chamber, actor=None, name=name, uscc=make_uscc(800000 + n))
        return membership_create(chamber=chamber, actor=None, kind=kind, enterprise=e, joined_on=joined_on,
                                 rank=Rank.objects.get(chamber=chamber, code=rank_code), status=MembershipStatus.ACTIVE)


def _chamber(slug, kind=ChamberKind.INDUSTRY, **fields):
    with scopes_disabled():
        return chamber_create(actor=None, name=f"{slug}商会", slug=slug, kind=kind, **fields)


@pytest.fixture
def federation(db):
    return _chamber("sz-fed", kind=ChamberKind.FEDERATION, short_name="苏州工商联")


@pytest.fixture
def affiliated(federation, chamber, member):
    """sz-optical under the federation: `member` (副会长单位, active since 2015), a second active
    member (会员单位) with a named contact, and a third one who joined this year and then was suspended."""
    with scopes_disabled():
        chamber.supervising_federation = federation
        chamber.save()
    second = _add_member(chamber, 1, "member", "测试光纤有限公司")
    with scope(chamber=chamber):
        contact_add(enterprise=second.enterprise, person=person_create(chamber=chamber, actor=None, name="联络人张三"),
                    actor=None, is_primary=True)
    third = _add_member(chamber, 2, "member", "第三企业有限公司", joined_on=TODAY)
    with scope(chamber=chamber):
        membership_change_status(membership=third, actor=None, status=MembershipStatus.SUSPENDED, reason="欠费")
    return chamber


@pytest.fixture
def district(federation):
    """A district federation under the city federation, with a street chamber of its own (level 2)."""
    district = _chamber("district-fed", kind=ChamberKind.FEDERATION, supervising_federation=federation)
    street = _chamber("street", kind=ChamberKind.TOWNSHIP, supervising_federation=district)
    _add_member(street, 3, "member", "郯城街道企业有限公司", kind=MembershipKind.GROUP)
    return {"district": district, "street": street}


@pytest.fixture
def fed_staff(make_user, federation):
    user = make_user("fiona")
    with scope(chamber=federation):
        role_grant(chamber=federation, user=user, kind=RoleKind.SECRETARIAT_READONLY, actor=None)
    return user


# --- Who may open it ----------------------------------------------------------------------

def test_anonymous_is_sent_to_log_in(client, federation):
    for url in (_url(federation), _url(federation, "chamber:affiliate_detail", affiliate="x")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_outsider_gets_404(client_as, federation, affiliated, outsider):
    client = client_as(outsider)
    assert client.get(_url(federation)).status_code == 404
    assert client.get(_detail(federation, affiliated)).status_code == 404


def test_a_federation_role_without_the_capability_gets_403(client_as, make_user, federation, affiliated):
    representative = make_user("fed-rep")
    with scope(chamber=federation):
        role_grant(chamber=federation, user=representative, kind=RoleKind.MEMBER_REPRESENTATIVE, actor=None)
    client = client_as(representative)
    assert client.get(_url(federation)).status_code == 403
    assert client.get(_detail(federation, affiliated)).status_code == 403


def test_a_chamber_that_is_no_federation_has_no_affiliates_page(client_as, chamber, admin_user, representative):
    # FEDERATION_VIEW is only granted in chambers of kind federation.
    assert client_as(admin_user).get(_url(chamber)).status_code == 403
    assert client_as(representative).get(_url(chamber)).status_code == 403


def test_the_pages_read_only(client_as, federation, affiliated, fed_staff):
    client = client_as(fed_staff)
    assert client.post(_url(federation)).status_code == 403
    assert client.post(_detail(federation, affiliated)).status_code == 403


def test_federation_staff_get_404_on_the_affiliates_own_pages(client_as, federation, affiliated, fed_staff, member):
    client = client_as(fed_staff)
    urls = [f"/c/{affiliated.slug}/", reverse("chamber:dashboard", kwargs={"chamber": affiliated.slug})]
    for name, kwargs in (("members:list", {}), ("members:detail", {"pk": member.pk}), ("branches:tree", {})):
        urls.append(reverse(name, kwargs={"chamber": affiliated.slug, **kwargs}))
    for url in urls:
        assert client.get(url).status_code == 404, url
    # And the API's roster.
    assert client.get(f"/api/v1/chambers/{affiliated.slug}/members/").status_code == 404


def test_detail_of_a_chamber_outside_this_federation_is_404(client_as, federation, affiliated, other_chamber,
                                                            fed_staff):
    client = client_as(fed_staff)
    other_fed = _chamber("other-fed", kind=ChamberKind.FEDERATION)
    elsewhere = _chamber("elsewhere", supervising_federation=other_fed)
    dissolved = _chamber("gone", supervising_federation=federation, status=ChamberStatus.DISSOLVED)
    for chamber in (other_chamber, elsewhere, other_fed, federation, dissolved):
        assert client.get(_detail(federation, chamber)).status_code == 404, chamber.slug
    assert client.get(_url(federation, "chamber:affiliate_detail", affiliate="no-such-chamber")).status_code == 404
    html = client.get(_url(federation)).content.decode()
    assert f'data-affiliate="{affiliated.slug}"' in html
    for chamber in (other_chamber, elsewhere, dissolved):
        assert f'data-affiliate="{chamber.slug}"' not in html


# --- What it shows ------------------------------------------------------------------------

def test_affiliates_with_their_figures_and_never_a_name(client_as, federation, affiliated, district, fed_staff):
    response = client_as(fed_staff).get(_url(federation))
    assert response.status_code == 200
    by_slug = {a.chamber.slug: a for a in response.context["affiliates"]}
    assert set(by_slug) == {affiliated.slug, "district-fed", "street"}
    optical = by_slug[affiliated.slug].figures
    assert optical.by_status == {"active": 2, "suspended": 1}
    assert optical.by_kind == {"enterprise": 2}
    assert {name: n for _key, name, n in optical.rank_rows() if n} == {"副会长单位": 1, "会员单位": 1}
    assert (optical.joined, optical.left) == (1, 0)
    street = by_slug["street"]
    assert (street.level, street.via.slug) == (2, "district-fed")
    assert street.figures.by_kind == {"group": 1}
    assert by_slug[affiliated.slug].level == 1 and by_slug[affiliated.slug].via is None
    totals = response.context["totals"]
    assert totals.active == 3 and totals.current == 4 and totals.joined == 1
    html = response.content.decode()
    for name in MEMBER_NAMES:
        assert name not in html, name
    assert "<svg" in html and "副会长单位" in html


def test_affiliate_detail_shows_figures_and_charts_only(client_as, federation, affiliated, district, fed_staff):
    client = client_as(fed_staff)
    response = client.get(_detail(federation, affiliated))
    assert response.status_code == 200
    assert response.context["figures"].by_status == {"active": 2, "suspended": 1}
    html = response.content.decode()
    assert affiliated.name in html and html.count("<svg") == 3
    for name in MEMBER_NAMES:
        assert name not in html, name
    # A level-2 chamber opens too, and says through whom.
    street = client.get(_detail(federation, district["street"]))
    assert street.status_code == 200 and district["district"].name in street.content.decode()


def test_a_federation_without_affiliates(client_as, federation, fed_staff):
    response = client_as(fed_staff).get(_url(federation))
    assert response.status_code == 200 and 'data-empty="affiliates"' in response.content.decode()


def test_the_page_runs_a_fixed_number_of_queries(client_as, federation, affiliated, district, fed_staff,
                                                   django_assert_num_queries):
    client = client_as(fed_staff)
    client.get(_url(federation))
    # session, user, chamber, the user's roles (access), the switcher's roles and chambers (2),
    # the affiliated chambers, their member counts (one GROUP BY across them), their ranks'
    # names, the inbox's unread count in the header
    expected = 10
    with django_assert_num_queries(expected):
        client.get(_url(federation))
    more = _chamber("more", supervising_federation=federation)
    for n in range(10, 20):
        _add_member(more, n, ("member", "council")[n % 2], f"更多企业{n}有限公司")
    with django_assert_num_queries(expected):
        response = client.get(_url(federation))
    assert len(response.context["affiliates"]) == 4 and response.context["totals"].active == 13
    with django_assert_num_queries(expected):
        assert client.get(_detail(federation, more)).status_code == 200


def test_a_province_of_chambers_is_paged_and_charts_the_largest(client_as, federation, affiliated, district,
                                                                fed_staff, monkeypatch):
    from chamber import dashboard

    monkeypatch.setattr(dashboard, "AFFILIATES_PAGE_SIZE", 2)
    monkeypatch.setattr(dashboard, "CHART_CHAMBERS", 2)
    client = client_as(fed_staff)
    first = client.get(_url(federation))
    everyone = first.context["affiliates"]
    assert len(everyone) > 2  # the totals still count every chamber
    assert first.content.decode().count("data-affiliate=") == 2
    second = client.get(_url(federation) + "?page=2").content.decode()
    shown = {a.chamber.slug for a in first.context["page_obj"].object_list}
    assert all(f'data-affiliate="{slug}"' not in second for slug in shown)
    ordered = sorted(everyone, key=lambda a: (-a.figures.active, a.chamber.name))
    table = str(first.context["chart"].table)
    assert all((a.chamber.short_name or a.chamber.name) in table for a in ordered[:2])
    assert table.count("<tr") == 3  # the header and the two largest
