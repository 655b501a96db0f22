"""Shapes of the requests and visits API. Related ids are limited to the request's chamber (and,
for members, to the caller's reach): another chamber's id "does not exist"."""
from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from chamber.access import REQUESTS_MANAGE
from chamber.api.serializers import ChoicesField
from members.models import Membership, MembershipStatus, OfficerPosition
from members.selectors import membership_visible

from ..models import MemberRequest, RequestCategory, RequestNote, RequestSource, RequestStatus, Visit
from ..selectors.requests import request_assignee_officers, request_assignee_users


class NoteSerializer(serializers.ModelSerializer):
    """One step of a request's handling."""

    status_from = ChoicesField(RequestStatus, allow_blank=True, read_only=True)
    status_to = ChoicesField(RequestStatus, allow_blank=True, read_only=True)

    class Meta:
        model = RequestNote
        fields = ("id", "text", "status_from", "status_to", "author_label", "by_member", "created_at")
        read_only_fields = fields


class RequestSerializer(serializers.ModelSerializer):
    """A request as a list row: member, category, status, assignees, due date, overdue."""

    membership_name = serializers.CharField(source="membership.name", read_only=True)
    category = ChoicesField(RequestCategory, read_only=True)
    status = ChoicesField(RequestStatus, read_only=True)
    source = ChoicesField(RequestSource, read_only=True)
    assignee_name = serializers.SerializerMethodField()
    assignee_officer_name = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = MemberRequest
        fields = ("id", "membership", "membership_name", "source", "visit", "category", "title", "status",
                  "assignee", "assignee_name", "assignee_officer", "assignee_officer_name", "due_on", "closed_on",
                  "overdue", "rating", "rating_comment", "is_typical", "created_at", "updated_at")
        read_only_fields = fields

    def get_assignee_name(self, obj) -> str:
        user = obj.assignee
        return (user.get_full_name() or user.get_username()) if user else ""

    def get_assignee_officer_name(self, obj) -> str:
        return str(obj.assignee_officer) if obj.assignee_officer_id else ""

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class RequestDetailSerializer(RequestSerializer):
    """A request with its description, typical-case summary and notes."""

    notes = NoteSerializer(source="note_list", many=True, read_only=True)

    class Meta(RequestSerializer.Meta):
        fields = RequestSerializer.Meta.fields + ("description", "typical_summary", "notes")
        read_only_fields = fields


class _BoundFields(serializers.Serializer):
    """Rebinds membership / assignee / officer ids to the request's chamber (and the caller's reach)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chamber, access = self.context.get("chamber"), self.context.get("access")
        if "membership" in self.fields:
            self.fields["membership"].queryset = (
                membership_visible(chamber=chamber, access=access, capability=REQUESTS_MANAGE)
                .exclude(status=MembershipStatus.LEFT) if chamber is not None else Membership.objects.none())
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = (request_assignee_users(chamber=chamber) if chamber is not None
                                                else get_user_model().objects.none())
        for name in ("assignee_officer", "officer"):
            if name in self.fields:
                self.fields[name].queryset = (request_assignee_officers(chamber=chamber) if chamber is not None
                                              else OfficerPosition.objects.none())


class RequestFieldsSerializer(_BoundFields):
    """What a request is (a visit's request rows use this too)."""

    category = ChoicesField(RequestCategory)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)
    assignee = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.none(), required=False,
                                                  allow_null=True)
    assignee_officer = serializers.PrimaryKeyRelatedField(queryset=OfficerPosition.objects.none(), required=False,
                                                          allow_null=True)
    due_on = serializers.DateField(required=False, allow_null=True,
                                   help_text="Empty: due 30 days after it is raised.")


class RequestCreateSerializer(RequestFieldsSerializer):
    """Record a request for a member (source: staff)."""

    membership = serializers.PrimaryKeyRelatedField(queryset=Membership.objects.none())


class MoveSerializer(serializers.Serializer):
    """Move to a status, with the note that says what was done."""

    status = ChoicesField(RequestStatus)
    note = serializers.CharField(max_length=5000)


class AssignSerializer(_BoundFields):
    """Hand the request to staff and/or an officer, optionally with a new due date."""

    assignee = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.none(), required=False,
                                                  allow_null=True)
    assignee_officer = serializers.PrimaryKeyRelatedField(queryset=OfficerPosition.objects.none(), required=False,
                                                          allow_null=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class NoteCreateSerializer(serializers.Serializer):
    """A note without a move."""

    text = serializers.CharField(max_length=5000)


class TypicalSerializer(serializers.Serializer):
    """Flag (summary required) or unflag a closed request as a typical case."""

    is_typical = serializers.BooleanField()
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class VisitSerializer(serializers.ModelSerializer):
    """A visit, with the ids of the requests raised during it."""

    membership_name = serializers.CharField(source="membership.name", read_only=True)
    officer_name = serializers.SerializerMethodField()
    request_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Visit
        fields = ("id", "membership", "membership_name", "visited_on", "visitors", "officer", "officer_name",
                  "notes", "request_count", "created_at")
        read_only_fields = fields

    def get_officer_name(self, obj) -> str:
        return str(obj.officer) if obj.officer_id else ""


class VisitDetailSerializer(VisitSerializer):
    """A visit with its requests."""

    requests = RequestSerializer(source="request_list", many=True, read_only=True)

    class Meta(VisitSerializer.Meta):
        fields = VisitSerializer.Meta.fields + ("requests",)
        read_only_fields = fields


class VisitCreateSerializer(_BoundFields):
    """Record a visit, with the requests raised during it."""

    membership = serializers.PrimaryKeyRelatedField(queryset=Membership.objects.none())
    visited_on = serializers.DateField()
    visitors = serializers.CharField(max_length=300)
    officer = serializers.PrimaryKeyRelatedField(queryset=OfficerPosition.objects.none(), required=False,
                                                 allow_null=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    requests = serializers.ListField(child=serializers.DictField(), required=False, max_length=10,
                                     help_text="Request rows: category, title, description, assignee, "
                                               "assignee_officer, due_on.")

    def validate_requests(self, rows):
        cleaned = []
        for row in rows:
            serializer = RequestFieldsSerializer(data=row, context=self.context)
            serializer.is_valid(raise_exception=True)
            cleaned.append(dict(serializer.validated_data))
        return cleaned


class CategoryFigureSerializer(serializers.Serializer):
    """Raised and solved in one category."""

    category = ChoicesField(RequestCategory)
    label = serializers.CharField()
    raised = serializers.IntegerField()
    resolved = serializers.IntegerField()


class TypicalCaseSerializer(serializers.Serializer):
    """A typical case for the annual report."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    membership_name = serializers.CharField(source="membership.name")
    category = ChoicesField(RequestCategory)
    closed_on = serializers.DateField()
    typical_summary = serializers.CharField()


# One document, though the list action serves it: many=False keeps the schema from making it an array.
@extend_schema_serializer(many=False)
class FiguresSerializer(serializers.Serializer):
    """The year's figures: problems raised, solved, not solvable, open, overdue, rating, visits, typical cases."""

    year = serializers.IntegerField()
    raised = serializers.IntegerField()
    resolved = serializers.IntegerField()
    unresolvable = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    rated = serializers.IntegerField()
    average_rating = serializers.FloatField(allow_null=True)
    visits = serializers.IntegerField()
    by_category = CategoryFigureSerializer(many=True)
    typical_cases = TypicalCaseSerializer(many=True)
