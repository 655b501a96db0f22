"""/api/v1/chambers/<chamber>/events/: member requests (list with filters, one with its notes,
create, move, assign, notes, typical), visits (list, one, record with requests) and the year's
figures. requests.view reads, requests.manage writes; a branch secretary reads and handles
the members within their branches (another member's request is a 404)."""
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from chamber.access import REQUESTS_MANAGE, REQUESTS_VIEW
from chamber.api.mixins import TenantViewSet

from ..models import MemberRequest, RequestCategory, RequestStatus, Visit
from ..selectors.requests import (
    request_detail,
    request_list,
    request_year_figures,
    visit_detail,
    visit_list,
    visits_in_year,
)
from ..services.requests import request_assign, request_create, request_mark_typical, request_move, request_note_add
from ..services.visits import visit_record
from .request_serializers import (
    AssignSerializer,
    FiguresSerializer,
    MoveSerializer,
    NoteCreateSerializer,
    NoteSerializer,
    RequestCreateSerializer,
    RequestDetailSerializer,
    RequestSerializer,
    TypicalSerializer,
    VisitCreateSerializer,
    VisitDetailSerializer,
    VisitSerializer,
)


def _int_param(request, name):
    """An integer query parameter, None when absent; a clear 400 when it is not a number."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or len(value) > 9:
        raise serializers.ValidationError({name: _("Enter a whole number.")})
    if name == "year" and not 1900 < int(value) < 2200:  # else datetime.date(year, ...) raises (500)
        raise serializers.ValidationError({"year": _("Enter a year such as 2024.")})
    return int(value)


def _choice_param(request, name, allowed):
    value = request.query_params.get(name) or None
    if value is not None and value not in allowed:
        raise serializers.ValidationError({name: _("Choose one of: {values}.").format(values=", ".join(allowed))})
    return value


YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="Only requests raised in this year.")
REQUEST_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=[*RequestStatus.values, "open", "closed"],
                     description="A status, or open / closed."),
    OpenApiParameter("category", OpenApiTypes.STR, enum=RequestCategory.values),
    OpenApiParameter("assignee", OpenApiTypes.INT, description="The assigned staff member's user id."),
    OpenApiParameter("overdue", OpenApiTypes.BOOL, description="Only open requests past their due date."),
    OpenApiParameter("typical", OpenApiTypes.BOOL, description="Only typical cases."),
    YEAR,
    OpenApiParameter("search", OpenApiTypes.STR, description="Title or member name contains this text."),
]


def _flag(request, name):
    return request.query_params.get(name) in ("1", "true", "True")


@extend_schema_view(
    list=extend_schema(summary="Member requests, newest first", parameters=REQUEST_FILTERS),
    retrieve=extend_schema(responses=RequestDetailSerializer, summary="One request with its notes"),
)
class MemberRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Member requests (诉求) tracked to resolution."""

    permission = REQUESTS_VIEW
    write_permission = REQUESTS_MANAGE
    queryset = MemberRequest.objects.none()
    serializer_class = RequestSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_chamber_queryset(self):
        # 1 query a page (+1 count): member, assignee and officer with person joined.
        request = self.request
        if self.action != "list":
            return request_list(chamber=self.chamber, access=self.access, capability=self.reach_capability)
        return request_list(
            chamber=self.chamber, access=self.access,
            status=_choice_param(request, "status", [*RequestStatus.values, "open", "closed"]),
            category=_choice_param(request, "category", RequestCategory.values),
            assignee=_int_param(request, "assignee"), overdue=_flag(request, "overdue"),
            typical=_flag(request, "typical"), year=_int_param(request, "year"),
            search=(request.query_params.get("search") or "").strip()[:100] or None)

    def _respond(self, pk, status_code=status.HTTP_200_OK):
        try:
            found = request_detail(chamber=self.chamber, access=self.access, pk=pk)
        except MemberRequest.DoesNotExist:
            raise Http404 from None
        return Response(RequestDetailSerializer(found).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        # 2 queries: the request with its joins, its notes (the reach filter is in both).
        return self._respond(self.kwargs["pk"])

    @extend_schema(request=RequestCreateSerializer, responses={201: RequestDetailSerializer},
                   summary="Record a request for a member")
    def create(self, request, *args, **kwargs):
        serializer = RequestCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        created = request_create(chamber=self.chamber, actor=request.user, access=self.access, source="staff",
                                 **serializer.validated_data)
        return self._respond(created.pk, status.HTTP_201_CREATED)

    def _act(self, serializer_class, service, **extra):
        found = self.get_object()
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            service(request=found, actor=self.request.user, access=self.access, **serializer.validated_data, **extra)
        return self._respond(found.pk)

    @extend_schema(request=MoveSerializer, responses=RequestDetailSerializer,
                   summary="Move to another status (a note is required)")
    @action(detail=True, methods=["post"])
    def move(self, request, *args, **kwargs):
        return self._act(MoveSerializer, request_move)

    @extend_schema(request=AssignSerializer, responses=RequestDetailSerializer,
                   summary="Assign to staff and/or an officer, optionally with a new due date")
    @action(detail=True, methods=["post"])
    def assign(self, request, *args, **kwargs):
        return self._act(AssignSerializer, request_assign)

    @extend_schema(request=NoteCreateSerializer, responses={201: NoteSerializer}, summary="Add a note")
    @action(detail=True, methods=["post"])
    def notes(self, request, *args, **kwargs):
        found = self.get_object()
        serializer = NoteCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = request_note_add(request=found, actor=request.user, access=self.access,
                                text=serializer.validated_data["text"])
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TypicalSerializer, responses=RequestDetailSerializer,
                   summary="Flag (with a summary) or unflag a closed request as a typical case")
    @action(detail=True, methods=["post"])
    def typical(self, request, *args, **kwargs):
        return self._act(TypicalSerializer, request_mark_typical)


