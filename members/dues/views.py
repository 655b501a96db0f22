"""Dues pages under /c/<chamber>/members/dues/: a year's overview with the arrears, the fee
schedule, generating invoices, the invoice list and page (pay, waive, reverse), printable
receipts and the lapse run.

Reading needs `money.view`, every write `money.record` (the treasurer's capability, apart
from general secretariat rights); write buttons are hidden from those who lack it. Money
forms post through idempotent_form_post, so a double submit records once.
"""
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from chamber.access import MONEY_RECORD, MONEY_VIEW
from chamber.forms import add_service_errors
from chamber.idempotency import idempotent_form_post
from chamber.ledger import money_text
from chamber.mixins import ChamberViewMixin
from chamber.money_words import amount_in_words

from ..models import DuesEntry, DuesInvoice, Rank
from .forms import FeeScheduleForm, GenerateForm, InvoiceFilterForm, LapseForm, PaymentForm, ReverseForm, WaiverForm
from .selectors import (
    INVOICE_STATUSES,
    dues_arrears_list,
    dues_entry_get,
    dues_invoice_detail,
    dues_invoice_list,
    dues_year_totals,
    dues_years,
    fee_schedule_for_year,
    invoice_status,
)
from .services import (
    dues_entry_reverse,
    dues_generation_preview,
    dues_invoices_generate,
    dues_lapse_candidates,
    dues_lapse_overdue,
    dues_payment_record,
    dues_waive,
    fee_schedule_set,
    lapse_reason,
)

PAGE_SIZE = 50


class DuesMixin(ChamberViewMixin):
    """money.view to read, money.record to write."""

    permission = MONEY_VIEW
    write_permission = MONEY_RECORD

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_record=self.access.has(MONEY_RECORD), **kwargs)

    def year(self):
        """The year from the URL or `?year=`, else the current one; nonsense falls back too."""
        raw = self.kwargs.get("year") or self.request.GET.get("year") or ""
        try:
            year = int(raw)
        except (TypeError, ValueError):
            return timezone.localdate().year
        return year if 2000 <= year <= 2100 else timezone.localdate().year

    def dues_url(self, year=None):
        url = reverse("members:dues", kwargs={"chamber": self.chamber.slug})
        return url + ("?year={}".format(year) if year else "")

    def invoice_url(self, invoice_id):
        return reverse("members:dues_invoice", kwargs={"chamber": self.chamber.slug, "pk": invoice_id})

    def filter_form(self):
        return InvoiceFilterForm(self.request.GET or None, chamber=self.chamber,
                                 statuses=[(k, v) for k, v in INVOICE_STATUSES.items()])

    def page(self, queryset):
        return Paginator(queryset, PAGE_SIZE).get_page(self.request.GET.get("page"))


class DuesOverviewView(DuesMixin, TemplateView):
    """A year's dues at a glance: totals, the schedule, generating invoices and the arrears."""

    template_name = "members/dues/overview.html"

    def get_context_data(self, **kwargs):
        year, today = self.year(), timezone.localdate()
        form = self.filter_form()
        filters = form.values()
        filters.pop("status", None)
        page = self.page(dues_arrears_list(chamber=self.chamber, year=year, today=today, **filters))
        for invoice in page.object_list:
            invoice.status = invoice_status(invoice, today)
        can_record = self.access.has(MONEY_RECORD)
        return super().get_context_data(
            year=year, years=dues_years(chamber=self.chamber), totals=dues_year_totals(chamber=self.chamber, year=year),
            schedule=fee_schedule_for_year(chamber=self.chamber, year=year), filter_form=form, page_obj=page,
            arrears=page.object_list, statuses=INVOICE_STATUSES,
            preview=dues_generation_preview(chamber=self.chamber, year=year) if can_record else None, **kwargs,
        )


