"""Campaigns: setting one up, moving it stage by stage through its gates, its subjects
(added by the federation or applying themselves, with the automatic eligibility check),
the preliminary review, withdrawals and the decision.

Every step of a campaign or a submission goes through `transitions` (who, when,
comment); a step the rules forbid is refused with a ValidationError saying why. The
gates are in `campaign_advance_problems`, so the progress page can show them before
anyone presses the button.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from branches.models import BranchStatus
from chamber.access import EVALUATIONS_DECIDE
from chamber.audit import audit_record, diff, snapshot
from chamber.models import ChamberStatus

from . import grading
from .models import (
    Campaign,
    CampaignStage,
    GradeRule,
    ResultMode,
    Submission,
    SubmissionStatus,
)
from .ratings import held_ratings_for, rating_award, subject_problem
from .results import campaign_compute_results, reference_date
from .rubrics import version_freeze, version_grade_specs, version_leaves, version_tree
from .transitions import CAMPAIGN_ORDER, campaign_move, submission_move, transition_record

C = CampaignStage
S = SubmissionStatus

TIMELINE = ("applications_close", "self_assessment_due", "preliminary_review_due", "inspection_due", "decision_due")
CAMPAIGN_FIELDS = ("name", "year", "description", "version", *TIMELINE, "objection_days", "result_mode",
                   "reviewers_per_subject", "enforce_prerequisites")
# Settings the results depend on: fixed once the results are computed (entering the decision).
RESULT_SETTINGS = ("result_mode", "reviewers_per_subject", "enforce_prerequisites")
# Moving out of these stages is the federation's decision (publishing, awarding).
DECIDING_STAGES = (C.DECISION, C.PUBLICATION)
REVIEW_OUTCOMES = {"pass": S.PASSED, "return": S.RETURNED, "reject": S.REJECTED}


def _stage_index(stage):
    return CAMPAIGN_ORDER.index(stage)


# --- Set-up --------------------------------------------------------------------------------------


def timeline_problems(values):
    """{field: message} for dates out of order: each step's date may not come before the
    previous step's."""
    problems = {}
    previous = None
    for name in TIMELINE:
        value = values.get(name)
        if value is None:
            problems[name] = _("Give this date.")
            continue
        if previous is not None and value < previous[1]:
            label = Campaign._meta.get_field(previous[0]).verbose_name
            problems[name] = _("This date comes before “{previous}”.").format(previous=label)
        previous = (name, value)
    return problems


def _validate(campaign, chamber):
    if campaign.version_id is None or campaign.version.chamber_id != chamber.pk:
        raise ValidationError({"version": _("This scheme version does not exist.")})
    problems = timeline_problems({name: getattr(campaign, name) for name in TIMELINE})
    if problems:
        raise ValidationError(problems)
    if not campaign.name.strip():
        raise ValidationError({"name": _("Give the campaign a name.")})
    if Campaign.objects.filter(chamber=chamber, name=campaign.name).exclude(pk=campaign.pk).exists():
        raise ValidationError({"name": _("This federation already has a campaign with this name.")})
    if campaign.reviewers_per_subject < 1:
        raise ValidationError({"reviewers_per_subject": _("At least one reviewer scores each subject.")})
    campaign.full_clean(exclude=["chamber", "version", "created_by"], validate_unique=False,
                        validate_constraints=False)


@transaction.atomic
def campaign_create(*, chamber, actor, name, year, version, applications_close, self_assessment_due,
                    preliminary_review_due, inspection_due, decision_due, objection_days=7, description="",
                    result_mode=ResultMode.MEAN, reviewers_per_subject=3, enforce_prerequisites=True):
    """Set up a campaign (draft) on a scheme version, which is frozen from now on."""
    campaign = Campaign(
        chamber=chamber, name=(name or "").strip(), year=year, version=version, description=description,
        applications_close=applications_close, self_assessment_due=self_assessment_due,
        preliminary_review_due=preliminary_review_due, inspection_due=inspection_due, decision_due=decision_due,
        objection_days=objection_days, result_mode=result_mode, reviewers_per_subject=reviewers_per_subject,
        enforce_prerequisites=enforce_prerequisites, created_by=actor if getattr(actor, "pk", None) else None,
    )
    _validate(campaign, chamber)
    campaign.save()
    version_freeze(version, actor=actor)
    audit_record(chamber=chamber, actor=actor, action="create", target=campaign,
                 changes={"version": [None, str(version)], "year": [None, year]})
    return campaign


