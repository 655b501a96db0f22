"""Serializers of the meetings and outcomes API (see events.api.meetings)."""
from rest_framework import serializers

from chamber.api.serializers import ChoicesField, MoneyField
from members.models import Post

from ..models import AttendanceStatus, EventKind, EventStatus, OutcomeScope


class MeetingSerializer(serializers.Serializer):
    """A governing-body meeting, as listed."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    kind = ChoicesField(EventKind, read_only=True)
    status = ChoicesField(EventStatus, read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    place = serializers.CharField(read_only=True)


class QuorumSerializer(serializers.Serializer):
    """Who was expected and who attended; `reached` when at least two thirds attended."""

    basis = serializers.CharField(help_text="`officers` (council kinds) or `members` (general assembly).")
    expected = serializers.IntegerField()
    present = serializers.IntegerField()
    proxies = serializers.IntegerField()
    excused = serializers.IntegerField()
    absent = serializers.IntegerField()
    required = serializers.IntegerField(help_text="Two thirds of those expected, rounded up.")
    attending = serializers.IntegerField(help_text="Present plus represented by proxy.")
    reached = serializers.BooleanField()


class MeetingDetailSerializer(MeetingSerializer):
    """One meeting with its quorum and minutes."""

    quorum = QuorumSerializer(read_only=True)
    minutes = serializers.CharField(read_only=True)


class AttendanceRowSerializer(serializers.Serializer):
    """One officer of the expected line-up and their attendance (absent until recorded)."""

    position = serializers.IntegerField(source="position.pk")
    person_name = serializers.CharField(source="position.person.name")
    post = ChoicesField(Post, source="position.post")
    enterprise_name = serializers.CharField(source="position.enterprise.name", default="")
    status = ChoicesField(AttendanceStatus)
    proxy_name = serializers.CharField()
    note = serializers.CharField()


class AttendanceItemSerializer(serializers.Serializer):
    """One officer's attendance to record."""

    position = serializers.IntegerField(min_value=1)
    status = ChoicesField(AttendanceStatus)
    proxy_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AttendanceSetSerializer(serializers.Serializer):
    """Attendance of several officers at once; officers not named keep what they had."""

    attendance = AttendanceItemSerializer(many=True, allow_empty=False)


class MinutesSerializer(serializers.Serializer):
    """The minutes of a meeting."""

    minutes = serializers.CharField(max_length=50000, allow_blank=True, trim_whitespace=True)


class ResolutionSerializer(serializers.Serializer):
    """A resolution with its vote; `passed` left out (or null) is decided by a simple majority
    of those attending."""

    id = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=300)
    text = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    votes_for = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    votes_against = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    abstentions = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    passed = serializers.BooleanField(required=False, allow_null=True, default=None)


class OutcomeSerializer(serializers.Serializer):
    """What an event achieved; a figure left null is "not recorded", which is not 0."""

    event = serializers.IntegerField(read_only=True)
    recorded = serializers.BooleanField(read_only=True)
    participants = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False, allow_null=True)
    people_trained = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False, allow_null=True)
    deals_signed = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False, allow_null=True)
    deals_amount = MoneyField(min_value=0, required=False, allow_null=True,
                              help_text="Amount of deals signed, in CNY, as decimal text.")
    scope = ChoicesField(OutcomeScope, required=False)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    suggested_participants = serializers.IntegerField(read_only=True,
                                                      help_text="Confirmed registrations checked in.")


class OutcomeTotalsRowSerializer(serializers.Serializer):
    """Totals of one kind (or scope, or all): events and each figure with how often it was recorded."""

    key = serializers.CharField()
    label = serializers.CharField(allow_null=True)
    events = serializers.IntegerField()
    with_outcome = serializers.IntegerField()
    participants = serializers.IntegerField(allow_null=True)
    participants_recorded = serializers.IntegerField()
    people_trained = serializers.IntegerField(allow_null=True)
    people_trained_recorded = serializers.IntegerField()
    deals_signed = serializers.IntegerField(allow_null=True)
    deals_signed_recorded = serializers.IntegerField()
    deals_amount = MoneyField(max_digits=18, allow_null=True)
    deals_amount_recorded = serializers.IntegerField()


class OutcomeTotalsSerializer(serializers.Serializer):
    """The year's outcomes for the annual report."""

    year = serializers.IntegerField()
    by_kind = OutcomeTotalsRowSerializer(many=True)
    total = OutcomeTotalsRowSerializer()
    scopes = OutcomeTotalsRowSerializer(many=True)
    trainings = OutcomeTotalsRowSerializer()
    dialogues = OutcomeTotalsRowSerializer()
