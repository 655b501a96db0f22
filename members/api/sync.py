"""GET /api/v1/chambers/<chamber>/members/changes/: the roster change feed for systems that
keep a copy of the roster (members/sync.py explains the cursor and the settle window;
docs/roster-sync.md tells clients how to use it)."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from chamber.access import MEMBERS_VIEW
from chamber.api.mixins import TenantViewSet
from members.models import Membership
from members.sync import FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT, cursor_decode, feed_limit, roster_changes

from .serializers import MembershipSerializer, roster_document, roster_plan

# --- What the schema says (the response itself is built as plain dicts, as the roster list's).


class RemovedMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="The deleted membership's id: drop it from your copy.")
    member_number = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    removed_at = serializers.DateTimeField(read_only=True)


class RosterChangesSerializer(serializers.Serializer):
    changes = MembershipSerializer(many=True, read_only=True, help_text=(
        "Members changed since the cursor, oldest change first, as the roster list shows them. "
        "Members who left are here with status `left`. Upsert by `id`: a member may come again."))
    removed = RemovedMemberSerializer(many=True, read_only=True, help_text=(
        "Memberships deleted since the cursor (an import undone, a record removed). "
        "Apply after `changes`."))
    next_cursor = serializers.CharField(read_only=True, help_text="Pass as `cursor` in the next request; store it "
                                                                  "once `has_more` is false.")
    has_more = serializers.BooleanField(read_only=True, help_text="True: ask again at once with next_cursor.")


CURSOR_PARAMETER = OpenApiParameter(
    "cursor", OpenApiTypes.STR, OpenApiParameter.QUERY,
    description="Opaque: the `next_cursor` of the previous response. Leave it out for a full first sync.")
LIMIT_PARAMETER = OpenApiParameter(
    "limit", OpenApiTypes.INT, OpenApiParameter.QUERY,
    description="Members (and removals) per page: default {}, at most {}.".format(FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT))


class RosterChangesViewSet(TenantViewSet):
    permission = MEMBERS_VIEW
    write_permission = None  # read-only
    queryset = Membership.objects.none()
    serializer_class = RosterChangesSerializer
    pagination_class = None
    filter_backends = ()
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        summary="Roster changes since a cursor (for systems that keep a copy)",
        description=(
            "Members changed since `cursor` (a change of the member, its enterprise, rank, branches or "
            "contacts), and memberships deleted since. Page with `next_cursor` while `has_more` is true; "
            "then store `next_cursor` and poll with it later. The last page's cursor stays up to "
            "ROSTER_SYNC_SETTLE_SECONDS behind, so late-committed changes are sent again: delivery is "
            "at least once, upsert by `id`. A branch secretary sees their branches' members; an API key the "
            "whole chamber. Rate-limited per API key (429 with Retry-After)."
        ),
        parameters=[CURSOR_PARAMETER, LIMIT_PARAMETER],
        responses={
            200: RosterChangesSerializer,
            400: OpenApiResponse(response=OpenApiTypes.OBJECT, description="A bad `cursor` or `limit`, keyed by it."),
        },
    )
    def changes(self, request, *args, **kwargs):
        cursor = request.query_params.get("cursor")
        page = roster_changes(
            chamber=self.chamber, access=self.access,
            cursor=cursor_decode(cursor) if cursor else None, limit=feed_limit(request.query_params.get("limit")),
        )
        plan = roster_plan(self.access)
        write_datetime = plan["datetime"]
        return Response({
            "changes": [roster_document(row, plan) for row in page["rows"]],
            "removed": [
                {"id": r["membership_id"], "member_number": r["member_number"], "name": r["name"],
                 "removed_at": write_datetime(r["removed_at"])}
                for r in page["removed"]
            ],
            "next_cursor": page["next_cursor"].encode(),
            "has_more": page["has_more"],
        })
