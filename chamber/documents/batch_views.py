"""Document batch pages under /c/<chamber>/documents/batches/: the list of batches with a
form to start one for a campaign, a batch's page with its progress bar (htmx polls a
fragment while a worker renders) and the zip to download once it is ready.

Everything here needs CERTIFICATES_MANAGE at the chamber root (a branch-limited role gets
403): the zips hold every certificate of a campaign. A federation's batches of annual
reports (started from its annual report page, chamber/annual/) are listed here too; the
roles that manage reports (admin, secretariat) are those that manage certificates.
"""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from django_scopes import scopes_disabled

from chamber.access import CERTIFICATES_MANAGE, REPORTS_MANAGE
from chamber.uploads import download_response

from .batches import batch_create_for_campaign, safe_file_name
from .models import DocumentBatch, DocumentBatchKind, DocumentBatchStatus
from .views import WholeChamberMixin

PAGE_SIZE = 50
BATCH_CAPABILITY = {DocumentBatchKind.CERTIFICATES: CERTIFICATES_MANAGE,
                    DocumentBatchKind.ANNUAL_REPORTS: REPORTS_MANAGE}


def campaigns_with_ratings(chamber):
    """The chamber's campaigns that awarded ratings, newest first (what a batch can print)."""
    from evaluations.models import Campaign

    return (Campaign.objects.filter(chamber=chamber, ratings__isnull=False).distinct()
            .order_by("-year", "-pk"))


class BatchStartForm(forms.Form):
    campaign = forms.ModelChoiceField(label=gettext_lazy("Campaign"), queryset=None,
                                      empty_label=gettext_lazy("Choose a campaign"),
                                      widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, chamber, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this chamber's campaigns: another chamber's id is "not one of the choices".
        self.fields["campaign"].queryset = campaigns_with_ratings(chamber)


def _batch_present(batch):
    batch.waiting = batch.status in (DocumentBatchStatus.PENDING, DocumentBatchStatus.RUNNING)
    batch.percent = round(100 * batch.done / batch.total) if batch.total else 0
    return batch


class BatchMixin(WholeChamberMixin):
    permission = CERTIFICATES_MANAGE
    write_permission = CERTIFICATES_MANAGE

    def get_batch(self):
        batch = (DocumentBatch.objects.filter(chamber=self.chamber, pk=self.kwargs["pk"])
                 .select_related("created_by").first())
        if batch is None:
            raise Http404
        # Each kind of batch is opened with the capability that makes it.
        if not self.access.covers(BATCH_CAPABILITY[batch.kind], None):
            raise PermissionDenied
        return _batch_present(batch)


class BatchListView(BatchMixin, TemplateView):
    """The chamber's batches, newest first, 50 a page, and the form to start one."""

    template_name = "documents/batches/list.html"

    def get_context_data(self, **kwargs):
        # Queries: the batches' count, the page of batches with their creators, the campaigns.
        page = Paginator(DocumentBatch.objects.filter(chamber=self.chamber).select_related("created_by")
                         .order_by("-created_at", "-pk"), PAGE_SIZE).get_page(self.request.GET.get("page"))
        batches = [_batch_present(b) for b in page.object_list]
        form = kwargs.pop("form", None) or BatchStartForm(chamber=self.chamber)
        return super().get_context_data(page_obj=page, batches=batches, form=form, **kwargs)


class BatchStartView(BatchMixin, View):
    """POST: issue the campaign's certificates, start rendering them, go to the batch's page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = BatchStartForm(request.POST, chamber=self.chamber)
        if not form.is_valid():
            for error in form.errors.get("campaign", []):
                messages.error(request, error)
            return redirect("document_batches:list", chamber=self.chamber.slug)
        try:
            batch = batch_create_for_campaign(form.cleaned_data["campaign"], request.user, self.access)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("document_batches:list", chamber=self.chamber.slug)
        messages.success(request, _("{count} certificates are being rendered.").format(count=batch.total))
        return redirect("document_batches:detail", chamber=self.chamber.slug, pk=batch.pk)


class BatchDetailView(BatchMixin, TemplateView):
    """One batch: what it holds, its progress and, once ready, the zip."""

    template_name = "documents/batches/detail.html"

    def get_context_data(self, **kwargs):
        batch = self.get_batch()
        if batch.kind == DocumentBatchKind.ANNUAL_REPORTS:
            # The reports belong to the chambers the federation supervises (chamber/annual/batches.py).
            with scopes_disabled():
                reports = list(batch.annual_reports.select_related("chamber").order_by("chamber__name", "pk"))
            return super().get_context_data(batch=batch, reports=reports, **kwargs)
        return super().get_context_data(batch=batch, certificates=batch.certificates.order_by("number", "pk"),
                                        **kwargs)


class BatchProgressView(BatchMixin, TemplateView):
    """The progress fragment htmx polls every 2 s until the batch is ready or failed."""

    template_name = "documents/batches/_progress.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(batch=self.get_batch(), **kwargs)


class BatchDownloadView(BatchMixin, View):
    """The zip of a ready batch."""

    def get(self, request, *args, **kwargs):
        batch = self.get_batch()
        if batch.status != DocumentBatchStatus.READY or not batch.zip_file:
            raise Http404
        filename = safe_file_name(batch.title) + ".zip"
        return download_response(batch.zip_file, filename=filename, content_type="application/zip")
