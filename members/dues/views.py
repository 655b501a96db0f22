"""Dues pages under /c/<chamber>/members/dues/."""
from django.views.generic import TemplateView

from chamber.access import MONEY_RECORD, MONEY_VIEW
from chamber.mixins import ChamberViewMixin


class DuesOverviewView(ChamberViewMixin, TemplateView):
    """A year's dues at a glance (placeholder until the dues pages land)."""

    permission = MONEY_VIEW
    write_permission = MONEY_RECORD
    template_name = "members/dues/overview.html"


urlpatterns = []
