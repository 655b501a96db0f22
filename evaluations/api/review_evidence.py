"""API of the evaluations app: evidence files (凭证), under
/api/v1/chambers/<chamber>/evaluations/evidence/ (registered by `reviews.register`).

Readers: the federation's staff, the reviewers assigned to the submission and the
subject from its own workspace (`evidence_list_for_user`); writers: the subject, while
its self-assessment is open. Downloads are always attachments.
"""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from chamber.access import EVALUATIONS_APPLY, EVALUATIONS_REVIEW, EVALUATIONS_VIEW
from chamber.api.mixins import TenantViewSet

from ..evidence import evidence_delete, evidence_list_for_user, evidence_response, evidence_upload
from ..models import Evidence, Indicator
from ..selectors import federation_scope, submission_list_for_subject
from .review_serializers import EvidenceSerializer, EvidenceUploadSerializer

# --- Evidence --------------------------------------------------------------------------------------

SUBMISSION_FILTER = OpenApiParameter("submission", OpenApiTypes.INT, description="Only this submission's evidence.")


@extend_schema_view(
    list=extend_schema(parameters=[SUBMISSION_FILTER], summary="Evidence I may see"),
    retrieve=extend_schema(summary="One evidence file's details"),
    create=extend_schema(request={"multipart/form-data": EvidenceUploadSerializer},
                         responses={201: EvidenceSerializer},
                         summary="Upload evidence (the subject, while the self-assessment is open)"),
    destroy=extend_schema(summary="Remove evidence (the subject, while the self-assessment is open)"),
)
class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.DestroyModelMixin, TenantViewSet):
    """Readers: the federation's staff, assigned reviewers, the subject; writers: the subject."""

    write_permission = EVALUATIONS_APPLY
    queryset = Evidence.objects.none()
    serializer_class = EvidenceSerializer
    parser_classes = (MultiPartParser, FormParser)

    @property
    def permission(self):
        # Any of the three roles reads; which files is the queryset's business.
        access = self.access
        return next((c for c in (EVALUATIONS_VIEW, EVALUATIONS_REVIEW, EVALUATIONS_APPLY) if access.has(c)),
                    EVALUATIONS_VIEW)

    def get_chamber_queryset(self):
        # 2 queries a page: count, rows (+ submission).
        qs = evidence_list_for_user(chamber=self.chamber, user=self.request.user, access=self.access)
        wanted = self.request.query_params.get("submission")
        if self.action == "list" and wanted:
            if not wanted.isdigit() or len(wanted) > 18:  # longer overflows a bigint (500)
                raise serializers.ValidationError({"submission": [_("A submission id is a number.")]})
            qs = qs.filter(submission_id=int(wanted))
        return qs.order_by("submission_id", "indicator_id", "uploaded_at", "pk")

    def own_submission(self, pk):
        submission = submission_list_for_subject(chamber=self.chamber, access=self.access).filter(pk=pk).first()
        if submission is None:
            raise serializers.ValidationError({"submission": [_("This submission does not exist.")]})
        return submission

    def create(self, request, *args, **kwargs):
        serializer = EvidenceUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        submission = self.own_submission(data["submission"])
        with federation_scope(submission):
            indicator = None
            if data.get("indicator") is not None:
                indicator = Indicator.objects.filter(version_id=submission.campaign.version_id,
                                                     pk=data["indicator"]).first()
                if indicator is None:
                    raise serializers.ValidationError({"indicator": [_("This indicator is not part of the rubric.")]})
            evidence = evidence_upload(submission, actor=request.user, file=data["file"], indicator=indicator,
                                       note=data["note"])
        return Response(EvidenceSerializer(evidence, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        evidence = self.get_object()
        submission = self.own_submission_or_404(evidence.submission_id)
        evidence.submission = submission
        with federation_scope(submission):
            evidence_delete(evidence, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def own_submission_or_404(self, pk):
        submission = submission_list_for_subject(chamber=self.chamber, access=self.access).filter(pk=pk).first()
        if submission is None:
            raise NotFound()
        return submission

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(response=OpenApiTypes.BINARY)},
                   summary="Download the file (always as an attachment)")
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        evidence = self.get_object()
        return evidence_response(evidence)
