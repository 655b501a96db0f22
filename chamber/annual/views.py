"""Annual report pages under /c/<chamber>/annual/: the report of a year on screen (the 17
indicators of the federation's form, with what is not recorded marked), the PDF made by a
worker and downloaded while its figures hold, the same figures as .xlsx, and at a
federation the batch of every supervised chamber's report.

Reading needs MEMBERS_VIEW at the chamber root (the report counts every member and its
money); printing needs REPORTS_MANAGE. A branch-limited role gets 403.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from chamber.access import FEDERATION_VIEW, MEMBERS_VIEW, REPORTS_MANAGE
from chamber.audit import audit_record
from chamber.documents.views import WholeChamberMixin
from chamber.models import ChamberKind
from chamber.uploads import download_response

from chamber.interchange.exporting import XLSX_TYPE

from .batches import affiliate_report_rows, annual_batch_create
from .generation import (
    REPORT_LANGUAGE,
    annual_report_render_request,
    render_state,
    report_figures,
    report_file_name,
    report_pdf_current,
)
from .models import WorkRecordKind
from .selectors import annual_report_get
from .services import YEAR_MAX, YEAR_MIN


def report_years(today=None):
    """The years the picker offers: this one and the five before it."""
    year = (today or timezone.localdate()).year
    return list(range(year, year - 6, -1))


class ReportMixin(WholeChamberMixin):
    permission = MEMBERS_VIEW
    write_permission = REPORTS_MANAGE

    def dispatch(self, request, *args, **kwargs):
        year = kwargs.get("year")
        if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @property
    def year(self):
        return self.kwargs.get("year") or timezone.localdate().year

    def get_context_data(self, **kwargs):
        kwargs.setdefault("year", self.year)
        return super().get_context_data(**kwargs)

    @property
    def can_manage(self):
        return self.access.covers(REPORTS_MANAGE, None)

    def report_url(self):
        return redirect("annual:report", chamber=self.chamber.slug, year=self.year)


class ReportView(ReportMixin, TemplateView):
    """The report of a year on screen, and where its PDF stands."""

    template_name = "annual/report_page.html"

    def get_context_data(self, **kwargs):
        report = annual_report_get(chamber=self.chamber, year=self.year)
        figures, digest = report_figures(chamber=self.chamber, year=self.year, report=report)
        current = report_pdf_current(report, digest)
        if translation.get_language() != REPORT_LANGUAGE:
            # The PDF is printed in the report's language; the page speaks the reader's.
            from .figures import annual_report_figures

            figures = annual_report_figures(chamber=self.chamber, year=self.year, report=report)
        unrecorded = [(indicator, figure) for indicator in figures["indicators"] for figure in indicator["figures"]
                      if figure["value"] is None]
        return super().get_context_data(
            figures=figures, report=report, pdf_current=current, state=render_state(report),
            stale=bool(report and report.pdf and not current), years=report_years(),
            can_manage=self.can_manage, unrecorded_count=len(unrecorded),
            record_kinds=WorkRecordKind.choices,
            is_federation=self.chamber.kind == ChamberKind.FEDERATION and self.access.covers(FEDERATION_VIEW, None),
            year_running=self.year == timezone.localdate().year,
            **kwargs)


class ReportIndexView(ReportView):
    """The menu's entry: this year's report."""


class ReportStatusView(ReportMixin, TemplateView):
    """The PDF's state, polled by htmx every 2 s while a worker prints it (no figures computed)."""

    template_name = "annual/_status.html"

    def get_context_data(self, **kwargs):
        report = annual_report_get(chamber=self.chamber, year=self.year)
        return super().get_context_data(report=report, state=render_state(report), can_manage=self.can_manage,
                                        **kwargs)


class ReportGenerateView(ReportMixin, View):
    """POST: have a worker print the report."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        annual_report_render_request(chamber=self.chamber, year=self.year, actor=request.user)
        messages.info(request, _("The report is being printed; this page shows when it is ready."))
        return self.report_url()


class ReportPdfView(ReportMixin, View):
    """The PDF, only while it was printed from the figures the data gives now."""

    def get(self, request, *args, **kwargs):
        report = annual_report_get(chamber=self.chamber, year=self.year)
        if report is None or not report.pdf:
            raise Http404
        _figures, digest = report_figures(chamber=self.chamber, year=self.year, report=report)
        if not report_pdf_current(report, digest):
            messages.warning(request, _("The data changed after this PDF was printed: print the report again "
                                        "to download it."))
            return self.report_url()
        return download_response(report.pdf, filename=report_file_name(self.chamber, self.year, ".pdf"),
                                 content_type="application/pdf")


class ReportXlsxView(ReportMixin, View):
    """The report's figures as a workbook for the federation (made on the spot: it is small)."""

    def get(self, request, *args, **kwargs):
        from .workbook import report_xlsx

        report = annual_report_get(chamber=self.chamber, year=self.year)
        figures, _digest = report_figures(chamber=self.chamber, year=self.year, report=report)
        with translation.override(REPORT_LANGUAGE):  # a document for the federation, as the PDF
            data = report_xlsx(figures)
        audit_record(chamber=self.chamber, actor=request.user, action="export", target=self.chamber,
                     changes={"annual_report": self.year, "format": "xlsx"})
        response = HttpResponse(data, content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, report_file_name(self.chamber, self.year, ".xlsx"))
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class AffiliateReportsView(ReportMixin, TemplateView):
    """At a federation: its own and every supervised chamber's report of the year, and the
    button that prints them all as one zip."""

    template_name = "annual/affiliates.html"
    permission = FEDERATION_VIEW

    def dispatch(self, request, *args, **kwargs):
        if request.chamber is not None and request.chamber.kind != ChamberKind.FEDERATION:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=affiliate_report_rows(federation=self.chamber, year=self.year),
                                        years=report_years(), can_manage=self.can_manage, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            batch = annual_batch_create(federation=self.chamber, year=self.year, actor=request.user,
                                        access=self.access)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("annual:affiliates", chamber=self.chamber.slug, year=self.year)
        messages.success(request, _("{count} annual reports are being printed.").format(count=batch.total))
        return redirect("document_batches:detail", chamber=self.chamber.slug, pk=batch.pk)
