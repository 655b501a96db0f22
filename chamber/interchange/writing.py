"""Writing rows out as spreadsheets: CSV for Excel (UTF-8 with a BOM, so Excel shows the
Chinese) and .xlsx through openpyxl's write-only mode (rows go to a temporary file as
they come, so memory stays flat whatever the row count).

Formula injection: a text cell that starts with = + - @ (or a tab or carriage return, or
the full-width ＝＋－＠ that Excel's Chinese input also accepts) would be run as a formula
by a spreadsheet. In CSV such text gets a leading apostrophe (Excel shows it as text and
hides the apostrophe); in .xlsx it is written as an inline string with Excel's "quote
prefix" style, which is text and stays text even when the cell is edited.

Values: text, numbers (int, Decimal: real number cells, amounts with two decimals),
dates (real date cells), datetimes (local, without time zone), booleans and None.
"""
import csv
import datetime
import re
import unicodedata
from decimal import Decimal

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
AMOUNT_FORMAT = "#,##0.00"
BOM = "\ufeff"
# Column widths in Excel's units (about one Latin character); a CJK character counts two.
MIN_WIDTH, MAX_WIDTH = 8, 60


def is_formula_like(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def cell_safe(value):
    """`value` as a CSV cell may hold it: text a spreadsheet would run as a formula gets a
    leading apostrophe; anything else is returned as it is."""
    if is_formula_like(value):
        return "'" + value
    return value


def display_width(text):
    """How wide `text` shows in Excel's units: East Asian wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def local_naive(value):
    """A datetime as local wall-clock time without a time zone (Excel has none)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def csv_text(value):
    """One value as CSV text (the same way the .xlsx shows it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return local_naive(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return "{:f}".format(value)
    if isinstance(value, str):
        return cell_safe(value)
    return str(value)


class _Line:
    """A file-like that hands back what csv.writer wrote, for one line at a time."""

    def write(self, text):
        return text


def csv_lines(headers, rows):
    """The CSV file as a generator of UTF-8 bytes: the BOM and headers, then one line a row.

    A generator so a StreamingHttpResponse sends it as it is made (bounded memory), and
    the same one is written to a file by a background export."""
    writer = csv.writer(_Line())
    yield (BOM + writer.writerow([csv_text(h) for h in headers])).encode("utf-8")
    for row in rows:
        yield writer.writerow([csv_text(v) for v in row]).encode("utf-8")


def write_csv(target, headers, rows):
    """Write the CSV to a binary file object; returns the number of data rows."""
    count = -1
    for line in csv_lines(headers, rows):
        target.write(line)
        count += 1
    return count


def column_width(header, width=None):
    if width:
        return width
    return max(MIN_WIDTH, min(MAX_WIDTH, display_width(header) + 4))


def write_xlsx(target, headers, rows, *, sheet_title="Sheet1", caption=None, widths=None, formats=None):
    """Write an .xlsx workbook to `target` (a path or a binary file object); returns the
    number of data rows.

    `caption`: an optional first row (e.g. the event's title) above the headers. The header
    row is bold and frozen, so it stays in view while scrolling. `widths`: per column, or
    None to size from the header. `formats`: per column, an Excel number format for its
    numbers (e.g. AMOUNT_FORMAT), or None.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=safe_sheet_title(sheet_title))
    # Both must be set before the first row: a write-only sheet writes its head then.
    for index, header in enumerate(headers, 1):
        width = widths[index - 1] if widths else None
        sheet.column_dimensions[get_column_letter(index)].width = column_width(header, width)
    header_row = 2 if caption else 1
    sheet.freeze_panes = "A{}".format(header_row + 1)
    _use_fast_rows(sheet, len(headers))
    bold = Font(bold=True)
    if caption:
        cell = as_text(WriteOnlyCell(sheet, value=clean_text(caption)))
        cell.font = bold
        sheet.append([cell])
    header_cells = []
    for header in headers:
        cell = as_text(WriteOnlyCell(sheet, value=clean_text(header)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    formats = list(formats or ())
    count = 0
    for row in rows:
        sheet.append([_xlsx_value(sheet, value, formats[i] if i < len(formats) else None, WriteOnlyCell)
                      for i, value in enumerate(row)])
        count += 1
    book.save(target)
    return count


def clean_text(value):
    """Text a worksheet may hold: no control characters (openpyxl refuses them), at most
    32,767 characters (Excel's limit)."""
    value = str(value)
    if _ILLEGAL_RE.search(value):
        value = _ILLEGAL_RE.sub("", value)
    return value[:32767]


_ILLEGAL_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


class _FastRows:
    """openpyxl's row writer with a fast path for plain cells.

    openpyxl serialises every cell through an ElementTree element (et_xmlfile), about 15 µs
    a cell: 100,000 rows of 15 columns took longer than the 30 s an export of them may take.
    Plain text, numbers and dates are written here as the same XML text openpyxl would
    write (inline strings, numbers, date serials with openpyxl's own date style); cells that
    need more (styled, quote-prefixed, datetimes, formatted numbers) still go through
    openpyxl. Used only with the standard-library writer (et_xmlfile), whose stream takes
    text; with lxml installed openpyxl's own writer is used unchanged.
    """

    def __init__(self, sheet, columns, write_cell):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter
        from openpyxl.utils.datetime import to_excel

        self.sheet = sheet
        self.write_cell = write_cell
        self.get_column_letter = get_column_letter
        self.letters = [get_column_letter(i) for i in range(1, max(columns, 1) + 1)]
        probe = WriteOnlyCell(sheet, value=datetime.date(2000, 1, 1))  # registers openpyxl's date style
        self.date_style = probe.style_id
        self.to_excel = to_excel
        self.epoch = sheet.parent.epoch

    def __call__(self, xf, row, row_idx):
        raw = getattr(xf, "_file", None)
        parts = ['<row r="{}">'.format(row_idx)]
        letters = self.letters
        for index, value in enumerate(row):
            if value is None:
                continue
            kind = type(value)
            if index >= len(letters):
                letters.append(self.get_column_letter(index + 1))
            ref = letters[index] + str(row_idx)
            if kind is str:
                if value == "":
                    continue
                space = ' xml:space="preserve"' if value != value.strip() else ""
                parts.append('<c r="{}" t="inlineStr"><is><t{}>{}</t></is></c>'.format(ref, space, _escape(value)))
            elif kind is int or kind is float or kind is Decimal:
                parts.append('<c r="{}" t="n"><v>{}</v></c>'.format(ref, _number(value)))
            elif kind is datetime.date:
                parts.append('<c r="{}" t="n" s="{}"><v>{}</v></c>'.format(
                    ref, self.date_style, _number(self.to_excel(value, self.epoch))))
            else:  # an openpyxl cell: its own serialiser
                raw("".join(parts))
                parts = []
                value.row, value.column = row_idx, index + 1
                self.write_cell(xf, self.sheet, value, value.has_style)
        parts.append("</row>")
        raw("".join(parts))


def _use_fast_rows(sheet, columns):
    from openpyxl import LXML
    from openpyxl.cell._writer import write_cell
    from openpyxl.worksheet._writer import WorksheetWriter

    if LXML:
        return
    fast = _FastRows(sheet, columns, write_cell)
    writer = WorksheetWriter(sheet)
    writer.write_row = fast
    sheet._writer = writer
    writer.write_top()
    # Rows reach the writer as appended (values and cells), not as openpyxl cells.
    sheet._values_to_row = lambda values, row_idx: values


def _escape(text):
    """XML-escape a cell's text, already cleaned by clean_text (every str cell of a data
    row comes from _xlsx_value)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _number(value):
    if isinstance(value, Decimal):
        return "{:f}".format(value)
    return repr(value) if isinstance(value, float) else str(value)


def safe_sheet_title(title):
    # Excel's limits: 31 characters, none of []:*?/\
    title = "".join(ch for ch in str(title) if ch not in "[]:*?/\\").strip() or "Sheet1"
    return title[:31]


def as_text(cell):
    """Make a cell text whatever its content: openpyxl reads a string starting with "=" as
    a formula, so the type is set back to string (and quote-prefixed for Excel)."""
    if cell.data_type == "f" or is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _xlsx_value(sheet, value, number_format, cell_class):
    """A plain value where openpyxl's own typing is right (the fast path), else a cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        value = clean_text(value)
        if is_formula_like(value):
            return as_text(cell_class(sheet, value=value))
        return value
    if isinstance(value, datetime.datetime):
        cell = cell_class(sheet, value=local_naive(value))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        return value  # openpyxl gives a date its yyyy-mm-dd format itself
    if isinstance(value, (int, float, Decimal)):
        if number_format:
            cell = cell_class(sheet, value=value)
            cell.number_format = number_format
            return cell
        return value
    return clean_text(value)
