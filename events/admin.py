"""Django admin of the events app: the platform operator's view of events, registrations,
meetings, visits and requests, across chambers.

Tenant rows go through chamber.admin.TenantAdmin (the chamber is fixed once chosen, and a
form never links a row to another chamber's). Request notes are history and attachments are
private files: both view-only. Related rows are raw ids, so no form lists a whole table.
"""
from django.contrib import admin

from chamber.admin import ReadOnlyAdminMixin, TenantAdmin

from .models import (
    CalendarToken,
    Event,
    EventAttachment,
    EventInvitation,
    EventOutcome,
    MeetingAttendance,
    MemberRequest,
    Registration,
    RequestNote,
    Resolution,
    Visit,
)


@admin.register(Event)
class EventAdmin(TenantAdmin):
    list_display = ("title", "chamber", "kind", "status", "starts_at", "capacity")
    list_filter = ("kind", "status", "chamber")
    search_fields = ("title", "place")
    list_select_related = ("chamber",)
    raw_id_fields = ("organiser_branch", "audience_branch", "created_by")


@admin.register(Registration)
class RegistrationAdmin(TenantAdmin):
    list_display = ("attendee_name", "event", "status", "code", "registered_at", "checked_in_at", "chamber")
    list_filter = ("status", "is_walk_in")
    search_fields = ("attendee_name", "code", "event__title")
    list_select_related = ("chamber", "event")
    raw_id_fields = ("event", "membership", "person", "registered_by", "checked_in_by")


@admin.register(EventAttachment)
class EventAttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("original_name", "event", "content_type", "size", "uploaded_at", "chamber")
    search_fields = ("original_name", "event__title")
    list_select_related = ("chamber", "event")
    exclude = ("file",)  # private: no URL to show, and none to leak


@admin.register(EventInvitation)
class EventInvitationAdmin(TenantAdmin):
    list_display = ("event", "membership", "chamber")
    list_select_related = ("chamber", "event", "membership")
    raw_id_fields = ("event", "membership")


@admin.register(EventOutcome)
class EventOutcomeAdmin(TenantAdmin):
    list_display = ("event", "participants", "people_trained", "deals_signed", "deals_amount", "scope", "chamber")
    list_select_related = ("chamber", "event")
    raw_id_fields = ("event",)


@admin.register(MeetingAttendance)
class MeetingAttendanceAdmin(TenantAdmin):
    list_display = ("event", "position", "status", "chamber")
    list_filter = ("status",)
    list_select_related = ("chamber", "event", "position__person")
    raw_id_fields = ("event", "position")


@admin.register(Resolution)
class ResolutionAdmin(TenantAdmin):
    list_display = ("event", "number", "title", "passed", "chamber")
    search_fields = ("title",)
    list_select_related = ("chamber", "event")
    raw_id_fields = ("event",)


@admin.register(Visit)
class VisitAdmin(TenantAdmin):
    list_display = ("visited_on", "membership", "visitors", "chamber")
    search_fields = ("visitors", "membership__name")
    list_select_related = ("chamber", "membership")
    raw_id_fields = ("membership", "officer", "created_by")


@admin.register(MemberRequest)
class MemberRequestAdmin(TenantAdmin):
    list_display = ("title", "membership", "category", "status", "due_on", "is_typical", "chamber")
    list_filter = ("status", "category", "is_typical")
    search_fields = ("title", "membership__name")
    list_select_related = ("chamber", "membership")
    raw_id_fields = ("membership", "visit", "assignee", "assignee_officer", "raised_by")


@admin.register(RequestNote)
class RequestNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "request", "author_label", "status_from", "status_to", "chamber")
    search_fields = ("text", "request__title")
    list_select_related = ("chamber", "request")


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    """Revoking a feed is deleting its token; the secret itself is never shown."""

    list_display = ("user", "created_at")
    search_fields = ("user__username",)
    exclude = ("token",)
    raw_id_fields = ("user",)
