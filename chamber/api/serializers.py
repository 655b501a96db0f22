"""Serializer building blocks shared by every app's API, and the chamber's own serializer.

- `ChamberRelatedField`: a related id is looked up in the request's chamber only, so an id
  of another chamber reads "object does not exist" (400), the same as an id never used.
  pretix rebinds `fields[...].queryset` in `__init__`; we do the equivalent in the field's
  `get_queryset()`, which DRF calls for every lookup. That also covers nested serializers
  and `many=True` lists, whose `__init__` runs before any request context exists.
- `ChoicesField`: a choice field named after its `TextChoices` class, so the OpenAPI
  document has one enum component per class (`MembershipStatusEnum`, `BranchStatusEnum`…)
  instead of colliding `status` / `kind` enums.
- `visible_mobile` / `visible_id_number`: the one place personal numbers are masked.
"""
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_field
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from chamber.access import MEMBERS_VIEW, PERSONAL_DATA
from chamber.models import Chamber, ChamberKind, ChamberStatus
from chamber.validators import mask_id_number, mask_mobile


def chamber_of(context):
    """The chamber of the request a serializer works for (None outside a tenant request)."""
    chamber = context.get("chamber")
    if chamber is None:
        chamber = getattr(context.get("request"), "chamber", None)
    return chamber


class ChamberRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key of a row of the request's chamber.

    `limit(queryset, context)` may narrow the choice further (e.g. only active branches).
    """

    def __init__(self, model=None, limit=None, **kwargs):
        self.model = model
        self.limit = limit
        if not kwargs.get("read_only"):
            # Never evaluated: it names the model for the schema; `get_queryset` does the work.
            kwargs["queryset"] = model.objects.none()
        super().__init__(**kwargs)

    def get_queryset(self):
        chamber = chamber_of(self.context)
        if chamber is None:
            return self.model.objects.none()
        queryset = self.model.objects.filter(chamber=chamber)
        if self.limit is not None:
            queryset = self.limit(queryset, self.context)
        return queryset


class ChoicesField(serializers.ChoiceField):
    """A ChoiceField over a Django `TextChoices` class."""

    def __init__(self, choices_class, **kwargs):
        self.choices_class = choices_class
        super().__init__(choices=choices_class.choices, **kwargs)


class ChoicesFieldExtension(OpenApiSerializerFieldExtension):
    target_class = ChoicesField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        choices_class = self.target.choices_class
        component = ResolvedComponent(
            name=f"{choices_class.__name__}Enum",
            type=ResolvedComponent.SCHEMA,
            object=choices_class,
            schema={
                "type": "string",
                "enum": list(choices_class.values),
                "description": "\n".join(f"* `{value}` - {label}" for value, label in choices_class.choices),
            },
        )
        auto_schema.registry.register_on_missing(component)
        if self.target.allow_blank:
            return {"oneOf": [component.ref, {"type": "string", "enum": [""]}]}
        return component.ref


def show_mobiles(access):
    """Mobiles are shown in full to roster readers; others (a member representative) see
    them masked."""
    return access is not None and (access.has(MEMBERS_VIEW) or access.has(PERSONAL_DATA))


def visible_mobile(mobile, context):
    return mobile if show_mobiles(context.get("access")) else mask_mobile(mobile)


def visible_id_number(id_number, context):
    access = context.get("access")
    if access is not None and access.has(PERSONAL_DATA):
        return id_number
    return mask_id_number(id_number)


@extend_schema_field({"type": "string", "example": "139****5678"})
class MobileField(serializers.CharField):
    """A mobile number: written in any accepted form, read back masked where the reader
    may not see it in full."""

    def to_representation(self, value):
        return visible_mobile(super().to_representation(value), self.context)


class ChamberSerializer(serializers.ModelSerializer):
    kind = ChoicesField(ChamberKind, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = ChoicesField(ChamberStatus, read_only=True)

    class Meta:
        model = Chamber
        fields = (
            "id", "slug", "name", "short_name", "kind", "kind_label", "uscc", "division_code",
            "address", "founded_on", "status",
        )
        read_only_fields = fields


class ChamberDetailSerializer(ChamberSerializer):
    capabilities = serializers.SerializerMethodField(
        help_text="What the caller may do in this chamber, e.g. `members.view`."
    )

    class Meta(ChamberSerializer.Meta):
        fields = (*ChamberSerializer.Meta.fields, "capabilities")
        read_only_fields = fields

    def get_capabilities(self, chamber) -> list[str]:
        access = self.context.get("access")
        return sorted(access.grants) if access is not None else []


class MoneyField(serializers.DecimalField):
    """CNY with two places (strings in JSON); refuses a JSON float instead of rounding it.

    Send "1000.50", not 1000.5: a binary float cannot hold most amounts exactly.
    """

    default_error_messages = {"float": _("Amounts must be given as decimal text, not as a floating-point number.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, float):
            self.fail("float")
        return super().to_internal_value(data)


class LedgerReverseSerializer(serializers.Serializer):
    """Why a posted money entry (a payment, waiver, receipt or withdrawal) is undone by a reversal."""

    reason = serializers.CharField(max_length=500)