@extend_schema_view(
    list=extend_schema(summary="Visits, latest first", parameters=[
        OpenApiParameter("year", OpenApiTypes.INT, description="Only visits paid in this year."),
        OpenApiParameter("search", OpenApiTypes.STR, description="Member or visitor name contains this text.")]),
    retrieve=extend_schema(responses=VisitDetailSerializer, summary="One visit with its requests"),
)
class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Visits to members (走访), each with the requests raised during it."""

    permission = REQUESTS_VIEW
    write_permission = REQUESTS_MANAGE
    queryset = Visit.objects.none()
    serializer_class = VisitSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_chamber_queryset(self):
        return visit_list(chamber=self.chamber, access=self.access, capability=self.reach_capability,
                          year=_int_param(self.request, "year") if self.action == "list" else None,
                          search=(self.request.query_params.get("search") or "").strip()[:100] or None
                          if self.action == "list" else None)

    def _respond(self, pk, status_code=status.HTTP_200_OK):
        try:
            visit = visit_detail(chamber=self.chamber, access=self.access, pk=pk)
        except Visit.DoesNotExist:
            raise Http404 from None
        return Response(VisitDetailSerializer(visit).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.kwargs["pk"])

    @extend_schema(request=VisitCreateSerializer, responses={201: VisitDetailSerializer},
                   summary="Record a visit (and the requests raised during it)")
    def create(self, request, *args, **kwargs):
        serializer = VisitCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        visit = visit_record(chamber=self.chamber, actor=request.user, access=self.access, **serializer.validated_data)
        return self._respond(visit.pk, status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(
    summary="The year's figures: problems solved and typical cases", responses=FiguresSerializer,
    parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="Default: this year.")]))
class RequestFiguresViewSet(TenantViewSet):
    """What federations ask every year: how many problems were solved, and the typical cases."""

    permission = REQUESTS_VIEW
    write_permission = None
    queryset = MemberRequest.objects.none()
    serializer_class = FiguresSerializer
    pagination_class = None

    def list(self, request, *args, **kwargs):
        year = _int_param(request, "year") or timezone.localdate().year
        figures = request_year_figures(chamber=self.chamber, year=year, access=self.access)
        figures["visits"] = visits_in_year(chamber=self.chamber, year=year, access=self.access)
        return Response(FiguresSerializer(figures).data)


# (prefix, viewset, basename) triples, registered by events/api/urls.py.
ROUTES = [
    ("requests/figures", RequestFiguresViewSet, "request-figures"),
    ("requests", MemberRequestViewSet, "request"),
    ("visits", VisitViewSet, "visit"),
]
