"""Exports of any filtered list: the contract with the export kinds each app describes
(`<app>/exports.py`, registered with @export_kind) and the services that run them.

A kind builds the same filtered queryset as its list page from the page's query string
(with the page's own filter form or selector), and names its columns: a fixed Chinese
header (a file format, not translated) and a function giving a row's value. People's
mobiles and ID numbers are shown in full only to users with PERSONAL_DATA (`job.mobile`,
`job.id_number`).

Every export is recorded (ExportRecord: who, which list, which filters, how many rows),
since rosters are personal data. Small exports are streamed at once; above
EXPORT_BACKGROUND_ROWS rows a worker builds the file into the record, which its creator
(or a chamber admin) downloads from the export log.
"""
import datetime
import importlib
import logging
import tempfile
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import FileResponse, QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from chamber.access import PERSONAL_DATA, access_for_user
from chamber.audit import audit_export
from chamber.db_router import reads_from_replica
from chamber.validators import mask_id_number, mask_mobile

from .models import ExportFormat, ExportRecord, ExportStatus
from .writing import csv_lines, write_csv, write_xlsx

logger = logging.getLogger(__name__)

# The modules that register export kinds with @export_kind (imported on first use).
EXPORT_KIND_MODULES = ("members.exports", "members.dues.exports", "events.exports", "charity.exports",
                       "evaluations.exports", "chamber.audit_exports")
# Query-string keys that are not filters: which file, and which page the list was on.
NOT_FILTERS = frozenset({"format", "page", "page_size", "csrfmiddlewaretoken"})
MAX_FILTER_LENGTH = 200
MAX_FILTERS = 30  # no list page has more; a query string of thousands is not kept
CHUNK_SIZE = 2000
PROGRESS_EVERY = 1000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
CONTENT_TYPES = {ExportFormat.XLSX: XLSX_TYPE, ExportFormat.CSV: CSV_TYPE}

_REGISTRY = {}


@dataclass(frozen=True)
class ExportColumn:
    """One column: its fixed Chinese header, and `value(row, job)` giving a row's cell."""

    header: str
    value: object
    width: int = None  # Excel's units; None sizes it from the header
    number_format: str = None  # e.g. writing.AMOUNT_FORMAT for amounts


class ExportKindSpec:
    """Base of an export kind. Subclasses set the attributes, `prepare` and `columns`."""

    key = None  # the URL's <kind> and ExportRecord.kind
    title = None  # a lazily translated name of the list, e.g. "会员名册"
    capability = None  # the list page's view capability (chamber.access)
    chunk_size = CHUNK_SIZE

    def prepare(self, job):
        """Read the filters from `job.params` as the list page does and set `job.queryset`
        (ordered as the page is, with what the columns read joined or prefetched). May set
        `job.title` / `job.caption`. Raise Http404 for a parent object (an event, a term)
        the user may not see."""
        raise NotImplementedError

    def columns(self, job):
        raise NotImplementedError

    def count(self, job):
        return job.queryset.count()

    def rows(self, job):
        """The rows the columns read, a chunk at a time (bounded memory and queries)."""
        return job.queryset.iterator(chunk_size=self.chunk_size)


def export_kind(cls):
    """Register an ExportKindSpec subclass under its `key`."""
    _REGISTRY[cls.key] = cls()
    return cls


def export_kinds():
    for module in EXPORT_KIND_MODULES:
        importlib.import_module(module)
    return dict(_REGISTRY)


def export_kind_spec(key):
    """The kind registered under `key`; KeyError when there is none."""
    return export_kinds()[key]


def clean_params(params):
    """The query string's filters as a JSON-able dict (one value, or a list of several),
    without the file format and the page: what the record keeps and a worker reads."""
    if isinstance(params, QueryDict):
        items = [(key, params.getlist(key)) for key in params]
    else:
        items = [(key, value if isinstance(value, (list, tuple)) else [value]) for key, value in (params or {}).items()]
    cleaned = {}
    for key, values in items:
        values = [str(v)[:MAX_FILTER_LENGTH] for v in values if v not in (None, "")]
        if key in NOT_FILTERS or not values:
            continue
        cleaned[str(key)[:50]] = values[0] if len(values) == 1 else values[:MAX_FILTERS]
        if len(cleaned) >= MAX_FILTERS:
            break
    return cleaned


