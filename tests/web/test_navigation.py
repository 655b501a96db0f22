"""The chamber menu shows what the user may open; /c/<chamber>/ leads to the first of it."""
import pytest
from django_scopes import scope, scopes_disabled
from django.test import RequestFactory
from django.urls import reverse

from chamber.access import ROLE_CAPABILITIES, access_for_user
from chamber.models import RoleKind
from chamber.navigation import MENU, menu_for
from chamber.services import role_grant


def _menu_urls(client, chamber):
    html = client.get(reverse("chamber:index", kwargs={"chamber": chamber.slug}), follow=True).content.decode()
    return {entry.url_name for entry in MENU
            if f'href="{reverse(entry.url_name, kwargs={"chamber": chamber.slug})}"' in html}


def test_every_menu_entry_resolves(chamber):
    for entry in MENU:
        assert reverse(entry.url_name, kwargs={"chamber": chamber.slug}).startswith(f"/c/{chamber.slug}/")


@pytest.mark.parametrize("user_fixture", ["admin_user", "secretary", "staff_readonly", "branch_secretary", "representative"])
def test_menu_lists_exactly_the_pages_the_roles_open(request, client_as, chamber, user_fixture):
    user = request.getfixturevalue(user_fixture)
    capabilities, root_capabilities = set(), set()
    with scopes_disabled():
        roles = list(user.chamber_roles.values_list("kind", "branch"))
    for role_kind, branch in roles:
        capabilities |= ROLE_CAPABILITIES[role_kind]
        if branch is None:
            root_capabilities |= ROLE_CAPABILITIES[role_kind]

    def listed(entry):
        wanted = set(entry.capability if isinstance(entry.capability, tuple) else (entry.capability,))
        return bool(wanted & (root_capabilities if entry.whole_chamber else capabilities))

    expected = {e.url_name for e in MENU if listed(e) and e.url_name != "chamber:affiliates"}
    client = client_as(user)
    assert _menu_urls(client, chamber) == expected
    # And each page in the menu opens for this user.
    for name in expected:
        assert client.get(reverse(name, kwargs={"chamber": chamber.slug})).status_code == 200, name


def test_index_leads_a_representative_to_the_portal(client_as, chamber, representative):
    response = client_as(representative).get(f"/c/{chamber.slug}/")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:portal", kwargs={"chamber": chamber.slug})


def test_index_leads_staff_to_the_dashboard(client_as, chamber, secretary):
    response = client_as(secretary).get(f"/c/{chamber.slug}/")
    assert response["Location"] == reverse("chamber:dashboard", kwargs={"chamber": chamber.slug})


def test_index_is_404_for_outsiders_and_asks_anonymous_to_log_in(client, client_as, chamber, outsider):
    assert client_as(outsider).get(f"/c/{chamber.slug}/").status_code == 404
    response = client.get(f"/c/{chamber.slug}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_index_leads_a_reviewer_to_their_reviews(client_as, chamber, make_user):
    reviewer_only = make_user("reviewer-only")
    with scope(chamber=chamber):
        role_grant(chamber=chamber, user=reviewer_only, kind=RoleKind.REVIEWER, actor=None)
    response = client_as(reviewer_only).get(f"/c/{chamber.slug}/")
    assert response["Location"] == reverse("evaluations:reviews", kwargs={"chamber": chamber.slug})


def test_home_takes_a_one_chamber_user_straight_to_it(client_as, chamber, secretary):
    response = client_as(secretary).get("/")
    assert response["Location"] == f"/c/{chamber.slug}/"


def test_switcher_lists_every_chamber_of_the_user(client_as, chamber, other_chamber, secretary):
    with scope(chamber=other_chamber):
        role_grant(chamber=other_chamber, user=secretary, kind=RoleKind.SECRETARIAT, actor=None)
    html = client_as(secretary).get(reverse("chamber:dashboard", kwargs={"chamber": chamber.slug})).content.decode()
    assert 'id="chamber-switcher"' in html
    assert f'href="/c/{other_chamber.slug}/"' in html
    # With two chambers the start page lists both instead of redirecting.
    home = client_as(secretary).get("/")
    assert home.status_code == 200
    assert other_chamber.name in home.content.decode() and chamber.name in home.content.decode()


def test_start_page_reads_the_users_chambers_once(client_as, chamber, other_chamber, secretary):
    """The list on the page and the header's switcher share one read of the roles."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with scope(chamber=other_chamber):
        role_grant(chamber=other_chamber, user=secretary, kind=RoleKind.SECRETARIAT, actor=None)
    client = client_as(secretary)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    role_reads = [q["sql"] for q in queries if 'FROM "chamber_role"' in q["sql"]]
    assert len(role_reads) == 1, role_reads


def test_no_switcher_with_one_chamber(client_as, chamber, secretary):
    html = client_as(secretary).get(reverse("chamber:dashboard", kwargs={"chamber": chamber.slug})).content.decode()
    assert 'id="chamber-switcher"' not in html


def test_menu_is_empty_outside_a_chamber(make_user):
    request = RequestFactory().get("/")
    request.user = make_user("alice")
    assert menu_for(request) == []


def test_menu_entry_capabilities_exist():
    known = set().union(*ROLE_CAPABILITIES.values())
    for entry in MENU:
        assert set(entry.capability if isinstance(entry.capability, tuple) else (entry.capability,)) <= known


def test_reviewer_access_has_no_federation_view_outside_a_federation(chamber, reviewer):
    with scope(chamber=chamber):
        assert not access_for_user(chamber, reviewer).has("federation.view")


def test_outsiders_404_page_does_not_name_the_chamber(client_as, chamber, outsider):
    response = client_as(outsider).get(f"/c/{chamber.slug}/members/")
    assert response.status_code == 404
    assert chamber.name not in response.content.decode()
    assert chamber.short_name not in response.content.decode()


def test_only_the_closest_menu_entry_is_active(client_as, chamber, admin_user):
    """/evaluations/ (campaigns) is a prefix of /evaluations/schemes/ (rubrics): only the
    longer one is marked as the current page."""
    html = client_as(admin_user).get(reverse("evaluations:schemes", kwargs={"chamber": chamber.slug})).content.decode()
    schemes = reverse("evaluations:schemes", kwargs={"chamber": chamber.slug})
    campaigns = reverse("evaluations:campaigns", kwargs={"chamber": chamber.slug})
    assert html.count('aria-current="page"') >= 1
    current = [line for line in html.splitlines() if 'aria-current="page"' in line and "nav-link" in line]
    assert any(f'href="{schemes}"' in line for line in current), current
    assert not any(f'href="{campaigns}"' in line for line in current), current


def test_whole_chamber_pages_stay_out_of_a_branch_secretarys_menu(client_as, chamber, secretary, branch_secretary):
    """Imports and certificates span the whole chamber: a role at a branch does not list them,
    though it holds members.change (imports) and members.view (certificates) there."""
    whole_chamber = {"imports:list", "certificates:list", "document_batches:list"}
    assert whole_chamber <= _menu_urls(client_as(secretary), chamber)
    assert not whole_chamber & _menu_urls(client_as(branch_secretary), chamber)
