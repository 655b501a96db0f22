"""The spreadsheet writers: formula injection neutralised in CSV and .xlsx, the CSV's BOM,
real date and number cells, the bold frozen header row and column widths."""
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from chamber.interchange.writing import AMOUNT_FORMAT, cell_safe, csv_lines, write_csv, write_xlsx

from .export_fixtures import csv_rows

DANGEROUS = ["=1+1", "+86 139", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠A1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_cell_safe_quotes_what_a_spreadsheet_would_run(text):
    assert cell_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["苏州光电", "a=b", "", None, -5, Decimal("-1.50"), datetime.date(2024, 1, 5)])
def test_cell_safe_leaves_the_rest(value):
    assert cell_safe(value) == value


def test_csv_has_a_bom_quotes_formulas_and_writes_dates_and_amounts():
    rows = [["=HYPERLINK(\"http://x\")", datetime.date(2024, 1, 5), Decimal("1234.50"), None, True, -3]]
    data = b"".join(csv_lines(["名称", "日期", "金额", "空", "是否", "数"], rows))
    has_bom, parsed = csv_rows(data)
    assert has_bom
    assert parsed == [["名称", "日期", "金额", "空", "是否", "数"],
                      ["'=HYPERLINK(\"http://x\")", "2024-01-05", "1234.50", "", "是", "-3"]]
    out = io.BytesIO()
    assert write_csv(out, ["a"], [["x"], ["y"]]) == 2


def test_xlsx_neutralises_formulas_and_keeps_types(tmp_path):
    target = tmp_path / "out.xlsx"
    moment = datetime.datetime(2024, 3, 1, 9, 30, tzinfo=datetime.timezone.utc)
    rows = [[text, datetime.date(2024, 1, 5), Decimal("1234.50"), 7, moment] for text in DANGEROUS]
    count = write_xlsx(target, ["名称", "入会日期", "金额（元）", "数", "时间"], rows, sheet_title="会员:名册?",
                       widths=[30, None, None, None, None], formats=[None, None, AMOUNT_FORMAT, None, None])
    assert count == len(DANGEROUS)
    book = openpyxl.load_workbook(target)
    sheet = book.active
    assert sheet.title == "会员名册"
    header = sheet[1]
    assert [c.value for c in header] == ["名称", "入会日期", "金额（元）", "数", "时间"]
    assert all(c.font.b for c in header)
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 30
    assert sheet.column_dimensions["C"].width >= 10  # sized from the header: 金额（元） is 5 wide characters
    for row, text in zip(sheet.iter_rows(min_row=2), DANGEROUS):
        name, joined, amount, number, when = row
        # Text, not a formula: the same characters, a string cell, quote-prefixed for Excel.
        # (XML reads a carriage return back as a line feed.)
        assert name.value == text.replace("\r", "\n") and name.data_type == "s" and name.quotePrefix
        assert joined.is_date and joined.value == datetime.datetime(2024, 1, 5)
        assert amount.data_type == "n" and amount.value == 1234.5 and amount.number_format == AMOUNT_FORMAT
        assert number.value == 7
        assert when.is_date and when.value == datetime.datetime(2024, 3, 1, 17, 30)  # Asia/Shanghai
    # No formula anywhere in the file itself.
    import zipfile

    with zipfile.ZipFile(target) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_xlsx_caption_row_above_the_headers():
    out = io.BytesIO()
    write_xlsx(out, ["姓名"], [["王一"]], caption="=活动")
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert [r for r in sheet.iter_rows(values_only=True)] == [("=活动",), ("姓名",), ("王一",)]
    assert sheet["A1"].data_type == "s" and sheet.freeze_panes == "A3"


def test_xlsx_plain_cells_escaped_cleaned_and_typed():
    out = io.BytesIO()
    rows = [["A&B <公司> \"x\"", "  前后空格 ", "控制\x0b字符\x00", 3, 2.5, Decimal("10.10"), datetime.date(2023, 2, 28),
             None, "", True]]
    write_xlsx(out, list("ABCDEFGHIJ"), rows)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    values = [c.value for c in sheet[2]]
    assert values[:7] == ["A&B <公司> \"x\"", "  前后空格 ", "控制字符", 3, 2.5, 10.1,
                          datetime.datetime(2023, 2, 28)]
    assert values[7:9] == [None, None] and values[9] == "是"
    assert sheet["G2"].number_format == "yyyy-mm-dd" and sheet["A2"].data_type == "s"
