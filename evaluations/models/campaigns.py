"""Campaigns: a federation rates its subjects (its own sub-chambers and/or the chambers
affiliated to it) under one frozen scheme version, stage by stage.

Every row here belongs to the federation that runs the campaign (`chamber`). A subject
that is an affiliated chamber works on its own submission from its own workspace; that
crossing is explicit and narrow, in `evaluations.selectors` (`*_for_subject`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from chamber.models import TenantModel
# Imported here too because migration 0001 names evaluations.models.campaigns.private_storage.
from chamber.uploads import private_storage

from .rubrics import POINTS, Indicator, SchemeVersion


class CampaignStage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPLICATION = "application", _("Application")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    PRELIMINARY_REVIEW = "preliminary_review", _("Preliminary review")
    INSPECTION = "inspection", _("On-site inspection")
    DECISION = "decision", _("Decision")
    PUBLICATION = "publication", _("Publication and objections")
    CLOSED = "closed", _("Awarded and closed")


class ResultMode(models.TextChoices):
    MEAN = "mean", _("Mean of the reviewers' sheets")
    CONSENSUS = "consensus", _("One consensus sheet per group")


class Campaign(TenantModel):
    """One round of an evaluation a federation runs, e.g. the 2026 star rating."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.ForeignKey(
        SchemeVersion, verbose_name=_("scheme version"), on_delete=models.PROTECT, related_name="campaigns"
    )
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(_("stage"), max_length=30, choices=CampaignStage.choices, default=CampaignStage.DRAFT)
    result_mode = models.CharField(
        _("group result"), max_length=20, choices=ResultMode.choices, default=ResultMode.MEAN
    )
    reviewers_per_subject = models.PositiveSmallIntegerField(
        _("reviewers per subject"), default=3,
        help_text=_("Sheets expected for each subject when results are the mean of reviewers."),
    )
    enforce_prerequisites = models.BooleanField(
        _("enforce prerequisites"), default=True,
        help_text=_("Off only for a scheme's first year, when nobody can hold the lower grade yet."),
    )
    # The timeline; the reminders rules read these dates.
    applications_close = models.DateField(_("applications close"))
    self_assessment_due = models.DateField(_("self-assessment due"))
    preliminary_review_due = models.DateField(_("preliminary review due"))
    inspection_due = models.DateField(_("on-site inspection due"))
    decision_due = models.DateField(_("decision due"))
    objection_days = models.PositiveSmallIntegerField(_("objection period (days)"), default=7)
    published_on = models.DateField(_("published on"), null=True, blank=True, editable=False)
    objection_until = models.DateField(_("objections until"), null=True, blank=True, editable=False)
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation campaign")
        verbose_name_plural = _("evaluation campaigns")
        ordering = ["-year", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["chamber", "name"], name="campaign_name_unique")]
        indexes = [models.Index(fields=["chamber", "stage"])]

    def __str__(self):
        return self.name


