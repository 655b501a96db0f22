"""The branch tree page and its actions: who may open them, counts, and the round trips."""
import datetime

import pytest
from django.urls import reverse
from django.conf import settings
from django_scopes import scope

from branches.models import Branch, BranchStatus
from branches.services import branch_create
from chamber.models import AuditEntry, RoleKind
from chamber.services import role_grant
from members.models import MembershipKind, MembershipStatus, Rank
from members.services import enterprise_create, membership_create
from tests.factories import make_uscc


def url(chamber, name, **kwargs):
    return reverse(f"branches:{name}", kwargs={"chamber": chamber.slug, **kwargs})


@pytest.fixture
def other_branch(other_chamber):
    with scope(chamber=other_chamber):
        return branch_create(chamber=other_chamber, actor=None, name="川菜分会", kind="branch")


@pytest.fixture
def cable_changer(make_user, chamber, branch_cable):
    """A secretariat role granted at the cable branch: may change branches, but only there."""
    user = make_user("carl")
    with scope(chamber=chamber):
        role_grant(chamber=chamber, user=user, kind=RoleKind.SECRETARIAT, actor=None, branch=branch_cable)
    return user


def _add_members(chamber, branch, n, start):
    with scope(chamber=chamber):
        rank = Rank.objects.get(chamber=chamber, code="member")
        for i in range(n):
            e = enterprise_create(chamber=chamber, actor=None, name=f"企业{start + i}", uscc=make_uscc(start + i))
            membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e, rank=rank,
                              branches=[branch], status=MembershipStatus.ACTIVE, joined_on=datetime.date(2020, 1, 1))


def _reload(chamber, pk):
    with scope(chamber=chamber):
        return Branch.objects.get(pk=pk)


# --- Who may open what ------------------------------------------------------------------------

ACTION_PAGES = [("create", {}), ("edit", {"pk": None}), ("move", {"pk": None}), ("archive", {"pk": None})]


def _action_urls(chamber, branch):
    return [url(chamber, name, **({"pk": branch.pk} if kw else {})) for name, kw in ACTION_PAGES]


def test_anonymous_is_sent_to_log_in(client, chamber, branch_cable):
    for u in [url(chamber, "tree"), *_action_urls(chamber, branch_cable)]:
        response = client.get(u)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), u


def test_outsider_gets_404_everywhere(client_as, chamber, branch_cable, outsider):
    client = client_as(outsider)
    for u in [url(chamber, "tree"), *_action_urls(chamber, branch_cable)]:
        assert client.get(u).status_code == 404, u
        assert client.post(u, {"name": "x"}).status_code == 404, u


def test_another_chambers_branch_is_404_under_my_chamber(client_as, chamber, other_chamber, admin_user, other_branch):
    client = client_as(admin_user)
    for name in ("edit", "move", "archive"):
        assert client.get(url(chamber, name, pk=other_branch.pk)).status_code == 404
        data = {"name": "x", "kind": "branch", "reason": "x", "confirm": "on"}
        assert client.post(url(chamber, name, pk=other_branch.pk), data).status_code == 404
    with scope(chamber=other_chamber):
        untouched = Branch.objects.get(pk=other_branch.pk)
    assert (untouched.name, untouched.status) == ("川菜分会", BranchStatus.ACTIVE)


@pytest.mark.parametrize("user_fixture", ["reviewer", "representative"])
def test_roles_without_branch_access_get_403(request, client_as, chamber, branch_cable, user_fixture):
    client = client_as(request.getfixturevalue(user_fixture))
    for u in [url(chamber, "tree"), *_action_urls(chamber, branch_cable)]:
        assert client.get(u).status_code == 403, u


def test_read_only_staff_see_the_tree_but_cannot_change_it(client_as, chamber, branch_cable, staff_readonly):
    client = client_as(staff_readonly)
    response = client.get(url(chamber, "tree"))
    assert response.status_code == 200
    assert 'data-action="edit"' not in response.content.decode()
    for u in _action_urls(chamber, branch_cable):
        assert client.get(u).status_code == 403, u
        assert client.post(u, {"name": "改名", "kind": "branch", "reason": "x", "confirm": "on"}).status_code == 403, u
    assert _reload(chamber, branch_cable.pk).name == "光缆分会"


def test_branch_secretary_sees_only_its_subtree_and_changes_nothing(client_as, chamber, branches, branch_secretary):
    client = client_as(branch_secretary)
    html = client.get(url(chamber, "tree")).content.decode()
    assert f'data-branch-id="{branches["cable"].pk}"' in html
    assert f'data-branch-id="{branches["cable_sub"].pk}"' in html
    assert f'data-branch-id="{branches["display"].pk}"' not in html
    # Branch secretaries keep the roster of their branch; the tree itself is not theirs to change.
    assert client.post(url(chamber, "edit", pk=branches["cable"].pk), {"name": "x", "kind": "branch"}).status_code == 403


