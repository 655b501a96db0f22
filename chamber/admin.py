"""Django admin: the platform operator's tool (superusers), spanning every chamber.

The tenancy middleware runs admin requests with scopes disabled. The admin edits rows
directly, so anything whose consistency a service keeps (history, tree paths, API key
digests) is read-only here, and a form never links a row to another chamber's rows.
"""
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext, gettext_lazy as _
from django_scopes import scope

from .audit import audit_record
from .models import ApiKey, AuditEntry, Chamber, IdempotencyKey, NumberSeries, Role, UserPreference
from .annual.models import AnnualReport, WorkRecord
from .documents.models import Certificate, CertificateTemplate, DocumentBatch
from .interchange.models import ExportRecord, ImportBatch, ImportRow
from .reminders.models import Delivery, ReminderPreference, ReminderSettings
from .services import api_key_revoke


class TenantAdminForm(forms.ModelForm):
    """Refuses a link from a tenant row to a row of another chamber."""

    def clean(self):
        cleaned = super().clean()
        chamber = cleaned.get("chamber")
        if chamber is None and self.instance.chamber_id:
            chamber = self.instance.chamber
        if chamber is None:
            return cleaned
        for name, value in list(cleaned.items()):
            if name == "chamber" or not hasattr(value, "chamber_id"):
                continue
            if value.chamber_id != chamber.pk:
                self.add_error(name, _("This record belongs to another chamber."))
        return cleaned


class TenantAdmin(admin.ModelAdmin):
    """Base for tenant models: the chamber is chosen once and never changed afterwards."""

    form = TenantAdminForm
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and "chamber" not in fields:
            fields += ("chamber",)
        return fields


class ReadOnlyAdminMixin:
    """History is never edited: no add, change or delete, only viewing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Chamber)
class ChamberAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "slug", "kind", "status", "division_code", "supervising_federation")
    list_filter = ("kind", "status")
    search_fields = ("name", "short_name", "slug", "uscc")
    raw_id_fields = ("supervising_federation",)
    list_select_related = ("supervising_federation",)
    readonly_fields = ("created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # What chamber_create does besides saving: the usual ranks and an audit entry.
            from members.services import rank_defaults_create

            with scope(chamber=obj):
                rank_defaults_create(chamber=obj)
                audit_record(chamber=obj, actor=request.user, action="create", target=obj)


@admin.register(Role)
class RoleAdmin(TenantAdmin):
    list_display = ("user", "kind", "chamber", "branch", "granted_by", "created_at")
    list_filter = ("kind", "chamber")
    search_fields = ("user__username", "user__first_name", "user__last_name", "chamber__name", "branch__name")
    raw_id_fields = ("user", "branch", "granted_by")
    list_select_related = ("user", "chamber", "branch", "granted_by")
    readonly_fields = ("created_at",)


@admin.register(ApiKey)
class ApiKeyAdmin(TenantAdmin):
    """Keys are created where the raw key can be shown once (the app); here they are listed and revoked."""

    list_display = ("name", "prefix", "chamber", "created_by", "created_at", "last_used_at", "revoked_at")
    list_filter = ("chamber",)
    search_fields = ("name", "prefix", "chamber__name")
    list_select_related = ("chamber", "created_by")
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke_keys",)

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected keys"))
    def revoke_keys(self, request, queryset):
        keys = [key for key in queryset.select_related("chamber") if key.is_active]
        for key in keys:
            api_key_revoke(key=key, actor=request.user)
        self.message_user(request, gettext("%(n)d keys revoked.") % {"n": len(keys)}, messages.SUCCESS)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "chamber", "actor_label", "action", "target_type", "target_id", "target_repr")
    list_filter = ("action", "target_type", "chamber")
    search_fields = ("target_repr", "target_id", "actor_label", "reason")
    list_select_related = ("chamber",)


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "language")
    search_fields = ("user__username",)


@admin.register(NumberSeries)
class NumberSeriesAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a counter set by hand would leave a gap or give a number twice."""

    list_display = ("chamber", "series", "year", "last")
    list_filter = ("series", "year")
    list_select_related = ("chamber",)


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "chamber", "user", "key", "status_code")
    search_fields = ("key",)
    list_select_related = ("chamber", "user")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What was (or will be) sent to whom: view-only, since a changed row could send twice."""

    list_display = ("due_at", "chamber", "rule", "recipient", "status", "attempts", "sent_at", "read_at")
    list_filter = ("status", "rule")
    search_fields = ("title", "recipient__username")
    list_select_related = ("chamber", "recipient")


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(TenantAdmin):
    list_display = ("chamber", "send_time")
    list_select_related = ("chamber",)


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "rule", "by_email", "in_inbox")
    list_filter = ("rule",)
    search_fields = ("user__username",)


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Imports are run, checked and undone in the app; here they are only looked at."""

    list_display = ("created_at", "chamber", "kind", "original_name", "status", "total_rows", "error_rows",
                    "imported_rows", "created_by")
    list_filter = ("kind", "status")
    search_fields = ("original_name", "created_by__username")
    list_select_related = ("chamber", "created_by")
    exclude = ("file",)


@admin.register(ImportRow)
class ImportRowAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("batch", "number", "status")
    list_filter = ("status",)
    list_select_related = ("batch",)


@admin.register(ExportRecord)
class ExportRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The export log: who took which list out, when; never edited."""

    list_display = ("created_at", "chamber", "title", "file_format", "row_count", "status", "created_by")
    list_filter = ("kind", "status", "file_format")
    search_fields = ("title", "created_by__username")
    list_select_related = ("chamber", "created_by")
    exclude = ("file",)


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(TenantAdmin):
    list_display = ("chamber", "kind", "title", "orientation", "updated_at")
    list_filter = ("kind",)
    list_select_related = ("chamber",)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Issued and revoked in the app (numbers, codes and revocations have their rules)."""

    list_display = ("number", "chamber", "kind", "holder_name", "title", "issued_on", "valid_until", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("number", "holder_name", "title")
    list_select_related = ("chamber",)
    exclude = ("pdf",)


@admin.register(DocumentBatch)
class DocumentBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "chamber", "title", "kind", "status", "done", "total")
    list_filter = ("kind", "status")
    list_select_related = ("chamber",)
    exclude = ("zip_file",)


@admin.register(WorkRecord)
class WorkRecordAdmin(TenantAdmin):
    list_display = ("occurred_on", "chamber", "kind", "title", "level", "achieved")
    list_filter = ("kind", "level", "achieved")
    search_fields = ("title", "outcome")
    list_select_related = ("chamber",)


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Edited on the report's own page; the PDF is a cache the app keeps."""

    list_display = ("chamber", "year", "pdf_rendered_at", "updated_at")
    list_filter = ("year",)
    list_select_related = ("chamber",)
    exclude = ("pdf",)
