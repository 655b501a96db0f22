"""Shapes of the charity API. Amounts are strings with two places ("1000.00"); a JSON number
with a fraction is refused, since a float cannot hold every amount of fen exactly.
Related ids are limited to the request's chamber: another chamber's id "does not exist"."""
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from branches.models import Branch
from chamber.api.serializers import ChoicesField, MoneyField
from chamber.models import PaymentMethod
from members.models import Membership, Person

from ..models import (
    Donation,
    DonationEntry,
    DonationEntryKind,
    DonationForm,
    DonorKind,
    Programme,
    ProgrammeForm,
    ProgrammeKind,
    Recipient,
    RecipientKind,
)


class ChamberBoundMixin:
    """Rebinds the related-id fields named in `chamber_fields` to the request's chamber."""

    chamber_fields = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chamber = self.context.get("chamber")
        for name, model in self.chamber_fields.items():
            if name in self.fields:
                self.fields[name].queryset = (model.objects.filter(chamber=chamber) if chamber is not None
                                              else model.objects.none())


class ProgrammeSerializer(serializers.ModelSerializer):
    """A programme with its totals (pledged less withdrawn, received, outstanding)."""

    organiser_branch_name = serializers.CharField(source="organiser_branch.name", read_only=True, default=None,
                                                  allow_null=True)
    pledged = MoneyField(read_only=True, default=None)
    received = MoneyField(read_only=True, default=None)
    outstanding = MoneyField(read_only=True, default=None)
    donation_count = serializers.IntegerField(source="count", read_only=True, default=None)
    goal_amount = MoneyField(read_only=True, allow_null=True)
    kind = ChoicesField(ProgrammeKind, read_only=True)
    form = ChoicesField(ProgrammeForm, read_only=True)

    class Meta:
        model = Programme
        fields = ("id", "name", "kind", "form", "goal_amount", "starts_on", "ends_on", "organiser_branch",
                  "organiser_branch_name", "description", "honour_roll_public", "is_closed", "pledged",
                  "received", "outstanding", "donation_count")
        read_only_fields = fields


class ProgrammeWriteSerializer(ChamberBoundMixin, serializers.Serializer):
    """Create or change a programme (PATCH: any subset; `is_closed` closes or reopens it)."""

    chamber_fields = {"organiser_branch": Branch}

    name = serializers.CharField(max_length=200)
    kind = ChoicesField(ProgrammeKind)
    form = ChoicesField(ProgrammeForm, required=False)
    goal_amount = MoneyField(required=False, allow_null=True, min_value=0)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    organiser_branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.none(), required=False,
                                                          allow_null=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    honour_roll_public = serializers.BooleanField(required=False)
    is_closed = serializers.BooleanField(required=False)


class RecipientSerializer(serializers.ModelSerializer):
    """Who a programme helps."""

    kind = ChoicesField(RecipientKind)

    class Meta:
        model = Recipient
        fields = ("id", "name", "kind", "address", "note")
        read_only_fields = ("id",)


class DonationEntrySerializer(serializers.ModelSerializer):
    """A receipt (numbered), a withdrawn pledge, or a reversal of one of them."""

    amount = MoneyField(read_only=True)
    donation = serializers.IntegerField(source="donation_id", read_only=True)
    reversed_by = serializers.SerializerMethodField()
    kind = ChoicesField(DonationEntryKind, read_only=True)
    # Blank on a withdrawal or a write-off (no money moved), as on the dues entries.
    method = ChoicesField(PaymentMethod, read_only=True, allow_blank=True)

    class Meta:
        model = DonationEntry
        fields = ("id", "donation", "kind", "amount", "number", "occurred_on", "method", "reference", "reason",
                  "reverses", "reversed_by", "actor_label", "created_at")
        read_only_fields = fields

    def get_reversed_by(self, entry) -> int | None:
        reversal = getattr(entry, "reversed_by", None)
        return reversal.pk if reversal is not None else None


class DonationSerializer(serializers.ModelSerializer):
    """A donation: the pledge (fixed), and what was received and withdrawn so far."""

    programme_name = serializers.CharField(source="programme.name", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True, default=None)
    amount = MoneyField(read_only=True)
    received = MoneyField(source="settled_amount", read_only=True)
    withdrawn = MoneyField(source="written_off_amount", read_only=True)
    outstanding = MoneyField(read_only=True)
    form = ChoicesField(DonationForm, read_only=True)
    donor_kind = ChoicesField(DonorKind, read_only=True)

    class Meta:
        model = Donation
        fields = ("id", "programme", "programme_name", "donor_kind", "membership", "person", "branch",
                  "branch_name", "donor_name", "form", "goods_description", "recipient", "pledged_on",
                  "anonymous", "note", "amount", "received", "withdrawn", "outstanding", "created_at")
        read_only_fields = fields


class DonationDetailSerializer(DonationSerializer):
    """A donation with its entries in posting order."""

    entries = DonationEntrySerializer(many=True, read_only=True, source="entry_list")

    class Meta(DonationSerializer.Meta):
        fields = DonationSerializer.Meta.fields + ("entries",)
        read_only_fields = fields


class ReceivedNowSerializer(serializers.Serializer):
    """The part of a new donation received at once (the common case)."""

    amount = MoneyField()
    on = serializers.DateField(required=False)
    method = ChoicesField(PaymentMethod, required=False)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)


class DonationCreateSerializer(ChamberBoundMixin, serializers.Serializer):
    """Record a donation; `received` posts its first receipt in the same transaction."""

    chamber_fields = {"programme": Programme, "membership": Membership, "branch": Branch, "person": Person,
                      "recipient": Recipient}

    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.none())
    donor_kind = ChoicesField(DonorKind)
    membership = serializers.PrimaryKeyRelatedField(queryset=Membership.objects.none(), required=False, allow_null=True)
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.none(), required=False, allow_null=True)
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none(), required=False, allow_null=True)
    donor_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    form = ChoicesField(DonationForm, default=DonationForm.MONEY)
    amount = MoneyField()
    goods_description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    recipient = serializers.PrimaryKeyRelatedField(queryset=Recipient.objects.none(), required=False, allow_null=True)
    pledged_on = serializers.DateField()
    anonymous = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    received = ReceivedNowSerializer(required=False, allow_null=True)


class ReceiptCreateSerializer(serializers.Serializer):
    """Money or goods received on a donation."""

    amount = MoneyField()
    received_on = serializers.DateField()
    method = ChoicesField(PaymentMethod, required=False, default="")
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class WithdrawalCreateSerializer(serializers.Serializer):
    """Part or all of a pledge that will not be honoured."""

    amount = MoneyField()
    reason = serializers.CharField(max_length=500)


class TotalsRowSerializer(serializers.Serializer):
    """One row of totals: a programme, a donor, a branch or a year."""

    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    pledged = MoneyField()
    received = MoneyField()
    outstanding = MoneyField()
    count = serializers.IntegerField(allow_null=True)


# One document, though the list action serves it: many=False keeps the schema from making it an array.
@extend_schema_serializer(many=False)
class TotalsSerializer(serializers.Serializer):
    """Totals grouped one way, with the grand total."""

    by = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    rows = TotalsRowSerializer(many=True)
    total = TotalsRowSerializer()
