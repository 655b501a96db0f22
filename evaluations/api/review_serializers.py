"""Serializers of the reviews API: reviewers, working groups, assignments, score sheets
and evidence. Read serializers describe what comes back; write serializers check shapes
and hand plain values to the services (evaluations.assignment / scoring / evidence)."""
from django.contrib.auth import get_user_model
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from branches.models import Branch
from chamber.api.serializers import ChamberRelatedField, ChoicesField
from chamber.models import Chamber

from ..forms.reviews import home_chamber_choices, reviewer_candidates
from ..models import CampaignStage, ResultMode, ScoringMode, SheetKind, SubmissionStatus


class ReviewRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ReviewUserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


# --- Reviewers and groups --------------------------------------------------------------------------

class ReviewerSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    user = ReviewUserSerializer(read_only=True)
    group = serializers.IntegerField(source="group_id", read_only=True, allow_null=True)
    home_chamber = ReviewRefSerializer(read_only=True, allow_null=True)
    district_code = serializers.CharField(read_only=True)
    home_branch = ReviewRefSerializer(read_only=True, allow_null=True)


class ReviewerCreateSerializer(serializers.Serializer):
    """A user with a reviewer role in the federation, and where they come from."""

    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.none())
    home_chamber = serializers.PrimaryKeyRelatedField(queryset=Chamber.objects.none(), required=False, allow_null=True,
                                                      help_text="A chamber the federation supervises.")
    district_code = serializers.CharField(max_length=6, required=False, allow_blank=True, default="",
                                          help_text="Six digits; empty: the home chamber's district.")
    home_branch = ChamberRelatedField(model=Branch, required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        campaign = self.context.get("campaign")
        if campaign is not None:
            self.fields["user"].queryset = reviewer_candidates(campaign)
            self.fields["home_chamber"].queryset = home_chamber_choices(campaign)


class ReviewerGroupChangeSerializer(serializers.Serializer):
    group = serializers.IntegerField(allow_null=True, help_text="A working group of the campaign; null: none.")


class WorkingGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    load = serializers.IntegerField(read_only=True, help_text="Subjects in the running given to the group.")
    members = ReviewerSerializer(many=True, read_only=True)


class AutoAssignResultSerializer(serializers.Serializer):
    assigned = serializers.ListField(child=serializers.DictField(child=serializers.IntegerField()),
                                     help_text="[{submission, group}] given a group just now.")
    unplaced = ReviewRefSerializer(many=True, help_text="Subjects no group may take without a conflict of interest.")


class AssignmentConflictSerializer(serializers.Serializer):
    group = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class AssignmentSerializer(serializers.Serializer):
    """A subject of the campaign, its group, and the groups it may not go to and why."""

    id = serializers.IntegerField(source="submission.pk")
    subject_name = serializers.CharField(source="submission.subject_name")
    status = ChoicesField(SubmissionStatus, source="submission.status")
    group = serializers.IntegerField(source="submission.group_id", allow_null=True)
    eligible_groups = serializers.SerializerMethodField()
    conflicts = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_eligible_groups(self, obj):
        return [g.pk for g in obj.eligible]

    @extend_schema_field(AssignmentConflictSerializer(many=True))
    def get_conflicts(self, obj):
        return [{"group": group.pk, "reasons": reasons} for group, reasons in obj.blocked]


class AssignmentChangeSerializer(serializers.Serializer):
    group = serializers.IntegerField(allow_null=True, help_text="A working group of the campaign; null: unassigned.")
    reason = serializers.CharField(max_length=500)


# --- Sheets ----------------------------------------------------------------------------------------

class SheetIndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    depth = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    max_points = serializers.DecimalField(max_digits=8, decimal_places=2)
    mode = ChoicesField(ScoringMode)
    options = serializers.ListField(child=serializers.CharField())
    is_veto = serializers.BooleanField()
    is_bonus = serializers.BooleanField()
    guidance = serializers.CharField()
    evidence_required = serializers.CharField()


class SheetRowSerializer(serializers.Serializer):
    indicator = SheetIndicatorSerializer()
    is_leaf = serializers.BooleanField(help_text="Only leaves are scored.")
    value = serializers.CharField(help_text="Points, a graded option, or yes / no; empty: not scored yet.")
    reason = serializers.CharField()
    self_value = serializers.SerializerMethodField(help_text="The subject's own score (reviewers' sheets).")
    self_reason = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField(help_text="Ids of the evidence files for this indicator.")

    def get_self_value(self, row) -> str:
        from ..scoring import entry_value

        return entry_value(row.self_entry)

    def get_self_reason(self, row) -> str:
        return row.self_entry.reason if row.self_entry else ""

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_evidence(self, row):
        return [e.pk for e in row.evidence]


class SheetTotalsSerializer(serializers.Serializer):
    base = serializers.DecimalField(max_digits=8, decimal_places=2)
    bonus = serializers.DecimalField(max_digits=8, decimal_places=2)
    total = serializers.DecimalField(max_digits=8, decimal_places=2)
    vetoed = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.IntegerField(), help_text="Leaves not scored yet.")