class ExportJob:
    """One export being made: the kind, who asks, the filters, and what `prepare` set."""

    def __init__(self, spec, *, chamber, access, params):
        self.spec = spec
        self.chamber = chamber
        self.access = access
        self.params = params
        self.personal = access.has(PERSONAL_DATA)
        self.title = str(spec.title)
        self.caption = None
        self.queryset = None
        self.context = {}  # lookups a kind loads once in prepare (labels, parent objects)
        spec.prepare(self)
        self._columns = list(spec.columns(self))

    @property
    def query(self):
        """The filters as a QueryDict, for the list page's own filter form."""
        query = QueryDict(mutable=True)
        for key, value in self.params.items():
            query.setlist(key, value if isinstance(value, list) else [value])
        return query

    def get(self, key, default=""):
        value = self.params.get(key, default)
        return value[0] if isinstance(value, list) else value

    def mobile(self, value):
        return (value if self.personal else mask_mobile(value)) or ""

    def id_number(self, value):
        return (value if self.personal else mask_id_number(value)) or ""

    @property
    def headers(self):
        return [c.header for c in self._columns]

    def values(self, progress=None):
        """Each row's cells, in column order; `progress(n)` is told every so many rows."""
        columns = [c.value for c in self._columns]
        job = self
        for n, row in enumerate(self.spec.rows(self), 1):
            yield [value(row, job) for value in columns]
            if progress is not None and n % PROGRESS_EVERY == 0:
                progress(n)

    @reads_from_replica
    def write(self, target, file_format, progress=None):
        """Write the file to a binary file object; returns the number of rows. Its reads go
        to the replica where there is one (a streamed CSV is short and reads the primary)."""
        if file_format == ExportFormat.XLSX:
            return write_xlsx(target, self.headers, self.values(progress), sheet_title=self.title,
                              caption=self.caption, widths=[c.width for c in self._columns],
                              formats=[c.number_format for c in self._columns])
        return write_csv(target, self.headers, self.values(progress))

    def filename(self, file_format):
        return export_filename(self.title, self.spec.key, timezone.now(), file_format)


def export_filename(title, fallback, when, file_format):
    """会员名册-20250105-0930.xlsx: the list's title and the local time of the export."""
    name = "".join(ch for ch in str(title) if ch not in '\\/:*?"<>|\r\n').strip() or fallback
    return "{}-{}.{}".format(name[:80], timezone.localtime(when).strftime("%Y%m%d-%H%M"), file_format)


def _job(*, chamber, access, kind, params):
    try:
        spec = export_kind_spec(kind)
    except KeyError:
        raise ValidationError(_("There is no list “{}” to export.").format(kind)) from None
    if not access.has(spec.capability):
        raise PermissionDenied
    return ExportJob(spec, chamber=chamber, access=access, params=clean_params(params))


def export_start(*, chamber, actor, access, kind, params, file_format):
    """Export one list as the user filtered it. Returns (record, response): a response to
    send when the file is small enough to make at once (CSV streamed, .xlsx from a
    temporary file), else None, and a worker builds the file into the record.

    Raises PermissionDenied without the list's capability, ValidationError for an unknown
    list or format; Http404 when the list's parent (an event, a term) is not the user's to see.
    """
    if file_format not in ExportFormat.values:
        raise ValidationError(_("Choose Excel (.xlsx) or CSV."))
    job = _job(chamber=chamber, access=access, kind=kind, params=params)
    count = job.spec.count(job)
    background = count > settings.EXPORT_BACKGROUND_ROWS
    record = ExportRecord.objects.create(
        chamber=chamber, kind=job.spec.key, title=job.title[:200], filters=job.params, file_format=file_format,
        row_count=count, status=ExportStatus.PENDING if background else ExportStatus.READY,
        in_background=background, created_by=actor if getattr(actor, "pk", None) else None,
        finished_at=None if background else timezone.now(),
    )
    # The audit log names every export beside the changes (issue 10): which list, how many
    # rows, whether mobiles and ID numbers went out in full.
    audit_export(chamber=chamber, actor=actor, record=record, personal_data=job.personal)
    if background:
        from .export_tasks import export_build

        # robust: Redis down must not turn the committed request into a 500 (issue 10, faults).
        transaction.on_commit(lambda: export_build.delay(record.pk), robust=True)
        return record, None
    return record, _response(job, file_format)