class WorkingGroup(TenantModel):
    """A working group of reviewers that inspects and scores the subjects given to it."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["campaign", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["chamber", "campaign", "name"], name="group_name_unique")]

    def __str__(self):
        return self.name


class CampaignReviewer(TenantModel):
    """A reviewer taking part in a campaign, with where they come from: nobody scores a
    subject from their own district, their own chamber or their own branch subtree."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="reviewers"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.CASCADE,
                             related_name="+")
    group = models.ForeignKey(WorkingGroup, verbose_name=_("working group"), on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="members")
    home_chamber = models.ForeignKey(
        "chamber.Chamber", verbose_name=_("from chamber"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", help_text=_("For example the district federation the reviewer works for."),
    )
    district_code = models.CharField(_("district code"), max_length=6, blank=True)
    home_branch = models.ForeignKey(
        "branches.Branch", verbose_name=_("from branch"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", help_text=_("Subjects in this branch and below are never given to this reviewer."),
    )

    class Meta:
        verbose_name = _("campaign reviewer")
        verbose_name_plural = _("campaign reviewers")
        ordering = ["campaign", "group", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["chamber", "campaign", "user"], name="campaign_reviewer_unique")
        ]

    def __str__(self):
        return str(self.user)


class SubmissionStatus(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible, self-assessment open")
    INELIGIBLE = "ineligible", _("Not eligible")
    SELF_ASSESSED = "self_assessed", _("Self-assessment submitted")
    RETURNED = "returned", _("Returned for completion")
    PASSED = "passed", _("Passed preliminary review")
    REJECTED = "rejected", _("Rejected at preliminary review")
    SCORED = "scored", _("Scored on site")
    DECIDED = "decided", _("Decided")
    PUBLISHED = "published", _("Published")
    AWARDED = "awarded", _("Awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Submission(TenantModel):
    """One subject's part in a campaign: application, self-assessment, reviews, result.

    The subject is either one of the federation's own sub-chambers (`subject_branch`) or
    a chamber affiliated to it (`subject_chamber`), never both.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="submissions"
    )
    subject_chamber = models.ForeignKey(
        "chamber.Chamber", verbose_name=_("subject chamber"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="evaluation_submissions",
    )
    subject_branch = models.ForeignKey(
        "branches.Branch", verbose_name=_("subject sub-chamber"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="evaluation_submissions",
    )
    subject_name = models.CharField(_("subject"), max_length=200)
    applied_level = models.PositiveSmallIntegerField(_("applies for level"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.ELIGIBLE
    )
    # Why the automatic check refused the application: a list of messages.
    eligibility_problems = models.JSONField(_("eligibility problems"), default=list, blank=True)
    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="submissions",
    )
    self_total = models.DecimalField(_("self-assessed total"), **POINTS, null=True, blank=True)
    result_total = models.DecimalField(_("result total"), **POINTS, null=True, blank=True)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    ranking = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    grade_level = models.PositiveSmallIntegerField(_("grade level"), null=True, blank=True)
    grade_label = models.CharField(_("grade"), max_length=60, blank=True)
    decision_comment = models.CharField(_("decision comment"), max_length=500, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["campaign", "subject_name", "pk"]
        permissions = [("review_submission", _("Can score this submission"))]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(subject_chamber__isnull=True) ^ models.Q(subject_branch__isnull=True)),
                name="submission_one_subject",
            ),
            models.UniqueConstraint(
                fields=["campaign", "subject_chamber"], condition=models.Q(subject_chamber__isnull=False),
                name="submission_chamber_once",
            ),
            models.UniqueConstraint(
                fields=["campaign", "subject_branch"], condition=models.Q(subject_branch__isnull=False),
                name="submission_branch_once",
            ),
        ]
        indexes = [
            models.Index(fields=["chamber", "campaign", "status"]),
            # A subject chamber's own submissions, looked up from its workspace.
            models.Index(fields=["subject_chamber", "campaign"]),
        ]

    def __str__(self):
        return f"{self.subject_name} · {self.campaign}"


class SubmissionUserObjectPermission(UserObjectPermissionBase):
    """guardian grant on one submission (a reviewer's assignment), direct foreign key."""

    content_object = models.ForeignKey(Submission, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("submission permission")
        verbose_name_plural = _("submission permissions")


class StageTransition(TenantModel):
    """One step of a campaign or a submission, with who, when and why. Never edited."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="transitions"
    )
    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="transitions",
    )
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("by (name)"), max_length=150, blank=True)
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage transitions")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["chamber", "campaign", "at"])]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"


class SheetKind(models.TextChoices):
    SELF = "self", _("Self-assessment")
    REVIEWER = "reviewer", _("Reviewer's sheet")
    CONSENSUS = "consensus", _("Group consensus")


class ScoreSheet(TenantModel):
    """One set of scores for a submission: the subject's own, a reviewer's, or a group's."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="sheets"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SheetKind.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    base_total = models.DecimalField(_("base points"), **POINTS, null=True, blank=True)
    bonus_total = models.DecimalField(_("bonus points"), **POINTS, null=True, blank=True)
    total = models.DecimalField(_("total"), **POINTS, null=True, blank=True)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["submission", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer"], condition=models.Q(kind="reviewer"), name="sheet_one_per_reviewer"
            ),
            models.UniqueConstraint(
                fields=["submission", "kind"], condition=~models.Q(kind="reviewer"), name="sheet_one_self_or_consensus"
            ),
        ]
        indexes = [models.Index(fields=["chamber", "submission", "kind"])]

    def __str__(self):
        return f"{self.submission} · {self.get_kind_display()}"


class ScoreEntry(TenantModel):
    """The points one sheet gives one scored indicator, with the reason for a deduction."""

    sheet = models.ForeignKey(ScoreSheet, verbose_name=_("sheet"), on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), **POINTS)
    # Yes/no indicators: the answer (points follow from it); a veto item answered no fails the subject.
    answer = models.BooleanField(_("answer"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["sheet", "indicator"], name="score_once_per_indicator")]

    def __str__(self):
        return f"{self.indicator_id}: {self.points}"


def _evidence_path(instance, filename):
    # The stored name never comes from the user: no path tricks, no executable extensions.
    return "evidence/{}/{}/{}".format(instance.chamber_id, instance.submission_id, instance.sha256[:32])


class Evidence(TenantModel):
    """A document a subject uploads to prove an indicator (凭证): PDF, image or Office file."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="evidence"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, editable=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["submission", "indicator", "uploaded_at", "pk"]
        indexes = [models.Index(fields=["chamber", "submission", "indicator"])]

    def __str__(self):
        return self.original_name
