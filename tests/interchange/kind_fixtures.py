"""Helpers for the import kinds' own tests: run a kind's prepare → check_row → apply_row →
undo_rows directly, as the pipeline (chamber/interchange/importing.py) does, without a file."""
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django_scopes import scope

from chamber.access import access_for_user
from chamber.interchange.kinds import RowResult, import_kind_spec


def check_rows(kind, chamber, rows, options=None):
    """[RowResult] for each row ({column key: text})."""
    spec = import_kind_spec(kind)
    with scope(chamber=chamber):
        context = spec.prepare(chamber=chamber, options=options or {})
        results = []
        for values in rows:
            result = RowResult()
            spec.check_row(values, context, result)
            results.append(result)
    return results


def check_row(kind, chamber, values, options=None):
    return check_rows(kind, chamber, [values], options)[0]


def apply_rows(kind, chamber, rows, actor, options=None):
    """Check and apply every row in one transaction (the pipeline's "all rows" mode); each
    row must pass. Returns the rows' undo records as the pipeline stores them (JSON)."""
    spec = import_kind_spec(kind)
    records = []
    with scope(chamber=chamber), transaction.atomic():
        context = spec.prepare(chamber=chamber, options=options or {})
        for values in rows:
            result = RowResult()
            spec.check_row(values, context, result)
            assert not result.errors, result.errors
            records.append(json.loads(json.dumps(spec.apply_row(values, context, actor=actor))))
    return records


def undo_rows(kind, chamber, records, actor):
    spec = import_kind_spec(kind)
    with scope(chamber=chamber), transaction.atomic():
        spec.undo_rows(records, chamber=chamber, actor=actor)


def xlsx_upload(headers, rows, name="import.xlsx"):
    """A real .xlsx file (made with openpyxl) with a header row and the rows, as an upload."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- Through the pipeline (chamber/interchange/importing.py) with a real .xlsx ---------------

@pytest.fixture
def kind_media(settings, tmp_path):
    """Uploaded files go to a temporary folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def import_file(chamber, user, kind, headers, rows, options=None):
    """Upload a real .xlsx of `headers` and `rows` as `user`; the batch, checked."""
    from chamber.interchange.importing import import_upload

    with scope(chamber=chamber):
        return import_upload(chamber=chamber, actor=user, access=access_for_user(chamber, user), kind=kind,
                             file=xlsx_upload(headers, rows), options=options)


def import_commit_as(chamber, user, batch, mode):
    from chamber.interchange.importing import import_commit

    with scope(chamber=chamber):
        return import_commit(batch=batch, actor=user, access=access_for_user(chamber, user), mode=mode)


def import_undo_as(chamber, user, batch):
    from chamber.interchange.importing import import_undo

    with scope(chamber=chamber):
        return import_undo(batch=batch, actor=user, access=access_for_user(chamber, user))


def batch_rows(batch):
    """{row number as the spreadsheet shows it: ImportRow}."""
    from chamber.interchange.models import ImportRow

    with scope(chamber=batch.chamber):
        return {row.number: row for row in ImportRow.objects.filter(batch=batch)}
