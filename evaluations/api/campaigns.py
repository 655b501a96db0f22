"""API of the evaluations app: campaigns, submissions and the ratings register, under
/api/v1/chambers/<chamber>/evaluations/.

- `campaigns/`: the federation's campaigns (`evaluations.view`); create and edit
  (`evaluations.manage`), `advance` to the next stage (publishing and awarding need
  `evaluations.decide`), `subjects` to enrol sub-chambers and affiliated chambers;
- `submissions/`: those the caller may see (`selectors.submission_list_for_federation`:
  staff all, reviewers their assigned ones, branch secretaries their sub-chambers');
  `mine` (a subject's own, from its own workspace) and `apply`; the steps `review`,
  `withdraw`, `overrule`, `recheck` (managers) and `decide`, `reopen`, `objection`
  (`evaluations.decide`);
- `ratings/`: the register with its filters, `record` by hand, `revoke`; `mine` (the
  ratings this chamber holds, in whichever federation's register).
"""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from chamber.access import (
    EVALUATIONS_APPLY,
    EVALUATIONS_DECIDE,
    EVALUATIONS_MANAGE,
    EVALUATIONS_REVIEW,
    EVALUATIONS_VIEW,
)
from chamber.api.mixins import TenantViewSet

from ..campaign_reads import campaign_for_subject, campaign_list_with_counts
from ..campaigns import (
    campaign_advance,
    campaign_advance_problems,
    campaign_create,
    campaign_next_stage,
    campaign_status_counts,
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
from ..models import Campaign, Rating, Submission, SubmissionStatus
from ..ratings import rating_list_for_subject_chamber, rating_record, rating_register, rating_revoke
from ..selectors import federation_scope, submission_list_for_federation, submission_list_for_subject
from .campaign_serializers import (
    ApplySerializer,
    CampaignDetailSerializer,
    CampaignSerializer,
    CampaignWriteSerializer,
    CommentSerializer,
    DecideSerializer,
    RatingFilterSerializer,
    RatingRecordSerializer,
    RatingRevokeSerializer,
    RatingSerializer,
    RequiredCommentSerializer,
    ReviewSerializer,
    SubjectsAddSerializer,
    SubmissionSerializer,
)

READ_CAPABILITIES = (EVALUATIONS_VIEW, EVALUATIONS_REVIEW, EVALUATIONS_APPLY)


def _valid(serializer_class, data, context=None):
    serializer = serializer_class(data=data, context=context or {})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Campaigns -----------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Evaluation campaigns"),
    retrieve=extend_schema(summary="One campaign, with its submissions per status and what blocks its next stage"),
    create=extend_schema(request=CampaignWriteSerializer, responses={201: CampaignDetailSerializer},
                         summary="Set up a campaign (draft); its scheme version is frozen"),
    partial_update=extend_schema(request=CampaignWriteSerializer(partial=True), responses=CampaignDetailSerializer,
                                 summary="Edit a campaign (the version only while a draft)"),
)
class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, TenantViewSet):
    permission = EVALUATIONS_VIEW
    write_permission = EVALUATIONS_MANAGE
    queryset = Campaign.objects.none()
    serializer_class = CampaignSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_chamber_queryset(self):
        # 2 queries a page: count, campaigns (+ version, scheme, subjects counted).
        return campaign_list_with_counts(chamber=self.chamber)

    def respond_detail(self, campaign, status_code=status.HTTP_200_OK, refetch=True):
        """The campaign with its counts; `refetch` reads it again after a write (the
        subject count and stage changed), a plain retrieve already has it."""
        if refetch:
            campaign = self.get_chamber_queryset().get(pk=campaign.pk)
        campaign.chamber = self.chamber
        counts = campaign_status_counts(campaign)
        next_stage = campaign_next_stage(campaign)
        campaign.status_counts = [{"status": s, "count": n} for s, n in sorted(counts.items())]
        campaign.next_stage = next_stage
        campaign.advance_problems = campaign_advance_problems(campaign, counts=counts) if next_stage else []
        return Response(CampaignDetailSerializer(campaign).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self.respond_detail(self.get_object(), refetch=False)

    def create(self, request, *args, **kwargs):
        data = _valid(CampaignWriteSerializer, request.data, self.get_serializer_context())
        campaign = campaign_create(chamber=self.chamber, actor=request.user, **data)
        return self.respond_detail(campaign, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        campaign = self.get_object()
        serializer = CampaignWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        campaign_update(campaign=campaign, actor=request.user, **serializer.validated_data)
        return self.respond_detail(campaign)

    @extend_schema(request=CommentSerializer, responses=CampaignDetailSerializer,
                   summary="Move the campaign to its next stage (refused with the reasons when its gate is shut)")
    @action(detail=True, methods=["post"])
    def advance(self, request, *args, **kwargs):
        campaign = self.get_object()
        data = _valid(CommentSerializer, request.data)
        campaign_advance(campaign, actor=request.user, comment=data["comment"], access=self.access)
        return self.respond_detail(campaign)

    @extend_schema(request=SubjectsAddSerializer, responses={201: SubmissionSerializer(many=True)},
                   summary="Enrol subjects: our sub-chambers and affiliated chambers (all or nothing)")
    @action(detail=True, methods=["post"])
    def subjects(self, request, *args, **kwargs):
        campaign = self.get_object()
        data = _valid(SubjectsAddSerializer, request.data, self.get_serializer_context())
        created = campaign_subjects_add(campaign, actor=request.user, branches=data["branches"],
                                        chambers=data["chambers"])
        return Response(SubmissionSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


# --- Submissions ---------------------------------------------------------------------------------

SUBMISSION_ACTIONS = {
    "apply": EVALUATIONS_APPLY,
    "review": EVALUATIONS_MANAGE, "withdraw": EVALUATIONS_MANAGE, "overrule": EVALUATIONS_MANAGE,
    "recheck": EVALUATIONS_MANAGE,
    "decide": EVALUATIONS_DECIDE, "reopen": EVALUATIONS_DECIDE, "objection": EVALUATIONS_DECIDE,
}
SUBMISSION_FILTERS = [
    OpenApiParameter("campaign", OpenApiTypes.INT, description="Only this campaign's submissions."),
    OpenApiParameter("status", OpenApiTypes.STR, enum=SubmissionStatus.values, description="Only this status."),
]


@extend_schema_view(
    list=extend_schema(summary="Submissions I may see", parameters=SUBMISSION_FILTERS),
    retrieve=extend_schema(summary="One submission"),
)
class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Submission.objects.none()
    serializer_class = SubmissionSerializer

    @property
    def permission(self):
        if getattr(self, "action", None) == "mine":
            return EVALUATIONS_APPLY
        # Staff, reviewers and subjects all read; the queryset decides which rows.
        access = self.access
        return next((c for c in READ_CAPABILITIES if access.has(c)), EVALUATIONS_VIEW)

    @property
    def write_permission(self):
        return SUBMISSION_ACTIONS.get(getattr(self, "action", None))

    def get_chamber_queryset(self):
        # 2 queries a page: count, submissions (+ campaign, group).
        qs = submission_list_for_federation(chamber=self.chamber, user=self.request.user, access=self.access)
        params = self.request.query_params
        if params.get("campaign"):
            try:
                qs = qs.filter(campaign_id=int(params["campaign"]))
            except ValueError:
                raise serializers.ValidationError({"campaign": [_("Give a campaign id.")]}) from None
        if params.get("status"):
            if params["status"] not in SubmissionStatus.values:
                raise serializers.ValidationError({"status": [_("Not a submission status.")]})
            qs = qs.filter(status=params["status"])
        return qs.order_by("campaign_id", "subject_name", "pk")

    def get_object(self):
        submission = super().get_object()
        submission.campaign.chamber = self.chamber
        return submission

    def respond(self, submission, status_code=status.HTTP_200_OK):
        return Response(SubmissionSerializer(submission).data, status=status_code)

    @extend_schema(responses=SubmissionSerializer(many=True),
                   summary="Our own submissions as a subject (also to our federation's campaigns)")
    @action(detail=False, methods=["get"])
    def mine(self, request, *args, **kwargs):
        qs = submission_list_for_subject(chamber=self.chamber, access=self.access).order_by(
            "-campaign__year", "campaign_id", "subject_name", "pk")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(SubmissionSerializer(page, many=True).data)

    @extend_schema(request=ApplySerializer, responses={201: SubmissionSerializer},
                   summary="Apply: this chamber to its federation's campaign, or one of our sub-chambers to ours")
    @action(detail=False, methods=["post"])
    def apply(self, request, *args, **kwargs):
        data = _valid(ApplySerializer, request.data, self.get_serializer_context())
        campaign = campaign_for_subject(chamber=self.chamber, pk=data["campaign"])
        if campaign is None:
            raise serializers.ValidationError({"campaign": [_("This campaign does not exist.")]})
        if campaign.chamber_id == self.chamber.pk:
            branch = data.get("branch")
            if branch is None:
                raise serializers.ValidationError({"branch": [_("Name the sub-chamber that applies.")]})
            if not self.access.covers(EVALUATIONS_APPLY, branch):
                raise DjangoPermissionDenied(_("This sub-chamber lies outside the branches you act for."))
            subject = {"branch": branch}
        else:
            if self.access.branch_paths(EVALUATIONS_APPLY) is not None:
                raise DjangoPermissionDenied(_("Applying for the whole chamber needs the capability chamber-wide."))
            subject = {"subject_chamber": self.chamber}
        with federation_scope(campaign):
            submission = submission_apply(campaign=campaign, actor=request.user, applied_level=data.get("applied_level"),
                                          comment=data["comment"], **subject)
        return self.respond(submission, status.HTTP_201_CREATED)

    @extend_schema(request=ReviewSerializer, responses=SubmissionSerializer,
                   summary="Preliminary review: pass, return (with a comment) or reject (with a comment)")
    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        submission = self.get_object()
        data = _valid(ReviewSerializer, request.data)
        return self.respond(submission_review(submission, actor=request.user, **data))

    @extend_schema(request=CommentSerializer, responses=SubmissionSerializer, summary="Withdraw a submission")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        submission = self.get_object()
        data = _valid(CommentSerializer, request.data)
        return self.respond(submission_withdraw(submission, actor=request.user, comment=data["comment"]))

    @extend_schema(request=RequiredCommentSerializer, responses=SubmissionSerializer,
                   summary="Admit an application the eligibility check refused (with the reason)")
    @action(detail=True, methods=["post"])
    def overrule(self, request, *args, **kwargs):
        submission = self.get_object()
        data = _valid(RequiredCommentSerializer, request.data)
        return self.respond(submission_overrule(submission, actor=request.user, reason=data["comment"]))

    @extend_schema(request=None, responses=SubmissionSerializer, summary="Run the eligibility check again")
    @action(detail=True, methods=["post"])
    def recheck(self, request, *args, **kwargs):
        return self.respond(submission_recheck(self.get_object(), actor=request.user))

    @extend_schema(request=DecideSerializer, responses=SubmissionSerializer,
                   summary="Decide: accept the computed grade, or another with a comment")
    @action(detail=True, methods=["post"])
    def decide(self, request, *args, **kwargs):
        submission = self.get_object()
        data = _valid(DecideSerializer, request.data)
        return self.respond(submission_decide(submission, actor=request.user, grade_level=data["grade_level"],
                                              comment=data["comment"], access=self.access))

    @extend_schema(request=RequiredCommentSerializer, responses=SubmissionSerializer,
                   summary="Reopen a decision before publication")
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        submission = self.get_object()
        data = _valid(RequiredCommentSerializer, request.data)
        return self.respond(submission_decision_reopen(submission, actor=request.user, comment=data["comment"]))

    @extend_schema(request=RequiredCommentSerializer, responses=SubmissionSerializer,
                   summary="Uphold an objection during the publication: decide the submission again")
    @action(detail=True, methods=["post"])
    def objection(self, request, *args, **kwargs):
        submission = self.get_object()
        data = _valid(RequiredCommentSerializer, request.data)
        return self.respond(submission_objection_uphold(submission, actor=request.user, comment=data["comment"]))


# --- Ratings -------------------------------------------------------------------------------------

RATING_FILTERS = [
    OpenApiParameter("scheme", OpenApiTypes.INT, description="Only this scheme."),
    OpenApiParameter("level", OpenApiTypes.INT, description="Only this level."),
    OpenApiParameter("status", OpenApiTypes.STR, enum=["active", "revoked", "superseded"], description="Only this status."),
    OpenApiParameter("subject", OpenApiTypes.STR, description="The subject's name contains this."),
    OpenApiParameter("expiring", OpenApiTypes.INT,
                     description="Held ratings whose validity ends within this many days (soonest first)."),
]


@extend_schema_view(
    list=extend_schema(summary="The ratings register", parameters=RATING_FILTERS),
    retrieve=extend_schema(summary="One rating"),
    create=extend_schema(request=RatingRecordSerializer, responses={201: RatingSerializer},
                         summary="Record by hand a grade awarded elsewhere (e.g. a district's three stars)"),
)
class RatingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet):
    queryset = Rating.objects.none()
    serializer_class = RatingSerializer

    @property
    def permission(self):
        return EVALUATIONS_APPLY if getattr(self, "action", None) == "mine" else EVALUATIONS_VIEW

    @property
    def write_permission(self):
        return EVALUATIONS_DECIDE if getattr(self, "action", None) == "revoke" else EVALUATIONS_MANAGE

    def get_chamber_queryset(self):
        # 2 queries a page: count, ratings (+ scheme, campaign).
        if self.action != "list":
            return rating_register(chamber=self.chamber)
        filters = _valid(RatingFilterSerializer, self.request.query_params)
        return rating_register(
            chamber=self.chamber, scheme=filters.get("scheme"), level=filters.get("level"),
            status=filters.get("status"), subject=filters.get("subject", ""), expiring_within=filters.get("expiring"),
        )

    def create(self, request, *args, **kwargs):
        data = dict(_valid(RatingRecordSerializer, request.data, self.get_serializer_context()))
        rating = rating_record(chamber=self.chamber, actor=request.user, **data)
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RatingRevokeSerializer, responses=RatingSerializer, summary="Revoke a held rating")
    @action(detail=True, methods=["post"])
    def revoke(self, request, *args, **kwargs):
        rating = self.get_object()
        data = _valid(RatingRevokeSerializer, request.data)
        return Response(RatingSerializer(rating_revoke(rating=rating, actor=request.user, reason=data["reason"])).data)

    @extend_schema(responses=RatingSerializer(many=True),
                   summary="The ratings this chamber holds (kept in its federation's register)")
    @action(detail=False, methods=["get"])
    def mine(self, request, *args, **kwargs):
        if self.access.branch_paths(EVALUATIONS_APPLY) is not None:
            raise NotFound()
        qs = rating_list_for_subject_chamber(chamber=self.chamber).order_by("-awarded_on", "pk")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(RatingSerializer(page, many=True).data)


def register(router):
    """Add this module's viewsets to the evaluations router."""
    router.register("campaigns", CampaignViewSet, basename="api-evaluation-campaign")
    router.register("submissions", SubmissionViewSet, basename="api-evaluation-submission")
    router.register("ratings", RatingViewSet, basename="api-evaluation-rating")
