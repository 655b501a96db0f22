"""The totals page: pledged, received and outstanding by programme, donor, branch or year."""
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from chamber.access import MONEY_VIEW

from ..selectors import TOTALS_BY, programme_years, totals_by
from .base import CharityMixin
from .programmes import parse_year

PAGE_SIZE = 50


class TotalsView(CharityMixin, TemplateView):
    """Tabs by programme / donor / branch / year; a year filter for the first three.
    A fixed number of queries: one or two grouped sums, and the years for the filter."""

    permission = MONEY_VIEW
    template_name = "charity/totals.html"

    def get_context_data(self, **kwargs):
        by = self.request.GET.get("by")
        by = by if by in TOTALS_BY else "programme"
        document = totals_by(chamber=self.chamber, by=by, year=parse_year(self.request.GET.get("year")))
        page = Paginator(document["rows"], PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(by=by, tabs=TOTALS_BY, year=document["year"], rows=page.object_list,
                                        page_obj=page, total=document["total"],
                                        years=programme_years(chamber=self.chamber), **kwargs)
