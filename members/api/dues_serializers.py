"""Dues over the API. Amounts are decimal strings with two places ("1000.00"); a JSON number
with a fraction (a float) is refused, since money must add up. `kind`, `method` and `status`
are enums of their TextChoices classes; `status` is worked out, its values listed in its description."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from chamber.api.serializers import ChamberRelatedField, ChoicesField, MoneyField
from chamber.models import PaymentMethod
from members.dues.selectors import invoice_status
from members.dues.services import DUES_METHOD_VALUES
from members.models import DuesEntry, DuesEntryKind, DuesInvoice, FeeRate, FeeSchedule, Rank

METHODS_HELP = "How it was paid: bank_transfer, cash, wechat_pay, alipay or other."


class FeeRateSerializer(serializers.ModelSerializer):
    """One rank's yearly dues."""

    rank = ChamberRelatedField(model=Rank)
    rank_name = serializers.CharField(source="rank.name", read_only=True)
    amount = MoneyField(min_value=0)

    class Meta:
        model = FeeRate
        fields = ("rank", "rank_name", "amount")


class FeeScheduleSerializer(serializers.ModelSerializer):
    """A year's schedule: due date, grace period and rates. POST creates or updates the year."""

    rates = FeeRateSerializer(many=True)

    class Meta:
        model = FeeSchedule
        fields = ("id", "year", "due_on", "grace_days", "note", "rates")
        read_only_fields = ("id",)
        # The year is unique per chamber, but a POST for an existing year updates it.
        validators = []
        extra_kwargs = {"year": {"validators": []}}

    def validate_rates(self, value):
        ranks = [row["rank"].pk for row in value]
        if len(ranks) != len(set(ranks)):
            raise serializers.ValidationError(_("Each rank may appear only once."))
        return value


class DuesMemberRefSerializer(serializers.Serializer):
    """The member an invoice is for."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class DuesEntrySerializer(serializers.ModelSerializer):
    """A payment (settlement), waiver (write_off) or reversal posted on an invoice."""

    kind = ChoicesField(DuesEntryKind, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    method = ChoicesField(PaymentMethod, read_only=True, allow_blank=True)
    amount = MoneyField(read_only=True)
    invoice = serializers.PrimaryKeyRelatedField(read_only=True)
    reversed = serializers.SerializerMethodField(help_text="Whether a reversal undoes this entry.")

    class Meta:
        model = DuesEntry
        fields = ("id", "invoice", "kind", "kind_label", "amount", "number", "occurred_on", "method", "reference",
                  "reason", "reverses", "reversed", "actor_label", "created_at")
        read_only_fields = fields

    def get_reversed(self, entry) -> bool:
        value = getattr(entry, "is_reversed", None)
        if value is None:
            value = DuesEntry.objects.filter(chamber_id=entry.chamber_id, reverses=entry).exists()
        return value


class DuesInvoiceSerializer(serializers.ModelSerializer):
    """One member's dues for one year and what is left to pay."""

    membership = DuesMemberRefSerializer(read_only=True)
    amount = MoneyField(read_only=True)
    settled_amount = MoneyField(read_only=True)
    written_off_amount = MoneyField(read_only=True)
    outstanding = MoneyField(read_only=True)
    status = serializers.SerializerMethodField(help_text="paid, waived, overdue, partial or unpaid.")

    class Meta:
        model = DuesInvoice
        fields = ("id", "number", "year", "membership", "rank_name", "amount", "settled_amount",
                  "written_off_amount", "outstanding", "status", "issued_on", "due_on")
        read_only_fields = fields

    def get_status(self, invoice) -> str:
        return invoice_status(invoice)


class DuesInvoiceDetailSerializer(DuesInvoiceSerializer):
    """An invoice with its entries, oldest first."""

    entries = DuesEntrySerializer(source="entry_list", many=True, read_only=True)

    class Meta(DuesInvoiceSerializer.Meta):
        fields = DuesInvoiceSerializer.Meta.fields + ("entries",)
        read_only_fields = fields


class DuesGenerateSerializer(serializers.Serializer):
    """Which year's invoices to issue."""

    year = serializers.IntegerField(min_value=2000, max_value=2100)


class DuesGenerateResultSerializer(serializers.Serializer):
    """What a generation run did; a second run creates 0."""

    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    skipped_no_rate = serializers.IntegerField()
    total_amount = serializers.CharField()
    first_number = serializers.CharField(allow_null=True)
    last_number = serializers.CharField(allow_null=True)


class DuesPaymentSerializer(serializers.Serializer):
    """A payment received (recorded by staff; nothing is charged online)."""

    amount = MoneyField()
    paid_on = serializers.DateField()
    method = serializers.CharField(help_text=METHODS_HELP)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate_method(self, value):
        if value not in DUES_METHOD_VALUES:
            raise serializers.ValidationError(_("Choose how it was paid."))
        return value


class DuesWaiverSerializer(serializers.Serializer):
    """Part or all of what is outstanding, forgiven, with a reason."""

    amount = MoneyField()
    reason = serializers.CharField(max_length=500)


class DuesYearTotalsSerializer(serializers.Serializer):
    """A year's collection: amounts and counts by status."""

    year = serializers.IntegerField()
    invoiced = MoneyField()
    paid = MoneyField()
    waived = MoneyField()
    outstanding = MoneyField()
    count = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="Invoices by status: paid, partial, unpaid, overdue, waived.")
