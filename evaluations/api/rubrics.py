"""API of the evaluations app: rubrics — schemes and their versions, each version with its
indicator tree and grade rules; export and import in the interchange format
(evaluations.interchange), and copying a version (the way to change a frozen one).

Like the pages, everything needs `evaluations.manage`, to read as to write.
"""
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from chamber.access import EVALUATIONS_MANAGE
from chamber.api.filters import ChamberFilterBackend
from chamber.api.mixins import TenantViewSet

from ..interchange import version_document, version_import
from ..models import Scheme, SchemeVersion
from ..rubrics import (
    scheme_create,
    scheme_list,
    tree_nest,
    version_check,
    version_copy,
    version_grade_rules,
    version_tree,
)
from .rubric_serializers import (
    RubricDocumentSerializer,
    SchemeCreateSerializer,
    SchemeSerializer,
    VersionCopySerializer,
    VersionDetailSerializer,
    VersionSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="Evaluation schemes (star rating, four good …), by name"),
    retrieve=extend_schema(summary="One scheme"),
    create=extend_schema(request=SchemeCreateSerializer, responses={201: SchemeSerializer},
                         summary="Create a scheme (then import or create its versions)"),
)
class SchemeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet):
    permission = EVALUATIONS_MANAGE
    write_permission = EVALUATIONS_MANAGE
    queryset = Scheme.objects.none()
    serializer_class = SchemeSerializer

    def get_chamber_queryset(self):
        # 2 queries a page: the count, the schemes with their version counts.
        return scheme_list(chamber=self.chamber)

    def create(self, request, *args, **kwargs):
        serializer = SchemeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        scheme = scheme_create(chamber=self.chamber, actor=request.user, **serializer.validated_data)
        scheme = self.get_chamber_queryset().get(pk=scheme.pk)
        return Response(SchemeSerializer(scheme).data, status=status.HTTP_201_CREATED)


def _in_chamber(model):
    def queryset(request):
        chamber = getattr(request, "chamber", None)
        return model.objects.none() if chamber is None else model.objects.filter(chamber=chamber)

    return queryset


class VersionFilter(django_filters.FilterSet):
    # Another chamber's scheme id is "not a valid choice" (400), never its data.
    scheme = django_filters.ModelChoiceFilter(queryset=_in_chamber(Scheme), help_text="Only this scheme's versions.")

    class Meta:
        model = SchemeVersion
        fields = ["scheme"]


LABEL_PARAMETER = OpenApiParameter(
    "label", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
    description="Overrides the document's version label (e.g. when the scheme has that label already).")


@extend_schema_view(
    list=extend_schema(summary="Scheme versions, newest first"),
    retrieve=extend_schema(responses=VersionDetailSerializer,
                           summary="A version with its indicator tree, grade rules and check problems"),
)
class VersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    permission = EVALUATIONS_MANAGE
    write_permission = EVALUATIONS_MANAGE
    queryset = SchemeVersion.objects.none()
    serializer_class = VersionSerializer
    filter_backends = (ChamberFilterBackend,)
    filterset_class = VersionFilter

    def get_chamber_queryset(self):
        # 2 queries a page: the count, the versions with their schemes.
        return SchemeVersion.objects.filter(chamber=self.chamber).select_related("scheme").order_by(
            "scheme__name", "-created_at", "-pk")

    def _detail(self, version, status_code=status.HTTP_200_OK):
        # 3 queries besides the version: the tree, the grade rules (the check reuses both).
        tree = version_tree(version)
        version.rules = version_grade_rules(version)
        version.tree_roots = tree_nest(tree)
        version.problems = version_check(version, tree=tree, rules=version.rules)
        return Response(VersionDetailSerializer(version).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(responses=RubricDocumentSerializer, summary="Export a version in the interchange format (JSON)")
    @action(detail=True, methods=["get"], filter_backends=[])
    def export(self, request, *args, **kwargs):
        return Response(version_document(self.get_object()))

    @extend_schema(request=RubricDocumentSerializer, parameters=[LABEL_PARAMETER],
                   responses={201: VersionDetailSerializer},
                   summary="Import a version from the interchange format: a new version of the scheme with that "
                           "name (or of a new scheme); every problem is reported, nothing saved unless all is well")
    @action(detail=False, methods=["post"], url_path="import", filter_backends=[])
    def import_version(self, request, *args, **kwargs):
        version = version_import(chamber=self.chamber, actor=request.user, document=request.data,
                                 label=request.query_params.get("label") or None)
        return self._detail(self.get_chamber_queryset().get(pk=version.pk), status.HTTP_201_CREATED)

    @extend_schema(request=VersionCopySerializer, responses={201: VersionDetailSerializer},
                   summary="Copy a version (frozen or not) to a new, editable version of its scheme")
    @action(detail=True, methods=["post"], filter_backends=[])
    def copy(self, request, *args, **kwargs):
        version = self.get_object()
        serializer = VersionCopySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        copy = version_copy(version=version, actor=request.user, **serializer.validated_data)
        return self._detail(get_object_or_404(self.get_chamber_queryset(), pk=copy.pk), status.HTTP_201_CREATED)


def register(router):
    """Add this module's viewsets to the evaluations router."""
    router.register("schemes", SchemeViewSet, basename="api-evaluation-scheme")
    router.register("versions", VersionViewSet, basename="api-evaluation-version")