@transaction.atomic
def campaign_update(*, campaign, actor, **fields):
    """Edit a campaign: the timeline and wording at any stage before it closes; the
    version only while a draft; the result settings until the results are computed."""
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError("campaign_update cannot set {}".format(", ".join(sorted(unknown))))
    if campaign.stage == C.CLOSED:
        raise ValidationError(_("A closed campaign can no longer be changed."))
    before = snapshot(campaign, CAMPAIGN_FIELDS)
    old_version_id = campaign.version_id
    for name, value in fields.items():
        setattr(campaign, name, value.strip() if name == "name" else value)
    if campaign.version_id != old_version_id and campaign.stage != C.DRAFT:
        raise ValidationError({"version": _("The scheme version can only be changed while the campaign is a draft.")})
    if _stage_index(campaign.stage) >= _stage_index(C.DECISION):
        for name in RESULT_SETTINGS:
            if before[name] != snapshot(campaign, [name])[name]:
                raise ValidationError({name: _("The results are computed: this setting can no longer change.")})
    _validate(campaign, campaign.chamber)
    campaign.save()
    if campaign.version_id != old_version_id:
        version_freeze(campaign.version, actor=actor)
    changes = diff(before, snapshot(campaign, CAMPAIGN_FIELDS))
    if changes:
        audit_record(chamber=campaign.chamber, actor=actor, action="update", target=campaign, changes=changes)
    return campaign


# --- Stages --------------------------------------------------------------------------------------


def campaign_status_counts(campaign):
    """{status: number of submissions} of the campaign (one query)."""
    rows = Submission.objects.filter(chamber_id=campaign.chamber_id, campaign_id=campaign.pk).order_by().values(
        "status").annotate(n=Count("pk")).values_list("status", "n")
    return dict(rows)


def campaign_next_stage(campaign):
    index = _stage_index(campaign.stage)
    return CAMPAIGN_ORDER[index + 1] if index + 1 < len(CAMPAIGN_ORDER) else None


def campaign_advance_problems(campaign, *, counts=None, today=None):
    """Why the campaign may not move to its next stage now: a list of messages (empty
    when it may)."""
    stage = campaign.stage
    if stage == C.CLOSED:
        return [_("The campaign is closed.")]
    counts = campaign_status_counts(campaign) if counts is None else counts
    today = today or timezone.localdate()
    problems = []

    def count(status, singular_plural):
        n = counts.get(status, 0)
        if n:
            problems.append(singular_plural(n).format(n=n))

    if stage == C.DRAFT:
        for message in timeline_problems({name: getattr(campaign, name) for name in TIMELINE}).values():
            problems.append(_("Timeline: {problem}").format(problem=message))
        if not GradeRule.objects.filter(chamber_id=campaign.chamber_id, version_id=campaign.version_id).exists():
            problems.append(_("The scheme version has no grade rules: no total could earn a grade."))
        if not version_leaves(version_tree(campaign.version)):
            problems.append(_("The scheme version has no indicators to score."))
    elif stage == C.APPLICATION:
        if not sum(counts.values()):
            problems.append(_("No subject has applied or been added yet."))
    elif stage == C.PRELIMINARY_REVIEW:
        count(S.SELF_ASSESSED, lambda n: ngettext(
            "{n} self-assessment still awaits the preliminary review.",
            "{n} self-assessments still await the preliminary review.", n))
        count(S.RETURNED, lambda n: ngettext(
            "{n} submission was returned for completion and has not come back: review it when it does, or "
            "withdraw it.",
            "{n} submissions were returned for completion and have not come back: review them when they do, or "
            "withdraw them.", n))
        unassigned = Submission.objects.filter(chamber_id=campaign.chamber_id, campaign_id=campaign.pk,
                                               status=S.PASSED, group__isnull=True).count()
        if unassigned:
            problems.append(ngettext(
                "{n} submission that passed the preliminary review has no working group yet.",
                "{n} submissions that passed the preliminary review have no working group yet.", unassigned,
            ).format(n=unassigned))
    elif stage == C.INSPECTION:
        count(S.PASSED, lambda n: ngettext(
            "{n} submission is not scored yet: every sheet must be submitted (or the submission withdrawn).",
            "{n} submissions are not scored yet: every sheet must be submitted (or the submission withdrawn).", n))
    elif stage == C.DECISION:
        count(S.SCORED, lambda n: ngettext(
            "{n} scored submission is not decided yet.", "{n} scored submissions are not decided yet.", n))
        count(S.PASSED, lambda n: ngettext(
            "{n} submission has a reopened sheet: score it again, or decide it without a grade.",
            "{n} submissions have a reopened sheet: score them again, or decide them without a grade.", n))
    elif stage == C.PUBLICATION:
        if campaign.objection_until is not None and today <= campaign.objection_until:
            problems.append(_("The objection period runs until {date}: the awards follow after it.").format(
                date=campaign.objection_until.isoformat()))
        count(S.DECIDED, lambda n: ngettext(
            "{n} submission had an objection upheld and is not decided and published again yet.",
            "{n} submissions had an objection upheld and are not decided and published again yet.", n))
    return problems


