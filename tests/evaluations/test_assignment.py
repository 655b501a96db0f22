"""Reviewers, working groups and the conflict-of-interest rule (分组互查): nobody scores a
subject from their own district, chamber or branch subtree; loads balanced; manual
changes need a reason and may not break the rule; guardian grants follow membership."""
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chamber.models import AuditEntry
from evaluations.assignment import (
    assignment_board,
    campaign_assign_groups,
    group_create,
    group_delete,
    group_rename,
    reviewer_add,
    reviewer_remove,
    reviewer_set_group,
    submission_assign_group,
)
from evaluations.conflicts import PlanGroup, PlanSubject, plan_assignment, subject_conflict_keys
from evaluations.models import CampaignStage, Submission, SubmissionUserObjectPermission

from .review_helpers import S, grant, make_affiliate, make_submission, set_stage


def granted(campaign):
    """{(submission id, user id)} of the scoring grants."""
    return set(
        SubmissionUserObjectPermission.objects.filter(permission__codename="review_submission")
        .values_list("content_object_id", "user_id")
    )


@pytest.fixture
def district_fed(federation):
    """秦淮区工商联: a district federation (320104) affiliated to the city, supervising its streets."""
    return make_affiliate(federation, "qh-fed", "320104", name="南京市秦淮区工商联")


@pytest.fixture
def street(federation, district_fed):
    """A street chamber in 秦淮 (320104) supervised by the district federation."""
    return make_affiliate(federation, "qh-street", "320104", supervisor=district_fed, name="秦淮区某街道商会")


@pytest.fixture
def setup(federation, fed_branches, affiliate, district_fed, street, campaign, fed_reviewers, fed_admin):
    """Three reviewers: 王 from 江宁 (the affiliate, 320115), 李 from the 秦淮片区 branch,
    赵 from district 320104; one group each; five subjects."""
    wang, li, zhao = fed_reviewers
    with scope(chamber=federation):
        set_stage(campaign, CampaignStage.PRELIMINARY_REVIEW)
        r_wang = reviewer_add(campaign, actor=fed_admin, user=wang, home_chamber=affiliate)
        r_li = reviewer_add(campaign, actor=fed_admin, user=li, home_branch=fed_branches["qinhuai"])
        r_zhao = reviewer_add(campaign, actor=fed_admin, user=zhao, district_code="320104")
        groups = {name: group_create(campaign, actor=fed_admin, name=name) for name in ("第一组", "第二组", "第三组")}
        reviewer_set_group(r_wang, actor=fed_admin, group=groups["第一组"])
        reviewer_set_group(r_li, actor=fed_admin, group=groups["第二组"])
        reviewer_set_group(r_zhao, actor=fed_admin, group=groups["第三组"])
    subjects = {
        "affiliate": make_submission(campaign, chamber=affiliate),
        "street": make_submission(campaign, chamber=street),
        "fuzimiao": make_submission(campaign, branch=fed_branches["fuzimiao"]),
        "jiangdong": make_submission(campaign, branch=fed_branches["jiangdong"], status=S.SELF_ASSESSED),
        "catering": make_submission(campaign, branch=fed_branches["catering"]),
    }
    return {"reviewers": {"wang": r_wang, "li": r_li, "zhao": r_zhao}, "groups": groups, "subjects": subjects}


# --- Conflict keys -----------------------------------------------------------------------------------

def test_subject_keys(federation, fed_branches, affiliate, street, district_fed, setup):
    s = setup["subjects"]
    with scope(chamber=federation):
        fuzimiao = Submission.objects.select_related("subject_branch").get(pk=s["fuzimiao"].pk)
        street_sub = Submission.objects.select_related("subject_chamber").get(pk=s["street"].pk)
        aff_sub = Submission.objects.select_related("subject_chamber").get(pk=s["affiliate"].pk)
    assert subject_conflict_keys(fuzimiao) == {f"branch:{fed_branches['fuzimiao'].pk}",
                                               f"branch:{fed_branches['qinhuai'].pk}"}
    # The street's own district federation is a conflict; the city running the campaign is not.
    assert subject_conflict_keys(street_sub) == {f"chamber:{street.pk}", "division:320104", f"chamber:{district_fed.pk}"}
    assert subject_conflict_keys(aff_sub) == {f"chamber:{affiliate.pk}", "division:320115"}


