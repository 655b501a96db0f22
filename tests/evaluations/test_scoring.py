"""Score sheets: bounds, graded options, yes/no, veto, bonus cap, a reason for every
deduction, all-or-nothing saves, exact totals, and the statuses the sheets move."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope

from evaluations.assignment import group_create, reviewer_add, reviewer_remove, reviewer_set_group, submission_assign_group
from evaluations.models import (
    CampaignStage,
    ResultMode,
    ScoreEntry,
    ScoreSheet,
    SheetKind,
    StageTransition,
    Submission,
)
from evaluations.scoring import (
    consensus_sheet,
    self_sheet,
    sheet_display,
    sheet_for_reviewer,
    sheet_reopen,
    sheet_save,
    sheet_submit,
)

from .review_helpers import S, full_marks, leaves, make_submission, set_stage, set_status


@pytest.fixture
def ind(star_version):
    return leaves(star_version)


@pytest.fixture
def scene(federation, campaign, affiliate, fed_admin, fed_reviewers):
    """A passed submission of the affiliate, assigned to a group of 王 and 李; 赵 in no group;
    the campaign at the on-site inspection."""
    wang, li, zhao = fed_reviewers
    submission = make_submission(campaign, chamber=affiliate)
    with scope(chamber=federation):
        group = group_create(campaign, actor=fed_admin, name="第一组")
        for user in (wang, li):
            reviewer_set_group(reviewer_add(campaign, actor=fed_admin, user=user), actor=fed_admin, group=group)
        reviewer_add(campaign, actor=fed_admin, user=zhao)
        submission_assign_group(submission, actor=fed_admin, group=group, reason="安排")
    set_stage(campaign, CampaignStage.INSPECTION)
    with scope(chamber=federation):
        submission = Submission.objects.select_related("campaign__version").get(pk=submission.pk)
    return {"submission": submission, "group": group}


def fresh(submission):
    return Submission.objects.select_related("campaign__version").get(pk=submission.pk)


def test_a_reviewer_not_assigned_gets_no_sheet(federation, scene, fed_reviewers, fed_admin):
    with scope(chamber=federation):
        with pytest.raises(PermissionDenied):
            sheet_for_reviewer(scene["submission"], fed_reviewers[2])
        with pytest.raises(PermissionDenied):  # staff without an assignment neither
            sheet_for_reviewer(scene["submission"], fed_admin)
        sheet = sheet_for_reviewer(scene["submission"], fed_reviewers[0])
        assert sheet_for_reviewer(scene["submission"], fed_reviewers[0]).pk == sheet.pk
        # Another reviewer cannot write in it, even one of the group.
        with pytest.raises(PermissionDenied):
            sheet_save(sheet, actor=fed_reviewers[1], scores={})


def test_no_sheet_before_the_inspection(federation, campaign, scene, fed_reviewers):
    set_stage(campaign, CampaignStage.PRELIMINARY_REVIEW)
    with scope(chamber=federation):
        with pytest.raises(ValidationError):
            sheet_for_reviewer(fresh(scene["submission"]), fed_reviewers[0])


def errors_of(call):
    with pytest.raises(ValidationError) as e:
        call()
    return e.value.message_dict if hasattr(e.value, "error_dict") else e.value.messages


def test_each_score_checked_and_nothing_saved_on_error(federation, scene, fed_reviewers, ind):
    with scope(chamber=federation):
        sheet = sheet_for_reviewer(scene["submission"], fed_reviewers[0])
        bad = {
            ind["1.1"].pk: ("17", "部分"),  # not a graded option (20 / 15 / 0)
            ind["1.2"].pk: ("21", ""),  # above the maximum of 20
            ind["2.1"].pk: ("maybe", ""),  # yes or no
            ind["2.2"].pk: ("15", ""),  # a deduction without a reason
            ind["3.1"].pk: ("-1", "x"),  # below zero
            ind["5"].pk: ("abc", ""),  # not a number
        }
        errors = errors_of(lambda: sheet_save(sheet, actor=fed_reviewers[0], scores=bad))
        assert set(errors) == {str(ind[c].pk) for c in ("1.1", "1.2", "2.1", "2.2", "3.1", "5")}
        assert "20 / 15 / 0" in errors[str(ind["1.1"].pk)][0]
        # A good score sent along with the bad ones is not saved either.
        errors_of(lambda: sheet_save(sheet, actor=fed_reviewers[0], scores={
            ind["3.1"].pk: ("30", ""), ind["1.2"].pk: ("20.001", "x")}))
        assert not ScoreEntry.objects.filter(sheet=sheet).exists()
        # An indicator that is not a scored leaf of this rubric.
        parent = ind["1.1"].parent_id
        assert set(errors_of(lambda: sheet_save(sheet, actor=fed_reviewers[0], scores={parent: ("40", "")}))) == {
            str(parent)}


def test_boundaries_and_reasons(federation, scene, fed_reviewers, ind):
    with scope(chamber=federation):
        sheet = sheet_for_reviewer(scene["submission"], fed_reviewers[0])
        sheet_save(sheet, actor=fed_reviewers[0], scores={
            ind["1.1"].pk: ("15", "纪要不全"), ind["1.2"].pk: ("20", ""), ind["2.1"].pk: ("no", "无独立场所"),
            ind["2.2"].pk: ("0", "无专职人员"), ind["3.1"].pk: ("29.99", "略有不足"),
        })
        entries = {e.indicator_id: e for e in ScoreEntry.objects.filter(sheet=sheet)}
        assert entries[ind["2.1"].pk].points == 0 and entries[ind["2.1"].pk].answer is False
        assert entries[ind["3.1"].pk].points == Decimal("29.99")
        # A blank value clears a score; the others stay.
        sheet_save(sheet, actor=fed_reviewers[0], scores={ind["3.1"].pk: ("", "")})
        assert ScoreEntry.objects.filter(sheet=sheet).count() == 4
        # The veto item answered no needs a reason too.
        assert set(errors_of(lambda: sheet_save(sheet, actor=fed_reviewers[0], scores={ind["4"].pk: (False, "")})))


def test_submit_needs_every_leaf_and_totals_are_exact(federation, scene, fed_reviewers, ind):
    wang, li, _zhao = fed_reviewers
    with scope(chamber=federation):
        sheet = sheet_for_reviewer(scene["submission"], wang)
        sheet_save(sheet, actor=wang, scores={ind["1.1"].pk: ("20", "")})
        missing = errors_of(lambda: sheet_submit(sheet, actor=wang))
        assert len(missing) == 6
        scores = full_marks(scene["submission"].campaign.version)
        scores[ind["3.1"].pk] = ("29.99", "差一点")
        scores[ind["5"].pk] = ("10", "")  # bonus 10, capped at 5
        sheet_save(sheet, actor=wang, scores=scores)
        sheet_submit(sheet, actor=wang)
        sheet.refresh_from_db()
        assert (sheet.base_total, sheet.bonus_total, sheet.total) == (Decimal("99.99"), Decimal("5"), Decimal("104.99"))
        assert sheet.submitted_at and not sheet.vetoed
        # Submitted: read-only.
        errors_of(lambda: sheet_save(sheet, actor=wang, scores={ind["1.1"].pk: ("15", "x")}))
        # One of two sheets in: the submission waits.
        assert fresh(scene["submission"]).status == S.PASSED
        other = sheet_for_reviewer(scene["submission"], li)
        scores = full_marks(scene["submission"].campaign.version)
        scores[ind["1.1"].pk] = ("15", "纪要不全")
        sheet_save(other, actor=li, scores=scores)
        sheet_submit(other, actor=li)
        submission = fresh(scene["submission"])
        # (104.99 + 95) / 2 = 99.995 → 100.00, rounded half-up once.
        assert submission.status == S.SCORED and submission.result_total == Decimal("100.00")
        assert not submission.vetoed
        assert StageTransition.objects.filter(submission=submission, to_state=S.SCORED).count() == 1


def test_veto_fails_the_subject(federation, scene, fed_reviewers, ind):
    wang, li, _zhao = fed_reviewers
    with scope(chamber=federation):
        for user, veto in ((wang, (False, "有违纪行为")), (li, (True, ""))):
            sheet = sheet_for_reviewer(scene["submission"], user)
            scores = full_marks(scene["submission"].campaign.version)
            scores[ind["4"].pk] = veto
            sheet_save(sheet, actor=user, scores=scores)
            sheet_submit(sheet, actor=user)
        assert ScoreSheet.objects.get(reviewer=wang).vetoed
        submission = fresh(scene["submission"])
        assert submission.status == S.SCORED and submission.vetoed  # one reviewer's veto is enough


def test_a_member_leaving_completes_the_scoring(federation, scene, fed_reviewers, fed_admin, campaign):
    wang, li, _zhao = fed_reviewers
    with scope(chamber=federation):
        sheet = sheet_for_reviewer(scene["submission"], wang)
        sheet_save(sheet, actor=wang, scores=full_marks(campaign.version))
        sheet_submit(sheet, actor=wang)
        reviewer_remove(campaign.reviewers.get(user=li), actor=fed_admin)
        assert fresh(scene["submission"]).status == S.SCORED


def test_reopen_by_a_manager(federation, scene, fed_reviewers, fed_admin, campaign, ind):
    wang, li, _zhao = fed_reviewers
    with scope(chamber=federation):
        sheets = []
        for user in (wang, li):
            sheet = sheet_for_reviewer(scene["submission"], user)
            sheet_save(sheet, actor=user, scores=full_marks(campaign.version))
            sheets.append(sheet_submit(sheet, actor=user))
        assert fresh(scene["submission"]).status == S.SCORED
        assert "reason" in errors_of(lambda: sheet_reopen(sheets[0], actor=fed_admin, reason=""))
        sheet = ScoreSheet.objects.select_related("submission__campaign__version").get(pk=sheets[0].pk)
        sheet_reopen(sheet, actor=fed_admin, reason="计分有误")
        submission = fresh(scene["submission"])
        assert submission.status == S.PASSED and submission.result_total is None
        sheet = sheet_for_reviewer(submission, wang)
        scores = {ind["1.1"].pk: ("15", "纪要不全")}
        sheet_save(sheet, actor=wang, scores=scores)
        sheet_submit(sheet, actor=wang)
        assert fresh(scene["submission"]).result_total == Decimal("97.50")
        # Once decided, sheets stay as they are.
        set_status(scene["submission"], S.DECIDED)
        sheet = ScoreSheet.objects.select_related("submission__campaign__version").get(pk=sheets[1].pk)
        errors_of(lambda: sheet_reopen(sheet, actor=fed_admin, reason="再改"))


def test_self_sheet_moves_the_submission(federation, campaign, affiliate, affiliate_admin, ind):
    set_stage(campaign, CampaignStage.SELF_ASSESSMENT)
    submission = make_submission(campaign, chamber=affiliate, status=S.ELIGIBLE)
    with scope(chamber=federation):
        submission = fresh(submission)
        sheet = self_sheet(submission)
        assert sheet.kind == SheetKind.SELF
        scores = full_marks(campaign.version)
        scores[ind["2.2"].pk] = ("18", "经费不足")
        sheet_save(sheet, actor=affiliate_admin, scores=scores)
        sheet_submit(sheet, actor=affiliate_admin)
        submission = fresh(submission)
        assert submission.status == S.SELF_ASSESSED and submission.self_total == Decimal("98.00")
        errors_of(lambda: sheet_save(self_sheet(submission), actor=affiliate_admin, scores={ind["2.2"].pk: ("20", "")}))
        # Returned for completion: the subject edits and submits again.
        set_status(submission, S.RETURNED)
        set_stage(campaign, CampaignStage.PRELIMINARY_REVIEW)
        submission = fresh(submission)
        sheet_save(self_sheet(submission), actor=affiliate_admin, scores={ind["2.2"].pk: ("20", "")})
        sheet_submit(self_sheet(submission), actor=affiliate_admin)
        assert fresh(submission).self_total == Decimal("100.00")


def test_self_score_shown_beside_the_reviewers(federation, scene, fed_reviewers, affiliate_admin, campaign, ind):
    with scope(chamber=federation):
        own = self_sheet(scene["submission"])
        ScoreEntry.objects.create(chamber=federation, sheet=own, indicator=ind["1.1"], points=Decimal("20"))
        ScoreSheet.objects.filter(pk=own.pk).update(submitted_at=timezone.now())
        sheet = sheet_for_reviewer(scene["submission"], fed_reviewers[0])
        rows = {r.indicator.pk: r for r in sheet_display(sheet, with_self=True).rows}
        assert rows[ind["1.1"].pk].self_entry.points == Decimal("20")
        assert rows[ind["1.2"].pk].self_entry is None


def test_consensus_sheet(federation, scene, fed_reviewers, campaign):
    wang, li, zhao = fed_reviewers
    with scope(chamber=federation):
        campaign.__class__.objects.filter(pk=campaign.pk).update(result_mode=ResultMode.CONSENSUS)
        submission = fresh(scene["submission"])
        with pytest.raises(ValidationError):
            sheet_for_reviewer(submission, wang)
        sheet = consensus_sheet(submission)
        assert consensus_sheet(submission).pk == sheet.pk
        with pytest.raises(PermissionDenied):
            sheet_save(sheet, actor=zhao, scores={})
        sheet_save(sheet, actor=wang, scores=full_marks(campaign.version))
        sheet_submit(sheet, actor=li)  # any member of the group
        submission = fresh(submission)
        assert submission.status == S.SCORED and submission.result_total == Decimal("100.00")
