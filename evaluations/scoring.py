"""Score sheets: the subject's self-assessment, each reviewer's sheet, a group's consensus.

Every score is checked against its indicator (`grading.score_problem`): points within
bounds, one of the graded options, yes or no, a reason for every deduction. A save is
all or nothing: the problems of every indicator come back together and nothing is
stored while one remains. Totals are worked out in Decimal by `grading.sheet_totals`
when a sheet is submitted, and a submitted sheet is read-only until a manager reopens it.

Statuses follow the sheets: the self sheet submitted makes the submission
"self-assessed"; when the expected reviewer sheets are all in (the mean: every member of
the submission's group; a consensus: the group's one sheet) it becomes "scored", with
the group's result and whether a veto item failed (one reviewer's "no" is enough: 一票否决).

Reviewers score during the on-site inspection; the decision stage is included too, so a
sheet a manager reopens there can be corrected and submitted again.
"""
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.audit import audit_record

from . import grading
from .assignment import reviewer_is_assigned
from .models import (
    CampaignReviewer,
    CampaignStage,
    Evidence,
    ResultMode,
    ScoreEntry,
    ScoreSheet,
    SheetKind,
    SubmissionStatus,
)
from .rubric_fields import points_text
from .rubrics import version_leaf_rules, version_tree
from .transitions import SELF_ASSESSMENT_OPEN, submission_move, submission_step_problem

S = SubmissionStatus
REVIEW_STAGES = (CampaignStage.INSPECTION, CampaignStage.DECISION)
_YES = {"yes", "true", "1", "on", "y"}
_NO = {"no", "false", "0", "off", "n"}


# --- Getting a sheet -------------------------------------------------------------------------------

def _get_or_create(submission, kind, reviewer=None):
    lookup = {"submission": submission, "kind": kind}
    if kind == SheetKind.REVIEWER:
        lookup["reviewer"] = reviewer
    sheet = ScoreSheet.objects.filter(**lookup).first()
    if sheet is not None:
        return sheet, False
    try:
        with transaction.atomic():
            return ScoreSheet.objects.create(chamber_id=submission.chamber_id, **lookup), True
    except IntegrityError:  # created by a parallel request just now
        return ScoreSheet.objects.get(**lookup), False


def _ensure_scoring_open(submission):
    campaign = submission.campaign
    if campaign.stage not in REVIEW_STAGES:
        raise ValidationError(_("Scoring is open during the on-site inspection only."))
    if submission.status != S.PASSED:
        raise ValidationError(_("Only a submission that passed the preliminary review can be scored; this one is “{status}”.")
                              .format(status=S(submission.status).label))


def sheet_for_reviewer(submission, user):
    """The reviewer's own sheet on `submission`, created on first use. Only a reviewer
    assigned to the submission gets one, and a new one only while scoring is open."""
    if submission.campaign.result_mode != ResultMode.MEAN:
        raise ValidationError(_("This campaign scores with one consensus sheet per working group."))
    if not reviewer_is_assigned(submission, user):
        raise PermissionDenied(_("This submission is not assigned to you."))
    sheet = ScoreSheet.objects.filter(submission=submission, kind=SheetKind.REVIEWER, reviewer=user).first()
    if sheet is None:
        _ensure_scoring_open(submission)
        sheet, _created = _get_or_create(submission, SheetKind.REVIEWER, user)
    sheet.submission = submission
    return sheet


def self_sheet(submission):
    """The subject's self-assessment sheet, created on first use."""
    sheet, _created = _get_or_create(submission, SheetKind.SELF)
    sheet.submission = submission
    return sheet


def consensus_sheet(submission):
    """The working group's one sheet on `submission` (campaigns with a consensus result)."""
    if submission.campaign.result_mode != ResultMode.CONSENSUS:
        raise ValidationError(_("This campaign takes the mean of the reviewers' sheets; each reviewer scores alone."))
    sheet = ScoreSheet.objects.filter(submission=submission, kind=SheetKind.CONSENSUS).first()
    if sheet is None:
        _ensure_scoring_open(submission)
        sheet, _created = _get_or_create(submission, SheetKind.CONSENSUS)
    sheet.submission = submission
    return sheet


