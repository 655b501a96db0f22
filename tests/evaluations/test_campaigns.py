"""Campaigns: set-up, every stage's gate (refused with a reason), every step logged with
who and why, subjects and the automatic eligibility check, the preliminary review and
the decision (only with `evaluations.decide`)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope

from branches.models import BranchStatus
from chamber.models import AuditEntry, ChamberStatus
from evaluations.campaigns import (
    campaign_advance,
    campaign_advance_problems,
    campaign_create,
    campaign_subjects_add,
    campaign_update,
    submission_apply,
    submission_decide,
    submission_decision_reopen,
    submission_objection_uphold,
    submission_overrule,
    submission_recheck,
    submission_review,
    submission_withdraw,
)
from evaluations.models import (
    Campaign,
    CampaignStage,
    GradeRule,
    Rating,
    RatingStatus,
    Scheme,
    SchemeKind,
    SchemeVersion,
    StageTransition,
    Submission,
)
from evaluations.results import reference_date

from .campaign_helpers import D, S, access_of, add_sheet, hold, make_group, make_submission, set_stage, set_status

C = CampaignStage
TODAY = timezone.localdate()


def dates(start=None):
    start = start or TODAY
    return {
        "applications_close": start + datetime.timedelta(days=10),
        "self_assessment_due": start + datetime.timedelta(days=30),
        "preliminary_review_due": start + datetime.timedelta(days=40),
        "inspection_due": start + datetime.timedelta(days=60),
        "decision_due": start + datetime.timedelta(days=80),
    }


def log_of(obj):
    with scope(chamber=obj.chamber_id):
        if isinstance(obj, Campaign):
            return list(StageTransition.objects.filter(campaign=obj, submission__isnull=True).order_by("pk"))
        return list(StageTransition.objects.filter(submission=obj).order_by("pk"))


def refused(call, *args, **kwargs):
    """Run a service that must refuse; return its messages."""
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    return info.value.messages


def advance(campaign, actor, comment="", **kwargs):
    with scope(chamber=campaign.chamber_id):
        return campaign_advance(campaign, actor=actor, comment=comment, **kwargs)


# --- Set-up --------------------------------------------------------------------------------------

def test_create_freezes_the_version_and_is_audited(federation, star_version, fed_admin):
    with scope(chamber=federation):
        SchemeVersion.objects.filter(pk=star_version.pk).update(frozen_at=None)
        star_version.refresh_from_db()
        campaign = campaign_create(chamber=federation, actor=fed_admin, name="2027年度星级考评", year=2027,
                                   version=star_version, **dates())
        star_version.refresh_from_db()
        assert campaign.stage == C.DRAFT and star_version.is_frozen
        assert AuditEntry.objects.filter(target_type="evaluations.campaign", target_id=str(campaign.pk),
                                         action="create").exists()


def test_create_refuses_bad_input_with_field_messages(federation, other_chamber, star_version, fed_admin):
    with scope(chamber=other_chamber):
        scheme = Scheme.objects.create(chamber=other_chamber, kind=SchemeKind.OTHER, name="外会考评")
        foreign = SchemeVersion.objects.create(chamber=other_chamber, scheme=scheme, label="1", max_points=D("100"))
    with scope(chamber=federation):
        bad = dates()
        bad["inspection_due"] = bad["preliminary_review_due"] - datetime.timedelta(days=1)
        with pytest.raises(ValidationError) as info:
            campaign_create(chamber=federation, actor=fed_admin, name="乱序", year=2027, version=star_version, **bad)
        assert "inspection_due" in info.value.message_dict
        with pytest.raises(ValidationError) as info:
            campaign_create(chamber=federation, actor=fed_admin, name="外会", year=2027, version=foreign, **dates())
        assert "version" in info.value.message_dict
        campaign_create(chamber=federation, actor=fed_admin, name="重名", year=2027, version=star_version, **dates())
        with pytest.raises(ValidationError) as info:
            campaign_create(chamber=federation, actor=fed_admin, name="重名", year=2028, version=star_version, **dates())
        assert "name" in info.value.message_dict
        assert Campaign.objects.filter(chamber=federation, name__in=["乱序", "外会"]).count() == 0


def test_update_limits_what_may_change_at_each_stage(federation, campaign, star_version, fed_admin):
    with scope(chamber=federation):
        other = SchemeVersion.objects.create(chamber=federation, scheme=star_version.scheme, label="2027",
                                             max_points=D("100"))
        with pytest.raises(ValidationError) as info:
            campaign_update(campaign=campaign, actor=fed_admin, version=other)  # not a draft any more
        assert "version" in info.value.message_dict
        campaign_update(campaign=campaign, actor=fed_admin, name="改名", decision_due=campaign.decision_due
                        + datetime.timedelta(days=5))
        campaign.refresh_from_db()
        assert campaign.name == "改名"
        set_stage(campaign, C.DECISION)
        with pytest.raises(ValidationError) as info:
            campaign_update(campaign=campaign, actor=fed_admin, result_mode="consensus")
        assert "result_mode" in info.value.message_dict
        set_stage(campaign, C.CLOSED)
        assert refused(campaign_update, campaign=campaign, actor=fed_admin, name="再改")


# --- Gates ---------------------------------------------------------------------------------------

def test_a_campaign_moves_one_stage_at_a_time_and_every_step_is_logged(federation, campaign, fed_admin, fed_branches):
    set_stage(campaign, C.DRAFT)
    advance(campaign, fed_admin, "开始报名")
    with scope(chamber=federation):
        campaign_subjects_add(campaign, actor=fed_admin, branches=[fed_branches["fuzimiao"]])
    advance(campaign, fed_admin, "进入自评")
    log = log_of(campaign)
    assert [(t.from_state, t.to_state, t.actor_id, t.comment) for t in log] == [
        (C.DRAFT, C.APPLICATION, fed_admin.pk, "开始报名"),
        (C.APPLICATION, C.SELF_ASSESSMENT, fed_admin.pk, "进入自评"),
    ]
    assert log[0].actor_label == "feng"


def test_draft_needs_dates_in_order_and_grade_rules(federation, campaign, fed_admin):
    set_stage(campaign, C.DRAFT, inspection_due=campaign.self_assessment_due - datetime.timedelta(days=1))
    with scope(chamber=federation):
        GradeRule.objects.filter(version=campaign.version).delete()
    messages = refused(advance, campaign, fed_admin)
    assert len(messages) == 2  # the timeline, and no grade rules
    assert campaign.stage == C.DRAFT and log_of(campaign) == []
    set_stage(campaign, C.DRAFT, inspection_due=campaign.preliminary_review_due)
    assert len(refused(advance, campaign, fed_admin)) == 1  # the grade rules still missing


def test_application_needs_a_subject(federation, campaign, fed_admin):
    assert refused(advance, campaign, fed_admin)
    with scope(chamber=federation):
        assert Campaign.objects.filter(pk=campaign.pk).values_list("stage", flat=True).get() == C.APPLICATION


def test_preliminary_review_gate_needs_every_self_assessment_reviewed_and_grouped(
        federation, campaign, fed_admin, fed_branches):
    set_stage(campaign, C.PRELIMINARY_REVIEW)
    pending = make_submission(campaign, branch=fed_branches["fuzimiao"], status=S.SELF_ASSESSED)
    passed = make_submission(campaign, branch=fed_branches["jiangdong"], status=S.PASSED)
    messages = refused(advance, campaign, fed_admin)
    assert len(messages) == 2  # one waits for its review, one has no working group
    with scope(chamber=federation):
        submission_review(pending, actor=fed_admin, outcome="reject", comment="材料不全，逾期未补")
        Submission.objects.filter(pk=passed.pk).update(group=make_group(campaign))
    advance(campaign, fed_admin)
    assert campaign.stage == C.INSPECTION


def test_inspection_gate_needs_every_passed_submission_scored(federation, campaign, fed_admin, fed_branches,
                                                             fed_reviewers):
    set_stage(campaign, C.INSPECTION)
    group = make_group(campaign, members=fed_reviewers)
    s = make_submission(campaign, branch=fed_branches["fuzimiao"], status=S.PASSED, group=group)
    assert refused(advance, campaign, fed_admin)
    hold(campaign.version.scheme, level=3, branch=fed_branches["fuzimiao"],
         awarded_on=reference_date(campaign) - datetime.timedelta(days=400))
    for reviewer in fed_reviewers:
        add_sheet(s, reviewer=reviewer, total="86")
    set_status(s, S.SCORED)
    advance(campaign, fed_admin)
    # Entering the decision computes the results.
    with scope(chamber=federation):
        s.refresh_from_db()
    assert (campaign.stage, s.result_total, s.grade_level, s.ranking) == (C.DECISION, D("86.00"), 4, 1)


def test_publication_and_awards_gates(federation, campaign, fed_admin, fed_secretary, fed_branches):
    set_stage(campaign, C.DECISION, objection_days=7)
    hold(campaign.version.scheme, level=3, branch=fed_branches["fuzimiao"],
         awarded_on=reference_date(campaign) - datetime.timedelta(days=400))
    s = make_submission(campaign, branch=fed_branches["fuzimiao"], status=S.SCORED, result_total=D("86"),
                        grade_level=4, grade_label="四星级")
    none = make_submission(campaign, branch=fed_branches["jiangdong"], status=S.SCORED, result_total=D("60"))
    # Undecided submissions block the publication; the secretariat may not publish at all.
    assert len(refused(advance, campaign, fed_admin)) == 1
    with pytest.raises(PermissionDenied):
        advance(campaign, fed_secretary, access=access_of(fed_secretary, federation))
    with scope(chamber=federation):
        submission_decide(s, actor=fed_admin)
        submission_decide(none, actor=fed_admin)
    advance(campaign, fed_admin, "公示", access=access_of(fed_admin, federation))
    assert campaign.published_on == TODAY and campaign.objection_until == TODAY + datetime.timedelta(days=7)
    with scope(chamber=federation):
        s.refresh_from_db()
    assert s.status == S.PUBLISHED and log_of(s)[-1].comment == "公示"
    # Awards only after the objection period.
    messages = refused(advance, campaign, fed_admin, today=campaign.objection_until)
    assert campaign.objection_until.isoformat() in messages[0]
    awarded_on = campaign.objection_until + datetime.timedelta(days=1)
    advance(campaign, fed_admin, "授牌", today=awarded_on)
    with scope(chamber=federation):
        s.refresh_from_db()
        none.refresh_from_db()
        rating = Rating.objects.get(submission=s)
    assert campaign.stage == C.CLOSED and campaign.awarded_on == awarded_on
    assert s.status == S.AWARDED and none.status == S.PUBLISHED  # no grade, no rating
    assert (rating.level, rating.awarded_on, rating.campaign_id) == (4, awarded_on, campaign.pk)
    assert refused(advance, campaign, fed_admin)


def test_gate_problems_are_readable_before_pressing_the_button(federation, campaign, fed_branches):
    set_stage(campaign, C.DECISION)
    make_submission(campaign, branch=fed_branches["fuzimiao"], status=S.SCORED)
    make_submission(campaign, branch=fed_branches["jiangdong"], status=S.PASSED)
    with scope(chamber=federation):
        assert len(campaign_advance_problems(campaign)) == 2


# --- Subjects and eligibility --------------------------------------------------------------------

def test_subjects_add_runs_the_eligibility_check(federation, campaign, fed_admin, fed_branches, affiliate):
    with scope(chamber=federation):
        created = campaign_subjects_add(campaign, actor=fed_admin, branches=[fed_branches["fuzimiao"]],
                                        chambers=[affiliate])
    assert [s.status for s in created] == [S.ELIGIBLE, S.ELIGIBLE]
    first = log_of(created[0])[0]
    assert (first.from_state, first.to_state, first.actor_id) == ("", S.ELIGIBLE, fed_admin.pk)


def test_foreign_chambers_and_non_chamber_branches_are_refused_as_subjects(
        federation, campaign, fed_admin, fed_branches, other_chamber, branch_cable):
    for kwargs in ({"chambers": [other_chamber]}, {"branches": [fed_branches["qinhuai"]]},  # a district, not a chamber
                   {"branches": [branch_cable]}):  # another chamber's branch
        with scope(chamber=federation):
            messages = refused(campaign_subjects_add, campaign, actor=fed_admin,
                               **{"branches": [fed_branches["fuzimiao"]], **kwargs})
        assert messages
    with scope(chamber=federation):
        assert not Submission.objects.filter(campaign=campaign).exists()  # all or nothing
        assert refused(submission_apply, campaign=campaign, actor=fed_admin, subject_chamber=other_chamber)


def test_applying_twice_is_refused(federation, campaign, affiliate, affiliate_admin):
    with scope(chamber=federation):
        submission_apply(campaign=campaign, actor=affiliate_admin, subject_chamber=affiliate, applied_level=4,
                         comment="申请四星")
        messages = refused(submission_apply, campaign=campaign, actor=affiliate_admin, subject_chamber=affiliate,
                           applied_level=4)
        assert Submission.objects.filter(campaign=campaign, subject_chamber=affiliate).count() == 1
    assert "江宁" in messages[0]


def test_applying_needs_the_application_stage_and_a_known_level(federation, campaign, affiliate, affiliate_admin):
    with scope(chamber=federation):
        with pytest.raises(ValidationError) as info:
            submission_apply(campaign=campaign, actor=affiliate_admin, subject_chamber=affiliate, applied_level=9)
        assert "applied_level" in info.value.message_dict
        set_stage(campaign, C.SELF_ASSESSMENT)
        assert refused(submission_apply, campaign=campaign, actor=affiliate_admin, subject_chamber=affiliate)


@pytest.mark.parametrize("days, status", [(364, S.INELIGIBLE), (365, S.ELIGIBLE)])
def test_prerequisite_held_364_vs_365_days(federation, campaign, fed_branches, street_secretary, days, status):
    branch = fed_branches["fuzimiao"]
    hold(campaign.version.scheme, level=3, branch=branch,
         awarded_on=reference_date(campaign) - datetime.timedelta(days=days))
    with scope(chamber=federation):
        s = submission_apply(campaign=campaign, actor=street_secretary, branch=branch, applied_level=4)
    assert s.status == status
    assert bool(s.eligibility_problems) == (status == S.INELIGIBLE)


def test_a_valid_rating_past_the_decision_makes_the_application_pointless(federation, campaign, fed_branches,
                                                                         fed_admin):
    scheme, on = campaign.version.scheme, reference_date(campaign)
    hold(scheme, level=4, branch=fed_branches["fuzimiao"], awarded_on=on - datetime.timedelta(days=400),
         valid_until=on + datetime.timedelta(days=30))
    hold(scheme, level=4, branch=fed_branches["jiangdong"], awarded_on=on - datetime.timedelta(days=1000),
         valid_until=on - datetime.timedelta(days=1))  # expires before the decision: may apply again
    hold(scheme, level=3, branch=fed_branches["jiangdong"], awarded_on=on - datetime.timedelta(days=500))
    with scope(chamber=federation):
        still = submission_apply(campaign=campaign, actor=fed_admin, branch=fed_branches["fuzimiao"], applied_level=4)
        expiring = submission_apply(campaign=campaign, actor=fed_admin, branch=fed_branches["jiangdong"],
                                    applied_level=4)
    assert still.status == S.INELIGIBLE and expiring.status == S.ELIGIBLE
    assert "四星级" in still.eligibility_problems[-1]


def test_vetoes_known_in_advance(federation, campaign, fed_admin, fed_branches, affiliate):
    with scope(chamber=federation):
        fed_branches["catering"].status = BranchStatus.ARCHIVED
        fed_branches["catering"].save(update_fields=["status"])
    type(affiliate).objects.filter(pk=affiliate.pk).update(status=ChamberStatus.SUSPENDED)
    affiliate.refresh_from_db()
    with scope(chamber=federation):
        archived, suspended = campaign_subjects_add(campaign, actor=fed_admin, branches=[fed_branches["catering"]],
                                                    chambers=[affiliate])
    assert archived.status == suspended.status == S.INELIGIBLE
    assert archived.eligibility_problems and suspended.eligibility_problems


def test_overrule_needs_a_reason_and_is_logged(federation, campaign, fed_admin, fed_branches):
    with scope(chamber=federation):
        s = submission_apply(campaign=campaign, actor=fed_admin, branch=fed_branches["fuzimiao"], applied_level=4)
        assert s.status == S.INELIGIBLE
        assert refused(submission_overrule, s, actor=fed_admin, reason=" ")
        submission_overrule(s, actor=fed_admin, reason="区工商联已授三星，证书补录中")
    last = log_of(s)[-1]
    assert (s.status, last.to_state, last.comment, last.actor_id) == (
        S.ELIGIBLE, S.ELIGIBLE, "区工商联已授三星，证书补录中", fed_admin.pk)


def test_recheck_after_the_district_rating_is_recorded(federation, campaign, fed_admin, fed_branches):
    branch = fed_branches["fuzimiao"]
    with scope(chamber=federation):
        s = submission_apply(campaign=campaign, actor=fed_admin, branch=branch, applied_level=4)
    hold(campaign.version.scheme, level=3, branch=branch,
         awarded_on=reference_date(campaign) - datetime.timedelta(days=500))
    with scope(chamber=federation):
        submission_recheck(s, actor=fed_admin)
    assert s.status == S.ELIGIBLE and s.eligibility_problems == []


# --- Preliminary review, withdrawal --------------------------------------------------------------

def test_review_return_and_reject_need_a_comment(federation, campaign, fed_admin, fed_branches):
    set_stage(campaign, C.PRELIMINARY_REVIEW)
    a = make_submission(campaign, branch=fed_branches["fuzimiao"], status=S.SELF_ASSESSED)
    b = make_submission(campaign, branch=fed_branches["jiangdong"], status=S.SELF_ASSESSED)
    with scope(chamber=federation):
        for outcome in ("return", "reject"):
            with pytest.raises(ValidationError) as info:
                submission_review(a, actor=fed_admin, outcome=outcome, comment="")
            assert "comment" in info.value.message_dict
        assert refused(submission_review, a, actor=fed_admin, outcome="maybe")
        submission_review(a, actor=fed_admin, outcome="return", comment="缺少会议纪要")
        submission_review(b, actor=fed_admin, outcome="pass")
        # A submission reviewed already cannot be reviewed again.
        assert refused(submission_review, b, actor=fed_admin, outcome="reject", comment="再看")
    assert (a.status, b.status) == (S.RETURNED, S.PASSED)
    assert log_of(a)[-1].comment == "缺少会议纪要"


def test_withdraw(federation, campaign, fed_admin, fed_branches):
    s = make_submission(campaign, branch=fed_branches["fuzimiao"], status=S.ELIGIBLE)
    with scope(chamber=federation):
        submission_withdraw(s, actor=fed_admin, comment="主动撤回")
        assert refused(submission_withdraw, s, actor=fed_admin)
    assert s.status == S.WITHDRAWN and log_of(s)[-1].comment == "主动撤回"


# --- Decision ------------------------------------------------------------------------------------

@pytest.fixture
def deciding(federation, campaign, fed_branches):
    set_stage(campaign, C.DECISION)
    hold(campaign.version.scheme, level=3, branch=fed_branches["fuzimiao"],
         awarded_on=reference_date(campaign) - datetime.timedelta(days=400))
    return make_submission(campaign, branch=fed_branches["fuzimiao"], status=S.SCORED, result_total=D("92"),
                           grade_level=4, grade_label="四星级")


def test_decide_needs_evaluations_decide(federation, deciding, fed_secretary, fed_admin):
    with scope(chamber=federation):
        with pytest.raises(PermissionDenied):
            submission_decide(deciding, actor=fed_secretary, access=access_of(fed_secretary, federation))
        assert Submission.objects.get(pk=deciding.pk).status == S.SCORED
        submission_decide(deciding, actor=fed_admin, access=access_of(fed_admin, federation))
    assert (deciding.status, deciding.grade_level) == (S.DECIDED, 4)
    assert log_of(deciding)[-1].actor_id == fed_admin.pk


def test_an_override_needs_a_comment_and_stays_within_total_and_prerequisite(federation, deciding, fed_admin):
    with scope(chamber=federation):
        with pytest.raises(ValidationError) as info:
            submission_decide(deciding, actor=fed_admin, grade_level=0)
        assert "comment" in info.value.message_dict
        # 92 points reach five stars, but only three stars are held: the prerequisite is not skipped.
        with pytest.raises(ValidationError) as info:
            submission_decide(deciding, actor=fed_admin, grade_level=5, comment="表现突出")
        assert "grade_level" in info.value.message_dict
        deciding.result_total = D("85")
        with pytest.raises(ValidationError) as info:
            submission_decide(deciding, actor=fed_admin, grade_level=5, comment="表现突出")
        assert "85" in info.value.messages[0]
        submission_decide(deciding, actor=fed_admin, grade_level=0, comment="年内发生安全事故，暂不授星")
    assert (deciding.status, deciding.grade_level, deciding.grade_label) == (S.DECIDED, None, "")
    assert deciding.decision_comment == "年内发生安全事故，暂不授星"


def test_reopen_and_objection_then_decide_again(federation, deciding, fed_admin, fed_branches):
    with scope(chamber=federation):
        submission_decide(deciding, actor=fed_admin)
        assert refused(submission_decision_reopen, deciding, actor=fed_admin, comment="")
        submission_decision_reopen(deciding, actor=fed_admin, comment="复核分数")
        assert deciding.status == S.SCORED
        submission_decide(deciding, actor=fed_admin)
    set_stage(deciding.campaign, C.PUBLICATION)
    set_status(deciding, S.PUBLISHED)
    with scope(chamber=federation):
        submission_objection_uphold(deciding, actor=fed_admin, comment="群众反映台帐不实，经查属实")
        assert deciding.status == S.DECIDED
        submission_decide(deciding, actor=fed_admin, grade_level=0, comment="撤销四星")
    assert (deciding.status, deciding.grade_level) == (S.PUBLISHED, None)
    assert [t.to_state for t in log_of(deciding)] == [S.DECIDED, S.SCORED, S.DECIDED, S.DECIDED, S.PUBLISHED]


def test_a_decision_outside_the_decision_stage_is_refused(federation, campaign, fed_admin, fed_branches):
    s = make_submission(campaign, branch=fed_branches["fuzimiao"], status=S.SCORED)
    with scope(chamber=federation):
        assert refused(submission_decide, s, actor=fed_admin)


def test_award_supersedes_the_older_rating(federation, campaign, fed_admin, fed_branches):
    branch = fed_branches["fuzimiao"]
    old = hold(campaign.version.scheme, level=3, branch=branch, awarded_on=TODAY - datetime.timedelta(days=700))
    set_stage(campaign, C.PUBLICATION, objection_until=datetime.date(2026, 12, 19))
    make_submission(campaign, branch=branch, status=S.PUBLISHED, result_total=D("85"), grade_level=4,
                    grade_label="四星级")
    advance(campaign, fed_admin, today=datetime.date(2026, 12, 20))
    with scope(chamber=federation):
        old.refresh_from_db()
        new = Rating.objects.get(campaign=campaign)
    assert old.status == RatingStatus.SUPERSEDED and new.status == RatingStatus.ACTIVE
    # Three years: awarded on 2026-12-20, valid until 2029-12-19.
    assert (new.awarded_on, new.valid_until, new.total) == (datetime.date(2026, 12, 20), datetime.date(2029, 12, 19),
                                                            D("85"))
