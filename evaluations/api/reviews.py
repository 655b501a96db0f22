"""API of the evaluations app: reviews, under /api/v1/chambers/<chamber>/evaluations/.

- `campaigns/<campaign_pk>/reviewers/`, `.../groups/` (with `auto-assign`) and
  `.../assignments/` (a subject's group, moved by hand with a reason): the federation's
  staff read them with `evaluations.view`, managers change them;
- `reviews/`: the submissions assigned to me and my sheet on each (the group's consensus
  sheet in consensus campaigns), `scores` and `submit`;
- `submissions/<submission_pk>/sheets/`: every sheet of a submission for the federation's
  staff, and `reopen` for managers;
- `self-assessments/`: a subject's own submissions from its own workspace, its self
  sheet, `scores` and `submit`;
- `evidence/` (in `review_evidence`): list, multipart upload and delete (the subject),
  `download` (whoever may see the submission), always as an attachment.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from chamber.access import EVALUATIONS_APPLY, EVALUATIONS_MANAGE, EVALUATIONS_REVIEW, EVALUATIONS_VIEW
from chamber.api.exceptions import Conflict
from chamber.api.mixins import TenantViewSet

from ..assignment import (
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
from ..models import (
    Campaign,
    CampaignReviewer,
    ResultMode,
    ScoreSheet,
    SheetKind,
    Submission,
    SubmissionStatus,
    WorkingGroup,
)
from ..scoring import (
    consensus_sheet,
    self_sheet,
    sheet_display,
    sheet_for_reviewer,
    sheet_reopen,
    sheet_save,
    sheet_submit,
)
from ..selectors import federation_scope, reviewer_submission_ids, submission_list_for_subject
from .review_evidence import EvidenceViewSet
from .review_serializers import (
    AssignmentChangeSerializer,
    AssignmentSerializer,
    AutoAssignResultSerializer,
    WorkingGroupSerializer,
    SheetReopenSerializer,
    ReviewerCreateSerializer,
    ReviewerGroupChangeSerializer,
    ReviewerSerializer,
    ReviewItemSerializer,
    ScoresInSerializer,
    SheetSerializer,
    SubjectSubmissionSerializer,
    SubmissionSheetSerializer,
)

CAMPAIGN_PK = OpenApiParameter("campaign_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The campaign's id.")
SUBMISSION_PK = OpenApiParameter("submission_pk", OpenApiTypes.INT, OpenApiParameter.PATH,
                                 description="The submission's id.")


def scores_error(exc):
    """A sheet service's per-indicator errors, under `scores` ({"scores": {"<id>": [...]}})."""
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError({"scores": exc.message_dict})
    return serializers.ValidationError({"non_field_errors": exc.messages})


def group_of(campaign, group_id, field="group"):
    if group_id is None:
        return None
    group = WorkingGroup.objects.filter(chamber_id=campaign.chamber_id, campaign=campaign, pk=group_id).first()
    if group is None:
        raise serializers.ValidationError({field: [_("This working group does not exist in the campaign.")]})
    group.campaign = campaign
    return group


class CampaignNestedMixin:
    """Resources under campaigns/<campaign_pk>/ of the request's chamber."""

    permission = EVALUATIONS_VIEW
    write_permission = EVALUATIONS_MANAGE

    def get_campaign(self):
        if not hasattr(self, "_campaign"):
            campaign = get_object_or_404(Campaign.objects.filter(chamber=self.chamber), pk=self.kwargs["campaign_pk"])
            campaign.chamber = self.chamber
            self._campaign = campaign
        return self._campaign