def test_reviewer_add_checks(federation, campaign, fed_admin, fed_secretary, affiliate, fed_reviewers, other_chamber,
                             make_user):
    with scope(chamber=federation):
        with pytest.raises(ValidationError) as e:  # a secretary holds no reviewer role
            reviewer_add(campaign, actor=fed_admin, user=fed_secretary)
        assert set(e.value.message_dict) == {"user"}
        outsider_reviewer = grant(make_user, other_chamber, "ouyang")
        with pytest.raises(ValidationError):
            reviewer_add(campaign, actor=fed_admin, user=outsider_reviewer)
        r = reviewer_add(campaign, actor=fed_admin, user=fed_reviewers[0], home_chamber=affiliate)
        assert r.district_code == "320115"  # the home chamber's district unless told otherwise
        with pytest.raises(ValidationError) as e:
            reviewer_add(campaign, actor=fed_admin, user=fed_reviewers[0])
        assert set(e.value.message_dict) == {"user"}
        with pytest.raises(ValidationError) as e:
            reviewer_add(campaign, actor=fed_admin, user=fed_reviewers[1], district_code="12")
        assert set(e.value.message_dict) == {"district_code"}
        # The chamber admin holds evaluations.review too.
        assert reviewer_add(campaign, actor=fed_admin, user=fed_admin).district_code == ""


# --- Automatic assignment ----------------------------------------------------------------------------

def test_auto_assign_never_conflicts_and_balances(federation, campaign, fed_admin, setup):
    g, s = setup["groups"], setup["subjects"]
    with scope(chamber=federation):
        outcome = campaign_assign_groups(campaign, actor=fed_admin)
        placed = {sub.pk: group.name for sub, group in outcome.assigned}
    # 江宁 (affiliate) not to 王's group; the 秦淮 street not to 赵 (same district); 夫子庙
    # (under 秦淮片区) not to 李. Most constrained first, least loaded, ties by name.
    assert placed[s["affiliate"].pk] != "第一组"
    assert placed[s["street"].pk] != "第三组"
    assert placed[s["fuzimiao"].pk] != "第二组"
    assert set(placed) == {sub.pk for sub in s.values()}  # self-assessed ones too
    loads = [list(placed.values()).count(name) for name in g]
    assert max(loads) - min(loads) <= 1
    assert outcome.unplaced == []
    # Every member of each subject's group may score it, nobody else.
    members = {"第一组": setup["reviewers"]["wang"].user_id, "第二组": setup["reviewers"]["li"].user_id,
               "第三组": setup["reviewers"]["zhao"].user_id}
    assert granted(campaign) == {(pk, members[name]) for pk, name in placed.items()}
    with scope(chamber=federation):
        # Running it again changes nothing: assigned subjects keep their group.
        assert campaign_assign_groups(campaign, actor=fed_admin).assigned == []
        assert AuditEntry.objects.filter(action="assign groups").count() == 1


def test_auto_assign_reports_subjects_no_group_can_take(federation, campaign, fed_admin, fed_branches, setup):
    r, g, s = setup["reviewers"], setup["groups"], setup["subjects"]
    with scope(chamber=federation):
        # 李 (秦淮片区) joins every group's side: put all three reviewers in one group.
        reviewer_set_group(r["wang"], actor=fed_admin, group=g["第二组"])
        reviewer_set_group(r["zhao"], actor=fed_admin, group=g["第二组"])
        outcome = campaign_assign_groups(campaign, actor=fed_admin)
        unplaced = {sub.pk for sub in outcome.unplaced}
    assert unplaced == {s["affiliate"].pk, s["street"].pk, s["fuzimiao"].pk}
    assert {sub.pk for sub, group in outcome.assigned} == {s["jiangdong"].pk, s["catering"].pk}
    assert all(group == g["第二组"] for _sub, group in outcome.assigned)  # the only group with members


