"""Reading an uploaded spreadsheet into a header row and data rows of plain text.

The type is read from the content, never from the name: a zip is treated as an .xlsx
workbook, text as CSV, and anything else (an old .xls, a PDF, an image, an empty file) is
refused with a message saying what it is. Workbooks are checked as zips before any part is
inflated, so a zip bomb named .xlsx is refused without inflating it: Python's zipfile never
returns more bytes than an entry declares, so bounding the declared sizes bounds the work.
XML entity expansion is bounded by the expat that Python ships (2.4+).

The data sheet is read by xlsx_fast (python-calamine, about four times faster than openpyxl
on a large roster); a workbook it cannot read is read by openpyxl as before, which decides
what to say about a damaged one.

Every refusal is a ValidationError in the user's language.
"""
import codecs
import csv
import datetime
import io
import logging
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import xlsx_fast

logger = logging.getLogger(__name__)

# The data sheet of our templates; a workbook that has it is read from there, else the
# first sheet. The template's other sheet explains the columns and is never read.
DATA_SHEET = "导入数据"
MAX_ZIP_ENTRIES = 1000  # a real workbook has a few dozen parts
MAX_ZIP_RATIO = 200  # sheet XML deflates ~10-30x; far beyond that is a bomb
_RATIO_FLOOR = 1024 * 1024  # small parts may compress absurdly well without harm
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SNIFF = 8192


@dataclass
class Sheet:
    """What was read: the header texts, the data rows as (row number as the spreadsheet
    shows it, [cell texts]), and how the file was stored."""

    file_format: str
    encoding: str = ""
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)


def _damaged():
    return ValidationError(_("The file is damaged or not an Excel workbook."), code="damaged")


def _too_many_rows():
    return ValidationError(
        _("The file has more than {} data rows; split it into smaller files.").format(settings.IMPORT_MAX_ROWS),
        code="too_many_rows")


def cell_text(value):
    """One cell's value as the text a person sees: dates as YYYY-MM-DD, whole numbers
    without ".0" and never in scientific notation, strings stripped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer():
            return str(int(value))
        # repr gives the shortest text that reads back as the same float; Decimal turns
        # 1e-05 into 0.00001.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def _size(upload):
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    upload.seek(0)
    return size


def read_upload(upload):
    """Read a Django UploadedFile (or any binary file object) into a Sheet."""
    return read_bytes(upload_bytes(upload))


def upload_bytes(upload):
    """The upload's content, refused before reading when larger than IMPORT_MAX_BYTES."""
    too_large = ValidationError(
        _("The file is larger than {}; split it into smaller files.").format(
            filesizeformat(settings.IMPORT_MAX_BYTES)), code="too_large")
    size = _size(upload)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > settings.IMPORT_MAX_BYTES:
        raise too_large
    data = upload.read(settings.IMPORT_MAX_BYTES + 1)
    if len(data) > settings.IMPORT_MAX_BYTES:  # the declared size lied
        raise too_large
    return data


def read_bytes(data):
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    head = data[:_SNIFF]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _read_xlsx(data)
    if head.startswith(_OLE_MAGIC):
        raise ValidationError(
            _("This is an old Excel 97-2003 (.xls) file. Save it as an Excel workbook (.xlsx) or as CSV and "
              "upload it again."), code="xls")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _read_csv(data)
    kind = filetype.guess(head)
    if kind is not None:
        raise ValidationError(
            _("This is a {} file, not an Excel workbook (.xlsx) or CSV file.").format(kind.extension.upper()),
            code="wrong_type")
    if b"\x00" in data:
        raise ValidationError(
            _("This is a binary file, not an Excel workbook (.xlsx) or CSV file."), code="binary")
    return _read_csv(data)


# --- .xlsx --------------------------------------------------------------------------------

