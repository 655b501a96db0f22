"""Admin for evaluations: read-mostly.

What the services keep consistent — a rubric's sort keys and frozen versions, a
campaign's stages and transition log, totals on sheets, the ratings register — is only
viewed here; changing it belongs to the app, where it is checked and audited. A scheme's
name and description may be corrected. Evidence files are never linked from here: they
have no URL, and only the permission-checked view serves them.
"""
from django.contrib import admin

from chamber.admin import ReadOnlyAdminMixin, TenantAdmin

from .models import (
    Campaign,
    CampaignReviewer,
    Evidence,
    GradeRule,
    Indicator,
    Rating,
    Scheme,
    SchemeVersion,
    ScoreEntry,
    ScoreSheet,
    StageTransition,
    Submission,
    SubmissionUserObjectPermission,
    WorkingGroup,
)


class ViewOnlyAdmin(ReadOnlyAdminMixin, TenantAdmin):
    pass


@admin.register(Scheme)
class SchemeAdmin(TenantAdmin):
    list_display = ("name", "kind", "chamber", "created_at")
    list_filter = ("kind", "chamber")
    search_fields = ("name", "chamber__name")
    list_select_related = ("chamber",)
    readonly_fields = ("created_at",)


@admin.register(SchemeVersion)
class SchemeVersionAdmin(ViewOnlyAdmin):
    list_display = ("__str__", "label", "max_points", "bonus_cap", "validity_months", "frozen_at", "chamber")
    list_filter = ("chamber",)
    search_fields = ("label", "scheme__name", "chamber__name")
    list_select_related = ("chamber", "scheme")
    raw_id_fields = ("scheme",)


@admin.register(Indicator)
class IndicatorAdmin(ViewOnlyAdmin):
    list_display = ("__str__", "version", "sort_key", "max_points", "mode", "is_veto", "is_bonus", "chamber")
    list_filter = ("mode", "is_veto", "is_bonus", "chamber")
    search_fields = ("title", "code", "version__scheme__name")
    list_select_related = ("chamber", "version__scheme")
    raw_id_fields = ("version", "parent")
    ordering = ("chamber", "version", "sort_key", "pk")


@admin.register(GradeRule)
class GradeRuleAdmin(ViewOnlyAdmin):
    list_display = ("label", "code", "level", "min_total", "requires_level", "requires_held_days", "version", "chamber")
    list_filter = ("chamber",)
    search_fields = ("label", "code", "version__scheme__name")
    list_select_related = ("chamber", "version__scheme")
    raw_id_fields = ("version",)


@admin.register(Campaign)
class CampaignAdmin(ViewOnlyAdmin):
    list_display = ("name", "year", "stage", "version", "result_mode", "chamber")
    list_filter = ("stage", "year", "chamber")
    search_fields = ("name", "chamber__name")
    list_select_related = ("chamber", "version__scheme")
    raw_id_fields = ("version", "created_by")


@admin.register(WorkingGroup)
class WorkingGroupAdmin(ViewOnlyAdmin):
    list_display = ("name", "campaign", "chamber")
    list_filter = ("chamber",)
    search_fields = ("name", "campaign__name")
    list_select_related = ("chamber", "campaign")
    raw_id_fields = ("campaign",)


@admin.register(CampaignReviewer)
class CampaignReviewerAdmin(ViewOnlyAdmin):
    list_display = ("user", "campaign", "group", "home_chamber", "district_code", "home_branch", "chamber")
    list_filter = ("chamber",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "campaign__name", "district_code")
    list_select_related = ("chamber", "user", "campaign", "group", "home_chamber", "home_branch")
    raw_id_fields = ("campaign", "user", "group", "home_chamber", "home_branch")


@admin.register(Submission)
class SubmissionAdmin(ViewOnlyAdmin):
    list_display = ("subject_name", "campaign", "status", "result_total", "grade_label", "ranking", "vetoed",
                    "chamber")
    list_filter = ("status", "vetoed", "chamber")
    search_fields = ("subject_name", "campaign__name")
    list_select_related = ("chamber", "campaign")
    raw_id_fields = ("campaign", "subject_chamber", "subject_branch", "group", "applied_by")


@admin.register(SubmissionUserObjectPermission)
class SubmissionUserObjectPermissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "permission", "content_object")
    search_fields = ("user__username", "content_object__subject_name")
    raw_id_fields = ("user", "permission", "content_object")
    list_select_related = ("user", "permission", "content_object__campaign")


@admin.register(StageTransition)
class StageTransitionAdmin(ViewOnlyAdmin):
    list_display = ("at", "campaign", "submission", "from_state", "to_state", "actor_label", "chamber")
    list_filter = ("to_state", "chamber")
    search_fields = ("campaign__name", "submission__subject_name", "actor_label", "comment")
    list_select_related = ("chamber", "campaign", "submission__campaign")
    raw_id_fields = ("campaign", "submission", "actor")


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ViewOnlyAdmin):
    list_display = ("submission", "kind", "reviewer", "total", "vetoed", "submitted_at", "chamber")
    list_filter = ("kind", "vetoed", "chamber")
    search_fields = ("submission__subject_name", "reviewer__username")
    list_select_related = ("chamber", "submission__campaign", "reviewer")
    raw_id_fields = ("submission", "reviewer")


@admin.register(ScoreEntry)
class ScoreEntryAdmin(ViewOnlyAdmin):
    list_display = ("sheet", "indicator", "points", "answer", "reason", "chamber")
    list_filter = ("chamber",)
    search_fields = ("sheet__submission__subject_name", "indicator__title", "reason")
    list_select_related = ("chamber", "sheet__submission__campaign", "indicator")
    raw_id_fields = ("sheet", "indicator")


@admin.register(Evidence)
class EvidenceAdmin(ViewOnlyAdmin):
    list_display = ("original_name", "submission", "indicator", "content_type", "size", "uploaded_at", "chamber")
    list_filter = ("content_type", "chamber")
    search_fields = ("original_name", "submission__subject_name", "sha256")
    list_select_related = ("chamber", "submission__campaign", "indicator")
    raw_id_fields = ("submission", "indicator", "uploaded_by")
    exclude = ("file",)  # private: no URL to show, and none to leak


@admin.register(Rating)
class RatingAdmin(ViewOnlyAdmin):
    list_display = ("subject_name", "scheme", "grade_label", "level", "awarded_on", "valid_until", "status",
                    "chamber")
    list_filter = ("status", "level", "chamber")
    search_fields = ("subject_name", "grade_label", "scheme__name", "awarded_by")
    list_select_related = ("chamber", "scheme")
    raw_id_fields = ("scheme", "version", "campaign", "submission", "subject_chamber", "subject_branch",
                     "recorded_by")