def test_auto_assign_leaves_out_the_rejected_and_counts_existing_load(federation, campaign, fed_admin, fed_branches,
                                                                       setup):
    g, s = setup["groups"], setup["subjects"]
    with scope(chamber=federation):
        Submission.objects.filter(pk=s["catering"].pk).update(status=S.REJECTED)
        submission_assign_group(s["jiangdong"], actor=fed_admin, group=g["第一组"], reason="就近")
        outcome = campaign_assign_groups(campaign, actor=fed_admin)
        assert s["catering"].pk not in {sub.pk for sub, _g in outcome.assigned}
        assert Submission.objects.get(pk=s["jiangdong"].pk).group == g["第一组"]
        loads = assignment_board(campaign)
        assert sorted(bg.load for bg in loads.groups) == [1, 1, 2]


# --- Manual changes ----------------------------------------------------------------------------------

def test_manual_move_needs_a_reason_and_respects_the_rule(federation, campaign, fed_admin, setup):
    g, s = setup["groups"], setup["subjects"]
    with scope(chamber=federation):
        with pytest.raises(ValidationError) as e:
            submission_assign_group(s["affiliate"], actor=fed_admin, group=g["第二组"], reason="  ")
        assert set(e.value.message_dict) == {"reason"}
        with pytest.raises(ValidationError) as e:
            submission_assign_group(s["affiliate"], actor=fed_admin, group=g["第一组"], reason="王熟悉情况")
        assert "320115" in str(e.value.message_dict["group"])
        assert Submission.objects.get(pk=s["affiliate"].pk).group is None
        assert granted(campaign) == set()
        submission_assign_group(s["affiliate"], actor=fed_admin, group=g["第二组"], reason="路程近")
        entry = AuditEntry.objects.get(action="assign group")
        assert entry.reason == "路程近" and entry.changes == {"group": [None, "第二组"]}
        assert granted(campaign) == {(s["affiliate"].pk, setup["reviewers"]["li"].user_id)}
        # Moved on: the old group's members lose the grant, the new ones get it.
        submission_assign_group(s["affiliate"], actor=fed_admin, group=g["第三组"], reason="调整")
        assert granted(campaign) == {(s["affiliate"].pk, setup["reviewers"]["zhao"].user_id)}
        submission_assign_group(s["affiliate"], actor=fed_admin, group=None, reason="暂不安排")
        assert granted(campaign) == set()


def test_manual_move_refused_once_scored_or_after_decision(federation, campaign, fed_admin, setup):
    g, s = setup["groups"], setup["subjects"]
    with scope(chamber=federation):
        Submission.objects.filter(pk=s["catering"].pk).update(status=S.SCORED)
        s["catering"].status = S.SCORED
        with pytest.raises(ValidationError):
            submission_assign_group(s["catering"], actor=fed_admin, group=g["第二组"], reason="调整")
        set_stage(campaign, CampaignStage.DECISION)
        s["affiliate"].campaign.stage = CampaignStage.DECISION
        with pytest.raises(ValidationError):
            submission_assign_group(s["affiliate"], actor=fed_admin, group=g["第二组"], reason="调整")
        with pytest.raises(ValidationError):
            campaign_assign_groups(campaign, actor=fed_admin)
        with pytest.raises(ValidationError):
            group_create(campaign, actor=fed_admin, name="第四组")


def test_a_reviewer_may_not_join_a_group_holding_a_subject_of_theirs(federation, campaign, fed_admin, setup):
    r, g, s = setup["reviewers"], setup["groups"], setup["subjects"]
    with scope(chamber=federation):
        submission_assign_group(s["fuzimiao"], actor=fed_admin, group=g["第一组"], reason="安排")
        with pytest.raises(ValidationError) as e:
            reviewer_set_group(r["li"], actor=fed_admin, group=g["第一组"])  # 李 is from 秦淮片区 ⊃ 夫子庙
        assert "夫子庙" in str(e.value.message_dict["group"])
        assert Submission.objects.get(pk=s["fuzimiao"].pk).group == g["第一组"]


