"""The secretariat's dashboard and the federation's view of the chambers it supervises.

Both pages show counts only. The figures come from `chamber.selectors` (one GROUP BY per
figure, so a page costs a fixed number of queries); the charts are inline SVG from
`chamber.charts`; every number that stands for a set of members links to the member list
filtered to that set (on the dashboard only: a federation never sees a roster).
"""
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from members.models import MembershipStatus

from . import charts
from .access import FEDERATION_VIEW, MEMBERS_CHANGE, MEMBERS_VIEW, OFFICERS_VIEW
from .mixins import ChamberViewMixin
from .selectors import (
    SOON_DAYS,
    dashboard_branch_figures,
    dashboard_member_figures,
    dashboard_monthly_joins_and_leaves,
    dashboard_officers_ending,
    dashboard_pending_self_service_count,
    dashboard_terms_ending,
    federation_affiliate_figures,
    federation_totals,
)


def _url(name, chamber):
    return reverse(name, kwargs={"chamber": chamber.slug})


def _filtered(base, **params):
    return f"{base}?{urlencode(params)}" if base else ""


def figure_charts(figures, *, member_list_url=""):
    """The status donut and the rank and kind bars of a `MemberFigures`; bars link to the list when given."""
    status = charts.donut_chart(
        [charts.ChartItem(label, n, _filtered(member_list_url, status=value))
         for value, label, n in figures.status_rows()],
        title=_("Members by status"), label_header=_("Status"), value_header=_("Members"),
    )
    rank = charts.bar_chart(
        [charts.ChartItem(name, n, _filtered(member_list_url, status=MembershipStatus.ACTIVE, rank=key))
         for key, name, n in figures.rank_rows()],
        title=_("Active members by rank"), label_header=_("Rank"), value_header=_("Members"),
    )
    kind = charts.bar_chart(
        [charts.ChartItem(label, n, _filtered(member_list_url, status=MembershipStatus.ACTIVE, kind=value))
         for value, label, n in figures.kind_rows()],
        title=_("Active members by kind"), label_header=_("Kind"), value_header=_("Members"), color=charts.PALETTE[1],
    )
    return {"status": status, "rank": rank, "kind": kind}


class DashboardView(ChamberViewMixin, TemplateView):
    """The secretariat's start page: the roster in figures and charts, and what falls due soon.

    A branch secretary sees the figures of their own subtree only.
    """

    permission = MEMBERS_VIEW
    template_name = "chamber/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chamber, access = self.chamber, self.access
        today = timezone.localdate()
        list_url = _url("members:list", chamber)
        figures = dashboard_member_figures(chamber=chamber, access=access, today=today)
        branches = dashboard_branch_figures(chamber=chamber, access=access)
        months = dashboard_monthly_joins_and_leaves(chamber=chamber, access=access, today=today)
        context.update(
            today=today,
            soon_days=SOON_DAYS,
            branch_limited=access.branch_paths(MEMBERS_VIEW) is not None,
            figures=figures,
            active_url=_filtered(list_url, status=MembershipStatus.ACTIVE),
            joined_url=_filtered(list_url, joined_from=today.replace(month=1, day=1).isoformat(),
                                 joined_to=today.replace(month=12, day=31).isoformat()),
            charts=figure_charts(figures, member_list_url=list_url),
            branch_rows=[(b, n, _filtered(list_url, status=MembershipStatus.ACTIVE, branch=b.pk)) for b, n in branches],
            branch_chart=charts.bar_chart(
                [charts.ChartItem(b.name, n, _filtered(list_url, status=MembershipStatus.ACTIVE, branch=b.pk))
                 for b, n in branches],
                title=_("Active members by branch"), label_header=_("Branch"), value_header=_("Members"),
                color=charts.PALETTE[2],
            ) if branches else None,
            month_chart=charts.line_chart(
                # The month's number under each point; the table says which year.
                [formats.date_format(m, "n") for m, _j, _l in months],
                [(_("Joined"), [j for _m, j, _l in months]), (_("Left"), [left for _m, _j, left in months])],
                title=_("Joins and leaves, last twelve months"), label_header=_("Month"),
            ),
            month_rows=months,
            terms_ending=[(term, (term.ends_on - today).days)
                          for term in dashboard_terms_ending(chamber=chamber, today=today)],
        )
        if access.has(OFFICERS_VIEW):
            officers, more = dashboard_officers_ending(chamber=chamber, access=access, today=today)
            context.update(officers_ending=officers, officers_more=more,
                           officers_url=_url("members:officers", chamber))
        # Those who may approve see the queue's length (a branch secretary: their subtrees').
        if access.has(MEMBERS_CHANGE):
            context.update(pending_changes=dashboard_pending_self_service_count(chamber=chamber, access=access),
                           approvals_url=_url("members:approvals", chamber))
        return context


AFFILIATES_PAGE_SIZE = 100
CHART_CHAMBERS = 20


class AffiliatesView(ChamberViewMixin, TemplateView):
    """A federation's chambers: for each, aggregate member figures — never a roster."""

    permission = FEDERATION_VIEW
    template_name = "chamber/affiliates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        affiliates = federation_affiliate_figures(federation=self.chamber, today=today)
        totals = federation_totals(affiliates)
        # A province has thousands of chambers: the table is paged and the chart shows the
        # largest, or the page would carry megabytes of rows and bars.
        page_obj = Paginator(affiliates, AFFILIATES_PAGE_SIZE).get_page(self.request.GET.get("page"))
        largest = sorted(affiliates, key=lambda a: (-a.figures.active, a.chamber.name))[:CHART_CHAMBERS]
        context.update(
            today=today,
            affiliates=affiliates,
            page_obj=page_obj,
            totals=totals,
            chart=charts.bar_chart(
                [charts.ChartItem(a.chamber.short_name or a.chamber.name, a.figures.active) for a in largest],
                title=_("Active members by chamber") if len(affiliates) <= CHART_CHAMBERS else
                _("Active members of the {n} largest chambers").format(n=CHART_CHAMBERS),
                label_header=_("Chamber"), value_header=_("Members"),
            ) if affiliates else None,
            total_charts=figure_charts(totals) if affiliates else None,
        )
        return context


class AffiliateDetailView(ChamberViewMixin, TemplateView):
    """One affiliated chamber's aggregate figures and charts; 404 for a chamber not under this federation."""

    permission = FEDERATION_VIEW
    template_name = "chamber/affiliate_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        found = federation_affiliate_figures(
            federation=self.chamber, affiliate_slug=self.kwargs["affiliate"], today=today
        )
        if not found:
            raise Http404(_("No such affiliated chamber."))
        affiliate = found[0]
        context.update(today=today, affiliate=affiliate, figures=affiliate.figures,
                       charts=figure_charts(affiliate.figures))
        return context