def _response(job, file_format):
    filename = job.filename(file_format)
    if file_format == ExportFormat.CSV:
        response = StreamingHttpResponse(_scoped(job.chamber, csv_lines(job.headers, job.values())),
                                         content_type=CSV_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        # openpyxl needs a seekable file to finish the zip: a temporary file, deleted when
        # the response closes it.
        handle = tempfile.TemporaryFile()
        job.write(handle, file_format)
        handle.seek(0)
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _scoped(chamber, lines):
    """The CSV's lines, read inside the chamber's scope: a streamed body is produced after
    the view (and the middleware's scope) has returned."""
    with scope(chamber=chamber):
        yield from lines


# --- Background exports -------------------------------------------------------------------

def progress_key(record_id):
    return "export-progress:{}".format(record_id)


def export_progress(record):
    """Rows written so far by the worker (from the cache: the worker's updates would
    otherwise cost a write to the database every thousand rows)."""
    if record.status != ExportStatus.RUNNING:
        return None
    try:
        return cache.get(progress_key(record.pk))
    except Exception:  # a Redis blip must not break the log page
        return None


def export_build(*, record_id):
    """Build a background export's file into its record (the task's body). Claims the
    record first (PENDING → RUNNING), so a task delivered twice builds it once. The file is
    built with the creator's access as it is now: one who lost the list's capability since
    gets a failure, not the file."""
    with scopes_disabled():
        record = ExportRecord.objects.select_related("chamber", "created_by").filter(pk=record_id).first()
    if record is None:
        return None
    chamber = record.chamber
    with scope(chamber=chamber):
        claimed = ExportRecord.objects.filter(chamber=chamber, pk=record.pk, status=ExportStatus.PENDING).update(
            status=ExportStatus.RUNNING)
        if not claimed:
            return None
        try:
            access = access_for_user(chamber, record.created_by)
            job = _job(chamber=chamber, access=access, kind=record.kind, params=record.filters)

            def progress(n):
                try:
                    cache.set(progress_key(record.pk), n, timeout=3600)
                except Exception:
                    pass

            with tempfile.TemporaryFile() as handle:
                count = job.write(handle, record.file_format, progress=progress)
                handle.seek(0)
                record.file.save(job.filename(record.file_format), File(handle), save=False)
            ExportRecord.objects.filter(chamber=chamber, pk=record.pk).update(
                status=ExportStatus.READY, row_count=count, file=record.file.name, finished_at=timezone.now())
        except Exception as exc:
            logger.exception("export %s failed", record.pk)
            if record.file:
                record.file.delete(save=False)
            ExportRecord.objects.filter(chamber=chamber, pk=record.pk).update(
                status=ExportStatus.FAILED, failure=_failure_message(exc)[:500], file="", finished_at=timezone.now())
    return record.pk


def _failure_message(exc):
    if isinstance(exc, PermissionDenied):
        return _("You no longer have access to this list.")
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return _("The file could not be made ({error}). Try again, or ask the administrator.").format(
        error=exc.__class__.__name__)


def export_files_cleanup(*, now=None):
    """Delete background export files older than EXPORT_KEEP_DAYS (the record stays, as the
    log of who took what), and fail exports stuck for a day (a worker died mid-way).
    Idempotent; spans chambers. Returns the number of files deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.EXPORT_KEEP_DAYS)
    deleted = 0
    with scopes_disabled():
        old = ExportRecord.objects.filter(in_background=True, finished_at__lt=cutoff).exclude(file="")
        for record in old.only("pk", "file").iterator():
            record.file.delete(save=False)
            deleted += ExportRecord.objects.filter(pk=record.pk).exclude(file="").update(file="")
        ExportRecord.objects.filter(
            status__in=[ExportStatus.PENDING, ExportStatus.RUNNING], created_at__lt=now - datetime.timedelta(days=1),
        ).update(status=ExportStatus.FAILED, failure=_("The export took too long and was given up."), finished_at=now)
    return deleted


def export_download(*, record, actor):
    """Note that a background export was downloaded (the latest time)."""
    record.downloaded_at = timezone.now()
    ExportRecord.objects.filter(chamber_id=record.chamber_id, pk=record.pk).update(downloaded_at=record.downloaded_at)
    return record