def test_branch_limited_changer_acts_only_within_its_subtree(client_as, chamber, branches, cable_changer):
    client = client_as(cable_changer)
    display, cable, sub = branches["display"], branches["cable"], branches["cable_sub"]
    # Outside the subtree: refused, and nothing changes.
    for name in ("edit", "move", "archive"):
        assert client.get(url(chamber, name, pk=display.pk)).status_code == 403
    response = client.post(url(chamber, "edit", pk=display.pk), {"name": "改名", "kind": "branch"})
    assert response.status_code == 403
    assert _reload(chamber, display.pk).name == "显示分会"
    # Inside: allowed.
    response = client.post(url(chamber, "edit", pk=sub.pk), {"name": "预制棒专委会", "kind": "committee"})
    assert response.status_code == 302
    assert _reload(chamber, sub.pk).name == "预制棒专委会"
    # A new node may not go to the top of the tree or under a node outside the subtree.
    response = client.post(url(chamber, "create"), {"name": "新分会", "kind": "branch", "parent": display.pk})
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    response = client.post(url(chamber, "create"), {"name": "新分会", "kind": "branch", "parent": ""})
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    # Nor may a node of the subtree be moved out of it.
    response = client.post(url(chamber, "move", pk=sub.pk), {"parent": display.pk})
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    assert _reload(chamber, sub.pk).parent_id == cable.pk
    with scope(chamber=chamber):
        assert not Branch.objects.filter(name="新分会").exists()


# --- The tree ---------------------------------------------------------------------------------

def _node_counts(html, pk):
    """(own, total) from the data attributes of node `pk`'s row."""
    start = html.index(f'data-branch-id="{pk}"')
    row = html[start:]
    own = row[row.index("data-own-count=") + 16:].split('"')[0]
    total = row[row.index("data-total-count=") + 18:].split('"')[0]
    return int(own), int(total)


def test_tree_shows_own_and_subtree_counts(client_as, chamber, branches, member, admin_user):
    _add_members(chamber, branches["cable"], 2, 500)
    html = client_as(admin_user).get(url(chamber, "tree")).content.decode()
    assert _node_counts(html, branches["cable"].pk) == (2, 3)
    assert _node_counts(html, branches["cable_sub"].pk) == (1, 1)
    assert _node_counts(html, branches["display"].pk) == (0, 0)
    # The sub-committee is nested inside the cable branch's list item.
    cable_at = html.index(f'data-branch-id="{branches["cable"].pk}"')
    assert cable_at < html.index(f'data-branch-id="{branches["cable_sub"].pk}"') < html.index(f'data-branch-id="{branches["display"].pk}"')


def test_tree_counts_link_to_the_member_list(client_as, chamber, branches, admin_user):
    html = client_as(admin_user).get(url(chamber, "tree")).content.decode()
    members_url = reverse("members:list", kwargs={"chamber": chamber.slug})
    assert f'href="{members_url}?branch={branches["cable"].pk}"' in html


def test_tree_runs_a_fixed_number_of_queries(client_as, chamber, branches, member, admin_user, django_assert_num_queries):
    client = client_as(admin_user)
    url_tree = url(chamber, "tree")
    client.get(url_tree)  # warm up: content types, translations

    # session, chamber (middleware), user, roles (access), the nodes with parent and leader,
    # the (member, node path) pairs for the counts, and the layout's chamber switcher
    # (the user's chamber ids, then those chambers): 8, however many nodes and members.
    with django_assert_num_queries(9):
        assert client.get(url_tree).status_code == 200
    with scope(chamber=chamber):
        parent = branches["display"]
        for i in range(15):
            parent = branch_create(chamber=chamber, actor=None, name=f"深层{i}", kind="committee",
                                   parent=parent if i % 2 else branches["display"])
    _add_members(chamber, branches["display"], 3, 700)
    with django_assert_num_queries(9):
        html = client.get(url_tree).content.decode()
    assert html.count('data-branch-id="') == 18


def test_archived_branches_are_hidden_until_asked_for(client_as, chamber, branches, admin_user):
    with scope(chamber=chamber):
        Branch.objects.filter(pk=branches["display"].pk).update(status=BranchStatus.ARCHIVED)
    client = client_as(admin_user)
    html = client.get(url(chamber, "tree")).content.decode()
    assert f'data-branch-id="{branches["display"].pk}"' not in html
    assert 'data-toggle-archived="show"' in html
    html = client.get(url(chamber, "tree") + "?archived=1").content.decode()
    assert f'data-branch-id="{branches["display"].pk}"' in html and 'data-status="archived"' in html


# --- Round trips ------------------------------------------------------------------------------

def test_create_under_a_parent(client_as, chamber, branches, admin_user):
    client = client_as(admin_user)
    page = client.get(url(chamber, "create") + f"?parent={branches['cable'].pk}")
    assert page.status_code == 200 and page.context["form"].initial["parent"] == str(branches["cable"].pk)
    response = client.post(url(chamber, "create"), {
        "parent": branches["cable"].pk, "name": "光纤分会", "kind": "committee", "code": "FIBRE", "founded_on": "2021-03-01",
    })
    assert response.status_code == 302 and response["Location"] == url(chamber, "tree")
    with scope(chamber=chamber):
        created = Branch.objects.get(name="光纤分会")
        assert created.parent_id == branches["cable"].pk and created.depth == 2
        assert created.path == f"{branches['cable'].path}{created.pk}/"
        assert created.founded_on == datetime.date(2021, 3, 1)


