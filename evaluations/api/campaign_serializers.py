"""Serializers of the campaigns API: campaigns, submissions and the ratings register.
Read serializers describe what comes back; write serializers check shapes and hand
plain values to the services (evaluations.campaigns / ratings)."""
from rest_framework import serializers

from branches.models import Branch
from chamber.api.serializers import ChamberRelatedField, ChoicesField, chamber_of
from chamber.models import Chamber

from ..models import CampaignStage, RatingStatus, ResultMode, Scheme, SchemeVersion, SubmissionStatus

POINTS = {"max_digits": 8, "decimal_places": 2, "read_only": True, "allow_null": True}


class AffiliatedChamberField(serializers.PrimaryKeyRelatedField):
    """A chamber affiliated to the request's chamber (any other id "does not exist")."""

    def __init__(self, **kwargs):
        kwargs["queryset"] = Chamber.objects.none()
        super().__init__(**kwargs)

    def get_queryset(self):
        chamber = chamber_of(self.context)
        if chamber is None:
            return Chamber.objects.none()
        return Chamber.objects.filter(supervising_federation=chamber)


# --- Campaigns -----------------------------------------------------------------------------------

class CampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    year = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(source="version_id", read_only=True)
    version_label = serializers.CharField(source="version.label", read_only=True)
    scheme = serializers.IntegerField(source="version.scheme_id", read_only=True)
    scheme_name = serializers.CharField(source="version.scheme.name", read_only=True)
    description = serializers.CharField(read_only=True)
    stage = ChoicesField(CampaignStage, read_only=True)
    result_mode = ChoicesField(ResultMode, read_only=True)
    reviewers_per_subject = serializers.IntegerField(read_only=True)
    enforce_prerequisites = serializers.BooleanField(read_only=True)
    applications_close = serializers.DateField(read_only=True)
    self_assessment_due = serializers.DateField(read_only=True)
    preliminary_review_due = serializers.DateField(read_only=True)
    inspection_due = serializers.DateField(read_only=True)
    decision_due = serializers.DateField(read_only=True)
    objection_days = serializers.IntegerField(read_only=True)
    published_on = serializers.DateField(read_only=True, allow_null=True)
    objection_until = serializers.DateField(read_only=True, allow_null=True)
    awarded_on = serializers.DateField(read_only=True, allow_null=True)
    subjects = serializers.IntegerField(read_only=True, help_text="Subjects taking part (withdrawn ones not counted).")


class StatusCountSerializer(serializers.Serializer):
    status = ChoicesField(SubmissionStatus, read_only=True)
    count = serializers.IntegerField(read_only=True)


class CampaignDetailSerializer(CampaignSerializer):
    status_counts = StatusCountSerializer(many=True, read_only=True)
    next_stage = ChoicesField(CampaignStage, read_only=True, allow_null=True)
    advance_problems = serializers.ListField(
        child=serializers.CharField(), read_only=True,
        help_text="What stands in the way of the next stage; empty when the campaign may advance.")


class CampaignWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    version = ChamberRelatedField(model=SchemeVersion, help_text="A scheme version of this federation; it is frozen.")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    applications_close = serializers.DateField()
    self_assessment_due = serializers.DateField()
    preliminary_review_due = serializers.DateField()
    inspection_due = serializers.DateField()
    decision_due = serializers.DateField()
    objection_days = serializers.IntegerField(min_value=0, max_value=90, default=7)
    result_mode = ChoicesField(ResultMode, default=ResultMode.MEAN)
    reviewers_per_subject = serializers.IntegerField(min_value=1, max_value=20, default=3)
    enforce_prerequisites = serializers.BooleanField(default=True)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class RequiredCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=1000)


class SubjectsAddSerializer(serializers.Serializer):
    branches = ChamberRelatedField(model=Branch, many=True, required=False, default=list,
                                   help_text="Our own sub-chambers (street, industry … chambers).")
    chambers = AffiliatedChamberField(many=True, required=False, default=list,
                                      help_text="Chambers affiliated to this federation.")


