"""Imports: upload a file, match its columns, check every row, then import all or only the
valid rows, and undo a batch. The import kinds (kinds.py) say what a row means; this
module runs them.

Nothing is written to the roster before the user has seen the preview. Checking writes
only the batch's ImportRow rows; committing re-checks each row against the data as it is
then (the preview may be old) and applies it inside one transaction. Files with more than
IMPORT_BACKGROUND_ROWS rows are checked and imported by a worker (import_tasks.py) while
the page polls the progress. The upload request reads the file anyway (to refuse a bad one
at once); when the check comes later (a worker, or after the columns are matched) the rows
it read are kept next to the file as gzip'd JSON, so the workbook is not parsed twice.
"""
import gzip
import inspect
import json
import logging
import zlib
import re
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from chamber.audit import audit_record

from .kinds import ROW, RowResult, import_kind_spec, import_kinds
from .models import ImportBatch, ImportKind, ImportMode, ImportRow, ImportRowStatus, ImportStatus
from .reading import Sheet, read_bytes, upload_bytes

logger = logging.getLogger(__name__)

PROGRESS_STEP = 200  # rows between two progress updates while checking
APPLY_CHUNK = 500  # rows applied between two progress updates (and per apply_rows call)
_CREATE_BATCH = 1000
_KEPT_ROWS = ".rows.json.gz"  # the rows as read, next to the stored file, until checked
# Markers people put on required headers: "名称*", "*名称", "名称（必填）".
_MARKERS = re.compile(r"^\*+|(\*|\(必填\)|\(选填\)|\(可选\))+$")


def normalise_header(text):
    """The comparable form of a header: full-width to half-width (NFKC), no spaces, no
    required markers, case folded."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"\s+", "", text)
    text = _MARKERS.sub("", text)
    return text.casefold()


def match_headers(spec, headers):
    """{file column index as text: column key, or "" to ignore} for the headers that match
    a column of `spec` by its header or an alias. A second file column matching a column
    already taken is left unmatched (the user decides on the mapping step)."""
    names = {}
    for column in spec.columns:
        for name in (column.header, *column.aliases):
            names.setdefault(normalise_header(name), column.key)
    mapping, taken = {}, set()
    for index, header in enumerate(headers):
        key = names.get(normalise_header(header)) if header else None
        if key and key not in taken:
            mapping[str(index)] = key
            taken.add(key)
        elif not header:
            mapping[str(index)] = ""  # a column without a header is ignored
    return mapping


def mapping_problems(spec, headers, mapping):
    """(file headers not assigned, required column headers missing)."""
    unassigned = [h for i, h in enumerate(headers) if str(i) not in mapping]
    assigned = {key for key in mapping.values() if key}
    missing = [c.header for c in spec.columns if c.required and c.key not in assigned]
    return unassigned, missing


def kind_label(kind):
    return ImportKind(kind).label if kind in ImportKind.values else kind


def importable_kinds(access):
    """{kind: spec} the user may import: the kind's capability at the chamber root."""
    return {kind: spec for kind, spec in import_kinds().items()
            if spec.capability and access.covers(spec.capability, None)}


def _require(access, spec):
    if not spec.capability or not access.covers(spec.capability, None):
        raise PermissionDenied


def _plain_options(cleaned):
    """A validated options form's data as JSON: model instances by primary key."""
    plain = {}
    for name, value in cleaned.items():
        if isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, models.QuerySet):
            value = [v.pk for v in value]
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
            value = str(value)
        plain[name] = value
    return plain


def options_form_for(spec, *, chamber, data=None):
    """The kind's options form, bound to `data`, or None when the kind has none. A form
    whose __init__ takes `chamber` gets it (to offer only this chamber's rows)."""
    if spec.options_form is None:
        return None
    kwargs = {}
    if "chamber" in inspect.signature(spec.options_form.__init__).parameters:
        kwargs["chamber"] = chamber
    return spec.options_form(data, **kwargs)