@transaction.atomic
def campaign_advance(campaign, *, actor, comment="", access=None, today=None):
    """Move the campaign to its next stage, if its gate lets it; with what the stage
    brings: results on entering the decision, publication of the decided submissions,
    awards (ratings) when the campaign closes."""
    if access is not None and campaign.stage in DECIDING_STAGES and not access.has(EVALUATIONS_DECIDE):
        raise PermissionDenied(_("Publishing and awarding are decisions of the federation's leadership."))
    # Lock the campaign: two managers pressing the button at once advance it once.
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.stage != campaign.stage:
        raise ValidationError(_("Someone else changed this campaign just now. Reload and try again."))
    target = campaign_next_stage(campaign)
    problems = campaign_advance_problems(campaign, today=today)
    if problems:
        raise ValidationError(problems)
    today = today or timezone.localdate()
    if target == C.PUBLICATION:
        campaign_move(campaign, target, actor=actor, comment=comment, published_on=today,
                      objection_until=today + datetime.timedelta(days=campaign.objection_days))
        for submission in _submissions(campaign, S.DECIDED):
            submission_move(submission, S.PUBLISHED, actor=actor, campaign=campaign, comment=comment)
    elif target == C.CLOSED:
        campaign_move(campaign, target, actor=actor, comment=comment, awarded_on=today)
        for submission in _submissions(campaign, S.PUBLISHED):
            if submission.grade_level:
                rating_award(submission=submission, campaign=campaign, actor=actor, awarded_on=today)
                submission_move(submission, S.AWARDED, actor=actor, campaign=campaign, comment=comment)
    else:
        campaign_move(campaign, target, actor=actor, comment=comment)
        if target == C.DECISION:
            campaign_compute_results(campaign)
    audit_record(chamber=campaign.chamber, actor=actor, action="advance", target=campaign,
                 changes={"stage": [CAMPAIGN_ORDER[_stage_index(target) - 1], target]}, reason=comment)
    return campaign


def _submissions(campaign, status):
    return list(Submission.objects.filter(chamber_id=campaign.chamber_id, campaign_id=campaign.pk, status=status))


# --- Subjects and eligibility --------------------------------------------------------------------


def _grade_label(grades, level):
    spec = next((g for g in grades if g.level == level), None)
    return spec.label if spec else _("level {level}").format(level=level)