def _check_zip(data):
    """Refuse a zip bomb from the central directory alone, before anything is inflated;
    the open archive when it is safe."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _damaged() from None
    bomb = ValidationError(
        _("The file unpacks to far more data than a spreadsheet holds; it was refused as unsafe."), code="zip_bomb")
    if len(entries) > MAX_ZIP_ENTRIES:
        raise bomb
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > _RATIO_FLOOR and entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1):
            raise bomb
    if total > settings.IMPORT_MAX_UNZIPPED_BYTES:
        raise bomb
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        # A zip, but not a workbook (a .docx, or a plain archive).
        raise _damaged()
    return archive


def _pick_sheet(workbook):
    if DATA_SHEET in workbook.sheetnames:
        return workbook[DATA_SHEET]
    return workbook.worksheets[0]


def _read_xlsx(data):
    _check_zip(data).close()  # before calamine or openpyxl inflates anything
    sheet = Sheet(file_format="xlsx")
    try:
        _collect(sheet, xlsx_fast.read_rows(data, _pick_name))
        return sheet
    except ValidationError as error:
        # Too many rows is final; a sheet that looked empty (a namespace the fast reader
        # does not know, say) is worth openpyxl's look, which costs little then.
        if error.code == "too_many_rows":
            raise
    except Exception as error:  # an unusual structure, or damage: openpyxl decides
        logger.info("xlsx: fast reader gave way to openpyxl (%r)", error)
    return _read_xlsx_openpyxl(data)


def _pick_name(names):
    """The sheet the fast reader reads, as _pick_sheet chooses it ("" = the first worksheet)."""
    return DATA_SHEET if DATA_SHEET in names else ""


def _read_xlsx_openpyxl(data):
    import openpyxl

    sheet = Sheet(file_format="xlsx")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ValidationError:
        raise
    except Exception:  # openpyxl raises anything from KeyError to XML errors on a bad part
        raise _damaged() from None
    try:
        if not workbook.worksheets:
            raise _damaged()
        worksheet = _pick_sheet(workbook)
        if not hasattr(worksheet, "iter_rows"):  # a chart sheet
            raise _damaged()
        # The stored dimension may be wrong (some tools write "A1"): read what is there.
        worksheet.reset_dimensions()
        _collect(sheet, enumerate(worksheet.iter_rows(values_only=True), start=1))
    except ValidationError:
        raise
    except Exception:  # a truncated part, a bad CRC, broken XML in the middle of a sheet
        raise _damaged() from None
    finally:
        workbook.close()
    return sheet


def _collect(sheet, numbered_rows):
    """Header = the first non-empty row; then every non-empty row, as text."""
    limit = settings.IMPORT_MAX_ROWS
    for number, values in numbered_rows:
        texts = [cell_text(v) for v in values]
        while texts and not texts[-1]:
            texts.pop()
        if not texts:
            continue
        if not sheet.headers:
            sheet.headers = [_header_text(t) for t in texts]
            continue
        if len(sheet.rows) >= limit:
            raise _too_many_rows()
        sheet.rows.append((number, texts))
    if not sheet.headers:
        raise ValidationError(_("The file has no header row."), code="no_header")


def _header_text(text):
    # Headers may wrap onto several lines in a cell; the words are what count.
    return " ".join(unicodedata.normalize("NFC", text).split())


# --- CSV ----------------------------------------------------------------------------------

def _decode(data):
    """(text, encoding): BOM first, else strict UTF-8, else GB18030 (a superset of GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("The text of this file is neither UTF-8 nor GBK; save it as “CSV UTF-8” and upload it again."),
        code="encoding")


def _delimiter(text):
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(data):
    text, encoding = _decode(data)
    if "\x00" in text:
        raise ValidationError(
            _("This is a binary file, not an Excel workbook (.xlsx) or CSV file."), code="binary")
    sheet = Sheet(file_format="csv", encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))

    try:
        # Records numbered as a spreadsheet program shows them, one row per record (not
        # reader.line_num: a quoted cell may span several physical lines).
        _collect(sheet, enumerate(reader, start=1))
    except csv.Error:
        raise ValidationError(_("The CSV file is damaged and could not be read."), code="damaged") from None
    return sheet
