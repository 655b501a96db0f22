"""Export pages under /c/<chamber>/exports/: start an export of a list (a download, or a
background job that lands in the log), the export log, a background export's status (polled
by htmx) and its download.

Starting an export needs the list's own view capability (a user who cannot see the list
cannot take it out); the log is open to every insider, who sees their own exports (a chamber
admin sees everyone's). A file is downloaded only by its creator or a chamber admin.
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from chamber.access import CHAMBER_ADMIN
from chamber.mixins import ChamberViewMixin
from chamber.uploads import download_response

from .export_selectors import export_record_get, export_record_list
from .exporting import (
    CONTENT_TYPES,
    export_download,
    export_filename,
    export_kind_spec,
    export_kinds,
    export_progress,
    export_start,
)
from .models import ExportRecord, ExportStatus

PAGE_SIZE = 50


def log_url(chamber):
    return reverse("exports:log", kwargs={"chamber": chamber.slug})


class ExportStartView(ChamberViewMixin, View):
    """GET /exports/<kind>/?format=xlsx|csv&<the list's filters>: the file, or (when large)
    a redirect to the log where it appears once a worker has built it."""

    http_method_names = ["get"]  # a HEAD would record an export nobody received

    def dispatch(self, request, *args, **kwargs):
        try:
            self.spec = export_kind_spec(kwargs["kind"])
        except KeyError:
            raise Http404 from None
        # The list page's capability: insiders without it get 403, others 404 (the mixin).
        self.permission = self.spec.capability
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("format") or "xlsx"
        try:
            record, response = export_start(chamber=self.chamber, actor=request.user, access=self.access,
                                            kind=self.spec.key, params=request.GET, file_format=file_format)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(log_url(self.chamber))
        if response is None:
            messages.info(request, _("“{title}” has {count} rows: it is being prepared in the background. "
                                     "Download it here when it is ready.").format(title=record.title,
                                                                                  count=record.row_count))
            return redirect(log_url(self.chamber))
        return response


class InsiderMixin:
    """Pages every insider may open (what they see is narrowed by the selectors): others
    get 404, as on every chamber page."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.access.is_insider:
            raise Http404
        self.chamber, self.access = request.chamber, request.access
        return super().dispatch(request, *args, **kwargs)

    def get_record(self):
        try:
            record = export_record_get(chamber=self.chamber, user=self.request.user, access=self.access,
                                       pk=self.kwargs["pk"])
        except ExportRecord.DoesNotExist:
            raise Http404 from None
        record.chamber = self.chamber
        return record


def _present(record):
    """What the log shows of a record: status, progress and whether it can be downloaded."""
    record.done_rows = export_progress(record)
    record.waiting = record.status in (ExportStatus.PENDING, ExportStatus.RUNNING)
    record.downloadable = record.in_background and record.status == ExportStatus.READY and bool(record.file)
    record.expired = record.in_background and record.status == ExportStatus.READY and not record.file
    record.filter_pairs = [(key, "、".join(value) if isinstance(value, list) else value)
                           for key, value in (record.filters or {}).items()]
    return record


class ExportLogView(InsiderMixin, TemplateView):
    """The export log, newest first, 50 a page: who, which list, which filters, how many rows,
    when, which format; background exports with their status and download link."""

    template_name = "interchange/exports/log.html"

    def get_context_data(self, **kwargs):
        page = Paginator(export_record_list(chamber=self.chamber, user=self.request.user, access=self.access),
                         PAGE_SIZE).get_page(self.request.GET.get("page"))
        kinds = {key: spec.title for key, spec in export_kinds().items()}
        records = [_present(r) for r in page.object_list]
        for record in records:
            record.kind_title = kinds.get(record.kind, record.kind)
        return super().get_context_data(page_obj=page, records=records, everyone=self.access.has(CHAMBER_ADMIN),
                                        keep_days=settings.EXPORT_KEEP_DAYS, **kwargs)


class ExportStatusView(InsiderMixin, TemplateView):
    """One background export's status cell (htmx polls it while the file is being made)."""

    template_name = "interchange/exports/_status.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=_present(self.get_record()), **kwargs)


class ExportDownloadView(InsiderMixin, View):
    """A background export's file, for its creator or a chamber admin who may still see the
    list; each download is noted on the record."""

    def get(self, request, *args, **kwargs):
        record = self.get_record()
        try:
            spec = export_kind_spec(record.kind)
        except KeyError:
            raise Http404 from None
        if not self.access.has(spec.capability):
            raise PermissionDenied
        if record.status != ExportStatus.READY or not record.file:
            raise Http404
        response = download_response(record.file, filename=export_filename(record.title, record.kind,
                                                                           record.created_at, record.file_format),
                                     content_type=CONTENT_TYPES.get(record.file_format, "application/octet-stream"))
        export_download(record=record, actor=request.user)
        return response