def test_grants_follow_membership(federation, campaign, fed_admin, setup):
    r, g, s = setup["reviewers"], setup["groups"], setup["subjects"]
    with scope(chamber=federation):
        submission_assign_group(s["catering"], actor=fed_admin, group=g["第一组"], reason="安排")
        assert granted(campaign) == {(s["catering"].pk, r["wang"].user_id)}
        reviewer_set_group(r["li"], actor=fed_admin, group=g["第一组"])  # joins: gets the grant
        assert granted(campaign) == {(s["catering"].pk, r["wang"].user_id), (s["catering"].pk, r["li"].user_id)}
        reviewer_set_group(r["wang"], actor=fed_admin, group=None)  # leaves: loses it
        assert granted(campaign) == {(s["catering"].pk, r["li"].user_id)}
        reviewer_remove(r["li"], actor=fed_admin)  # removed from the campaign: loses it
        assert granted(campaign) == set()
        reviewer_set_group(r["zhao"], actor=fed_admin, group=g["第一组"])
        assert granted(campaign) == {(s["catering"].pk, r["zhao"].user_id)}
        group_delete(g["第一组"], actor=fed_admin)  # its subjects go back to the unassigned
        assert granted(campaign) == set()
        assert Submission.objects.get(pk=s["catering"].pk).group is None


def test_group_names(federation, campaign, fed_admin, setup):
    g = setup["groups"]
    with scope(chamber=federation):
        with pytest.raises(ValidationError) as e:
            group_create(campaign, actor=fed_admin, name="第一组")
        assert set(e.value.message_dict) == {"name"}
        with pytest.raises(ValidationError):
            group_rename(g["第二组"], actor=fed_admin, name="第一组")
        with pytest.raises(ValidationError):
            group_create(campaign, actor=fed_admin, name=" ")
        assert group_rename(g["第二组"], actor=fed_admin, name="江北组").name == "江北组"


def test_board_explains_conflicts(federation, campaign, fed_admin, setup):
    s = setup["subjects"]
    with scope(chamber=federation):
        board = assignment_board(campaign)
    entry = board.subjects[s["street"].pk]
    (group, reasons), = entry.blocked
    assert group.name == "第三组" and "320104" in reasons[0]
    assert [x.name for x in entry.eligible] == ["第一组", "第二组"]
    assert {e.submission.pk for e in board.unassigned} == {x.pk for x in s.values()}


# --- Property tests ----------------------------------------------------------------------------------

KEYS = [f"division:{n}" for n in range(4)] + [f"chamber:{n}" for n in range(4)] + [f"branch:{n}" for n in range(4)]


@settings(max_examples=300, deadline=None)
@given(
    subjects=st.lists(st.frozensets(st.sampled_from(KEYS), max_size=3), max_size=25),
    groups=st.lists(st.tuples(st.frozensets(st.sampled_from(KEYS), max_size=4), st.booleans()), min_size=1,
                    max_size=5),
)
def test_plan_never_conflicts_and_balances(subjects, groups):
    plan_subjects = [PlanSubject(id=i, name=f"s{i:02d}", keys=keys) for i, keys in enumerate(subjects)]
    plan_groups = [PlanGroup(id=i, name=f"g{i}", keys=keys, has_members=members)
                   for i, (keys, members) in enumerate(groups)]
    placed, unplaced = plan_assignment(plan_subjects, plan_groups)
    by_id = {g.id: g for g in plan_groups}
    assert set(placed) | set(unplaced) == {s.id for s in plan_subjects}
    assert not set(placed) & set(unplaced)
    for subject in plan_subjects:
        if subject.id in placed:
            group = by_id[placed[subject.id]]
            assert group.has_members and not (group.keys & subject.keys)
        else:
            assert all(not g.has_members or g.keys & subject.keys for g in plan_groups)
    # With nothing in the way, loads differ by one at most.
    open_groups = [g for g in plan_groups if g.has_members]
    if open_groups and all(not (g.keys & s.keys) for g in open_groups for s in plan_subjects):
        loads = [list(placed.values()).count(g.id) for g in open_groups]
        assert max(loads) - min(loads) <= 1


class Rollback(Exception):
    pass


@pytest.fixture
def world(federation, fed_branches, campaign, make_user, fed_admin):
    """A pool to draw from: subject chambers in four districts under the city or under two
    district federations, a deeper branch tree, and six reviewer users."""
    from branches.services import branch_create

    feds = [make_affiliate(federation, f"dist-{n}", code, name=f"区工商联{n}")
            for n, code in enumerate(["320102", "320104"])]
    chambers = [make_affiliate(federation, f"sub-{n}", code, supervisor=sup, name=f"商会{n}")
                for n, (code, sup) in enumerate([("320102", feds[0]), ("320102", None), ("320104", feds[1]),
                                                 ("320105", None), ("320106", feds[0]), ("320104", None)])]
    with scope(chamber=federation):
        deeper = branch_create(chamber=federation, actor=None, name="夫子庙某社区", kind="branch",
                               parent=fed_branches["fuzimiao"])
    branches = [*fed_branches.values(), deeper]
    users = [grant(make_user, federation, f"reviewer{n}") for n in range(6)]
    set_stage(campaign, CampaignStage.INSPECTION)
    return {"feds": feds, "chambers": chambers, "branches": branches, "users": users,
            "districts": ["320102", "320104", "320105", "320106"]}


