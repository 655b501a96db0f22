"""API of governing-body meetings and event outcomes, under /api/v1/chambers/<chamber>/events/:

- `meetings/` (list), `meetings/{id}/` (with quorum and minutes), `meetings/{id}/attendance/`
  (GET the line-up, PUT several officers at once), `meetings/{id}/quorum/`,
  `meetings/{id}/minutes/` (GET, PUT);
- `meetings/{event_pk}/resolutions/` (CRUD; DELETE needs `?reason=`);
- `outcomes/{event id}/` (GET, PUT) and `outcomes/totals/?year=`.

Reading needs events.view, writing events.manage; a branch secretary reaches the meetings
their subtree organises (another one's id is a 404).
"""
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from chamber.access import EVENTS_MANAGE, EVENTS_VIEW
from chamber.api.mixins import TenantViewSet, with_chamber

from ..models import Event, Resolution
from ..selectors.meetings import event_visible, governing_event_list, meeting_attendance_rows, quorum, resolution_list
from ..selectors.outcomes import checked_in_count, outcome_get, outcome_totals
from ..services.meetings import (
    meeting_attendance_set,
    meeting_minutes_set,
    resolution_create,
    resolution_delete,
    resolution_update,
)
from ..services.outcomes import outcome_set
from .meeting_serializers import (
    AttendanceRowSerializer,
    AttendanceSetSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    MinutesSerializer,
    OutcomeSerializer,
    OutcomeTotalsSerializer,
    QuorumSerializer,
    ResolutionSerializer,
)

EVENT_PK = OpenApiParameter("event_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The meeting's event id.")
YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="Default: this year.")


class _Attendance:
    """What AttendanceRowSerializer reads for an officer without a recorded row."""

    def __init__(self, position, attendance):
        self.position = position
        self.status = attendance.status if attendance else "absent"
        self.proxy_name = attendance.proxy_name if attendance else ""
        self.note = attendance.note if attendance else ""


@extend_schema_view(
    list=extend_schema(summary="Governing-body meetings, newest first"),
    retrieve=extend_schema(responses=MeetingDetailSerializer, summary="One meeting with its quorum and minutes"),
)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """General assemblies, council and standing council meetings."""

    permission = EVENTS_VIEW
    write_permission = EVENTS_MANAGE
    queryset = Event.objects.none()
    serializer_class = MeetingSerializer
    http_method_names = ["get", "put", "head", "options"]

    def get_chamber_queryset(self):
        return governing_event_list(chamber=self.chamber, access=self.access, capability=self.reach_capability)

    def retrieve(self, request, *args, **kwargs):
        event = self.get_object()
        event.quorum = quorum(event).as_dict()
        return Response(MeetingDetailSerializer(event).data)

    def _attendance(self, event):
        rows = [_Attendance(p, a) for p, a in meeting_attendance_rows(event=event)]
        return Response(AttendanceRowSerializer(rows, many=True).data)

    @extend_schema(methods=["get"], responses=AttendanceRowSerializer(many=True),
                   summary="The expected line-up and its attendance (council kinds; empty for an assembly)")
    @extend_schema(methods=["put"], request=AttendanceSetSerializer, responses=AttendanceRowSerializer(many=True),
                   summary="Record the attendance of several officers")
    @action(detail=True, methods=["get", "put"], pagination_class=None)  # a plain array, as answered
    def attendance(self, request, *args, **kwargs):
        event = self.get_object()
        if request.method == "PUT":
            serializer = AttendanceSetSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            statuses = {item["position"]: (item["status"], item["proxy_name"], item["note"])
                        for item in serializer.validated_data["attendance"]}
            meeting_attendance_set(event=event, actor=request.user, statuses=statuses, access=self.access)
        return self._attendance(event)

    @extend_schema(responses=QuorumSerializer, summary="The quorum: two thirds of those expected")
    @action(detail=True, methods=["get"])
    def quorum(self, request, *args, **kwargs):
        return Response(QuorumSerializer(quorum(self.get_object()).as_dict()).data)

    @extend_schema(methods=["get"], responses=MinutesSerializer, summary="The minutes")
    @extend_schema(methods=["put"], request=MinutesSerializer, responses=MinutesSerializer,
                   summary="Record or correct the minutes")
    @action(detail=True, methods=["get", "put"])
    def minutes(self, request, *args, **kwargs):
        event = self.get_object()
        if request.method == "PUT":
            serializer = MinutesSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            meeting_minutes_set(event=event, actor=request.user, access=self.access, **serializer.validated_data)
        return Response({"minutes": event.minutes})