def import_upload(*, chamber, actor, access, kind, file, options=None):
    """Read and keep an uploaded file as a new batch, then check it (in the request when
    small, by a worker when large) unless its columns need matching first. A file that
    cannot be read is refused with a ValidationError, and nothing is kept."""
    try:
        spec = import_kind_spec(kind)
    except KeyError:
        raise ValidationError(_("Unknown import type.")) from None
    _require(access, spec)
    plain_options = {}
    form = options_form_for(spec, chamber=chamber, data=options or {})
    if form is not None:
        if not form.is_valid():
            raise ValidationError({name: errors for name, errors in form.errors.items()})
        plain_options = _plain_options(form.cleaned_data)
    content = upload_bytes(file)
    sheet = read_bytes(content)
    if not sheet.rows:
        raise ValidationError(_("The file has a header row but no data rows."), code="no_rows")
    mapping = match_headers(spec, sheet.headers)
    unassigned, missing = mapping_problems(spec, sheet.headers, mapping)
    with transaction.atomic():
        batch = ImportBatch(
            chamber=chamber, kind=kind, original_name=(getattr(file, "name", "") or "")[:200],
            file_format=sheet.file_format, encoding=sheet.encoding, headers=sheet.headers, mapping=mapping,
            options=plain_options, total_rows=len(sheet.rows), created_by=actor,
            status=ImportStatus.MAPPING if unassigned or missing else ImportStatus.CHECKING,
        )
        batch.file.save("upload", ContentFile(content), save=False)
        if batch.status == ImportStatus.MAPPING or batch.total_rows > settings.IMPORT_BACKGROUND_ROWS:
            _keep_rows(batch, sheet)
        batch.save()
        audit_record(chamber=chamber, actor=actor, action="import_upload", target=batch,
                     changes={"kind": kind, "file": batch.original_name, "rows": batch.total_rows})
    if batch.status == ImportStatus.CHECKING:
        _start_check(batch, sheet)
    batch.refresh_from_db()
    return batch


def import_map(*, batch, actor, access, mapping):
    """Save the user's column matching ({file column index: key or ""}) and check the file."""
    spec = import_kind_spec(batch.kind)
    _require(access, spec)
    keys = {c.key for c in spec.columns}
    clean = {}
    for index in range(len(batch.headers)):
        key = mapping.get(str(index), "") or ""
        if key and key not in keys:
            raise ValidationError(_("Unknown column."))
        clean[str(index)] = key
    seen = {}
    for index, key in clean.items():
        if key and key in seen:
            raise ValidationError(_("“{}” is assigned to two columns of the file: “{}” and “{}”.").format(
                spec.column(key).header, batch.headers[int(seen[key])], batch.headers[int(index)]))
        seen[key] = index
    _unassigned, missing = mapping_problems(spec, batch.headers, clean)
    if missing:
        raise ValidationError(_("Assign a file column to each required column: {}.").format("、".join(missing)))
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.MAPPING).update(
        mapping=clean, status=ImportStatus.CHECKING, progress_done=0)
    if not claimed:
        raise ValidationError(_("The columns of this import have already been matched."))
    batch.refresh_from_db()
    _start_check(batch)
    batch.refresh_from_db()
    return batch


def _start_check(batch, sheet=None):
    """Called after the batch is committed: a worker checks a large file (reading it
    again), the request a small one (with the rows the upload just read)."""
    if batch.total_rows > settings.IMPORT_BACKGROUND_ROWS:
        from .import_tasks import import_check_task

        batch_id = batch.pk
        # robust: Redis down must not turn the committed request into a 500 (issue 10, faults).
        transaction.on_commit(lambda: import_check_task.delay(batch_id), robust=True)
    else:
        import_check(batch.pk, sheet=sheet)


def _load(batch_id):
    with scopes_disabled():
        return ImportBatch.objects.select_related("chamber").get(pk=batch_id)


def _keep_rows(batch, sheet):
    """Keep the rows the upload read for the check that comes later; without them (a
    full disk) the check reads the file again."""
    payload = json.dumps({"headers": sheet.headers, "rows": sheet.rows}, ensure_ascii=False,
                         separators=(",", ":")).encode()
    name = batch.file.name + _KEPT_ROWS
    try:
        saved = batch.file.storage.save(name, ContentFile(gzip.compress(payload, compresslevel=1)))
    except OSError:
        logger.warning("import: could not keep the rows of %s", batch.file.name, exc_info=True)
        return
    if saved != name:  # never expected: the stored file's name is unique
        batch.file.storage.delete(saved)


def _kept_rows(batch):
    """The rows kept at upload as a Sheet, or None when they are missing or unreadable."""
    try:
        with batch.file.storage.open(batch.file.name + _KEPT_ROWS, "rb") as kept:
            data = json.loads(gzip.decompress(kept.read()))
        headers = data["headers"]
        rows = [(number, cells) for number, cells in data["rows"]]
    except (OSError, EOFError, ValueError, TypeError, KeyError, zlib.error):
        return None
    if headers != batch.headers or not all(
            isinstance(number, int) and isinstance(cells, list) and all(isinstance(c, str) for c in cells)
            for number, cells in rows):
        return None
    return Sheet(file_format=batch.file_format, encoding=batch.encoding, headers=headers, rows=rows)