def test_create_keeps_input_and_shows_the_service_error(client_as, chamber, branches, admin_user):
    response = client_as(admin_user).post(url(chamber, "create"), {"name": "重复代码分会", "kind": "branch", "code": "CABLE"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "code" in form.errors
    html = response.content.decode()
    assert 'value="重复代码分会"' in html and "is-invalid" in html
    with scope(chamber=chamber):
        assert not Branch.objects.filter(name="重复代码分会").exists()


def test_create_with_a_parent_of_another_chamber_is_refused(client_as, chamber, admin_user, other_branch):
    response = client_as(admin_user).post(url(chamber, "create"), {"name": "x", "kind": "branch", "parent": other_branch.pk})
    assert response.status_code == 200 and "parent" in response.context["form"].errors


def test_rename(client_as, chamber, branches, admin_user):
    client = client_as(admin_user)
    page = client.get(url(chamber, "edit", pk=branches["display"].pk))
    assert page.context["form"].initial["name"] == "显示分会"
    response = client.post(url(chamber, "edit", pk=branches["display"].pk),
                           {"name": "新型显示分会", "kind": "branch", "code": "DISPLAY"})
    assert response.status_code == 302
    assert _reload(chamber, branches["display"].pk).name == "新型显示分会"
    with scope(chamber=chamber):
        entry = AuditEntry.objects.filter(action="update", target_id=str(branches["display"].pk)).get()
        assert entry.changes["name"] == ["显示分会", "新型显示分会"]


def test_move_round_trip_and_refusal_under_own_descendant(client_as, chamber, branches, admin_user):
    client = client_as(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # to read the message, whatever the catalogue holds
    cable, sub, display = branches["cable"], branches["cable_sub"], branches["display"]
    # Under its own sub-committee: refused with the service's message, nothing moves.
    response = client.post(url(chamber, "move", pk=cable.pk), {"parent": sub.pk, "reason": "试试"})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == [
        "A branch cannot be moved under itself or one of its own sub-branches."]
    assert "one of its own sub-branches" in response.content.decode()
    assert _reload(chamber, cable.pk).parent_id is None
    # Under the display branch: the whole subtree follows.
    response = client.post(url(chamber, "move", pk=cable.pk), {"parent": display.pk, "reason": "调整"})
    assert response.status_code == 302
    moved, moved_sub = _reload(chamber, cable.pk), _reload(chamber, sub.pk)
    assert moved.parent_id == display.pk and moved.depth == 2
    assert moved_sub.path == f"{display.path}{cable.pk}/{sub.pk}/" and moved_sub.depth == 3
    # And back to the top.
    assert client.post(url(chamber, "move", pk=cable.pk), {"parent": ""}).status_code == 302
    assert _reload(chamber, cable.pk).path == f"{cable.pk}/"


def test_archive_needs_confirmation_and_a_reason(client_as, chamber, branches, admin_user):
    client = client_as(admin_user)
    cable = branches["cable"]
    page = client.get(url(chamber, "archive", pk=cable.pk))
    assert page.status_code == 200
    assert "光纤预制棒专委会" in page.content.decode()  # the sub-committee goes along: say so
    response = client.post(url(chamber, "archive", pk=cable.pk), {"reason": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"reason", "confirm"}
    assert _reload(chamber, cable.pk).status == BranchStatus.ACTIVE
    response = client.post(url(chamber, "archive", pk=cable.pk), {"reason": "合并到显示分会", "confirm": "on"})
    assert response.status_code == 302
    assert _reload(chamber, cable.pk).status == BranchStatus.ARCHIVED
    assert _reload(chamber, branches["cable_sub"].pk).status == BranchStatus.ARCHIVED
    with scope(chamber=chamber):
        assert AuditEntry.objects.get(action="archive", target_id=str(cable.pk)).reason == "合并到显示分会"
    # An archived branch takes no new branches.
    response = client.post(url(chamber, "create"), {"name": "x", "kind": "branch", "parent": cable.pk})
    assert response.status_code == 200 and "parent" in response.context["form"].errors


def test_garbage_input_is_a_form_error_never_a_500(client_as, chamber, branches, admin_user):
    client = client_as(admin_user)
    assert client.get(url(chamber, "create") + "?parent=abc").status_code == 200
    response = client.post(url(chamber, "create"), {"name": "x" * 300, "kind": "nope", "parent": "abc", "founded_on": "32/13"})
    assert response.status_code == 200
    assert {"name", "kind", "parent", "founded_on"} <= set(response.context["form"].errors)
    response = client.post(url(chamber, "move", pk=branches["cable"].pk), {"parent": "abc"})
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    assert client.get(url(chamber, "tree") + "?archived=yes").status_code == 200