@extend_schema_view(
    list=extend_schema(summary="A meeting's resolutions by number", parameters=[EVENT_PK]),
    retrieve=extend_schema(summary="One resolution", parameters=[EVENT_PK]),
    create=extend_schema(summary="Add a resolution (numbered after the last)", parameters=[EVENT_PK]),
    update=extend_schema(summary="Change a resolution", parameters=[EVENT_PK]),
    destroy=extend_schema(summary="Remove a resolution entered by mistake", parameters=[
        EVENT_PK, OpenApiParameter("reason", OpenApiTypes.STR, required=True, description="Why it is removed.")]),
)
class ResolutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Resolutions of one meeting; every change is audited."""

    permission = EVENTS_VIEW
    write_permission = EVENTS_MANAGE
    queryset = Resolution.objects.none()
    serializer_class = ResolutionSerializer
    pagination_class = None  # a meeting votes on a handful of resolutions
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_event(self):
        if not hasattr(self, "_event"):
            events = governing_event_list(chamber=self.chamber, access=self.access, capability=self.reach_capability)
            self._event = with_chamber(get_object_or_404(events, pk=self.kwargs["event_pk"]), self.chamber)
        return self._event

    def get_chamber_queryset(self):
        return resolution_list(event=self.get_event())

    def get_object(self):
        resolution = super().get_object()
        resolution.event = self.get_event()
        return resolution

    def create(self, request, *args, **kwargs):
        event = self.get_event()  # first: another chamber's meeting id is a 404, not a 400 (issue 10)
        serializer = ResolutionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        resolution = resolution_create(event=event, actor=request.user, access=self.access,
                                       **serializer.validated_data)
        return Response(ResolutionSerializer(resolution).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        resolution = self.get_object()
        serializer = ResolutionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        resolution_update(resolution=resolution, actor=request.user, access=self.access, **serializer.validated_data)
        return Response(ResolutionSerializer(resolution).data)

    def destroy(self, request, *args, **kwargs):
        resolution = self.get_object()
        resolution_delete(resolution=resolution, actor=request.user, access=self.access,
                          reason=request.query_params.get("reason", "")[:500])
        return Response(status=status.HTTP_204_NO_CONTENT)


def _year(request):
    value = request.query_params.get("year")
    if value in (None, ""):
        return timezone.localdate().year
    if not value.isdigit() or not 1900 < int(value) < 2200:
        raise serializers.ValidationError({"year": _("Enter a year such as 2024.")})
    return int(value)


@extend_schema_view(
    retrieve=extend_schema(summary="An event's outcome (figures null until recorded)"),
    update=extend_schema(summary="Record or change an event's outcome"),
)
class OutcomeViewSet(mixins.RetrieveModelMixin, TenantViewSet):
    """One outcome per event, looked up by the event's id; the year's totals."""

    permission = EVENTS_VIEW
    write_permission = EVENTS_MANAGE
    queryset = Event.objects.none()
    serializer_class = OutcomeSerializer
    pagination_class = None
    http_method_names = ["get", "put", "head", "options"]

    def get_chamber_queryset(self):
        return event_visible(chamber=self.chamber, access=self.access, capability=self.reach_capability)

    def _respond(self, event):
        outcome = outcome_get(event=event)
        data = {"event": event.pk, "recorded": outcome is not None,
                "suggested_participants": checked_in_count(event=event)}
        for field in ("participants", "people_trained", "deals_signed", "deals_amount", "scope", "summary"):
            data[field] = getattr(outcome, field) if outcome else None
        data["scope"] = data["scope"] or "domestic"
        data["summary"] = data["summary"] or ""
        return Response(OutcomeSerializer(data).data)

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object())

    def update(self, request, *args, **kwargs):
        event = self.get_object()
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome_set(event=event, actor=request.user, access=self.access, **serializer.validated_data)
        return self._respond(event)

    @extend_schema(responses=OutcomeTotalsSerializer, parameters=[YEAR],
                   summary="The year's outcomes for the annual report, by kind, scope and overall")
    @action(detail=False, methods=["get"])
    def totals(self, request, *args, **kwargs):
        document = outcome_totals(chamber=self.chamber, year=_year(request), access=self.access,
                                  capability=EVENTS_VIEW)
        return Response(OutcomeTotalsSerializer(document).data)


# (prefix, viewset, basename) triples, registered by events/api/urls.py.
ROUTES = [
    ("meetings", MeetingViewSet, "meeting"),
    (r"meetings/(?P<event_pk>\d+)/resolutions", ResolutionViewSet, "meeting-resolution"),
    ("outcomes", OutcomeViewSet, "outcome"),
]
