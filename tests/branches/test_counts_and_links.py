"""Member counts per subtree, and pairing / friendship links."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from branches.models import ChamberLink, LinkKind
from branches.selectors import branch_member_counts
from branches.services import chamber_link_create
from chamber.models import AuditEntry
from members.models import MembershipKind, MembershipStatus, Rank
from members.services import enterprise_create, membership_change_status, membership_create
from tests.factories import make_uscc


def _member(chamber, n, branches, status=MembershipStatus.ACTIVE):
    e = enterprise_create(chamber=chamber, actor=None, name=f"企业{n}", uscc=make_uscc(700000 + n))
    return membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e,
                             rank=Rank.objects.get(chamber=chamber, code="member"), branches=branches, status=status)


def test_member_counts_count_each_member_once_per_subtree(chamber, branches, member):
    cable, sub, display = branches["cable"], branches["cable_sub"], branches["display"]
    with scope(chamber=chamber):
        _member(chamber, 1, [cable, sub])           # in two nodes of the cable subtree
        _member(chamber, 2, [sub, display])         # in both subtrees
        _member(chamber, 3, [display], status=MembershipStatus.APPLIED)  # not active: not counted
        left = _member(chamber, 4, [display])
        membership_change_status(membership=left, actor=None, status=MembershipStatus.LEFT, reason="moved away")
        counts = branch_member_counts(chamber=chamber)
    # cable subtree: `member` (sub), #1 (cable+sub), #2 (sub) -> 3; sub: member, #1, #2 -> 3
    assert counts[cable.pk] == 3
    assert counts[sub.pk] == 3
    assert counts[display.pk] == 1
    assert set(counts) == {cable.pk, sub.pk, display.pk}


def test_member_counts_stay_in_their_chamber(chamber, other_chamber, branches, member):
    with scope(chamber=other_chamber):
        assert branch_member_counts(chamber=other_chamber) == {}


def test_link_with_dates(chamber, other_chamber, branch_cable):
    with scope(chamber=chamber):
        link = chamber_link_create(chamber=chamber, actor=None, kind=LinkKind.PAIRING, partner_name="",
                                   partner=other_chamber, branch=branch_cable,
                                   started_on=datetime.date(2020, 1, 1), ended_on=datetime.date(2022, 12, 31))
        assert link.partner_name == other_chamber.name  # filled from the partner
        assert AuditEntry.objects.filter(target_type="branches.chamberlink", target_id=str(link.pk), action="create").exists()
        open_ended = chamber_link_create(chamber=chamber, actor=None, kind=LinkKind.FRIENDSHIP,
                                         partner_name="台州商会", started_on=datetime.date(2021, 5, 1))
        assert open_ended.ended_on is None
        same_day = chamber_link_create(chamber=chamber, actor=None, kind=LinkKind.FRIENDSHIP,
                                       partner_name="一日友好", started_on=datetime.date(2021, 5, 1),
                                       ended_on=datetime.date(2021, 5, 1))
        assert same_day.pk


def test_link_ending_before_it_starts_is_refused(chamber):
    with scope(chamber=chamber):
        with pytest.raises(ValidationError):
            chamber_link_create(chamber=chamber, actor=None, kind=LinkKind.PAIRING, partner_name="x",
                                started_on=datetime.date(2021, 5, 1), ended_on=datetime.date(2021, 4, 30))
        assert ChamberLink.objects.count() == 0


def test_link_with_itself_or_a_foreign_branch_is_refused(chamber, other_chamber):
    with scope(chamber=other_chamber):
        from branches.services import branch_create

        foreign = branch_create(chamber=other_chamber, actor=None, name="外地", kind="branch")
    with scope(chamber=chamber):
        with pytest.raises(ValidationError) as exc:
            chamber_link_create(chamber=chamber, actor=None, kind=LinkKind.PAIRING, partner_name="",
                                partner=chamber, started_on=datetime.date(2021, 1, 1))
        assert "partner" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            chamber_link_create(chamber=chamber, actor=None, kind=LinkKind.PAIRING, partner_name="x",
                                branch=foreign, started_on=datetime.date(2021, 1, 1))
        assert "branch" in exc.value.message_dict
