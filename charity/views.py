"""Charity pages under /c/<chamber>/charity/."""
from django.views.generic import TemplateView

from chamber.access import CHARITY_MANAGE, MONEY_VIEW
from chamber.mixins import ChamberViewMixin


class ProgrammeListView(ChamberViewMixin, TemplateView):
    """The chamber's programmes with their totals (placeholder until the charity pages land)."""

    permission = MONEY_VIEW
    write_permission = CHARITY_MANAGE
    template_name = "charity/programmes.html"