class FeeScheduleView(DuesMixin, TemplateView):
    """The year's due date, grace period and one amount per rank."""

    permission = MONEY_RECORD  # a form page: only for those who may send it

    template_name = "members/dues/schedule_form.html"

    def ranks(self):
        return list(Rank.objects.filter(chamber=self.chamber).order_by("order", "pk"))

    def get(self, request, *args, **kwargs):
        year, ranks = self.year(), self.ranks()
        schedule = fee_schedule_for_year(chamber=self.chamber, year=year)
        if schedule is None:
            initial = {"due_on": datetime.date(year, 3, 31), "grace_days": 90}
        else:
            initial = {"due_on": schedule.due_on, "grace_days": schedule.grace_days, "note": schedule.note}
            initial.update({FeeScheduleForm.rank_field(rate.rank): rate.amount for rate in schedule.rates.all()})
        return self.render_form(FeeScheduleForm(initial=initial, ranks=ranks), schedule)

    def post(self, request, *args, **kwargs):
        year = self.year()
        form = FeeScheduleForm(request.POST, ranks=self.ranks())
        if form.is_valid():
            try:
                fee_schedule_set(chamber=self.chamber, actor=request.user, year=year, due_on=form.cleaned_data["due_on"],
                                 grace_days=form.cleaned_data["grace_days"], note=form.cleaned_data["note"],
                                 rates=form.rates())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Fee schedule for {year} saved.").format(year=year))
                return redirect(self.dues_url(year))
        return self.render_form(form, fee_schedule_for_year(chamber=self.chamber, year=year))

    def render_form(self, form, schedule):
        rate_fields = [form[FeeScheduleForm.rank_field(rank)] for rank in form.ranks]
        return self.render_to_response(self.get_context_data(form=form, year=self.year(), schedule=schedule,
                                                             rate_fields=rate_fields))


class GenerateView(DuesMixin, TemplateView):
    """Asks to confirm with how many invoices would be issued, then issues them."""

    permission = MONEY_RECORD  # a form page: only for those who may send it

    template_name = "members/dues/generate.html"

    def get(self, request, *args, **kwargs):
        return self.render_confirm(GenerateForm(initial={"year": self.year()}))

    def post(self, request, *args, **kwargs):
        form = GenerateForm(request.POST)
        if form.is_valid():
            year = form.cleaned_data["year"]

            def handle():
                result = dues_invoices_generate(chamber=self.chamber, actor=request.user, year=year)
                messages.success(request, _("{created} invoices issued ({total} yuan); {skipped} members skipped "
                                            "because their rank has no dues.").format(
                    created=result.created, total=money_text(result.total_amount), skipped=result.skipped_no_rate))
                return self.dues_url(year)

            try:
                return idempotent_form_post(request, key=form.cleaned_data["idempotency_key"], handle=handle)
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.render_confirm(form)

    def render_confirm(self, form):
        year = self.year()
        return self.render_to_response(self.get_context_data(
            form=form, year=year, preview=dues_generation_preview(chamber=self.chamber, year=year)))


class InvoiceListView(DuesMixin, TemplateView):
    """All invoices, filtered by year, status, branch, rank or member name; 50 a page."""

    template_name = "members/dues/invoice_list.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        form = self.filter_form()
        year = self.year() if (self.request.GET.get("year") or "") != "all" else None
        page = self.page(dues_invoice_list(chamber=self.chamber, year=year, today=today, **form.values()))
        for invoice in page.object_list:
            invoice.status = invoice_status(invoice, today)
        return super().get_context_data(filter_form=form, page_obj=page, invoices=page.object_list, year=year,
                                        years=dues_years(chamber=self.chamber), statuses=INVOICE_STATUSES, **kwargs)


class InvoiceDetailView(DuesMixin, TemplateView):
    """One invoice: amounts, entries, and forms to record a payment or a waiver."""

    template_name = "members/dues/invoice_detail.html"

    def get_invoice(self):
        try:
            return dues_invoice_detail(chamber=self.chamber, pk=self.kwargs["pk"])
        except DuesInvoice.DoesNotExist:
            raise Http404 from None

    def get(self, request, *args, **kwargs):
        invoice = self.get_invoice()
        return self.render_invoice(invoice, PaymentForm(initial={"amount": invoice.outstanding}), WaiverForm())

    def render_invoice(self, invoice, payment_form, waiver_form):
        invoice.status = invoice_status(invoice)
        return self.render_to_response(self.get_context_data(
            invoice=invoice, membership=invoice.membership, entries=invoice.entry_list,
            payment_form=payment_form, waiver_form=waiver_form, statuses=INVOICE_STATUSES))


class InvoiceFormView(InvoiceDetailView):
    """POST of one of the invoice page's money forms: recorded once per form key
    (idempotent_form_post); a refusal lands on the form, shown again on the invoice page."""

    http_method_names = ["post"]
    form_class = None

    def record(self, invoice, data):
        """Call the service; returns the success message."""
        raise NotImplementedError

    def forms(self, invoice, form):
        """(payment form, waiver form) for the page, with the bound one in its place."""
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        invoice = self.get_invoice()
        form = self.form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data

            def handle():
                messages.success(request, self.record(invoice, data))
                return self.invoice_url(invoice.pk)

            try:
                return idempotent_form_post(request, key=data["idempotency_key"], handle=handle)
            except ValidationError as exc:
                add_service_errors(form, exc)
                invoice = self.get_invoice()
        return self.render_invoice(invoice, *self.forms(invoice, form))


