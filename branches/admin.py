"""Admin for the branch tree and chamber links.

Paths and depths are kept consistent only by `branches.services`, so here a node's
position (parent, path, depth) and status are read-only, nodes are added in the app,
and archiving goes through an action that archives the whole subtree.
"""
from django.contrib import admin, messages
from django.utils.translation import gettext, gettext_lazy as _

from chamber.admin import TenantAdmin

from .models import Branch, BranchStatus, ChamberLink
from .services import branch_archive


@admin.register(Branch)
class BranchAdmin(TenantAdmin):
    list_display = ("name", "chamber", "kind", "code", "parent", "depth", "status")
    list_filter = ("kind", "status", "chamber")
    search_fields = ("name", "code", "chamber__name")
    raw_id_fields = ("leader",)
    list_select_related = ("chamber", "parent")
    readonly_fields = ("parent", "path", "depth", "status", "created_at", "updated_at")
    ordering = ("chamber", "path")
    actions = ("archive_subtrees",)

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Archive the selected branches and everything below them"))
    def archive_subtrees(self, request, queryset):
        done = 0
        for branch in queryset.exclude(status=BranchStatus.ARCHIVED).select_related("chamber").order_by("path"):
            branch.refresh_from_db()
            if branch.status != BranchStatus.ARCHIVED:  # not already archived with an ancestor
                branch_archive(branch=branch, actor=request.user, reason=gettext("Archived in the admin"))
                done += 1
        self.message_user(request, gettext("%(n)d branches archived with their sub-branches.") % {"n": done}, messages.SUCCESS)


@admin.register(ChamberLink)
class ChamberLinkAdmin(TenantAdmin):
    list_display = ("partner_name", "kind", "chamber", "partner", "branch", "started_on", "ended_on")
    list_filter = ("kind", "chamber")
    search_fields = ("partner_name", "note", "chamber__name")
    raw_id_fields = ("partner", "branch", "created_by")
    list_select_related = ("chamber", "partner", "branch")
