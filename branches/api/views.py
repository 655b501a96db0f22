"""/api/v1/chambers/<chamber>/branches/: the tree of sub-chambers and sub-units."""
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.models import Branch
from branches.selectors import branch_member_counts, branch_tree, branch_visible_list
from branches.services import branch_archive, branch_create, branch_move, branch_update
from chamber.access import BRANCHES_CHANGE, BRANCHES_VIEW
from chamber.api.mixins import TenantViewSet

from .serializers import (
    BranchArchiveSerializer,
    BranchCreateSerializer,
    BranchMoveSerializer,
    BranchSerializer,
    BranchTreeNodeSerializer,
    BranchUpdateSerializer,
)

INCLUDE_ARCHIVED = OpenApiParameter(
    "include_archived", OpenApiTypes.BOOL, description="Also list archived nodes (default: no)."
)


@extend_schema_view(
    list=extend_schema(parameters=[INCLUDE_ARCHIVED], summary="Branches, flat, in tree order"),
    retrieve=extend_schema(summary="One branch"),
    create=extend_schema(request=BranchCreateSerializer, responses={201: BranchSerializer}, summary="Add a branch"),
    partial_update=extend_schema(request=BranchUpdateSerializer, responses=BranchSerializer, summary="Rename or edit a branch"),
)
class BranchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, TenantViewSet):
    permission = BRANCHES_VIEW
    write_permission = BRANCHES_CHANGE
    queryset = Branch.objects.none()
    serializer_class = BranchSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def include_archived(self):
        # Single nodes are reachable when archived; lists leave them out unless asked.
        if self.action in ("list", "tree"):
            return self.request.query_params.get("include_archived", "").lower() in ("1", "true", "yes")
        return True

    def get_chamber_queryset(self):
        return branch_visible_list(chamber=self.chamber, access=self.access, capability=self.reach_capability,
                                   include_archived=self.include_archived())

    def get_serializer_class(self):
        return {
            "create": BranchCreateSerializer,
            "partial_update": BranchUpdateSerializer,
            "move": BranchMoveSerializer,
            "archive": BranchArchiveSerializer,
            "tree": BranchTreeNodeSerializer,
        }.get(self.action, BranchSerializer)

    def _respond(self, branch, status_code=status.HTTP_200_OK):
        branch = self.get_chamber_queryset().get(pk=branch.pk)
        return Response(BranchSerializer(branch, context=self.get_serializer_context()).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            branch = branch_create(chamber=self.chamber, actor=request.user, **serializer.validated_data)
            self.ensure_still_visible(branch)
        return self._respond(branch, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        branch = self.get_object()
        serializer = self.get_serializer(branch, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        branch_update(branch=branch, actor=request.user, **serializer.validated_data)
        return self._respond(branch)

    @extend_schema(request=BranchMoveSerializer, responses=BranchSerializer, summary="Move a branch with its subtree")
    @action(detail=True, methods=["post"])
    def move(self, request, *args, **kwargs):
        branch = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            branch_move(branch=branch, actor=request.user, new_parent=serializer.validated_data["parent"],
                        reason=serializer.validated_data["reason"])
            self.ensure_still_visible(branch)
        return self._respond(branch)

    @extend_schema(request=BranchArchiveSerializer, responses=BranchSerializer, summary="Archive a branch with its subtree")
    @action(detail=True, methods=["post"])
    def archive(self, request, *args, **kwargs):
        branch = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        branch_archive(branch=branch, actor=request.user, reason=serializer.validated_data["reason"])
        return self._respond(branch)

    @extend_schema(parameters=[INCLUDE_ARCHIVED], responses=BranchTreeNodeSerializer(many=True),
                   summary="The whole tree, nested, with member counts")
    @action(detail=False, methods=["get"], pagination_class=None)
    def tree(self, request, *args, **kwargs):
        # 2 queries whatever the size: the visible nodes, and the (member, node path) pairs.
        nodes = list(self.get_queryset())
        counts = branch_member_counts(chamber=self.chamber)
        context = {**self.get_serializer_context(), "member_counts": counts}
        return Response(BranchTreeNodeSerializer(branch_tree(branches=nodes), many=True, context=context).data)