def sheet_is_editable(sheet):
    """May the sheet still change (regardless of who asks)?"""
    submission = sheet.submission
    if sheet.kind == SheetKind.SELF:
        # Returned for completion: the subject edits the submitted self sheet again.
        return submission.status in SELF_ASSESSMENT_OPEN
    return sheet.submitted_at is None and submission.status == S.PASSED and submission.campaign.stage in REVIEW_STAGES


def _ensure_editable(sheet, actor):
    submission = sheet.submission
    if sheet.kind == SheetKind.SELF:
        if submission.status not in SELF_ASSESSMENT_OPEN:
            raise ValidationError(_("The self-assessment is closed: it was submitted and not returned for completion."))
        return
    if sheet.submitted_at is not None:
        raise ValidationError(_("This sheet is submitted and can no longer be changed."))
    if sheet.kind == SheetKind.REVIEWER and getattr(actor, "pk", None) != sheet.reviewer_id:
        raise PermissionDenied(_("Only its reviewer changes a reviewer's sheet."))
    if not reviewer_is_assigned(submission, actor):
        raise PermissionDenied(_("This submission is not assigned to you."))
    _ensure_scoring_open(submission)


# --- Saving scores ---------------------------------------------------------------------------------

def _answer(value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def _points(value):
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return points if points.is_finite() else None


def _parse_score(rule, value, reason):
    """(Score, None) or (None, message)."""
    if rule.mode == "yes_no" or rule.is_veto:
        answer = _answer(value)
        if answer is None:
            return None, _("Answer yes or no.")
        score = grading.score_for_answer(rule, answer, reason)
    else:
        points = _points(value)
        if points is None:
            return None, _("Enter a number.")
        score = grading.Score(points=points, reason=reason)
    problem = grading.score_problem(rule, score)
    return (None, problem) if problem else (score, None)


def _is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


@transaction.atomic
def sheet_save(sheet, *, actor, scores):
    """Save scores: {indicator id: (points or yes/no answer, reason)}. A blank value clears
    the indicator's score. Raises ValidationError {str(indicator id): [message]} naming
    every indicator at fault; then nothing is saved."""
    _ensure_editable(sheet, actor)
    version = sheet.submission.campaign.version
    rules = version_leaf_rules(version)
    errors, parsed, cleared = {}, {}, set()
    for key, pair in scores.items():
        value, reason = pair if isinstance(pair, (tuple, list)) else (pair, "")
        reason = (reason or "").strip()
        try:
            indicator_id = int(key)
        except (TypeError, ValueError):
            indicator_id = None
        rule = rules.get(indicator_id)
        if rule is None:
            errors[str(key)] = [_("This is not a scored indicator of the rubric.")]
            continue
        if len(reason) > 500:
            errors[str(indicator_id)] = [_("Keep the reason under 500 characters.")]
            continue
        if _is_blank(value):
            cleared.add(indicator_id)
            continue
        score, problem = _parse_score(rule, value, reason)
        if problem:
            errors[str(indicator_id)] = [problem]
        else:
            parsed[indicator_id] = score
    if errors:
        raise ValidationError(errors)
    existing = {e.indicator_id: e for e in ScoreEntry.objects.filter(sheet=sheet)}
    new, changed, audited = [], [], {}
    for indicator_id, score in parsed.items():
        entry = existing.get(indicator_id)
        if entry is None:
            new.append(ScoreEntry(chamber_id=sheet.chamber_id, sheet=sheet, indicator_id=indicator_id,
                                  points=score.points, answer=score.answer, reason=score.reason))
            audited[_audit_key(rules[indicator_id])] = [None, _audit_score(score)]
        elif (entry.points, entry.answer, entry.reason) != (score.points, score.answer, score.reason):
            audited[_audit_key(rules[indicator_id])] = [_audit_score(entry), _audit_score(score)]
            entry.points, entry.answer, entry.reason = score.points, score.answer, score.reason
            changed.append(entry)
    for indicator_id in cleared:
        if indicator_id in existing:
            audited[_audit_key(rules[indicator_id])] = [_audit_score(existing[indicator_id]), None]
    ScoreEntry.objects.bulk_create(new)
    ScoreEntry.objects.bulk_update(changed, ["points", "answer", "reason"])
    gone = [existing[i].pk for i in cleared if i in existing]
    if gone:
        ScoreEntry.objects.filter(pk__in=gone).delete()
    sheet.save(update_fields=["updated_at"])
    if audited:  # one entry per save, naming each indicator whose score changed
        audit_record(chamber=sheet.submission.campaign.chamber, actor=actor, action="scores", target=sheet,
                     changes=audited)
    return sheet


def _audit_key(rule):
    return "{} #{}".format(rule.title or _("Indicator"), rule.id)[:120]


def _audit_score(score):
    """A score as the audit log keeps it: the points (or yes/no), and the reason if any."""
    points = "{:.2f}".format(score.points) if score.points is not None else "—"
    text = points if score.answer is None else "{} ({})".format(_("Yes") if score.answer else _("No"), points)
    return "{} — {}".format(text, score.reason) if score.reason else text


def sheet_scores(sheet):
    """{indicator id: grading.Score} of a sheet's entries."""
    return {
        e.indicator_id: grading.Score(points=e.points, answer=e.answer, reason=e.reason)
        for e in ScoreEntry.objects.filter(sheet=sheet)
    }


# --- Submitting ------------------------------------------------------------------------------------

@transaction.atomic
def sheet_submit(sheet, *, actor):
    """Submit a sheet: every scored indicator must have its score. Stores the totals and
    moves the submission on when this was the sheet it waited for."""
    _ensure_editable(sheet, actor)
    submission = sheet.submission
    version = submission.campaign.version
    rules = version_leaf_rules(version)
    totals = grading.sheet_totals(rules, sheet_scores(sheet), version.bonus_cap)
    if totals.missing:
        raise ValidationError({str(i): [_("Score this indicator before submitting.")] for i in totals.missing})
    sheet.base_total, sheet.bonus_total, sheet.total = totals.base, totals.bonus, totals.total
    sheet.vetoed = totals.vetoed
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["base_total", "bonus_total", "total", "vetoed", "submitted_at", "updated_at"])
    if sheet.kind == SheetKind.SELF:
        submission_move(submission, S.SELF_ASSESSED, actor=actor, self_total=totals.total,
                        comment=_("Self-assessment submitted: {total} points.").format(total=totals.total))
    else:
        audit_record(chamber=submission.campaign.chamber, actor=actor, action="submit sheet", target=sheet,
                     changes={"total": [None, str(totals.total)], "vetoed": [None, totals.vetoed]})
        submission_complete_if_scored(submission, actor=actor)
    return sheet


