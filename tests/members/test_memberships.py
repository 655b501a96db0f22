"""Memberships: admission, status / rank / branch changes, and a history that is only appended to."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from members.models import (
    ChangeField,
    Membership,
    MembershipBranch,
    MembershipChange,
    MembershipKind,
    MembershipStatus,
    Rank,
)
from members.services import (
    membership_change_rank,
    membership_change_status,
    membership_create,
    membership_set_branches,
    membership_update,
    person_create,
)

DAY = datetime.date(2024, 3, 1)


def history(membership):
    return list(MembershipChange.objects.filter(membership=membership).order_by("pk"))


def test_create_writes_creation_rank_and_branch_rows(in_chamber, make_enterprise, rank, branches, admin_user):
    m = membership_create(chamber=in_chamber, actor=admin_user, kind=MembershipKind.ENTERPRISE,
                          enterprise=make_enterprise(), rank=rank("council"),
                          branches=[branches["display"], branches["cable"]], status=MembershipStatus.ACTIVE,
                          joined_on=DAY, reason="2024年第一次理事会通过")
    rows = history(m)
    assert [(r.field, r.old_value, r.new_value) for r in rows] == [
        (ChangeField.CREATED, "", "active"),
        (ChangeField.RANK, "", "理事单位"),
        (ChangeField.BRANCHES, "", "光缆分会、显示分会"),
    ]
    for r in rows:
        assert r.actor == admin_user and r.actor_label == "alice"
        assert r.reason == "2024年第一次理事会通过"
        assert r.effective_on == DAY
    assert sorted(b.pk for b in m.branches.all()) == sorted([branches["display"].pk, branches["cable"].pk])


def test_active_member_without_join_date_joins_today(in_chamber, make_member):
    from django.utils import timezone

    m = make_member()
    assert m.joined_on == timezone.localdate()
    applicant = make_member(status=MembershipStatus.APPLIED)
    assert applicant.joined_on is None


@pytest.mark.parametrize("status", [MembershipStatus.SUSPENDED, MembershipStatus.LAPSED, MembershipStatus.LEFT])
def test_new_member_must_be_applying_or_active(in_chamber, make_member, status):
    with pytest.raises(ValidationError) as exc:
        make_member(status=status)
    assert "status" in exc.value.message_dict


def test_allowed_status_changes_are_recorded(in_chamber, make_member, secretary):
    m = make_member(status=MembershipStatus.APPLIED)
    steps = [
        (MembershipStatus.ACTIVE, "理事会批准", datetime.date(2024, 1, 10)),
        (MembershipStatus.SUSPENDED, "欠缴会费", datetime.date(2024, 6, 1)),
        (MembershipStatus.ACTIVE, "补缴会费", datetime.date(2024, 7, 1)),
        (MembershipStatus.LAPSED, "未续会", datetime.date(2025, 1, 1)),
        (MembershipStatus.LEFT, "企业注销", datetime.date(2025, 3, 1)),
    ]
    old = "applied"
    for new, reason, day in steps:
        m = membership_change_status(membership=m, actor=secretary, status=new, reason=reason, effective_on=day)
        row = MembershipChange.objects.filter(membership=m, field=ChangeField.STATUS).order_by("pk").last()
        assert (row.old_value, row.new_value, row.reason, row.effective_on, row.actor) == (old, new.value, reason, day, secretary)
        old = new.value
    m.refresh_from_db()
    assert m.status == MembershipStatus.LEFT
    assert m.joined_on == datetime.date(2024, 1, 10)  # the first activation
    assert m.left_on == datetime.date(2025, 3, 1)


@pytest.mark.parametrize("start,path,forbidden", [
    (MembershipStatus.APPLIED, [], MembershipStatus.SUSPENDED),
    (MembershipStatus.APPLIED, [], MembershipStatus.LAPSED),
    (MembershipStatus.ACTIVE, [MembershipStatus.LEFT], MembershipStatus.ACTIVE),
    (MembershipStatus.ACTIVE, [MembershipStatus.LEFT], MembershipStatus.SUSPENDED),
    (MembershipStatus.ACTIVE, [MembershipStatus.LAPSED], MembershipStatus.SUSPENDED),
])
def test_forbidden_status_changes_are_refused(in_chamber, make_member, start, path, forbidden):
    m = make_member(status=start)
    for step in path:
        m = membership_change_status(membership=m, actor=None, status=step, reason="step")
    rows_before = len(history(m))
    with pytest.raises(ValidationError) as exc:
        membership_change_status(membership=m, actor=None, status=forbidden, reason="try")
    assert "status" in exc.value.message_dict
    m.refresh_from_db()
    assert m.status == (path[-1] if path else start)
    assert len(history(m)) == rows_before


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_status_change_needs_a_reason(in_chamber, make_member, reason):
    m = make_member()
    with pytest.raises(ValidationError) as exc:
        membership_change_status(membership=m, actor=None, status=MembershipStatus.SUSPENDED, reason=reason)
    assert "reason" in exc.value.message_dict
    m.refresh_from_db()
    assert m.status == MembershipStatus.ACTIVE


def test_rank_and_branch_changes_are_recorded_and_no_ops_are_not(in_chamber, make_member, rank, branches, admin_user):
    m = make_member(branches=[branches["cable"]])
    start = len(history(m))

    membership_change_rank(membership=m, actor=admin_user, rank=rank("member"), reason="same")  # no-op
    membership_set_branches(membership=m, actor=admin_user, branches=[branches["cable"]], reason="same")  # no-op
    assert len(history(m)) == start

    membership_change_rank(membership=m, actor=admin_user, rank=rank("vice-president"), reason="换届当选副会长",
                           effective_on=DAY)
    membership_set_branches(membership=m, actor=admin_user, branches=[branches["cable_sub"], branches["display"]],
                            reason="调整分会", effective_on=DAY)
    rank_row, branch_row = history(m)[start:]
    assert (rank_row.field, rank_row.old_value, rank_row.new_value) == (ChangeField.RANK, "会员单位", "副会长单位")
    assert (branch_row.field, branch_row.old_value, branch_row.new_value) == (
        ChangeField.BRANCHES, "光缆分会", "光纤预制棒专委会、显示分会")
    assert rank_row.effective_on == branch_row.effective_on == DAY
    assert rank_row.actor == branch_row.actor == admin_user
    m.refresh_from_db()
    assert m.rank.code == "vice-president"
    assert sorted(MembershipBranch.objects.filter(membership=m).values_list("branch_id", flat=True)) == sorted(
        [branches["cable_sub"].pk, branches["display"].pk])


def test_rank_and_branch_changes_need_a_reason(in_chamber, make_member, rank, branches):
    m = make_member()
    with pytest.raises(ValidationError) as exc:
        membership_change_rank(membership=m, actor=None, rank=rank("council"), reason="")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        membership_set_branches(membership=m, actor=None, branches=[branches["display"]], reason=" ")
    assert "reason" in exc.value.message_dict
    assert not m.branches.exists()


def test_history_is_only_appended_to(in_chamber, make_member, rank, branches, secretary):
    m = make_member(actor=secretary, branches=[branches["cable"]])
    changes = [
        lambda m: membership_change_rank(membership=m, actor=secretary, rank=rank("council"), reason="r1"),
        lambda m: membership_change_status(membership=m, actor=secretary, status="suspended", reason="s1"),
        lambda m: membership_set_branches(membership=m, actor=secretary, branches=[branches["display"]], reason="b1"),
        lambda m: membership_change_status(membership=m, actor=secretary, status="active", reason="s2"),
        lambda m: membership_change_rank(membership=m, actor=secretary, rank=rank("member"), reason="r2"),
        lambda m: membership_set_branches(membership=m, actor=secretary, branches=[], reason="b2"),
    ]
    snapshots = [list(MembershipChange.objects.filter(membership=m).order_by("pk").values())]
    for change in changes:
        m = change(m)
        rows = list(MembershipChange.objects.filter(membership=m).order_by("pk").values())
        assert len(rows) == len(snapshots[-1]) + 1
        assert rows[:-1] == snapshots[-1]  # every earlier row exactly as it was
        snapshots.append(rows)
    assert len(snapshots[-1]) == 3 + len(changes)  # created, rank, branches + one per change
    assert [r["reason"] for r in snapshots[-1][3:]] == ["r1", "s1", "b1", "s2", "r2", "b2"]


def test_records_from_another_chamber_are_refused(chamber, other_chamber, branches, make_user):
    with scope(chamber=other_chamber):
        their_rank = Rank.objects.get(chamber=other_chamber, code="member")
        their_enterprise = Membership.objects.get().enterprise
        their_person = person_create(chamber=other_chamber, actor=None, name="外人")
        from branches.services import branch_create

        their_branch = branch_create(chamber=other_chamber, actor=None, name="外地分会", kind="branch")
    with scope(chamber=chamber):
        from members.services import enterprise_create

        mine = enterprise_create(chamber=chamber, actor=None, name="本地企业")
        our_rank = Rank.objects.get(chamber=chamber, code="member")
        attempts = [
            ("rank", dict(kind=MembershipKind.ENTERPRISE, enterprise=mine, rank=their_rank)),
            ("enterprise", dict(kind=MembershipKind.ENTERPRISE, enterprise=their_enterprise, rank=our_rank)),
            ("person", dict(kind=MembershipKind.INDIVIDUAL, person=their_person, rank=our_rank)),
            ("branches", dict(kind=MembershipKind.ENTERPRISE, enterprise=mine, rank=our_rank, branches=[their_branch])),
        ]
        for key, kwargs in attempts:
            with pytest.raises(ValidationError) as exc:
                membership_create(chamber=chamber, actor=None, **kwargs)
            assert key in exc.value.message_dict, key
        assert Membership.objects.count() == 0
        m = membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=mine, rank=our_rank)
        with pytest.raises(ValidationError) as exc:
            membership_change_rank(membership=m, actor=None, rank=their_rank, reason="x")
        assert "rank" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            membership_set_branches(membership=m, actor=None, branches=[their_branch], reason="x")
        assert "branches" in exc.value.message_dict


def test_archived_branch_is_refused(in_chamber, make_member, branches):
    from branches.services import branch_archive

    branch_archive(branch=branches["display"], actor=None)
    with pytest.raises(ValidationError) as exc:
        make_member(branches=[branches["display"]])
    assert "branches" in exc.value.message_dict


def test_member_number_unique_per_chamber(chamber, other_chamber, member):
    with scope(chamber=chamber):
        from members.services import enterprise_create

        e = enterprise_create(chamber=chamber, actor=None, name="另一家")
        with pytest.raises(ValidationError) as exc:
            membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e,
                              rank=member.rank, member_number="GD-001")
        assert "member_number" in exc.value.message_dict
        other = membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e,
                                  rank=member.rank, member_number="GD-002")
        with pytest.raises(ValidationError) as exc:
            membership_update(membership=other, actor=None, member_number="GD-001")
        assert "member_number" in exc.value.message_dict
    with scope(chamber=other_chamber):
        theirs = Membership.objects.get()
        membership_update(membership=theirs, actor=None, member_number="GD-001")
        theirs.refresh_from_db()
        assert theirs.member_number == "GD-001"


def test_enterprise_is_a_current_member_once_but_may_rejoin(in_chamber, make_enterprise, make_member):
    e = make_enterprise()
    first = make_member(enterprise=e)
    with pytest.raises(ValidationError) as exc:
        make_member(enterprise=e, status=MembershipStatus.APPLIED)
    assert "enterprise" in exc.value.message_dict
    membership_change_status(membership=first, actor=None, status="left", reason="退会")
    again = make_member(enterprise=e, status=MembershipStatus.APPLIED, reason="重新申请入会")
    assert again.pk != first.pk
    assert Membership.objects.filter(enterprise=e).count() == 2
    with pytest.raises(ValidationError):
        make_member(enterprise=e)


def test_kind_and_holder_must_match(in_chamber, make_enterprise, rank):
    with pytest.raises(ValidationError) as exc:
        membership_create(chamber=in_chamber, actor=None, kind=MembershipKind.INDIVIDUAL, rank=rank("member"),
                          enterprise=make_enterprise())
    assert "person" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        membership_create(chamber=in_chamber, actor=None, kind=MembershipKind.GROUP, rank=rank("member"))
    assert "enterprise" in exc.value.message_dict
    person = person_create(chamber=in_chamber, actor=None, name="个人会员")
    individual = membership_create(chamber=in_chamber, actor=None, kind=MembershipKind.INDIVIDUAL,
                                   rank=rank("member"), person=person, enterprise=make_enterprise())
    assert individual.enterprise_id is None and individual.person_id == person.pk


def test_unknown_status_is_a_field_error_not_a_crash(chamber, member):
    import pytest
    from django.core.exceptions import ValidationError
    from django_scopes import scope

    from members.services import membership_change_status

    with scope(chamber=chamber), pytest.raises(ValidationError) as exc:
        membership_change_status(membership=member, actor=None, status="expelled", reason="x")
    assert "status" in exc.value.message_dict
