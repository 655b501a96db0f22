"""Shared plumbing of the charity pages: loading rows within the chamber, and forms whose
valid data goes to one service (its ValidationError lands on the form)."""
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView

from chamber.forms import add_service_errors
from chamber.idempotency import FORM_FIELD, idempotent_form_post
from chamber.mixins import ChamberViewMixin

from ..models import Donation, DonationEntry, Programme


class CharityMixin(ChamberViewMixin):
    """Rows are looked up within the request's chamber: another chamber's id is a 404."""

    def get_programme(self, pk):
        programme = get_object_or_404(Programme.objects.filter(chamber=self.chamber).select_related(
            "organiser_branch"), pk=pk)
        programme.chamber = self.chamber
        return programme

    def get_donation(self, pk):
        donation = get_object_or_404(Donation.objects.filter(chamber=self.chamber).select_related(
            "programme", "branch", "recipient", "membership", "person"), pk=pk)
        donation.chamber = donation.programme.chamber = self.chamber
        return donation

    def get_entry(self, pk):
        entry = get_object_or_404(DonationEntry.objects.filter(chamber=self.chamber).select_related(
            "donation__programme", "reversed_by"), pk=pk)
        entry.chamber = entry.donation.chamber = self.chamber
        return entry


class ServiceFormView(CharityMixin, FormView):
    """A form whose valid data goes to `call_service`; money forms post through
    idempotent_form_post, so a double submit records once and lands on the same page."""

    money = False

    def call_service(self, data):
        """Do the write; return the URL to go to next."""
        raise NotImplementedError

    def form_valid(self, form):
        self.form = form
        data = dict(form.cleaned_data)
        key = data.pop(FORM_FIELD, "")
        try:
            if self.money:
                return idempotent_form_post(self.request, key=key, handle=lambda: self.call_service(data))
            return redirect(self.call_service(data))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