def _drop_kept_rows(batch):
    if batch.file.name:
        try:
            batch.file.storage.delete(batch.file.name + _KEPT_ROWS)
        except OSError:  # a leftover file is harmless: nothing reads it once the rows are checked
            logger.warning("import: could not delete the kept rows of %s", batch.file.name, exc_info=True)


def _read_stored(batch):
    sheet = _kept_rows(batch)
    if sheet is not None:
        return sheet
    with batch.file.open("rb") as stored:
        return read_bytes(stored.read())


def _fail(batch_id, from_status, message):
    ImportBatch.objects.filter(pk=batch_id, status=from_status).update(
        status=ImportStatus.FAILED, failure=str(message)[:500])


def _row_values(cells, mapping):
    return {key: (cells[int(index)] if int(index) < len(cells) else "") for index, key in mapping.items() if key}


def _messages(error):
    return [str(m) for m in getattr(error, "messages", [error])]


def import_check(batch_id, *, sheet=None):
    """Check every row of a batch in CHECKING and store the rows with their messages.
    Safe to run twice (a redelivered task): rows from an earlier run are replaced.
    `sheet`: the file as already read, else it is read from storage."""
    batch = _load(batch_id)
    if batch.status != ImportStatus.CHECKING:
        return batch
    with scope(chamber=batch.chamber):
        try:
            _check(batch, sheet)
        except Exception as error:  # a file changed on disk, a kind's bug: tell the user, keep the trace
            logger.exception("import %s: check failed", batch_id)
            message = "; ".join(_messages(error)) if isinstance(error, ValidationError) else _(
                "The file could not be checked ({}).").format(error.__class__.__name__)
            _fail(batch_id, ImportStatus.CHECKING, message)
    batch.refresh_from_db()
    return batch


def _check(batch, sheet=None):
    spec = import_kind_spec(batch.kind)
    sheet = sheet or _read_stored(batch)
    context = spec.prepare(chamber=batch.chamber, options=batch.options)
    checked = []  # (number, values, RowResult)
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        values = _row_values(cells, batch.mapping)
        if not any(values.values()):
            continue  # data only in ignored columns
        result = RowResult()
        spec.check_row(values, context, result)
        checked.append((number, values, result))
        if done % PROGRESS_STEP == 0:
            # Outside any transaction, so the page's progress bar sees it.
            ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.CHECKING).update(progress_done=done)
    _mark_repeats(spec, checked)
    rows = []
    for number, values, result in checked:
        status = (ImportRowStatus.ERROR if result.errors else
                  ImportRowStatus.WARNING if result.warnings else ImportRowStatus.VALID)
        rows.append(ImportRow(chamber=batch.chamber, batch=batch, number=number, values=values,
                              errors=result.errors, warnings=result.warnings, status=status))
    with transaction.atomic():
        ImportRow.objects.filter(batch=batch).delete()
        ImportRow.objects.bulk_create(rows, batch_size=_CREATE_BATCH)
        ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.CHECKING).update(
            status=ImportStatus.CHECKED, checked_at=timezone.now(), total_rows=len(rows),
            progress_done=len(rows),
            error_rows=sum(1 for r in rows if r.status == ImportRowStatus.ERROR),
            warning_rows=sum(1 for r in rows if r.status == ImportRowStatus.WARNING))
    _drop_kept_rows(batch)  # the rows are in ImportRow now


def _mark_repeats(spec, checked):
    """Values of the kind's `unique_in_file` columns that repeat: each row gets an error
    naming the other row (the first occurrence names every repeat)."""
    for key in spec.unique_in_file:
        first = {}
        for number, values, result in checked:
            # Without any spaces: the USCC and ID number normalisers drop inner spaces too.
            value = "".join((values.get(key) or "").split()).upper()
            if not value:
                continue
            if value in first:
                first_number, first_result = first[value]
                result.error(key, _("Repeats row {}.").format(first_number))
                first_result.error(key, _("Repeated in row {}.").format(number))
            else:
                first[value] = (number, result)


# --- commit ---------------------------------------------------------------------------------

def _progress_key(batch_id):
    return "import-progress-{}".format(batch_id)


def import_progress(batch):
    """Rows done so far: while importing, from the cache (the import's transaction hides
    its own writes until the end), else the batch's count."""
    if batch.status == ImportStatus.IMPORTING:
        try:
            return cache.get(_progress_key(batch.pk)) or 0
        except Exception:  # a cache outage must not break the page
            return 0
    return batch.progress_done


