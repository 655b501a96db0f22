"""Import pages under /c/<chamber>/imports/: the list with templates and past imports, the
upload per kind, and one batch's page (column matching, progress, preview, result).

Who may do what: an outsider gets 404 everywhere; an insider needs the import kind's
capability at the chamber root (a branch-limited grant is not enough: an import file may
touch any branch), else 403. The list shows only the kinds the user may import.
"""
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_htmx.http import HttpResponseClientRefresh

from .import_forms import ImportCommitForm, ImportMappingForm, ImportUploadForm
from .import_selectors import ROW_FILTERS, import_batch_get, import_batch_list, import_row_list
from .import_template import template_csv, template_filename, template_xlsx
from .importing import (
    import_commit,
    import_discard,
    import_map,
    import_progress,
    import_undo,
    import_upload,
    importable_kinds,
    kind_label,
    options_form_for,
)
from .kinds import import_kinds
from .models import ImportBatch, ImportStatus

LIST_PAGE_SIZE = 25
ROWS_PAGE_SIZE = 50
RUNNING = (ImportStatus.CHECKING, ImportStatus.IMPORTING)


class ImportViewMixin:
    """404 for outsiders, 403 for insiders who may import nothing here (or not this kind)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.access.is_insider:
            raise Http404
        self.chamber, self.access = request.chamber, request.access
        self.importable = importable_kinds(self.access)
        self.setup_import(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def setup_import(self, **kwargs):
        if not self.importable:
            raise PermissionDenied

    def back(self):
        return redirect("imports:list", chamber=self.chamber.slug)


class KindMixin(ImportViewMixin):
    def setup_import(self, *, kind, **kwargs):
        if kind not in import_kinds():
            raise Http404
        if kind not in self.importable:
            raise PermissionDenied
        self.spec = self.importable[kind]


class BatchMixin(ImportViewMixin):
    def setup_import(self, *, pk, **kwargs):
        try:
            self.batch = import_batch_get(chamber=self.chamber, pk=pk)
        except ImportBatch.DoesNotExist:
            raise Http404 from None
        if self.batch.kind not in self.importable:
            raise PermissionDenied
        self.spec = self.importable[self.batch.kind]

    def back(self):
        return redirect("imports:batch", chamber=self.chamber.slug, pk=self.batch.pk)


class ImportListView(ImportViewMixin, TemplateView):
    """The kinds the user may import (template and upload), then past imports, 25 a page.

    Queries after the request's own (session, user, role): the page count (1) and the
    page's batches with their users (1).
    """

    template_name = "interchange/imports/list.html"

    def get_context_data(self, **kwargs):
        page = Paginator(import_batch_list(chamber=self.chamber, kinds=self.importable), LIST_PAGE_SIZE) \
            .get_page(self.request.GET.get("page"))
        page.object_list = list(page.object_list)
        kinds = [(key, kind_label(key), spec.columns) for key, spec in self.importable.items()]
        return super().get_context_data(kinds=kinds, page_obj=page, batches=page.object_list, **kwargs)


class ImportTemplateView(KindMixin, View):
    """GET: the kind's template as .xlsx or .csv."""

    def get(self, request, *args, kind, fmt, **kwargs):
        if fmt not in ("xlsx", "csv"):
            raise Http404
        if fmt == "csv":
            content, mime = template_csv(self.spec), "text/csv; charset=utf-8"
        else:
            content = template_xlsx(self.spec, chamber=self.chamber)
            mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(content, content_type=mime)
        response["Content-Disposition"] = 'attachment; filename="{}"'.format(template_filename(self.spec, fmt))
        return response


class ImportUploadView(KindMixin, TemplateView):
    """The file and the kind's options; a file that cannot be read stays on this page with
    the reason under the file field."""

    template_name = "interchange/imports/upload.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(
            form=ImportUploadForm(), options_form=options_form_for(self.spec, chamber=self.chamber)))

    def post(self, request, *args, **kwargs):
        form = ImportUploadForm(request.POST, request.FILES)
        options_form = options_form_for(self.spec, chamber=self.chamber, data=request.POST)
        options_ok = options_form is None or options_form.is_valid()
        if form.is_valid() and options_ok:
            try:
                batch = import_upload(chamber=self.chamber, actor=request.user, access=self.access,
                                      kind=self.spec.kind, file=form.cleaned_data["file"], options=request.POST)
            except ValidationError as error:
                if hasattr(error, "error_dict") and options_form is not None:
                    for name, errors in error.error_dict.items():
                        options_form.add_error(name if name in options_form.fields else None, errors)
                else:
                    form.add_error("file", error.messages)
            else:
                return redirect("imports:batch", chamber=self.chamber.slug, pk=batch.pk)
        return self.render_to_response(self.get_context_data(form=form, options_form=options_form))

    def get_context_data(self, **kwargs):
        return super().get_context_data(spec=self.spec, kind_label=kind_label(self.spec.kind), **kwargs)


