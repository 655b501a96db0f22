"""Admin for the roster and officers.

A membership's status, rank and branches change only through `members.services`, which
writes the history; here they are read-only and the history itself can only be viewed.
"""
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from chamber.admin import ReadOnlyAdminMixin, TenantAdmin
from chamber.validators import mask_id_number, mask_mobile

from .models import (
    AnnualFigures,
    Contact,
    Enterprise,
    EnterpriseUserObjectPermission,
    Honour,
    Liaison,
    Membership,
    MembershipBranch,
    MembershipChange,
    MembershipRemoval,
    OfficerPosition,
    Person,
    PersonConsent,
    Rank,
    RepresentativePost,
    RotatingChair,
    SelfServiceChange,
    Term,
)
from .services import pinyin_initials


@admin.register(Enterprise)
class EnterpriseAdmin(TenantAdmin):
    list_display = ("name", "uscc", "chamber", "industry_code", "division_code", "employees")
    list_filter = ("chamber",)
    search_fields = ("name", "name_initials", "uscc")
    list_select_related = ("chamber",)
    readonly_fields = ("name_initials", "created_at", "updated_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        obj.name_initials = pinyin_initials(obj.name)  # as enterprise_create does
        super().save_model(request, obj, form, change)


@admin.register(EnterpriseUserObjectPermission)
class EnterpriseUserObjectPermissionAdmin(admin.ModelAdmin):
    list_display = ("user", "permission", "content_object")
    search_fields = ("user__username", "content_object__name")
    raw_id_fields = ("user", "permission", "content_object")
    list_select_related = ("user", "permission", "content_object")


class RepresentativePostInline(admin.TabularInline):
    model = RepresentativePost
    fields = ("body", "level", "term", "started_year", "ended_year")
    extra = 0


class HonourInline(admin.TabularInline):
    model = Honour
    fields = ("name", "level", "year")
    extra = 0


@admin.register(Person)
class PersonAdmin(TenantAdmin):
    list_display = ("name", "chamber", "gender", "birth_date", "masked_mobile", "masked_id_number", "political_affiliation")
    list_filter = ("gender", "political_affiliation", "chamber")
    search_fields = ("name", "name_initials", "mobile")
    raw_id_fields = ("user",)
    list_select_related = ("chamber",)
    readonly_fields = ("name_initials", "created_at", "updated_at")
    inlines = (RepresentativePostInline, HonourInline)

    @admin.display(description=_("mobile"))
    def masked_mobile(self, obj):
        return mask_mobile(obj.mobile)

    @admin.display(description=_("resident ID number"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    def save_model(self, request, obj, form, change):
        obj.name_initials = pinyin_initials(obj.name)[:60]
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # Inline rows (posts, honours) belong to the person's chamber.
        for instance in formset.save(commit=False):
            instance.chamber = form.instance.chamber
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Contact)
class ContactAdmin(TenantAdmin):
    list_display = ("person", "enterprise", "title", "is_primary", "chamber")
    list_filter = ("is_primary", "chamber")
    search_fields = ("person__name", "enterprise__name", "title")
    raw_id_fields = ("enterprise", "person")
    list_select_related = ("chamber", "person", "enterprise")


@admin.register(RepresentativePost)
class RepresentativePostAdmin(TenantAdmin):
    list_display = ("person", "body", "level", "term", "started_year", "ended_year", "chamber")
    list_filter = ("body", "level", "chamber")
    search_fields = ("person__name", "term")
    raw_id_fields = ("person",)
    list_select_related = ("chamber", "person")


@admin.register(Honour)
class HonourAdmin(TenantAdmin):
    list_display = ("name", "person", "level", "year", "chamber")
    list_filter = ("level", "year", "chamber")
    search_fields = ("name", "person__name")
    raw_id_fields = ("person",)
    list_select_related = ("chamber", "person")


@admin.register(Rank)
class RankAdmin(TenantAdmin):
    list_display = ("name", "code", "order", "chamber")
    list_filter = ("chamber",)
    search_fields = ("name", "code", "chamber__name")
    list_select_related = ("chamber",)
    ordering = ("chamber", "order", "pk")


class MembershipBranchInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MembershipBranch
    fields = ("branch",)
    readonly_fields = ("branch",)
    extra = 0


class MembershipChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MembershipChange
    fields = ("created_at", "field", "old_value", "new_value", "effective_on", "reason", "actor_label")
    readonly_fields = fields
    extra = 0
    ordering = ("-created_at", "-pk")


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    """Members are admitted and moved in the app, where every change is recorded."""

    list_display = ("__str__", "kind", "rank", "status", "member_number", "joined_on", "left_on", "chamber")
    list_filter = ("status", "kind", "chamber")
    search_fields = ("enterprise__name", "enterprise__name_initials", "enterprise__uscc", "person__name", "member_number")
    list_select_related = ("chamber", "enterprise", "person", "rank")
    readonly_fields = ("kind", "enterprise", "person", "rank", "status", "joined_on", "left_on", "created_at", "updated_at")
    inlines = (MembershipBranchInline, MembershipChangeInline)

    def has_add_permission(self, request):
        return False


@admin.register(MembershipBranch)
class MembershipBranchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("membership", "branch", "chamber")
    list_filter = ("chamber",)
    search_fields = ("membership__enterprise__name", "membership__person__name", "branch__name")
    list_select_related = ("chamber", "membership__enterprise", "membership__person", "branch")


@admin.register(PersonConsent)
class PersonConsentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: consent is a history (PIPL), given or withdrawn through members.privacy."""

    list_display = ("recorded_at", "person", "action", "basis", "text_version", "recorded_by", "chamber")
    list_filter = ("action", "basis", "chamber")
    search_fields = ("person__name",)
    list_select_related = ("chamber", "person", "recorded_by")


@admin.register(MembershipChange)
class MembershipChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "membership", "field", "display_old", "display_new", "effective_on", "actor_label", "chamber")
    list_filter = ("field", "chamber")
    search_fields = ("membership__enterprise__name", "membership__person__name", "reason", "actor_label")
    list_select_related = ("chamber", "membership__enterprise", "membership__person")


@admin.register(AnnualFigures)
class AnnualFiguresAdmin(TenantAdmin):
    list_display = ("enterprise", "year", "revenue", "tax_paid", "employees", "chamber")
    list_filter = ("year", "chamber")
    search_fields = ("enterprise__name", "enterprise__uscc")
    raw_id_fields = ("enterprise",)
    list_select_related = ("chamber", "enterprise")


@admin.register(Term)
class TermAdmin(TenantAdmin):
    list_display = ("__str__", "ordinal", "chamber", "starts_on", "ends_on", "elected_on")
    list_filter = ("chamber",)
    search_fields = ("name", "chamber__name")
    list_select_related = ("chamber",)


@admin.register(OfficerPosition)
class OfficerPositionAdmin(TenantAdmin):
    list_display = ("person", "post", "term", "enterprise", "branch", "starts_on", "ends_on", "chamber")
    list_filter = ("post", "chamber")
    search_fields = ("person__name", "enterprise__name")
    raw_id_fields = ("term", "person", "enterprise", "branch")
    list_select_related = ("chamber", "term", "person", "enterprise", "branch")


@admin.register(RotatingChair)
class RotatingChairAdmin(TenantAdmin):
    list_display = ("position", "term", "starts_on", "ends_on", "chamber")
    list_filter = ("chamber",)
    search_fields = ("position__person__name",)
    raw_id_fields = ("term", "position")
    list_select_related = ("chamber", "term", "position__person")


@admin.register(Liaison)
class LiaisonAdmin(TenantAdmin):
    list_display = ("officer", "membership", "since", "chamber")
    list_filter = ("chamber",)
    search_fields = ("officer__person__name", "membership__enterprise__name", "membership__person__name")
    raw_id_fields = ("officer", "membership")
    list_select_related = ("chamber", "officer__person", "membership__enterprise", "membership__person")


@admin.register(SelfServiceChange)
class SelfServiceChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Changes are proposed on the portal and decided in the approval queue, which apply them."""

    list_display = ("__str__", "kind", "status", "requested_by", "requested_at", "decided_by", "decided_at", "chamber")
    list_filter = ("status", "kind", "chamber")
    search_fields = ("enterprise__name", "decision_note")
    list_select_related = ("chamber", "enterprise", "requested_by", "decided_by")


# --- Dues: viewed here, written only through members.dues.services (audit, ledger, numbers) ---

from .models import DuesEntry, DuesInvoice, FeeRate, FeeSchedule  # noqa: E402


class FeeRateInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FeeRate
    fields = ("rank", "amount")
    readonly_fields = fields
    extra = 0


@admin.register(FeeSchedule)
class FeeScheduleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Set on the dues pages or the API (fee_schedule_set), which keep the audit trail."""

    list_display = ("year", "due_on", "grace_days", "chamber")
    list_filter = ("chamber",)
    list_select_related = ("chamber",)
    inlines = [FeeRateInline]


@admin.register(FeeRate)
class FeeRateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rates also show inline on their schedule."""

    list_display = ("schedule", "rank", "amount", "chamber")
    list_filter = ("chamber",)
    list_select_related = ("chamber", "schedule", "rank")


@admin.register(DuesInvoice)
class DuesInvoiceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Posted money: never edited or deleted; corrections are reversal entries."""

    list_display = ("number", "membership", "year", "amount", "settled_amount", "written_off_amount", "due_on", "chamber")
    list_filter = ("year", "chamber")
    search_fields = ("number", "membership__name")
    list_select_related = ("chamber", "membership")


@admin.register(DuesEntry)
class DuesEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Payments, waivers and reversals: append-only."""

    list_display = ("__str__", "invoice", "kind", "amount", "occurred_on", "method", "actor_label", "chamber")
    list_filter = ("kind", "method", "chamber")
    search_fields = ("number", "reference", "invoice__number")
    list_select_related = ("chamber", "invoice")


@admin.register(MembershipRemoval)
class MembershipRemovalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What roster sync clients are told to drop; written when a membership is deleted."""

    list_display = ("removed_at", "chamber", "membership_id", "member_number", "name")
    search_fields = ("name", "member_number")
    list_select_related = ("chamber",)
