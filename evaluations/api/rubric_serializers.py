"""Serializers of the rubrics API. Read serializers describe what comes back; write
serializers check shapes only and hand plain values to `evaluations.rubrics`. The
`Document*` serializers describe the interchange format (evaluations.interchange) for the
OpenAPI document; the import itself is validated by the interchange module, so the API
and the import page report the same problems in the same words."""
from rest_framework import serializers

from chamber.api.serializers import ChoicesField

from ..models import GradeRule, Indicator, Scheme, SchemeKind, SchemeVersion, ScoringMode


class SchemeSerializer(serializers.ModelSerializer):
    kind = ChoicesField(SchemeKind)
    version_count = serializers.IntegerField(read_only=True, help_text="How many versions the scheme has.")

    class Meta:
        model = Scheme
        fields = ("id", "kind", "name", "description", "version_count", "created_at")
        read_only_fields = ("id", "version_count", "created_at")


class SchemeCreateSerializer(serializers.Serializer):
    kind = ChoicesField(SchemeKind)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class VersionSerializer(serializers.ModelSerializer):
    scheme_name = serializers.CharField(source="scheme.name", read_only=True)
    is_frozen = serializers.BooleanField(read_only=True,
                                         help_text="A campaign uses this version: it can no longer be changed.")

    class Meta:
        model = SchemeVersion
        fields = ("id", "scheme", "scheme_name", "label", "effective_from", "description", "max_points", "bonus_cap",
                  "validity_months", "is_frozen", "frozen_at", "created_at")
        read_only_fields = fields


class GradeRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradeRule
        fields = ("id", "code", "label", "level", "min_total", "requires_level", "requires_held_days")
        read_only_fields = fields


class IndicatorNodeSerializer(serializers.ModelSerializer):
    """One indicator with its children, to any depth."""

    mode = ChoicesField(ScoringMode, read_only=True)
    options = serializers.ListField(child=serializers.DecimalField(max_digits=8, decimal_places=2), read_only=True,
                                    help_text="Graded mode: the allowed scores.")

    class Meta:
        model = Indicator
        fields = ("id", "parent", "position", "depth", "code", "title", "max_points", "mode", "options", "is_veto",
                  "is_bonus", "guidance", "evidence_required", "children")
        read_only_fields = fields


# A serializer cannot name itself in its own body; the schema generator follows the loop.
IndicatorNodeSerializer._declared_fields["children"] = IndicatorNodeSerializer(
    many=True, read_only=True, source="tree_children")


class VersionDetailSerializer(VersionSerializer):
    """A version with its indicator tree, its grade rules and what the check finds.
    Expects `tree_roots`, `rules` and `problems` attached by the view."""

    indicators = IndicatorNodeSerializer(many=True, read_only=True, source="tree_roots")
    grade_rules = GradeRuleSerializer(many=True, read_only=True, source="rules")
    problems = serializers.ListField(child=serializers.CharField(), read_only=True,
                                     help_text="What stops the version from being scored as it stands (empty: none).")

    class Meta(VersionSerializer.Meta):
        fields = (*VersionSerializer.Meta.fields, "indicators", "grade_rules", "problems")
        read_only_fields = fields


class VersionCopySerializer(serializers.Serializer):
    label = serializers.CharField(max_length=60, help_text="The new version's label.")
    effective_from = serializers.DateField(required=False, allow_null=True, default=None)


# --- The interchange document (for the schema) -----------------------------------------------------

POINTS_HELP = "A decimal as a string, e.g. \"20\" or \"12.5\" (numbers are accepted too)."


class DocumentSchemeSerializer(serializers.Serializer):
    kind = ChoicesField(SchemeKind)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)


class DocumentVersionSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=60)
    effective_from = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True)
    max_points = serializers.CharField(help_text=POINTS_HELP)
    bonus_cap = serializers.CharField(required=False, help_text=POINTS_HELP)
    validity_months = serializers.IntegerField(required=False, min_value=1)


class DocumentIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True)
    title = serializers.CharField()
    max_points = serializers.CharField(help_text=POINTS_HELP)
    mode = ChoicesField(ScoringMode, required=False)
    options = serializers.ListField(child=serializers.CharField(), required=False, help_text="Graded scores.")
    is_veto = serializers.BooleanField(required=False)
    is_bonus = serializers.BooleanField(required=False)
    guidance = serializers.CharField(required=False, allow_blank=True)
    evidence_required = serializers.CharField(required=False, allow_blank=True)


DocumentIndicatorSerializer._declared_fields["children"] = DocumentIndicatorSerializer(many=True, required=False)


class DocumentGradeRuleSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=30)
    label = serializers.CharField(max_length=60)
    level = serializers.IntegerField(min_value=1)
    min_total = serializers.CharField(help_text=POINTS_HELP)
    requires_level = serializers.IntegerField(required=False, allow_null=True)
    requires_held_days = serializers.IntegerField(required=False, min_value=0)


class RubricDocumentSerializer(serializers.Serializer):
    """A version in the interchange format ("chamber-rubric", format version 1)."""

    format = serializers.CharField(help_text="Always \"chamber-rubric\".")
    format_version = serializers.IntegerField(help_text="1")
    scheme = DocumentSchemeSerializer()
    version = DocumentVersionSerializer()
    indicators = DocumentIndicatorSerializer(many=True, help_text="The tree, depth-first; siblings in order.")
    grade_rules = DocumentGradeRuleSerializer(many=True)

