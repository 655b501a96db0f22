"""Charity in the Django admin: programmes and recipients editable by superusers; donations
and their entries read-only (money is recorded and corrected through the services only)."""
from django.contrib import admin

from chamber.admin import ReadOnlyAdminMixin, TenantAdmin

from .models import Donation, DonationEntry, Programme, Recipient


@admin.register(Programme)
class ProgrammeAdmin(TenantAdmin):
    """Programmes and funds of every chamber."""

    list_display = ("name", "chamber", "kind", "form", "goal_amount", "starts_on", "ends_on", "is_closed",
                    "honour_roll_public")
    list_filter = ("kind", "form", "is_closed", "honour_roll_public")
    search_fields = ("name",)
    list_select_related = ("chamber",)
    raw_id_fields = ("chamber", "organiser_branch")


@admin.register(Recipient)
class RecipientAdmin(TenantAdmin):
    """Recipients of the programmes."""

    list_display = ("name", "programme", "kind", "chamber")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("programme", "chamber")
    raw_id_fields = ("chamber", "programme")


class DonationEntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    """A donation's entries, as posted."""

    model = DonationEntry
    fk_name = "donation"
    fields = ("kind", "amount", "number", "occurred_on", "method", "reference", "reason", "actor_label", "created_at")
    readonly_fields = fields
    extra = 0


@admin.register(Donation)
class DonationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Donations, read-only: pledged, received and withdrawn as the ledger posted them."""

    list_display = ("donor_name", "programme", "donor_kind", "form", "amount", "settled_amount",
                    "written_off_amount", "pledged_on", "chamber")
    list_filter = ("donor_kind", "form", "anonymous")
    search_fields = ("donor_name", "goods_description")
    list_select_related = ("programme", "chamber")
    inlines = [DonationEntryInline]


@admin.register(DonationEntry)
class DonationEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Receipts, withdrawals and reversals, read-only."""

    list_display = ("number", "kind", "amount", "occurred_on", "method", "donation", "chamber")
    list_filter = ("kind", "method")
    search_fields = ("number", "reference")
    list_select_related = ("donation", "chamber")