def expected_reviewer_ids(submission):
    """The reviewers whose sheets the mean waits for: the members of the submission's group."""
    if not submission.group_id:
        return []
    return list(CampaignReviewer.objects.filter(group_id=submission.group_id).values_list("user_id", flat=True))


def submission_complete_if_scored(submission, *, actor):
    """Move a passed submission to "scored" once the sheets it waits for are all in.
    Returns True when it moved."""
    campaign = submission.campaign
    if submission.status != S.PASSED or submission_step_problem(submission, S.SCORED, campaign):
        return False
    if campaign.result_mode == ResultMode.CONSENSUS:
        sheets = list(ScoreSheet.objects.filter(submission=submission, kind=SheetKind.CONSENSUS,
                                                submitted_at__isnull=False))
        if not sheets:
            return False
    else:
        expected = set(expected_reviewer_ids(submission))
        if not expected:
            return False
        sheets = list(ScoreSheet.objects.filter(submission=submission, kind=SheetKind.REVIEWER,
                                                reviewer_id__in=expected, submitted_at__isnull=False))
        if {s.reviewer_id for s in sheets} != expected:
            return False
    result = grading.mean_total(s.total for s in sheets)
    vetoed = any(s.vetoed for s in sheets)
    submission_move(submission, S.SCORED, actor=actor, campaign=campaign, result_total=result, vetoed=vetoed,
                    comment=_("All sheets submitted: {total} points.").format(total=result))
    return True


