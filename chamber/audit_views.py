"""The audit log page under /c/<chamber>/audit/: every change of the chamber, the reads of
personal data and the exports, newest first, filtered by who, action, record type, record
and date; 50 a page. Chamber admins only (AUDIT_VIEW at the chamber root): others inside
the chamber get 403, outsiders 404 (ChamberViewMixin).

Queries, whatever the page size: the count (1), the page's entries (1), the enterprises'
member pages (1, when the page shows enterprise entries) and the users for the "by"
filter (1).
"""
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from .access import AUDIT_VIEW
from .audit_selectors import (
    PAGE_SIZE,
    action_choices,
    action_label,
    audit_actor_choices,
    audit_filters,
    audit_list,
    audit_rows,
    type_choices,
    type_label,
)
from .mixins import ChamberViewMixin


class AuditLogView(ChamberViewMixin, TemplateView):
    permission = AUDIT_VIEW
    template_name = "chamber/audit/log.html"

    def get(self, request, *args, **kwargs):
        if self.access.branch_paths(AUDIT_VIEW) is not None:
            raise PermissionDenied  # the log spans the whole chamber
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        filters = audit_filters(self.request.GET)
        page = Paginator(audit_list(chamber=self.chamber, filters=filters), PAGE_SIZE).get_page(
            self.request.GET.get("page"))
        rows = audit_rows(chamber=self.chamber, entries=page.object_list)
        actors = audit_actor_choices(chamber=self.chamber)
        actor_name = dict(actors).get(filters["actor"]) or next(
            (r["entry"].actor_label for r in rows if r["entry"].actor_id == filters["actor"]), None)
        return super().get_context_data(
            page_obj=page, rows=rows, filters=filters, actors=actors, actions=action_choices(), types=type_choices(),
            actor_name=actor_name, action_name=action_label(filters["action"]) if filters["action"] else "",
            type_name=type_label(filters["type"]) if filters["type"] else "",
            filtered=any(filters.values()), **kwargs)
