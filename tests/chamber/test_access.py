"""Roles hold at the node they were granted at and below; capabilities follow the role kind."""
import pytest
from django_scopes import scope

from chamber import access as caps
from chamber.access import access_for_api_key, access_for_user
from chamber.models import RoleKind
from chamber.services import api_key_revoke, role_grant


def _access(chamber, user):
    with scope(chamber=chamber):
        return access_for_user(chamber, user)


def test_branch_secretary_covers_own_subtree_only(chamber, branch_secretary, branch_cable, branch_cable_sub, branch_display):
    access = _access(chamber, branch_secretary)
    assert access.is_insider
    assert access.covers(caps.MEMBERS_CHANGE, branch_cable)
    assert access.covers(caps.MEMBERS_CHANGE, branch_cable_sub)
    assert not access.covers(caps.MEMBERS_CHANGE, branch_display)
    assert not access.covers(caps.MEMBERS_CHANGE, None)  # the chamber root
    assert access.branch_paths(caps.MEMBERS_VIEW) == [branch_cable.path]
    assert access.covers_any(caps.MEMBERS_VIEW, [branch_display, branch_cable_sub])
    assert not access.covers_any(caps.MEMBERS_VIEW, [branch_display])
    assert not access.covers_any(caps.MEMBERS_VIEW, [])


def test_path_prefix_is_not_confused_with_a_longer_id():
    """A grant at node 1 ("1/") covers "1/2/" but not node 12 ("12/") nor "3/1/"."""
    from branches.models import Branch
    from chamber.access import Access

    access = Access(chamber=None, grants={caps.MEMBERS_VIEW: ["1/"]})
    assert access.covers(caps.MEMBERS_VIEW, Branch(path="1/"))
    assert access.covers(caps.MEMBERS_VIEW, Branch(path="1/2/"))
    assert not access.covers(caps.MEMBERS_VIEW, Branch(path="12/"))
    assert not access.covers(caps.MEMBERS_VIEW, Branch(path="3/1/"))
    assert not access.covers(caps.MEMBERS_CHANGE, Branch(path="1/"))


@pytest.mark.parametrize("kind", [RoleKind.CHAMBER_ADMIN, RoleKind.SECRETARIAT, RoleKind.SECRETARIAT_READONLY])
def test_chamber_wide_roles_cover_every_node(chamber, make_user, branches, kind):
    user = make_user("wide")
    with scope(chamber=chamber):
        role_grant(chamber=chamber, user=user, kind=kind, actor=None)
    access = _access(chamber, user)
    assert access.branch_paths(caps.MEMBERS_VIEW) is None
    for node in (None, *branches.values()):
        assert access.covers(caps.MEMBERS_VIEW, node)


def test_roles_in_two_branches_cover_both_subtrees(chamber, make_user, branches):
    user = make_user("two")
    with scope(chamber=chamber):
        role_grant(chamber=chamber, user=user, kind=RoleKind.BRANCH_SECRETARY, actor=None, branch=branches["cable_sub"])
        role_grant(chamber=chamber, user=user, kind=RoleKind.BRANCH_SECRETARY, actor=None, branch=branches["display"])
    access = _access(chamber, user)
    assert access.covers(caps.MEMBERS_CHANGE, branches["cable_sub"])
    assert access.covers(caps.MEMBERS_CHANGE, branches["display"])
    assert not access.covers(caps.MEMBERS_CHANGE, branches["cable"])  # above the grant
    assert sorted(access.branch_paths(caps.MEMBERS_CHANGE)) == sorted([branches["cable_sub"].path, branches["display"].path])


def test_chamber_wide_role_wins_over_branch_role(chamber, make_user, branches):
    user = make_user("both")
    with scope(chamber=chamber):
        role_grant(chamber=chamber, user=user, kind=RoleKind.BRANCH_SECRETARY, actor=None, branch=branches["display"])
        role_grant(chamber=chamber, user=user, kind=RoleKind.SECRETARIAT, actor=None)
    access = _access(chamber, user)
    assert access.branch_paths(caps.MEMBERS_CHANGE) is None
    assert access.covers(caps.MEMBERS_CHANGE, branches["cable"])