def _cells(spec, row):
    """The row's messages as (column header, value, message, is_error), cell by cell."""
    cells = []
    for kind, messages_by_key in (("error", row.errors), ("warning", row.warnings)):
        for key, texts in (messages_by_key or {}).items():
            try:
                header = spec.column(key).header
            except StopIteration:
                header = ""  # a message about the whole row
            for text in texts:
                cells.append({"header": header, "value": row.values.get(key, ""), "message": text,
                              "is_error": kind == "error"})
    return cells


class ImportBatchView(BatchMixin, TemplateView):
    """One import, by status: the column matching, the progress, the preview (counts and
    each row's messages, 50 a page, errors first), the result.

    Queries after the request's own: the batch (1), then on the preview the page count (1)
    and the page's rows (1).
    """

    template_name = "interchange/imports/batch.html"

    def get_context_data(self, **kwargs):
        batch = self.batch
        context = {"batch": batch, "spec": self.spec, "running": batch.status in RUNNING}
        if batch.status == ImportStatus.MAPPING:
            context["mapping_form"] = kwargs.pop("mapping_form", None) or ImportMappingForm(
                spec=self.spec, headers=batch.headers, mapping=batch.mapping)
        elif batch.status in RUNNING:
            context["progress"] = _progress_context(batch)
        elif batch.status not in (ImportStatus.DISCARDED,):
            which = self.request.GET.get("show")
            if which not in ROW_FILTERS:
                which = "errors" if batch.error_rows and batch.status == ImportStatus.CHECKED else "all"
            page = Paginator(import_row_list(batch=batch, which=which), ROWS_PAGE_SIZE) \
                .get_page(self.request.GET.get("page"))
            page.object_list = list(page.object_list)
            for row in page.object_list:
                row.cells = _cells(self.spec, row)
            context.update(show=which, filters=_filter_labels(), page_obj=page, rows=page.object_list)
        return super().get_context_data(**context, **kwargs)

    def post(self, request, *args, **kwargs):
        """The column matching."""
        if self.batch.status != ImportStatus.MAPPING:
            return self.back()
        form = ImportMappingForm(request.POST, spec=self.spec, headers=self.batch.headers, mapping=self.batch.mapping)
        if form.is_valid():
            try:
                import_map(batch=self.batch, actor=request.user, access=self.access, mapping=form.mapping())
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return self.back()
        return self.render_to_response(self.get_context_data(mapping_form=form))


def _filter_labels():
    return [("all", _("All rows")), ("errors", _("Errors")), ("warnings", _("Warnings"))]


def _progress_context(batch):
    done = min(import_progress(batch), batch.total_rows)
    percent = int(done * 100 / batch.total_rows) if batch.total_rows else 0
    return {"done": done, "total": batch.total_rows, "percent": percent}


class ImportProgressView(BatchMixin, TemplateView):
    """The progress fragment the batch page polls; once the work is done it tells htmx to
    reload the page (a plain GET shows the fragment, or sends the browser to the page)."""

    template_name = "interchange/imports/_progress.html"

    def get(self, request, *args, **kwargs):
        if self.batch.status not in RUNNING:
            if request.htmx:
                return HttpResponseClientRefresh()
            return self.back()
        return self.render_to_response(self.get_context_data(batch=self.batch, progress=_progress_context(self.batch)))


class ImportActionView(BatchMixin, View):
    """POST: import (all / only valid rows), undo, or discard a batch."""

    action = None

    def post(self, request, *args, **kwargs):
        try:
            if self.action == "commit":
                form = ImportCommitForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Choose what to import."))
                batch = import_commit(batch=self.batch, actor=request.user, access=self.access,
                                      mode=form.cleaned_data["mode"])
                if batch.status == ImportStatus.IMPORTED:
                    messages.success(request, _("{} rows imported.").format(batch.imported_rows))
                elif batch.status == ImportStatus.FAILED:
                    messages.error(request, batch.failure)
            elif self.action == "undo":
                import_undo(batch=self.batch, actor=request.user, access=self.access)
                messages.success(request, _("The import was undone."))
            elif self.action == "discard":
                import_discard(batch=self.batch, actor=request.user, access=self.access)
                messages.success(request, _("The import was discarded."))
                return redirect("imports:list", chamber=self.chamber.slug)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return self.back()
