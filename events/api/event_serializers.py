"""Serializers of the events API: events with their counts, registrations, check-in."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from branches.models import Branch
from chamber.api.serializers import ChamberRelatedField, ChoicesField
from members.models import Membership, Person

from ..models import Audience, Event, EventKind, EventStatus, Registration, RegistrationStatus


class EventSerializer(serializers.ModelSerializer):
    """An event as read, with its registration counts."""

    kind = ChoicesField(EventKind)
    status = ChoicesField(EventStatus)
    audience = ChoicesField(Audience)
    confirmed_count = serializers.IntegerField(read_only=True, default=0)
    waitlisted_count = serializers.IntegerField(read_only=True, default=0)
    checked_in_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Event
        fields = ["id", "title", "kind", "status", "organiser_branch", "starts_at", "ends_at", "place", "capacity",
                  "audience", "audience_branch", "agenda", "description", "confirmed_count", "waitlisted_count",
                  "checked_in_count", "created_at", "updated_at"]
        read_only_fields = fields


class EventWriteSerializer(serializers.Serializer):
    """The fields a manager sets on an event (status moves have their own action)."""

    title = serializers.CharField(max_length=200)
    kind = ChoicesField(EventKind)
    organiser_branch = ChamberRelatedField(Branch, allow_null=True, required=False)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=300, required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=1, allow_null=True, required=False)
    audience = ChoicesField(Audience, required=False)
    audience_branch = ChamberRelatedField(Branch, allow_null=True, required=False)
    agenda = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    description = serializers.CharField(max_length=10000, required=False, allow_blank=True)

    # An event in year 100 is a typo, and before 1901 Asia/Shanghai has a local-mean-time offset
    # (+08:05:43) that RFC 3339 cannot write (found by tests/trust/test_api_fuzz.py).
    EARLIEST_YEAR, LATEST_YEAR = 1950, 2100

    def _plausible(self, value):
        if not self.EARLIEST_YEAR <= value.year <= self.LATEST_YEAR:
            raise serializers.ValidationError(_("Enter a time between the years {earliest} and {latest}.").format(
                earliest=self.EARLIEST_YEAR, latest=self.LATEST_YEAR))
        return value

    def validate_starts_at(self, value):
        return self._plausible(value)

    def validate_ends_at(self, value):
        return self._plausible(value)


class EventStatusSerializer(serializers.Serializer):
    """A status move; cancelling needs a reason."""

    status = ChoicesField(EventStatus)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RegistrationSerializer(serializers.ModelSerializer):
    """A registration as read: who, for which member, its status, code and check-in."""

    status = ChoicesField(RegistrationStatus)
    member_name = serializers.CharField(source="membership.name", read_only=True, default=None)

    class Meta:
        model = Registration
        fields = ["id", "event", "membership", "member_name", "person", "attendee_name", "attendee_mobile", "status",
                  "code", "is_walk_in", "registered_at", "cancelled_at", "checked_in_at"]
        read_only_fields = fields


class RegistrationCreateSerializer(serializers.Serializer):
    """Register a member's person (or a named guest) for an event, or add a walk-in."""

    event = ChamberRelatedField(Event)
    membership = ChamberRelatedField(Membership, allow_null=True, required=False)
    person = ChamberRelatedField(Person, allow_null=True, required=False)
    attendee_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    attendee_mobile = serializers.CharField(max_length=11, required=False, allow_blank=True, default="")
    walk_in = serializers.BooleanField(required=False, default=False)


class CheckInSerializer(serializers.Serializer):
    """The code read from a QR code or typed."""

    code = serializers.CharField(max_length=30, label=_("check-in code"))


class CheckInResultSerializer(serializers.Serializer):
    """The registration checked in, and whether it had been before."""

    already_checked_in = serializers.BooleanField()
    registration = RegistrationSerializer()