def test_admin_has_everything(chamber, admin_user):
    access = _access(chamber, admin_user)
    for capability in (caps.MEMBERS_VIEW, caps.MEMBERS_CHANGE, caps.PERSONAL_DATA, caps.CHAMBER_ADMIN,
                       caps.BRANCHES_CHANGE, caps.OFFICERS_CHANGE):
        assert access.has(capability), capability


def test_secretariat_is_not_chamber_admin(chamber, secretary):
    access = _access(chamber, secretary)
    assert access.has(caps.MEMBERS_CHANGE) and access.has(caps.PERSONAL_DATA)
    assert not access.has(caps.CHAMBER_ADMIN)


def test_read_only_staff_cannot_change(chamber, staff_readonly):
    access = _access(chamber, staff_readonly)
    assert access.has(caps.MEMBERS_VIEW)
    assert not access.has(caps.MEMBERS_CHANGE)
    assert not access.has(caps.BRANCHES_CHANGE)
    assert not access.has(caps.PERSONAL_DATA)
    assert not access.covers(caps.MEMBERS_CHANGE, None)


def test_branch_secretary_has_no_personal_data_or_branch_edits(chamber, branch_secretary, branch_cable):
    access = _access(chamber, branch_secretary)
    assert not access.has(caps.PERSONAL_DATA)
    assert not access.covers(caps.BRANCHES_CHANGE, branch_cable)


def test_representative_has_only_self_service(chamber, representative):
    access = _access(chamber, representative)
    assert access.is_insider
    assert set(access.grants) == {caps.SELF_SERVICE}
    assert not access.has(caps.MEMBERS_VIEW)


def test_reviewer_only_reviews(chamber, reviewer):
    access = _access(chamber, reviewer)
    assert set(access.grants) == {caps.EVALUATIONS_REVIEW}


def test_api_key_reads_only_in_its_own_chamber(chamber, other_chamber, api_key):
    key, _raw = api_key
    access = access_for_api_key(chamber, key)
    assert access.is_insider
    assert set(access.grants) == {caps.MEMBERS_VIEW, caps.BRANCHES_VIEW, caps.OFFICERS_VIEW}
    assert not access.has(caps.MEMBERS_CHANGE)
    assert not access.has(caps.PERSONAL_DATA)
    elsewhere = access_for_api_key(other_chamber, key)
    assert not elsewhere.is_insider
    assert elsewhere.grants == {}


def test_revoked_api_key_gets_nothing(chamber, api_key):
    key, _raw = api_key
    with scope(chamber=chamber):
        api_key_revoke(key=key, actor=None)
    assert not access_for_api_key(chamber, key).is_insider


def test_role_in_one_chamber_gives_nothing_in_another(chamber, other_chamber, admin_user, outsider):
    assert _access(chamber, admin_user).is_insider
    assert not _access(other_chamber, admin_user).is_insider
    assert not _access(chamber, outsider).is_insider
    assert _access(other_chamber, outsider).is_insider


def test_inactive_user_gets_nothing(chamber, admin_user):
    admin_user.is_active = False
    admin_user.save()
    access = _access(chamber, admin_user)
    assert not access.is_insider
    assert not access.has(caps.MEMBERS_VIEW)


def test_anonymous_and_none_get_nothing(chamber):
    from django.contrib.auth.models import AnonymousUser

    assert not _access(chamber, AnonymousUser()).is_insider
    assert not _access(chamber, None).is_insider


def test_access_is_one_query(chamber, branch_secretary, django_assert_num_queries):
    with scope(chamber=chamber), django_assert_num_queries(1):  # roles joined with their branch
        access = access_for_user(chamber, branch_secretary)
        assert access.roles[0].branch.path