def _set_progress(batch_id, done):
    try:
        cache.set(_progress_key(batch_id), done, 3600)
    except Exception:
        pass


def import_commit(*, batch, actor, access, mode):
    """Import a checked batch: ALL (refused while any row has errors) or only the VALID
    rows. A batch is committed once: the status moves CHECKED → IMPORTING by a conditional
    update, so a second click finds nothing to claim."""
    spec = import_kind_spec(batch.kind)
    _require(access, spec)
    if mode not in ImportMode.values:
        raise ValidationError(_("Choose what to import."))
    batch.refresh_from_db()
    if batch.status != ImportStatus.CHECKED:
        raise ValidationError(_("This import has already been started or is not ready."))
    if mode == ImportMode.ALL and batch.error_rows:
        raise ValidationError(_("{} rows have errors: fix the file and upload it again, or import only the valid rows.")
                              .format(batch.error_rows))
    if batch.valid_rows == 0:
        raise ValidationError(_("No row is valid; fix the file and upload it again."))
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.CHECKED).update(
            status=ImportStatus.IMPORTING, mode=mode, imported_by=actor, progress_done=0)
        if not claimed:
            raise ValidationError(_("This import has already been started or is not ready."))
        _set_progress(batch.pk, 0)
        if batch.total_rows > settings.IMPORT_BACKGROUND_ROWS:
            from .import_tasks import import_commit_task

            batch_id = batch.pk
            # robust: Redis down must not turn the committed request into a 500 (issue 10, faults).
            transaction.on_commit(lambda: import_commit_task.delay(batch_id), robust=True)
    if batch.total_rows <= settings.IMPORT_BACKGROUND_ROWS:
        import_run(batch.pk)
    batch.refresh_from_db()
    return batch


class _RowFailed(Exception):
    def __init__(self, number, messages):
        super().__init__(number, messages)
        self.number, self.messages = number, messages


def import_run(batch_id):
    """Apply the rows of a batch in IMPORTING (the second half of import_commit)."""
    batch = _load(batch_id)
    if batch.status != ImportStatus.IMPORTING:
        return batch
    with scope(chamber=batch.chamber):
        try:
            _run(batch)
        except _RowFailed as failed:
            message = _("Row {}: {} Nothing was imported.").format(failed.number, " ".join(failed.messages))
            _fail(batch_id, ImportStatus.IMPORTING, message)
        except Exception as error:
            logger.exception("import %s: commit failed", batch_id)
            _fail(batch_id, ImportStatus.IMPORTING, _("The import failed ({}); nothing was imported.").format(
                error.__class__.__name__))
    batch.refresh_from_db()
    return batch


def _apply(spec, row, context, actor):
    """Re-check one row and apply it; (records, None) or (None, {key: [messages]})."""
    result = RowResult()
    spec.check_row(row.values, context, result)
    if result.errors:
        return None, result.errors
    try:
        return spec.apply_row(row.values, context, actor=actor), None
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            return None, {key: _messages(ValidationError(v)) for key, v in error.error_dict.items()}
        return None, {ROW: _messages(error)}


def _apply_one(spec, row, context, actor, only_valid):
    """Apply one row: ALL raises _RowFailed (the whole import rolls back); VALID marks the
    row skipped with its messages, inside a savepoint so its partial writes go."""
    if not only_valid:
        records, errors = _apply(spec, row, context, actor)
        if errors:
            raise _RowFailed(row.number, [m for msgs in errors.values() for m in msgs])
        row.undo, row.status = records or [], ImportRowStatus.IMPORTED
        return
    try:
        with transaction.atomic():
            records, errors = _apply(spec, row, context, actor)
            if errors:
                raise _RowFailed(row.number, errors)
    except _RowFailed as failed:
        row.errors, row.status = failed.messages, ImportRowStatus.SKIPPED
    except DatabaseError as error:
        row.errors = {ROW: [_("The row could not be saved ({}).").format(error.__class__.__name__)]}
        row.status = ImportRowStatus.SKIPPED
    else:
        row.undo, row.status = records or [], ImportRowStatus.IMPORTED


