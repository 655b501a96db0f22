"""A branch-limited writer: every write is checked inside its transaction and rolled back
when the member would end up outside the writer's branches."""
import pytest
from django.core.exceptions import PermissionDenied
from django_scopes import scope

from chamber.access import access_for_user
from chamber.models import AuditEntry
from members.models import Membership, MembershipBranch, MembershipChange, MembershipKind, MembershipStatus
from members.selectors import membership_list
from members.services import membership_change_status, membership_create, membership_set_branches


@pytest.fixture
def reach(chamber, branch_secretary):
    """The branch secretary's access (at branch_cable and below)."""
    with scope(chamber=chamber):
        return access_for_user(chamber, branch_secretary)


def _counts():
    return (Membership.objects.count(), MembershipChange.objects.count(), MembershipBranch.objects.count(),
            AuditEntry.objects.count())


def test_creating_a_member_outside_the_own_branches_saves_nothing(in_chamber, reach, make_enterprise, rank,
                                                                   branches, branch_secretary):
    enterprise = make_enterprise()
    before = _counts()
    for where in ([branches["display"]], []):
        with pytest.raises(PermissionDenied):
            membership_create(chamber=in_chamber, actor=branch_secretary, kind=MembershipKind.ENTERPRISE,
                              enterprise=enterprise, rank=rank("member"), branches=where,
                              status=MembershipStatus.ACTIVE, access=reach)
        assert _counts() == before


def test_creating_a_member_inside_the_own_subtree_works(in_chamber, reach, make_enterprise, rank, branches,
                                                        branch_secretary):
    m = membership_create(chamber=in_chamber, actor=branch_secretary, kind=MembershipKind.ENTERPRISE,
                          enterprise=make_enterprise(), rank=rank("member"),
                          branches=[branches["cable_sub"], branches["display"]], access=reach)
    assert MembershipChange.objects.filter(membership=m).count() == 3


def test_moving_a_member_out_of_reach_is_rolled_back(in_chamber, reach, member, branches, branch_secretary):
    before = _counts()
    with pytest.raises(PermissionDenied):
        membership_set_branches(membership=member, actor=branch_secretary, branches=[branches["display"]],
                                reason="调出", access=reach)
    assert _counts() == before
    assert list(member.branch_links.values_list("branch_id", flat=True)) == [branches["cable_sub"].pk]


def test_moving_a_member_loaded_by_the_roster_selector_out_of_reach_is_rolled_back(in_chamber, reach, member,
                                                                                   branches, branch_secretary):
    """The selector prefetches `branches`; the reach check must look at the branches after the write."""
    loaded = membership_list(chamber=in_chamber, access=reach).get(pk=member.pk)
    before = _counts()
    with pytest.raises(PermissionDenied):
        membership_set_branches(membership=loaded, actor=branch_secretary, branches=[branches["display"]],
                                reason="调出", access=reach)
    assert _counts() == before


def test_set_branches_returns_the_new_branches_even_when_prefetched(in_chamber, member, branches):
    loaded = membership_list(chamber=in_chamber).get(pk=member.pk)
    result = membership_set_branches(membership=loaded, actor=None, branches=[branches["display"]], reason="调整")
    assert [b.pk for b in result.branches.all()] == [branches["display"].pk]


def test_branch_secretary_may_change_status_within_reach(in_chamber, reach, member, branch_secretary):
    m = membership_change_status(membership=member, actor=branch_secretary, status="suspended", reason="欠费",
                                 access=reach)
    assert m.status == "suspended"


def test_read_only_access_cannot_write(chamber, staff_readonly, member):
    with scope(chamber=chamber):
        readonly = access_for_user(chamber, staff_readonly)
        with pytest.raises(PermissionDenied):
            membership_change_status(membership=member, actor=staff_readonly, status="suspended", reason="x",
                                     access=readonly)
        member.refresh_from_db()
        assert member.status == MembershipStatus.ACTIVE
