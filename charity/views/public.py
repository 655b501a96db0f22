"""The public honour roll (光荣榜) of a programme that opted in: no sign-in, nothing private.

Only donor names (anonymous donors merged under 爱心人士, without an amount) and amounts
received are shown; never mobiles, notes, references or anything about the members.
"""
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from ..models import Programme
from ..selectors import honour_roll, programme_summary


class HonourRollView(TemplateView):
    """A programme's honour roll; 404 for an unknown programme or one whose roll is private."""

    template_name = "charity/public_honour_roll.html"

    def get_context_data(self, **kwargs):
        chamber = getattr(self.request, "chamber", None)
        if chamber is None:
            raise Http404
        programme = get_object_or_404(Programme.objects.filter(chamber=chamber, honour_roll_public=True),
                                      pk=kwargs["pk"])
        return super().get_context_data(public_chamber=chamber, programme=programme,
                                        totals=programme_summary(programme=programme),
                                        roll=honour_roll(programme=programme), **kwargs)
