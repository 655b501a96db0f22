"""The fast reader of an .xlsx data sheet: python-calamine (the Rust calamine library, also a
pandas engine), about four times faster than openpyxl on a 20,000-row roster. It yields each
row's values as openpyxl's read-only mode gives them (None, str, float, bool, date,
datetime, time, timedelta), so reading.py turns them into text the same way.

Anything calamine cannot read raises, and the caller reads the workbook with openpyxl
instead, which decides what to tell the user about a damaged file. The caller has already
checked the zip (entry count, sizes, ratios) before calamine inflates anything.
"""
import io

from python_calamine import CalamineWorkbook, SheetTypeEnum


class Unusual(Exception):
    """The workbook has a structure this reader leaves to openpyxl."""


def read_rows(data, pick):
    """(number, [values]) for each non-empty row of the sheet `pick(names)` names ("" = the
    first worksheet), numbered as the spreadsheet shows them."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        worksheets = [m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        chosen = pick(workbook.sheet_names) or (worksheets[0] if worksheets else "")
        if chosen not in worksheets:
            raise Unusual("no worksheet to read")
        sheet = workbook.get_sheet_by_name(chosen)
        # From A1, so that list positions are the spreadsheet's row and column numbers.
        for number, values in enumerate(sheet.iter_rows(), start=1):
            if any(value != "" for value in values):
                yield number, [None if value == "" else value for value in values]
    finally:
        workbook.close()
