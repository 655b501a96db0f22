"""/api/v1/chambers/<chamber>/events/: events with their registration counts, status moves,
check-in by code; registrations filtered by event, with cancel.

Reading needs events.view; writing events.manage (a branch secretary: events their subtree
organises, as the services check with `access`).
"""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from chamber.access import EVENTS_MANAGE, EVENTS_VIEW
from chamber.api.mixins import TenantViewSet
from chamber.api.pagination import IdsFirstPaginator, RosterPagination

from ..models import Event, EventKind, EventStatus, Registration, RegistrationStatus
from ..selectors.events import event_list, event_page_rows, event_visible, registration_visible, with_registration_counts
from ..services.events import event_create, event_set_status, event_update
from ..services.registrations import registration_cancel, registration_check_in, registration_create
from .event_serializers import (
    CheckInResultSerializer,
    CheckInSerializer,
    EventSerializer,
    EventStatusSerializer,
    EventWriteSerializer,
    RegistrationCreateSerializer,
    RegistrationSerializer,
)


class EventPagination(RosterPagination):
    """Ids first: the page is cut from the events' index, then only its rows are loaded with
    their counts (3 queries: count, ids, rows with counts)."""

    page_size = 25
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.chamber_id = view.chamber.pk
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, queryset, page_size):
        return IdsFirstPaginator(queryset, page_size,
                                 load_page=lambda ids: event_page_rows(chamber_id=self.chamber_id, ids=ids))


@extend_schema_view(
    list=extend_schema(summary="Events with their registration counts", parameters=[
        OpenApiParameter("kind", OpenApiTypes.STR, enum=EventKind.values),
        OpenApiParameter("status", OpenApiTypes.STR, enum=EventStatus.values),
        OpenApiParameter("q", OpenApiTypes.STR, description="Part of the title."),
    ]),
    retrieve=extend_schema(summary="One event with its counts"),
    create=extend_schema(request=EventWriteSerializer, responses={201: EventSerializer}, summary="Plan an event"),
    partial_update=extend_schema(request=EventWriteSerializer, responses=EventSerializer, summary="Change an event"),
)
class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Events; no deletion (cancel them instead)."""

    permission = EVENTS_VIEW
    write_permission = EVENTS_MANAGE
    queryset = Event.objects.none()
    serializer_class = EventSerializer
    pagination_class = EventPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_chamber_queryset(self):
        if self.action == "list":
            params = self.request.query_params
            kind, state = params.get("kind", ""), params.get("status", "")
            if kind and kind not in EventKind.values:
                raise serializers.ValidationError({"kind": _("Unknown kind.")})
            if state and state not in EventStatus.values:
                raise serializers.ValidationError({"status": _("Unknown status.")})
            # Counts come with the page's rows (EventPagination): the list is only which events.
            return event_list(chamber=self.chamber, access=self.access, kind=kind, status=state,
                                q=params.get("q", "")[:100], counts=False)
        return with_registration_counts(event_visible(chamber=self.chamber, access=self.access)).order_by("pk")

    def _respond(self, event, code=status.HTTP_200_OK):
        event = with_registration_counts(Event.objects.filter(chamber=self.chamber)).get(pk=event.pk)
        return Response(EventSerializer(event).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = EventWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        event = event_create(chamber=self.chamber, actor=request.user, access=self.access, **serializer.validated_data)
        return self._respond(event, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        event = self.get_object()
        serializer = EventWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        event_update(event=event, actor=request.user, access=self.access, **serializer.validated_data)
        return self._respond(event)

    @extend_schema(request=EventStatusSerializer, responses=EventSerializer, summary="Move an event's status")
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, *args, **kwargs):
        event = self.get_object()
        serializer = EventStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event_set_status(event=event, actor=request.user, access=self.access, **serializer.validated_data)
        return self._respond(event)

    @extend_schema(request=CheckInSerializer, responses=CheckInResultSerializer, summary="Check in by code")
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, *args, **kwargs):
        event = self.get_object()
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = registration_check_in(event=event, code=serializer.validated_data["code"],
                                             actor=request.user, access=self.access)
        return Response({"already_checked_in": registration.already_checked_in,
                         "registration": RegistrationSerializer(registration).data})


EVENT_PARAMETER = OpenApiParameter("event", OpenApiTypes.INT, description="Only this event's registrations.")
STATUS_PARAMETER = OpenApiParameter("status", OpenApiTypes.STR, enum=RegistrationStatus.values)


@extend_schema_view(
    list=extend_schema(summary="Registrations, in order of registration", parameters=[EVENT_PARAMETER,
                                                                                     STATUS_PARAMETER]),
    retrieve=extend_schema(summary="One registration"),
    create=extend_schema(request=RegistrationCreateSerializer, responses={201: RegistrationSerializer},
                         summary="Register an attendee (or add a walk-in)"),
)
class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Registrations of the events the caller may see."""

    permission = EVENTS_VIEW
    write_permission = EVENTS_MANAGE
    queryset = Registration.objects.none()
    serializer_class = RegistrationSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_chamber_queryset(self):
        qs = registration_visible(chamber=self.chamber, access=self.access)
        params = self.request.query_params
        if self.action == "list":
            event = params.get("event", "")
            if event:
                if not event.isdigit():
                    raise serializers.ValidationError({"event": _("Enter a whole number.")})
                qs = qs.filter(event_id=int(event))
            state = params.get("status", "")
            if state:
                if state not in RegistrationStatus.values:
                    raise serializers.ValidationError({"status": _("Unknown status.")})
                qs = qs.filter(status=state)
        return qs.order_by("registered_at", "pk")

    def create(self, request, *args, **kwargs):
        serializer = RegistrationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        event = data.pop("event")
        if not event_visible(chamber=self.chamber, access=self.access).filter(pk=event.pk).exists():
            raise PermissionDenied
        registration = registration_create(event=event, actor=request.user, access=self.access, **data)
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RegistrationSerializer,
                   summary="Cancel a registration (the waiting list moves up)")
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        registration = registration_cancel(registration=self.get_object(), actor=request.user, access=self.access)
        return Response(RegistrationSerializer(registration).data)


# (prefix, viewset, basename) triples, registered by events/api/urls.py.
ROUTES = [
    ("events", EventViewSet, "event"),
    ("registrations", RegistrationViewSet, "event-registration"),
]