# --- Reviewers, groups, assignments ----------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(parameters=[CAMPAIGN_PK], summary="The campaign's reviewers, with where they come from"),
    create=extend_schema(parameters=[CAMPAIGN_PK], request=ReviewerCreateSerializer,
                         responses={201: ReviewerSerializer}, summary="Add a reviewer"),
    destroy=extend_schema(parameters=[CAMPAIGN_PK], summary="Remove a reviewer from the campaign"),
)
class ReviewerViewSet(CampaignNestedMixin, mixins.ListModelMixin, mixins.DestroyModelMixin, TenantViewSet):
    queryset = CampaignReviewer.objects.none()
    serializer_class = ReviewerSerializer

    def get_chamber_queryset(self):
        # 2 queries a page: count, rows (+ user, home chamber, home branch).
        return (CampaignReviewer.objects.filter(chamber=self.chamber, campaign=self.get_campaign())
                .select_related("user", "home_chamber", "home_branch").order_by("user__username", "pk"))

    def get_object(self):
        reviewer = super().get_object()
        reviewer.campaign = self.get_campaign()
        return reviewer

    def create(self, request, *args, **kwargs):
        campaign = self.get_campaign()
        serializer = ReviewerCreateSerializer(data=request.data, context={**self.get_serializer_context(),
                                                                            "campaign": campaign})
        serializer.is_valid(raise_exception=True)
        reviewer = reviewer_add(campaign, actor=request.user, **serializer.validated_data)
        return Response(ReviewerSerializer(reviewer).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        reviewer_remove(instance, actor=self.request.user)

    @extend_schema(parameters=[CAMPAIGN_PK], request=ReviewerGroupChangeSerializer, responses=ReviewerSerializer,
                   summary="Put the reviewer in a working group (refused on a conflict of interest)")
    @action(detail=True, methods=["post"])
    def group(self, request, *args, **kwargs):
        reviewer = self.get_object()
        serializer = ReviewerGroupChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = group_of(reviewer.campaign, serializer.validated_data["group"])
        reviewer = reviewer_set_group(reviewer, actor=request.user, group=group)
        return Response(ReviewerSerializer(reviewer).data)


@extend_schema_view(
    list=extend_schema(parameters=[CAMPAIGN_PK], summary="Working groups with their members and loads"),
    retrieve=extend_schema(parameters=[CAMPAIGN_PK], summary="One working group"),
    create=extend_schema(parameters=[CAMPAIGN_PK], summary="Create a working group"),
    partial_update=extend_schema(parameters=[CAMPAIGN_PK], summary="Rename a working group"),
    destroy=extend_schema(parameters=[CAMPAIGN_PK], summary="Delete a group; its subjects become unassigned"),
)
class GroupViewSet(CampaignNestedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   mixins.UpdateModelMixin, mixins.DestroyModelMixin, TenantViewSet):
    queryset = WorkingGroup.objects.none()
    serializer_class = WorkingGroupSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_chamber_queryset(self):
        # 3 queries a page: count, groups (+ their load), members (+ user, home chamber, branch).
        members = CampaignReviewer.objects.select_related("user", "home_chamber", "home_branch").order_by(
            "user__username", "pk")
        return (
            WorkingGroup.objects.filter(chamber=self.chamber, campaign=self.get_campaign())
            .annotate(load=Count("submissions", filter=~Q(submissions__status__in=[
                SubmissionStatus.INELIGIBLE, SubmissionStatus.REJECTED, SubmissionStatus.WITHDRAWN])))
            .prefetch_related(Prefetch("members", queryset=members)).order_by("name", "pk")
        )

    def get_object(self):
        group = super().get_object()
        group.campaign = self.get_campaign()
        return group

    def _respond(self, group, status_code=status.HTTP_200_OK):
        return Response(WorkingGroupSerializer(self.get_chamber_queryset().get(pk=group.pk)).data, status=status_code)

    def create(self, request, *args, **kwargs):
        campaign = self.get_campaign()  # first: another chamber's campaign id is a 404, not a 400 (issue 10)
        serializer = WorkingGroupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = group_create(campaign, actor=request.user, name=serializer.validated_data["name"])
        return self._respond(group, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        group = self.get_object()
        serializer = WorkingGroupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group_rename(group, actor=request.user, name=serializer.validated_data["name"])
        return self._respond(group)

    def perform_destroy(self, instance):
        group_delete(instance, actor=self.request.user)

    @extend_schema(parameters=[CAMPAIGN_PK], request=None, responses=AutoAssignResultSerializer,
                   summary="Give every passed or self-assessed subject without a group a group, never "
                           "against the conflict-of-interest rule, loads balanced")
    @action(detail=False, methods=["post"], url_path="auto-assign")
    def auto_assign(self, request, *args, **kwargs):
        outcome = campaign_assign_groups(self.get_campaign(), actor=request.user)
        return Response(AutoAssignResultSerializer({
            "assigned": [{"submission": s.pk, "group": g.pk} for s, g in outcome.assigned],
            "unplaced": [{"id": s.pk, "name": s.subject_name} for s in outcome.unplaced],
        }).data)


@extend_schema_view(
    list=extend_schema(parameters=[CAMPAIGN_PK], summary="The campaign's subjects, their groups and conflicts"),
    partial_update=extend_schema(parameters=[CAMPAIGN_PK], request=AssignmentChangeSerializer,
                                 responses=AssignmentSerializer,
                                 summary="Move a subject to a group by hand, with a reason"),
)
class AssignmentViewSet(CampaignNestedMixin, mixins.ListModelMixin, mixins.UpdateModelMixin, TenantViewSet):
    queryset = Submission.objects.none()
    serializer_class = AssignmentSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_chamber_queryset(self):
        return (Submission.objects.filter(chamber=self.chamber, campaign=self.get_campaign())
                .select_related("subject_chamber", "subject_branch").order_by("subject_name", "pk"))

    def list(self, request, *args, **kwargs):
        # 5 queries whatever the page: campaign; count, the page's submissions (+ subject
        # chamber and branch); the campaign's groups and reviewers (to explain conflicts).
        page = self.paginate_queryset(self.get_queryset())
        board = assignment_board(self.get_campaign(), submissions=page)
        return self.get_paginated_response(
            AssignmentSerializer([board.subjects[s.pk] for s in page], many=True).data)

    def update(self, request, *args, **kwargs):
        campaign = self.get_campaign()
        submission = get_object_or_404(self.get_chamber_queryset(), pk=kwargs["pk"])
        submission.campaign = campaign
        serializer = AssignmentChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        submission_assign_group(submission, actor=request.user, group=group_of(campaign, data["group"]),
                                reason=data["reason"])
        board = assignment_board(campaign, submissions=[submission])
        return Response(AssignmentSerializer(board.subjects[submission.pk]).data)


# --- Federation staff: the sheets of a submission --------------------------------------------------

@extend_schema_view(
    list=extend_schema(parameters=[SUBMISSION_PK], summary="Every sheet of a submission, with totals"),
    retrieve=extend_schema(parameters=[SUBMISSION_PK], responses=SheetSerializer,
                           summary="One sheet with its indicator tree and scores"),
)
class SubmissionSheetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    permission = EVALUATIONS_VIEW
    write_permission = EVALUATIONS_MANAGE
    queryset = ScoreSheet.objects.none()
    serializer_class = SubmissionSheetSerializer

    def get_submission(self):
        if not hasattr(self, "_submission"):
            submission = get_object_or_404(
                Submission.objects.filter(chamber=self.chamber).select_related("campaign__version"),
                pk=self.kwargs["submission_pk"])
            submission.campaign.chamber = self.chamber
            self._submission = submission
        return self._submission

    def get_chamber_queryset(self):
        # 2 queries a page: count, sheets (+ reviewer).
        return (ScoreSheet.objects.filter(chamber=self.chamber, submission=self.get_submission())
                .select_related("reviewer").order_by("kind", "reviewer__username", "pk"))

    def get_object(self):
        sheet = super().get_object()
        sheet.submission = self.get_submission()
        return sheet

    def retrieve(self, request, *args, **kwargs):
        sheet = self.get_object()
        display = sheet_display(sheet, with_self=sheet.kind != SheetKind.SELF)
        return Response(SheetSerializer(display).data)

    @extend_schema(parameters=[SUBMISSION_PK], request=SheetReopenSerializer, responses=SubmissionSheetSerializer,
                   summary="Reopen a submitted reviewer or consensus sheet (before the decision)")
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        sheet = self.get_object()
        serializer = SheetReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sheet_reopen(sheet, actor=request.user, reason=serializer.validated_data["reason"])
        return Response(SubmissionSheetSerializer(sheet).data)


# --- Reviewers: my sheets --------------------------------------------------------------------------

def sheet_response(sheet, **kwargs):
    return Response(SheetSerializer(sheet_display(sheet, **kwargs)).data)


@extend_schema_view(
    list=extend_schema(summary="The submissions assigned to me, with my sheet's state"),
    retrieve=extend_schema(responses=SheetSerializer,
                           summary="My sheet on a submission (the group's consensus sheet in consensus campaigns)"),
)
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    permission = EVALUATIONS_REVIEW
    write_permission = EVALUATIONS_REVIEW
    queryset = Submission.objects.none()
    serializer_class = ReviewItemSerializer

    def get_chamber_queryset(self):
        return (
            Submission.objects.filter(chamber=self.chamber, pk__in=reviewer_submission_ids(user=self.request.user))
            .select_related("campaign__version", "group").order_by("-campaign__year", "campaign__name",
                                                                    "subject_name", "pk")
        )

    def list(self, request, *args, **kwargs):
        # 3 queries a page: count, rows (+ campaign, group), my sheets on the page.
        page = self.paginate_queryset(self.get_queryset())
        sheets = {
            s.submission_id: s for s in ScoreSheet.objects.filter(
                Q(kind=SheetKind.REVIEWER, reviewer=request.user) | Q(kind=SheetKind.CONSENSUS),
                submission_id__in=[p.pk for p in page])
        }
        return self.get_paginated_response(
            ReviewItemSerializer(page, many=True, context={**self.get_serializer_context(), "sheets": sheets}).data)

    def my_sheet(self):
        submission = self.get_object()
        submission.campaign.chamber = self.chamber
        try:
            if submission.campaign.result_mode == ResultMode.CONSENSUS:
                return consensus_sheet(submission)
            return sheet_for_reviewer(submission, self.request.user)
        except DjangoValidationError as exc:
            raise Conflict(" ".join(exc.messages)) from None

    def retrieve(self, request, *args, **kwargs):
        return sheet_response(self.my_sheet(), with_self=True)

    @extend_schema(request=ScoresInSerializer, responses=SheetSerializer,
                   summary="Save scores: all or nothing, every indicator's problem reported at once")
    @action(detail=True, methods=["post"])
    def scores(self, request, *args, **kwargs):
        sheet = self.my_sheet()
        serializer = ScoresInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            sheet_save(sheet, actor=request.user, scores=serializer.as_service_scores())
        except DjangoValidationError as exc:
            raise scores_error(exc) from None
        return sheet_response(sheet, with_self=True)

    @extend_schema(request=None, responses=SheetSerializer, summary="Submit my sheet: every indicator scored")
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        sheet = self.my_sheet()
        try:
            sheet_submit(sheet, actor=request.user)
        except DjangoValidationError as exc:
            raise scores_error(exc) from None
        return sheet_response(sheet, with_self=True)


# --- Subjects: the self-assessment -----------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="My chamber's own submissions (as the subject)"),
    retrieve=extend_schema(responses=SheetSerializer, summary="Our self-assessment sheet"),
)
class SelfAssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    permission = EVALUATIONS_APPLY
    write_permission = EVALUATIONS_APPLY
    queryset = Submission.objects.none()
    serializer_class = SubjectSubmissionSerializer

    def get_chamber_queryset(self):
        # 2 queries a page: count, rows (+ campaign, its federation).
        return submission_list_for_subject(chamber=self.chamber, access=self.access).order_by(
            "-campaign__year", "campaign__name", "subject_name", "pk")

    def get_object(self):
        submission = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if submission is None:
            raise NotFound()
        return submission

    def _sheet_call(self, call):
        """Run `call(sheet)` on our self sheet inside the federation's scope; the sheet back."""
        submission = self.get_object()
        with federation_scope(submission):
            sheet = self_sheet(submission)
            try:
                call(sheet)
            except DjangoValidationError as exc:
                raise scores_error(exc) from None
            # Serialized here: the rows belong to the federation.
            return Response(SheetSerializer(sheet_display(sheet)).data)

    def retrieve(self, request, *args, **kwargs):
        return self._sheet_call(lambda sheet: None)

    @extend_schema(request=ScoresInSerializer, responses=SheetSerializer,
                   summary="Save self-assessment scores (all or nothing)")
    @action(detail=True, methods=["post"])
    def scores(self, request, *args, **kwargs):
        self.get_object()  # first: another chamber's submission id is a 404, not a 400 (issue 10)
        serializer = ScoresInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        scores = serializer.as_service_scores()
        return self._sheet_call(lambda sheet: sheet_save(sheet, actor=request.user, scores=scores))

    @extend_schema(request=None, responses=SheetSerializer, summary="Submit the self-assessment")
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        return self._sheet_call(lambda sheet: sheet_submit(sheet, actor=request.user))


def register(router):
    """Add this module's viewsets to the evaluations router."""
    router.register(r"campaigns/(?P<campaign_pk>\d+)/reviewers", ReviewerViewSet, basename="api-evaluation-reviewer")
    router.register(r"campaigns/(?P<campaign_pk>\d+)/groups", GroupViewSet, basename="api-evaluation-group")
    router.register(r"campaigns/(?P<campaign_pk>\d+)/assignments", AssignmentViewSet,
                    basename="api-evaluation-assignment")
    router.register(r"submissions/(?P<submission_pk>\d+)/sheets", SubmissionSheetViewSet,
                    basename="api-evaluation-submission-sheet")
    router.register("reviews", ReviewViewSet, basename="api-evaluation-review")
    router.register("self-assessments", SelfAssessmentViewSet, basename="api-evaluation-self-assessment")
    router.register("evidence", EvidenceViewSet, basename="api-evaluation-evidence")