def conflicts(reviewer, submission, federation):
    """The rule, written out independently of the conflict keys."""
    district = reviewer.district_code or (reviewer.home_chamber.division_code if reviewer.home_chamber else "")
    if submission.subject_chamber_id:
        c = submission.subject_chamber
        supervisor = c.supervising_federation_id if c.supervising_federation_id != federation.pk else None
        same_chamber = reviewer.home_chamber_id is not None and reviewer.home_chamber_id in (c.pk, supervisor)
        return same_chamber or bool(district and district == c.division_code)
    branch = submission.subject_branch
    return bool(reviewer.home_branch and branch.path.startswith(reviewer.home_branch.path))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_assignment_never_breaks_the_rule(world, federation, campaign, fed_admin, data):
    chambers = data.draw(st.lists(st.sampled_from(world["chambers"]), unique=True, max_size=6))
    branches = data.draw(st.lists(st.sampled_from(world["branches"]), unique=True, max_size=6))
    n_groups = data.draw(st.integers(min_value=1, max_value=4))
    homes = [None, *world["feds"], *world["chambers"]]
    reviewers = data.draw(st.lists(st.tuples(
        st.sampled_from(world["users"]), st.sampled_from(homes), st.sampled_from(["", *world["districts"]]),
        st.sampled_from([None, *world["branches"]]), st.integers(min_value=-1, max_value=n_groups - 1),
    ), unique_by=lambda r: r[0].pk, max_size=6))
    try:
        with transaction.atomic(), scope(chamber=federation):
            groups = [group_create(campaign, actor=fed_admin, name=f"第{n}组") for n in range(n_groups)]
            for user, home, district, branch, group_index in reviewers:
                r = reviewer_add(campaign, actor=fed_admin, user=user, home_chamber=home, district_code=district,
                                 home_branch=branch)
                if group_index >= 0:
                    reviewer_set_group(r, actor=fed_admin, group=groups[group_index])
            for c in chambers:
                make_submission(campaign, chamber=c)
            for b in branches:
                make_submission(campaign, branch=b, status=S.SELF_ASSESSED)
            outcome = campaign_assign_groups(campaign, actor=fed_admin)
            check_outcome(outcome, campaign, federation)
            raise Rollback
    except Rollback:
        pass


def check_outcome(outcome, campaign, federation):
    from evaluations.models import CampaignReviewer

    members = {}
    for r in CampaignReviewer.objects.filter(campaign=campaign).select_related("home_chamber", "home_branch"):
        members.setdefault(r.group_id, []).append(r)
    submissions = list(Submission.objects.filter(campaign=campaign).select_related("subject_chamber", "subject_branch"))
    # Never assigned twice, never to a group with a conflicting member.
    assigned_ids = [s.pk for s, _g in outcome.assigned]
    assert len(assigned_ids) == len(set(assigned_ids))
    for submission in submissions:
        if submission.group_id:
            assert members.get(submission.group_id), "a group without reviewers got a subject"
            assert not any(conflicts(r, submission, federation) for r in members[submission.group_id])
        else:
            # Reported, and truly without an eligible group.
            assert submission.pk in {s.pk for s in outcome.unplaced}
            for group_id, group_members in members.items():
                if group_id is not None:
                    assert any(conflicts(r, submission, federation) for r in group_members)
    # The grants are exactly the memberships.
    assert granted(campaign) == {(s.pk, r.user_id) for s in submissions if s.group_id for r in members[s.group_id]}
    # Balance, when nothing stands in the way.
    open_groups = [g for g in members if g is not None]
    if open_groups and not any(conflicts(r, s, federation) for s in submissions for g in open_groups
                               for r in members[g]):
        loads = [sum(1 for s in submissions if s.group_id == g) for g in open_groups]
        assert max(loads) - min(loads) <= 1