class PaymentView(InvoiceFormView):
    """POST: records a payment; errors show on the invoice page."""

    form_class = PaymentForm

    def record(self, invoice, data):
        entry = dues_payment_record(invoice=invoice, actor=self.request.user, amount=data["amount"],
                                    paid_on=data["paid_on"], method=data["method"],
                                    reference=data["reference"], note=data["note"])
        return _("Payment recorded, receipt {number}.").format(number=entry.number)

    def forms(self, invoice, form):
        return form, WaiverForm()


class WaiverView(InvoiceFormView):
    """POST: waives part or all of what is outstanding, with a reason."""

    form_class = WaiverForm

    def record(self, invoice, data):
        dues_waive(invoice=invoice, actor=self.request.user, amount=data["amount"], reason=data["reason"])
        return _("Waiver recorded.")

    def forms(self, invoice, form):
        return PaymentForm(initial={"amount": invoice.outstanding}), form


class EntryMixin(DuesMixin):
    """An entry of this chamber named in the URL; any other is a 404."""

    def get_entry(self):
        try:
            return dues_entry_get(chamber=self.chamber, pk=self.kwargs["pk"])
        except DuesEntry.DoesNotExist:
            raise Http404 from None


class ReverseView(EntryMixin, TemplateView):
    """Confirm page for a reversal: what will be undone, and a required reason."""

    permission = MONEY_RECORD  # a form page: only for those who may send it

    template_name = "members/dues/reverse.html"

    def get(self, request, *args, **kwargs):
        return self.render_confirm(self.get_entry(), ReverseForm())

    def post(self, request, *args, **kwargs):
        entry = self.get_entry()
        form = ReverseForm(request.POST)
        if form.is_valid():
            def handle():
                dues_entry_reverse(entry=entry, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("Entry reversed."))
                return self.invoice_url(entry.invoice_id)

            try:
                return idempotent_form_post(request, key=form.cleaned_data["idempotency_key"], handle=handle)
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.render_confirm(entry, form)

    def render_confirm(self, entry, form):
        return self.render_to_response(self.get_context_data(entry=entry, invoice=entry.invoice, form=form))


class ReceiptView(EntryMixin, TemplateView):
    """A printable receipt for one payment (a payment only: waivers and reversals have none)."""

    template_name = "members/dues/receipt.html"

    def get_context_data(self, **kwargs):
        entry = self.get_entry()
        if not entry.number:
            raise Http404
        return super().get_context_data(entry=entry, invoice=entry.invoice, membership=entry.invoice.membership,
                                        amount_words=amount_in_words(entry.amount), **kwargs)


class LapseView(DuesMixin, TemplateView):
    """Who would lapse today and why; confirming lapses them (the daily run does the same)."""

    template_name = "members/dues/lapse.html"

    def get(self, request, *args, **kwargs):
        return self.render_preview(LapseForm())

    def post(self, request, *args, **kwargs):
        form = LapseForm(request.POST)
        form.is_valid()

        def handle():
            lapsed = dues_lapse_overdue(chamber=self.chamber, actor=request.user)
            messages.success(request, _("{count} members lapsed.").format(count=len(lapsed)))
            return self.dues_url()

        return idempotent_form_post(request, key=form.cleaned_data.get("idempotency_key", ""), handle=handle)

    def render_preview(self, form):
        rows = [(membership, invoice, lapse_reason(invoice))
                for membership, invoice in dues_lapse_candidates(chamber=self.chamber)]
        return self.render_to_response(self.get_context_data(form=form, rows=rows))


urlpatterns = [
    path("dues/<int:year>/schedule/", FeeScheduleView.as_view(), name="dues_schedule"),
    path("dues/<int:year>/generate/", GenerateView.as_view(), name="dues_generate"),
    path("dues/invoices/", InvoiceListView.as_view(), name="dues_invoices"),
    path("dues/invoices/<int:pk>/", InvoiceDetailView.as_view(), name="dues_invoice"),
    path("dues/invoices/<int:pk>/pay/", PaymentView.as_view(), name="dues_pay"),
    path("dues/invoices/<int:pk>/waive/", WaiverView.as_view(), name="dues_waive"),
    path("dues/entries/<int:pk>/reverse/", ReverseView.as_view(), name="dues_reverse"),
    path("dues/entries/<int:pk>/receipt/", ReceiptView.as_view(), name="dues_receipt"),
    path("dues/lapse/", LapseView.as_view(), name="dues_lapse"),
]