# --- Submissions ---------------------------------------------------------------------------------

class SubmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    campaign = serializers.IntegerField(source="campaign_id", read_only=True)
    campaign_name = serializers.CharField(source="campaign.name", read_only=True)
    subject_branch = serializers.IntegerField(source="subject_branch_id", read_only=True, allow_null=True)
    subject_chamber = serializers.IntegerField(source="subject_chamber_id", read_only=True, allow_null=True)
    subject_name = serializers.CharField(read_only=True)
    applied_level = serializers.IntegerField(read_only=True, allow_null=True)
    status = ChoicesField(SubmissionStatus, read_only=True)
    eligibility_problems = serializers.ListField(child=serializers.CharField(), read_only=True)
    group = serializers.IntegerField(source="group_id", read_only=True, allow_null=True)
    self_total = serializers.DecimalField(**POINTS)
    result_total = serializers.DecimalField(**POINTS)
    vetoed = serializers.BooleanField(read_only=True)
    ranking = serializers.IntegerField(read_only=True, allow_null=True)
    grade_level = serializers.IntegerField(read_only=True, allow_null=True)
    grade_label = serializers.CharField(read_only=True)
    decision_comment = serializers.CharField(read_only=True)
    applied_at = serializers.DateTimeField(read_only=True)


class ApplySerializer(serializers.Serializer):
    campaign = serializers.IntegerField(
        help_text="A campaign of this chamber (then name `branch`, a sub-chamber within your reach) or of its "
                  "supervising federation (then this chamber applies).")
    branch = ChamberRelatedField(model=Branch, required=False, allow_null=True)
    applied_level = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["pass", "return", "reject"])
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="",
                                    help_text="Required when returning or rejecting.")


class DecideSerializer(serializers.Serializer):
    grade_level = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, default=None,
        help_text="Empty: accept the computed grade; 0: no grade; else a grade level of the scheme version.")
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                    help_text="Required when deciding another grade than the computed one.")


# --- Ratings -------------------------------------------------------------------------------------

class RatingSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    scheme = serializers.IntegerField(source="scheme_id", read_only=True)
    scheme_name = serializers.CharField(source="scheme.name", read_only=True)
    campaign = serializers.IntegerField(source="campaign_id", read_only=True, allow_null=True)
    submission = serializers.IntegerField(source="submission_id", read_only=True, allow_null=True)
    subject_branch = serializers.IntegerField(source="subject_branch_id", read_only=True, allow_null=True)
    subject_chamber = serializers.IntegerField(source="subject_chamber_id", read_only=True, allow_null=True)
    subject_name = serializers.CharField(read_only=True)
    level = serializers.IntegerField(read_only=True)
    grade_label = serializers.CharField(read_only=True)
    total = serializers.DecimalField(**POINTS)
    awarded_on = serializers.DateField(read_only=True)
    valid_until = serializers.DateField(read_only=True)
    status = ChoicesField(RatingStatus, read_only=True)
    awarded_by = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)
    revoked_reason = serializers.CharField(read_only=True)


class RatingRecordSerializer(serializers.Serializer):
    scheme = ChamberRelatedField(model=Scheme)
    branch = ChamberRelatedField(model=Branch, required=False, allow_null=True, help_text="One of our sub-chambers …")
    subject_chamber = AffiliatedChamberField(required=False, allow_null=True, help_text="… or an affiliated chamber.")
    level = serializers.IntegerField(min_value=1, max_value=20)
    grade_label = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    awarded_on = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    awarded_by = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RatingRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class RatingFilterSerializer(serializers.Serializer):
    """The register's query parameters."""

    scheme = serializers.IntegerField(required=False)
    level = serializers.IntegerField(required=False, min_value=1)
    status = ChoicesField(RatingStatus, required=False)
    subject = serializers.CharField(required=False, allow_blank=True)
    expiring = serializers.IntegerField(required=False, min_value=1, max_value=3650,
                                        help_text="Held ratings whose validity ends within this many days.")