class SheetSerializer(serializers.Serializer):
    """A sheet with its indicator tree, scores and running totals (`sheet_display`)."""

    id = serializers.IntegerField(source="sheet.pk")
    kind = ChoicesField(SheetKind, source="sheet.kind")
    submission = serializers.IntegerField(source="sheet.submission_id")
    reviewer = serializers.IntegerField(source="sheet.reviewer_id", allow_null=True)
    submitted_at = serializers.DateTimeField(source="sheet.submitted_at", allow_null=True)
    editable = serializers.BooleanField()
    scored = serializers.IntegerField()
    leaves = serializers.IntegerField()
    totals = SheetTotalsSerializer()
    rows = SheetRowSerializer(many=True)


class ScoreInSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    value = serializers.CharField(allow_blank=True, allow_null=True, max_length=20,
                                  help_text="Points (\"17.5\"), a graded option, or yes / no; blank clears the score.")
    reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=500,
                                   help_text="Required for every deduction.")


class ScoresInSerializer(serializers.Serializer):
    scores = ScoreInSerializer(many=True)

    def as_service_scores(self):
        return {s["indicator"]: (s["value"], s["reason"]) for s in self.validated_data["scores"]}


class ReviewCampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    year = serializers.IntegerField(read_only=True)
    stage = ChoicesField(CampaignStage, read_only=True)
    result_mode = ChoicesField(ResultMode, read_only=True)


class SheetStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = ChoicesField(SheetKind)
    submitted_at = serializers.DateTimeField(allow_null=True)
    total = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)


class ReviewItemSerializer(serializers.Serializer):
    """A submission assigned to me, with my sheet's state (consensus campaigns: the group's)."""

    id = serializers.IntegerField(read_only=True)
    campaign = ReviewCampaignSerializer(read_only=True)
    subject_name = serializers.CharField(read_only=True)
    status = ChoicesField(SubmissionStatus, read_only=True)
    group = ReviewRefSerializer(read_only=True, allow_null=True)
    sheet = serializers.SerializerMethodField()

    @extend_schema_field(SheetStateSerializer(allow_null=True))
    def get_sheet(self, obj):
        sheet = self.context.get("sheets", {}).get(obj.pk)
        return SheetStateSerializer(sheet).data if sheet else None


class SubjectSubmissionSerializer(serializers.Serializer):
    """One of my chamber's own submissions, as its subject."""

    id = serializers.IntegerField(read_only=True)
    campaign = ReviewCampaignSerializer(read_only=True)
    federation = serializers.CharField(source="campaign.chamber.name", read_only=True)
    subject_name = serializers.CharField(read_only=True)
    status = ChoicesField(SubmissionStatus, read_only=True)
    self_total = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True, allow_null=True)


class SheetReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class SubmissionSheetSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = ChoicesField(SheetKind, read_only=True)
    reviewer = ReviewUserSerializer(read_only=True, allow_null=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    base_total = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True, allow_null=True)
    bonus_total = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True, allow_null=True)
    total = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True, allow_null=True)
    vetoed = serializers.BooleanField(read_only=True)


# --- Evidence --------------------------------------------------------------------------------------

class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    submission = serializers.IntegerField(source="submission_id", read_only=True)
    indicator = serializers.IntegerField(source="indicator_id", read_only=True, allow_null=True)
    original_name = serializers.CharField(read_only=True)
    content_type = serializers.CharField(read_only=True, help_text="Detected from the content, not the name.")
    size = serializers.IntegerField(read_only=True)
    sha256 = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)
    uploaded_at = serializers.DateTimeField(read_only=True)
    download = serializers.SerializerMethodField()

    # A path on this host (uri-reference), not an absolute URI.
    @extend_schema_field({"type": "string", "format": "uri-reference"})
    def get_download(self, obj):
        chamber = self.context.get("chamber")
        return reverse("api-evaluation-evidence-download", kwargs={"chamber": chamber.slug, "pk": obj.pk})


class EvidenceUploadSerializer(serializers.Serializer):
    submission = serializers.IntegerField(help_text="One of your own submissions, its self-assessment open.")
    indicator = serializers.IntegerField(required=False, allow_null=True)
    file = serializers.FileField(help_text="PDF, JPEG, PNG, GIF, WebP or an Office document.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
