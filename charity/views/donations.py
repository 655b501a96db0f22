"""Donation pages: record a donation (donor by kind, money or goods, "received now"), its
detail with entries, receipts, withdrawals, reversals on a confirm page, and the printable
donation receipt (捐赠收据). Every money form posts through idempotent_form_post."""
from django.contrib import messages
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from chamber.access import MONEY_RECORD, MONEY_VIEW
from chamber.models import EntryKind
from chamber.money_words import amount_in_words

from ..forms import DonationRecordForm, ReceiptForm, ReverseForm, WithdrawalForm
from ..models import DonationForm
from ..selectors import donation_entries
from ..services import donation_entry_reverse, donation_receive, donation_record, donation_withdraw
from .base import CharityMixin, ServiceFormView


def donation_url(donation):
    return reverse("charity:donation", kwargs={"chamber": donation.chamber.slug, "pk": donation.pk})


class DonationCreateView(ServiceFormView):
    """Record a donation to a programme; `?member_q=` narrows the member list, `?member=<id>` picks one."""

    permission = MONEY_RECORD
    write_permission = MONEY_RECORD
    form_class = DonationRecordForm
    template_name = "charity/donation_form.html"
    money = True

    def get_programme_once(self):
        if not hasattr(self, "programme"):
            self.programme = self.get_programme(self.kwargs["pk"])
        return self.programme

    def get_initial(self):
        member = self.request.GET.get("member")
        return {"membership": member} if member and member.isdigit() else {}

    def get_form_kwargs(self):
        return dict(super().get_form_kwargs(), programme=self.get_programme_once(),
                    member_q=(self.request.GET.get("member_q") or "")[:100])

    def call_service(self, data):
        donation = donation_record(programme=self.programme, actor=self.request.user, access=self.access,
                                   **self.form.service_arguments())
        messages.success(self.request, _("Donation recorded."))
        return donation_url(donation)

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.get_programme_once(),
                                        member_q=self.request.GET.get("member_q", ""), **kwargs)


class DonationDetailView(CharityMixin, TemplateView):
    """One donation: pledged, received, withdrawn, outstanding, and every entry with its receipt."""

    permission = MONEY_VIEW
    write_permission = MONEY_RECORD
    template_name = "charity/donation.html"

    def get_context_data(self, **kwargs):
        donation = self.get_donation(kwargs["pk"])
        return super().get_context_data(donation=donation, entries=list(donation_entries(donation=donation)),
                                        can_record=self.access.has(MONEY_RECORD), **kwargs)


class DonationActionMixin:
    """A money form about one donation."""

    permission = MONEY_RECORD
    write_permission = MONEY_RECORD
    money = True
    template_name = "charity/donation_action.html"

    def get_donation_once(self):
        if not hasattr(self, "donation"):
            self.donation = self.get_donation(self.kwargs["pk"])
        return self.donation

    def get_context_data(self, **kwargs):
        return super().get_context_data(donation=self.get_donation_once(), title=self.title,
                                        submit_label=self.submit_label, **kwargs)


class ReceiptCreateView(DonationActionMixin, ServiceFormView):
    """Record money or goods received on a donation (a numbered receipt)."""

    form_class = ReceiptForm
    title = _("Record a receipt")
    submit_label = _("Record receipt")

    def get_initial(self):
        donation = self.get_donation_once()
        return {"amount": donation.outstanding, "received_on": timezone.localdate()}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.get_donation_once().form == DonationForm.GOODS:
            form.fields.pop("method")  # goods are received as goods
        return form

    def call_service(self, data):
        entry = donation_receive(donation=self.donation, actor=self.request.user, access=self.access,
                                 amount=data["amount"], received_on=data["received_on"],
                                 method=data.get("method", ""), reference=data["reference"])
        messages.success(self.request, _("Receipt {number} recorded.").format(number=entry.number))
        return donation_url(self.donation)


class WithdrawalCreateView(DonationActionMixin, ServiceFormView):
    """Withdraw part or all of a pledge that will not be honoured."""

    form_class = WithdrawalForm
    title = _("Withdraw a pledge")
    submit_label = _("Withdraw")

    def get_initial(self):
        return {"amount": self.get_donation_once().outstanding}

    def call_service(self, data):
        donation_withdraw(donation=self.donation, actor=self.request.user, access=self.access,
                          amount=data["amount"], reason=data["reason"])
        messages.success(self.request, _("Pledge withdrawn."))
        return donation_url(self.donation)


class EntryReverseView(ServiceFormView):
    """Confirm page for reversing a receipt or a withdrawal, with a required reason."""

    permission = MONEY_RECORD
    write_permission = MONEY_RECORD
    money = True
    form_class = ReverseForm
    template_name = "charity/entry_reverse.html"

    def get_entry_once(self):
        if not hasattr(self, "entry"):
            self.entry = self.get_entry(self.kwargs["pk"])
        return self.entry

    def call_service(self, data):
        entry = self.get_entry_once()
        donation_entry_reverse(entry=entry, actor=self.request.user, access=self.access, reason=data["reason"])
        messages.success(self.request, _("Entry reversed."))
        return donation_url(entry.donation)

    def get_context_data(self, **kwargs):
        entry = self.get_entry_once()
        return super().get_context_data(entry=entry, donation=entry.donation, **kwargs)


class ReceiptPrintView(CharityMixin, TemplateView):
    """The printable donation receipt (捐赠收据) of one received entry."""

    permission = MONEY_VIEW
    template_name = "charity/receipt.html"

    def get_context_data(self, **kwargs):
        entry = self.get_entry(kwargs["pk"])
        if entry.kind != EntryKind.SETTLEMENT:
            raise Http404
        return super().get_context_data(entry=entry, donation=entry.donation,
                                        amount_words=amount_in_words(entry.amount), **kwargs)