def _apply_chunk(spec, chunk, context, actor):
    """A kind may apply many rows at once (`apply_rows`, e.g. the members kind's bulk
    inserts): True when it did, in a savepoint; False (nothing written) when it refused
    a row, and the rows then go one by one."""
    try:
        with transaction.atomic():
            records = spec.apply_rows([row.values for row in chunk], context, actor=actor)
    except (ValidationError, DatabaseError):
        logger.info("import: a chunk of %d rows went back to one by one", len(chunk), exc_info=True)
        return False
    for row, made in zip(chunk, records):
        row.undo, row.status = made or [], ImportRowStatus.IMPORTED
    return True


def _run(batch):
    spec = import_kind_spec(batch.kind)
    actor = batch.imported_by
    only_valid = batch.mode == ImportMode.VALID
    bulk = callable(getattr(spec, "apply_rows", None))
    with transaction.atomic():
        # Lock the batch: a task redelivered while the first run still works waits here,
        # then finds the batch imported.
        if ImportBatch.objects.select_for_update().get(pk=batch.pk).status != ImportStatus.IMPORTING:
            return
        context = spec.prepare(chamber=batch.chamber, options=batch.options)
        rows = list(ImportRow.objects.filter(batch=batch).order_by("number"))
        pending = []
        for row in rows:
            if row.status == ImportRowStatus.ERROR:
                row.status = ImportRowStatus.SKIPPED
            else:
                pending.append(row)
        skipped = len(rows) - len(pending)
        for start in range(0, len(pending), APPLY_CHUNK):
            chunk = pending[start:start + APPLY_CHUNK]
            if not (bulk and _apply_chunk(spec, chunk, context, actor)):
                for row in chunk:
                    _apply_one(spec, row, context, actor, only_valid)
            _set_progress(batch.pk, skipped + start + len(chunk))
        # Every row changes: one DELETE and batched INSERTs cost a fraction of what a
        # bulk_update's CASE expression costs over 20,000 rows (nothing refers to the rows).
        ImportRow.objects.filter(batch=batch).delete()
        for row in rows:
            row.pk = None
        ImportRow.objects.bulk_create(rows, batch_size=_CREATE_BATCH)
        imported = sum(1 for r in rows if r.status == ImportRowStatus.IMPORTED)
        errors = sum(1 for r in rows if r.errors)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.IMPORTED, imported_rows=imported, error_rows=errors,
            progress_done=len(rows), imported_at=timezone.now())
        audit_record(chamber=batch.chamber, actor=actor, action="import", target=batch,
                     changes={"kind": batch.kind, "file": batch.original_name, "mode": batch.mode,
                              "imported": imported, "skipped": len(rows) - imported})


# --- undo and discard ----------------------------------------------------------------------------

def import_undo(*, batch, actor, access):
    """Take back everything an imported batch made, in one transaction; refused (nothing
    changed) with the kind's message when it cannot."""
    spec = import_kind_spec(batch.kind)
    _require(access, spec)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk, chamber=batch.chamber)
        if locked.status != ImportStatus.IMPORTED:
            raise ValidationError(_("Only an imported batch can be undone."))
        rows = list(ImportRow.objects.filter(batch=locked, status=ImportRowStatus.IMPORTED).order_by("number"))
        spec.undo_rows([row.undo for row in rows], chamber=locked.chamber, actor=actor, batch=locked)
        ImportRow.objects.filter(pk__in=[row.pk for row in rows]).update(status=ImportRowStatus.UNDONE)
        ImportBatch.objects.filter(pk=locked.pk).update(status=ImportStatus.UNDONE, undone_at=timezone.now(),
                                                        undone_by=actor)
        audit_record(chamber=locked.chamber, actor=actor, action="import_undo", target=locked,
                     changes={"kind": locked.kind, "file": locked.original_name, "rows": len(rows)})
    batch.refresh_from_db()
    return batch


_DISCARDABLE = (ImportStatus.MAPPING, ImportStatus.CHECKED, ImportStatus.FAILED)


def import_discard(*, batch, actor, access):
    """Drop a batch that was never imported: its rows and its stored file go."""
    spec = import_kind_spec(batch.kind)
    _require(access, spec)
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status__in=_DISCARDABLE).update(
            status=ImportStatus.DISCARDED)
        if not claimed:
            raise ValidationError(_("Only an import that was not imported can be discarded."))
        ImportRow.objects.filter(batch=batch).delete()
        audit_record(chamber=batch.chamber, actor=actor, action="import_discard", target=batch,
                     changes={"kind": batch.kind, "file": batch.original_name})
        if batch.file.name:
            transaction.on_commit(lambda: (batch.file.storage.delete(batch.file.name), _drop_kept_rows(batch)))
    batch.refresh_from_db()
    return batch