def eligibility_problems(campaign, *, branch=None, chamber=None, applied_level=None):
    """The automatic check of an application: veto conditions known in advance, the
    prerequisite of the level applied for, and a rating still valid at the decision date
    that makes the application pointless. A list of messages (empty: eligible)."""
    problems = []
    if branch is not None and branch.status == BranchStatus.ARCHIVED:
        problems.append(_("The sub-chamber is archived."))
    if chamber is not None and chamber.status in (ChamberStatus.SUSPENDED, ChamberStatus.DISSOLVED):
        problems.append(_("The chamber is {status}.").format(status=chamber.get_status_display()))
    version = campaign.version
    grades = version_grade_specs(version)
    held = held_ratings_for(scheme=version.scheme, branch=branch, chamber=chamber)
    on = reference_date(campaign)
    spec = next((g for g in grades if g.level == applied_level), None) if applied_level is not None else None
    if spec is not None and campaign.enforce_prerequisites and not grading.prerequisite_met(spec, held, on):
        problems.append(_(
            "{grade} needs a rating of {required} held for at least {days} days on {date}, the decision date."
        ).format(grade=spec.label, required=_grade_label(grades, spec.requires_level), days=spec.requires_held_days,
                 date=on.isoformat()))
    wanted = applied_level if applied_level is not None else max((g.level for g in grades), default=None)
    if wanted is not None:
        for h in sorted(held, key=lambda h: -h.level):
            if h.level >= wanted and h.valid_until >= on:
                problems.append(_("Already holds {grade}, valid until {date}, past the decision date.").format(
                    grade=_grade_label(grades, h.level), date=h.valid_until.isoformat()))
                break
    return problems


def _check_level(campaign, applied_level):
    if applied_level is None:
        return
    if applied_level not in {g.level for g in version_grade_specs(campaign.version)}:
        raise ValidationError({"applied_level": _("This scheme version has no grade of this level.")})


