"""The branch tree over the API: flat nodes, the nested tree, and the write bodies."""
from rest_framework import serializers

from branches.models import Branch, BranchKind, BranchStatus
from chamber.api.serializers import ChamberRelatedField, ChoicesField
from members.models import Person


class BranchRefSerializer(serializers.Serializer):
    """A branch named inside another record: id and name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class BranchSerializer(serializers.ModelSerializer):
    kind = ChoicesField(BranchKind, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = ChoicesField(BranchStatus, read_only=True)
    parent = BranchRefSerializer(read_only=True, allow_null=True)
    leader = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Branch
        fields = (
            "id", "name", "kind", "kind_label", "code", "parent", "path", "depth", "leader",
            "founded_on", "status", "created_at", "updated_at",
        )
        read_only_fields = fields


class BranchUpdateSerializer(serializers.ModelSerializer):
    """PATCH: rename or edit a node. Its place in the tree changes only through `move/`,
    its status only through `archive/`."""

    kind = ChoicesField(BranchKind, required=False)
    leader = ChamberRelatedField(Person, required=False, allow_null=True)

    class Meta:
        model = Branch
        fields = ("name", "kind", "code", "leader", "founded_on")
        # Uniqueness of `code` is the service's job (per chamber, ignoring blanks).
        validators = []


def _active_branches(queryset, context):
    return queryset.exclude(status=BranchStatus.ARCHIVED)


class BranchCreateSerializer(BranchUpdateSerializer):
    kind = ChoicesField(BranchKind)
    parent = ChamberRelatedField(Branch, required=False, allow_null=True, limit=_active_branches)

    class Meta(BranchUpdateSerializer.Meta):
        fields = (*BranchUpdateSerializer.Meta.fields, "parent")


class BranchMoveSerializer(serializers.Serializer):
    parent = ChamberRelatedField(
        Branch, allow_null=True, limit=_active_branches,
        help_text="The new parent node, or null to move the node to the top of the tree.",
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BranchArchiveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class BranchTreeNodeSerializer(serializers.Serializer):
    """One node of the nested tree with its active members counted once across its subtree."""

    id = serializers.IntegerField(source="node.pk", read_only=True)
    name = serializers.CharField(source="node.name", read_only=True)
    kind = ChoicesField(BranchKind, source="node.kind", read_only=True)
    code = serializers.CharField(source="node.code", read_only=True)
    status = ChoicesField(BranchStatus, source="node.status", read_only=True)
    depth = serializers.IntegerField(source="node.depth", read_only=True)
    member_count = serializers.SerializerMethodField()

    def get_member_count(self, item) -> int:
        return self.context.get("member_counts", {}).get(item["node"].pk, 0)


# Declared after the class so the field can name the class itself; DRF builds the fields
# lazily, so the recursion only goes as deep as the data.
BranchTreeNodeSerializer._declared_fields["children"] = BranchTreeNodeSerializer(many=True, read_only=True)