@transaction.atomic
def sheet_reopen(sheet, *, actor, reason):
    """Reopen a submitted reviewer or consensus sheet (a manager, before the decision);
    a scored submission goes back to "passed" until the sheet is submitted again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening the sheet.")})
    if sheet.kind == SheetKind.SELF:
        raise ValidationError(_("A self-assessment is reopened by returning the submission for completion."))
    if sheet.submitted_at is None:
        raise ValidationError(_("This sheet is not submitted."))
    submission = sheet.submission
    if submission.status == S.SCORED:
        submission_move(submission, S.PASSED, actor=actor, comment=reason, result_total=None, vetoed=False)
    elif submission.status != S.PASSED:
        raise ValidationError(_("A submission that is “{status}” keeps its sheets as they are.").format(
            status=S(submission.status).label))
    sheet.submitted_at = None
    sheet.save(update_fields=["submitted_at", "updated_at"])
    audit_record(chamber=submission.campaign.chamber, actor=actor, action="reopen sheet", target=sheet, reason=reason)
    return sheet


# --- Reading a sheet for display -------------------------------------------------------------------

@dataclass
class SheetRow:
    indicator: object
    is_leaf: bool
    entry: object = None
    self_entry: object = None
    evidence: list = field(default_factory=list)
    error: str = ""
    value: str = ""  # what the input shows: the saved score, or what was just posted
    reason: str = ""
    options: tuple = ()  # graded options, as plain strings

    @property
    def answer_mode(self):
        return self.indicator.mode == "yes_no" or self.indicator.is_veto

    @property
    def evidence_missing(self):
        """The rubric asks for evidence here and none is uploaded (凭证 are what reviewers check)."""
        return self.is_leaf and bool(self.indicator.evidence_required.strip()) and not self.evidence


def entry_value(entry):
    if entry is None:
        return ""
    if entry.answer is not None:
        return "yes" if entry.answer else "no"
    return points_text(entry.points)


@dataclass
class SheetDisplay:
    sheet: ScoreSheet
    rows: list
    totals: grading.SheetTotals
    editable: bool
    scored: int
    leaves: int
    general_evidence: list = field(default_factory=list)  # not tied to an indicator

    @property
    def evidence_missing(self):
        return [row for row in self.rows if row.evidence_missing]


def sheet_display(sheet, *, with_self=False, with_evidence=True, errors=None, posted=None):
    """The indicator tree with this sheet's entries, the subject's self-scores beside
    them (`with_self`) and the evidence per indicator, plus running totals. Four queries
    at most: tree, entries, self entries, evidence. `posted` ({id: (value, reason)}) puts
    back what a refused save sent, so nobody types it twice."""
    submission = sheet.submission
    version = submission.campaign.version
    tree = version_tree(version)
    rules = version_leaf_rules(version, tree)
    entries = {e.indicator_id: e for e in ScoreEntry.objects.filter(sheet=sheet)}
    self_entries = {}
    if with_self:
        self_entries = {
            e.indicator_id: e for e in ScoreEntry.objects.filter(
                sheet__submission=submission, sheet__kind=SheetKind.SELF, sheet__submitted_at__isnull=False)
        }
    evidence = {}
    if with_evidence:
        for item in Evidence.objects.filter(submission=submission).order_by("uploaded_at", "pk"):
            evidence.setdefault(item.indicator_id, []).append(item)
    errors, posted = errors or {}, posted or {}
    rows = []
    for node in tree:
        entry = entries.get(node.pk)
        value, reason = posted.get(node.pk, (entry_value(entry), entry.reason if entry else ""))
        rows.append(SheetRow(
            indicator=node, is_leaf=node.pk in rules, entry=entry, self_entry=self_entries.get(node.pk),
            evidence=evidence.get(node.pk, []), error=" ".join(errors.get(str(node.pk), [])),
            value="" if value is None else str(value), reason=reason or "",
            options=tuple(points_text(o) for o in (node.options or ())),
        ))
    scores = {i: grading.Score(points=e.points, answer=e.answer, reason=e.reason) for i, e in entries.items()}
    totals = grading.sheet_totals(rules, scores, version.bonus_cap)
    return SheetDisplay(sheet=sheet, rows=rows, totals=totals, editable=sheet_is_editable(sheet),
                        scored=len(rules) - len(totals.missing), leaves=len(rules),
                        general_evidence=evidence.get(None, []))