def _submission_create(campaign, *, actor, branch=None, chamber=None, applied_level=None, comment=""):
    subject = branch or chamber
    problems = eligibility_problems(campaign, branch=branch, chamber=chamber, applied_level=applied_level)
    submission = Submission(
        chamber_id=campaign.chamber_id, campaign=campaign, subject_branch=branch, subject_chamber=chamber,
        subject_name=subject.name[:200], applied_level=applied_level,
        status=S.INELIGIBLE if problems else S.ELIGIBLE, eligibility_problems=problems,
        applied_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:  # the unique constraint: a parallel request added it just now
        raise ValidationError(_("“{name}” already takes part in this campaign.").format(name=subject.name)) from None
    # The first line of its log: it applied, or was added (from nothing).
    transition_record(campaign=campaign, submission=submission, from_state="", to_state=submission.status,
                      actor=actor, comment=comment)
    audit_record(chamber=campaign.chamber, actor=actor, action="apply", target=submission,
                 changes={"status": [None, submission.status], "applied_level": [None, applied_level]})
    return submission


def _already_in(campaign, *, branches=(), chambers=()):
    qs = Submission.objects.filter(chamber_id=campaign.chamber_id, campaign_id=campaign.pk)
    return (set(qs.filter(subject_branch__in=list(branches)).values_list("subject_branch_id", flat=True)),
            set(qs.filter(subject_chamber__in=list(chambers)).values_list("subject_chamber_id", flat=True)))


@transaction.atomic
def campaign_subjects_add(campaign, *, actor, branches=(), chambers=()):
    """The federation enrols subjects: its own sub-chambers and chambers affiliated to it.
    All or nothing: one subject it may not rate refuses the whole list, saying which."""
    if campaign.stage not in (C.DRAFT, C.APPLICATION):
        raise ValidationError(_("Subjects are added while the campaign is a draft or open for applications."))
    branches, chambers = list(branches), list(chambers)
    if not branches and not chambers:
        raise ValidationError({"subjects": _("Choose at least one subject.")})
    problems = [p for p in (subject_problem(campaign.chamber, branch=b) for b in branches) if p]
    problems += [p for p in (subject_problem(campaign.chamber, chamber=c) for c in chambers) if p]
    in_branches, in_chambers = _already_in(campaign, branches=branches, chambers=chambers)
    problems += [_("“{name}” already takes part in this campaign.").format(name=s.name)
                 for s in [*(b for b in branches if b.pk in in_branches), *(c for c in chambers if c.pk in in_chambers)]]
    if problems:
        raise ValidationError({"subjects": problems})
    comment = _("Added by the federation.")
    created = [_submission_create(campaign, actor=actor, branch=b, comment=comment) for b in branches]
    created += [_submission_create(campaign, actor=actor, chamber=c, comment=comment) for c in chambers]
    return created


@transaction.atomic
def submission_apply(*, campaign, actor, branch=None, subject_chamber=None, applied_level=None, comment=""):
    """A subject applies itself while the campaign is open for applications: a chamber
    affiliated to the federation, or one of the federation's sub-chambers (through its
    branch secretary). The automatic eligibility check runs at once."""
    if campaign.stage != C.APPLICATION:
        raise ValidationError(_("This campaign is not open for applications."))
    problem = subject_problem(campaign.chamber, branch=branch, chamber=subject_chamber)
    if problem:
        raise ValidationError({"subject": problem})
    _check_level(campaign, applied_level)
    in_branches, in_chambers = _already_in(campaign, branches=[branch] if branch else [],
                                           chambers=[subject_chamber] if subject_chamber else [])
    if in_branches or in_chambers:
        raise ValidationError(_("“{name}” has already applied to this campaign.").format(
            name=(branch or subject_chamber).name))
    return _submission_create(campaign, actor=actor, branch=branch, chamber=subject_chamber,
                              applied_level=applied_level, comment=comment or _("Applied."))


@transaction.atomic
def submission_recheck(submission, *, actor):
    """Run the automatic eligibility check again (e.g. after a district's three stars were
    recorded in the register) and move the submission if the outcome changed."""
    campaign = submission.campaign
    problems = eligibility_problems(campaign, branch=submission.subject_branch, chamber=submission.subject_chamber,
                                    applied_level=submission.applied_level)
    if submission.status == S.INELIGIBLE and not problems:
        submission_move(submission, S.ELIGIBLE, actor=actor, campaign=campaign, eligibility_problems=[], audit_action="recheck",
                        comment=_("The eligibility check passed on a new check."))
    elif submission.status == S.ELIGIBLE and problems:
        submission_move(submission, S.INELIGIBLE, actor=actor, campaign=campaign, eligibility_problems=problems, audit_action="recheck",
                        comment=" ".join(problems))
    elif submission.status in (S.ELIGIBLE, S.INELIGIBLE):
        Submission.objects.filter(pk=submission.pk).update(eligibility_problems=problems)
        submission.eligibility_problems = problems
    else:
        raise ValidationError(_("Eligibility is checked while the application is open."))
    return submission


def _required(comment, message):
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": message})
    return comment


@transaction.atomic
def submission_overrule(submission, *, actor, reason):
    """A manager admits an application the automatic check refused; the reason is required
    and kept in the log (the problems found stay on record too)."""
    reason = _required(reason, _("Give the reason for overruling the eligibility check."))
    if submission.status != S.INELIGIBLE:
        raise ValidationError(_("Only an application found not eligible can be overruled."))
    return submission_move(submission, S.ELIGIBLE, actor=actor, comment=reason, audit_action="overrule")


@transaction.atomic
def submission_review(submission, *, actor, outcome, comment=""):
    """The preliminary review of a self-assessment: pass it on to the on-site inspection,
    return it for completion, or reject it. Returning and rejecting need a comment."""
    target = REVIEW_OUTCOMES.get(outcome)
    if target is None:
        raise ValidationError({"outcome": _("Choose pass, return or reject.")})
    if target != S.PASSED:
        comment = _required(comment, _("Say what is missing or why the submission is rejected."))
    return submission_move(submission, target, actor=actor, comment=comment, audit_action="review")


@transaction.atomic
def submission_withdraw(submission, *, actor, comment=""):
    """Withdraw a submission (the subject's wish, or it no longer qualifies)."""
    return submission_move(submission, S.WITHDRAWN, actor=actor, comment=comment, audit_action="withdraw")


# --- Decision ------------------------------------------------------------------------------------


def decision_problem(submission, level, *, grades, held, on, enforce_prerequisites):
    """Why `submission` may not be given grade `level` (None or 0: no grade), or None."""
    if not level:
        return None
    spec = next((g for g in grades if g.level == level), None)
    if spec is None:
        return _("This scheme version has no grade of this level.")
    if submission.result_total is None:
        return _("There is no result: only “no grade” can be decided.")
    if submission.vetoed:
        return _("A veto item failed: no grade can be given.")
    if submission.result_total < spec.min_total:
        return _("The total {total} does not reach {grade} ({minimum} points).").format(
            total=submission.result_total, grade=spec.label, minimum=spec.min_total)
    if submission.applied_level is not None and level > submission.applied_level:
        return _("The subject applied for a lower grade.")
    if enforce_prerequisites and not grading.prerequisite_met(spec, held, on):
        return _("{grade} needs a rating of {required} held for at least {days} days.").format(
            grade=spec.label, required=_grade_label(grades, spec.requires_level), days=spec.requires_held_days)
    return None


@transaction.atomic
def submission_decide(submission, *, actor, grade_level=None, comment="", access=None):
    """The federation's decision on one submission: accept the computed grade
    (`grade_level=None`) or set another (0: no grade). An override needs a comment and may
    neither exceed what the total reaches nor skip the prerequisite.

    In the decision stage a scored (or passed, not inspected) submission becomes
    decided; in the publication stage, one whose objection was upheld is decided again
    and published again."""
    if access is not None and not access.has(EVALUATIONS_DECIDE):
        raise PermissionDenied(_("Decisions are taken by the federation's leadership."))
    campaign = submission.campaign
    if submission.status in (S.SCORED, S.PASSED) and campaign.stage == C.DECISION:
        target = S.DECIDED
    elif submission.status == S.DECIDED and campaign.stage == C.PUBLICATION:
        target = S.PUBLISHED
    else:
        raise ValidationError(_("A submission that is “{status}” cannot be decided while the campaign is at the "
                                "stage “{stage}”.").format(status=S(submission.status).label, stage=C(campaign.stage).label))
    computed = submission.grade_level
    level = computed if grade_level is None else (grade_level or None)
    comment = (comment or "").strip()
    if level != computed and not comment:
        raise ValidationError({"comment": _("Give the reason for deciding another grade than the computed one.")})
    version = campaign.version
    grades = version_grade_specs(version)
    held = held_ratings_for(scheme=version.scheme, branch=submission.subject_branch, chamber=submission.subject_chamber)
    problem = decision_problem(submission, level, grades=grades, held=held, on=reference_date(campaign),
                               enforce_prerequisites=campaign.enforce_prerequisites)
    if problem:
        raise ValidationError({"grade_level": problem})
    label = _grade_label(grades, level) if level else ""
    if not comment:
        comment = _("Decided: {grade}.").format(grade=label or _("no grade"))
    # The audit entry (action "decide") holds the status and the grade before and after.
    submission_move(submission, target, actor=actor, comment=comment, grade_level=level, grade_label=label,
                    decision_comment=comment[:500], audit_action="decide")
    return submission


@transaction.atomic
def submission_decision_reopen(submission, *, actor, comment):
    """Take back a decision before publication (the comment is required)."""
    comment = _required(comment, _("Give the reason for reopening the decision."))
    if submission.status == S.DECIDED and submission.result_total is None:
        raise ValidationError(_("This submission was decided without a result; decide it again after reopening "
                                "its sheets."))
    return submission_move(submission, S.SCORED, actor=actor, comment=comment, audit_action="decision reopen")


@transaction.atomic
def submission_objection_uphold(submission, *, actor, comment):
    """An objection raised during the publication is upheld: the submission goes back to
    "decided" and must be decided (and published) again before the awards."""
    comment = _required(comment, _("Give the objection and why it is upheld."))
    return submission_move(submission, S.DECIDED, actor=actor, comment=comment, audit_action="objection")
