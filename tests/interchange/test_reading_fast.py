"""The fast .xlsx reader (chamber/interchange/xlsx_fast.py, python-calamine) reads what
openpyxl reads, and a workbook it cannot read goes to openpyxl."""
import datetime
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from openpyxl.chart import BarChart, Reference
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from chamber.interchange import reading
from chamber.interchange.reading import DATA_SHEET

MIXED = [
    ["名称 ", "入会日期", "时间", "日时", "整数", "小数", "统一社会信用代码", "身份证号", "是否", "金额", "空",
     "大数"],
    # An 18-digit number stored as a number is a double in the file (9.132050512345679e+17):
    # its last digits are gone before any reader sees it, as in Excel.
    ["  光学分会 ", datetime.date(2024, 1, 5), datetime.time(9, 30), datetime.datetime(2023, 12, 31, 18, 5, 7),
     3.0, 1.25, 320505123456789, "320505199001011234", True, Decimal("12.50"), None, 913205051234567890],
    [None] * 5,
    ["显示分会", datetime.datetime(1900, 1, 1), None, None, -12, 0.00001, 1.5e17, "11010519491231002X", False,
     1e-7, None, "多出的一列"],
    [None, None, None, None, None, None, None, None, None, None, None, None, None, "只有第十四列"],
]


def rewritten(data, part, change):
    """`data` with one part's XML changed by `change(text)`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == part:
                content = change(content.decode()).encode()
            archive.writestr(item, content)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(fill, *, write_only=False, epoch=None):
    book = openpyxl.Workbook(write_only=write_only)
    if epoch is not None:
        book.epoch = epoch
    fill(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_on(rows, title=None):
    def fill(book):
        sheet = book.create_sheet(title or "Sheet") if book.write_only else book.active
        for row in rows:
            sheet.append(row)
    return fill


def fast(data, monkeypatch):
    """Read with the fast reader only: openpyxl must not be needed."""
    def no_openpyxl(_data):
        raise AssertionError("the fast reader gave way to openpyxl")

    monkeypatch.setattr(reading, "_read_xlsx_openpyxl", no_openpyxl)
    sheet = reading.read_bytes(data)
    monkeypatch.undo()
    return sheet


def same_as_openpyxl(data, monkeypatch):
    quick, slow = fast(data, monkeypatch), reading._read_xlsx_openpyxl(data)
    assert (quick.headers, quick.rows) == (slow.headers, slow.rows)
    return quick


def shared_strings(data):
    """`data` with its inline strings moved to a shared string table, as Excel writes them
    (openpyxl writes inline strings)."""
    table = []

    def share(match):
        table.append(match[3])
        return '<c {}t="s"{}><v>{}</v></c>'.format(match[1], match[2], len(table) - 1)

    data = rewritten(data, SHEET, lambda xml: re.sub(r'<c ([^>]*)t="inlineStr"([^>]*)><is>(.*?)</is></c>', share, xml))
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = '<sst xmlns="{}" count="{}" uniqueCount="{}">{}</sst>'.format(
        ns, len(table), len(table), "".join("<si>{}</si>".format(item) for item in table))
    data = rewritten(data, "xl/_rels/workbook.xml.rels", lambda xml: xml.replace("</Relationships>", (
        '<Relationship Id="rIdSST" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/sharedStrings"/></Relationships>')))
    data = rewritten(data, "[Content_Types].xml", lambda xml: xml.replace("</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>')))
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", strings)
    assert table
    return out.getvalue()


@pytest.mark.parametrize("store", ["inline", "write-only", "shared-strings"])
def test_cells_read_as_openpyxl_reads_them(store, monkeypatch):
    data = workbook_bytes(rows_on(MIXED), write_only=store == "write-only")
    if store == "shared-strings":
        data = shared_strings(data)
    sheet = same_as_openpyxl(data, monkeypatch)
    assert sheet.headers[:3] == ["名称", "入会日期", "时间"]
    assert sheet.rows == [
        (2, ["光学分会", "2024-01-05", "09:30:00", "2023-12-31 18:05:07", "3", "1.25", "320505123456789",
             "320505199001011234", "是", "12.5", "", "913205051234567936"]),
        (4, ["显示分会", "1900-01-01", "", "", "-12", "0.00001", "150000000000000000", "11010519491231002X", "否",
             "0.0000001", "", "多出的一列"]),
        (5, [""] * 13 + ["只有第十四列"]),
    ]


def test_1904_workbook_dates(monkeypatch):
    rows = [["日期", "日时"], [datetime.date(2024, 2, 29), datetime.datetime(1904, 1, 2, 12, 0)]]
    data = workbook_bytes(rows_on(rows), epoch=CALENDAR_MAC_1904)
    assert b'date1904="1"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    assert same_as_openpyxl(data, monkeypatch).rows == [(2, ["2024-02-29", "1904-01-02 12:00:00"])]


def test_custom_date_format_and_plain_number_format(monkeypatch):
    def fill(book):
        sheet = book.active
        sheet.append(["入会日期", "金额"])
        sheet.append([datetime.date(2024, 1, 5), 1234.5])
        sheet["A2"].number_format = 'yyyy"年"m"月"d"日"'
        sheet["B2"].number_format = '#,##0.00"元"'  # "元" is quoted: not a date
    assert same_as_openpyxl(workbook_bytes(fill), monkeypatch).rows == [(2, ["2024-01-05", "1234.5"])]


@pytest.mark.parametrize("shared", [False, True], ids=["inline", "shared-strings"])
def test_rich_text_runs_are_joined(shared, monkeypatch):
    def fill(book):
        sheet = book.active
        sheet.append(["名称", "备注"])
        sheet.append(["光学分会", CellRichText("重点", TextBlock(InlineFont(b=True), "会员"), "单位 ")])
    data = workbook_bytes(fill)
    assert b"<r><rPr><b" in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)  # really rich text
    sheet = same_as_openpyxl(shared_strings(data) if shared else data, monkeypatch)
    assert sheet.rows == [(2, ["光学分会", "重点会员单位"])]


def test_sheet_is_chosen_as_before(monkeypatch):
    def template(book):
        book.active.title = "说明"
        book.active.append(["请看第二个工作表"])
        data = book.create_sheet(DATA_SHEET)
        data.append(["名称"])
        data.append(["光学分会"])
    assert same_as_openpyxl(workbook_bytes(template), monkeypatch).headers == ["名称"]

    def chart_first(book):
        data = book.active
        data.append(["甲"])
        data.append([1])
        chart = BarChart()
        chart.add_data(Reference(data, min_col=1, min_row=1, max_row=2), titles_from_data=True)
        book.create_chartsheet("图表", 0).add_chart(chart)
    # The first worksheet, not the chart sheet before it.
    assert same_as_openpyxl(workbook_bytes(chart_first), monkeypatch).headers == ["甲"]


def test_too_many_rows_are_refused_by_the_fast_reader(settings, monkeypatch):
    settings.IMPORT_MAX_ROWS = 2
    data = workbook_bytes(rows_on([["名称"], ["甲"], ["乙"], ["丙"]]))
    with pytest.raises(ValidationError) as caught:
        fast(data, monkeypatch)
    assert caught.value.code == "too_many_rows"




def test_inline_strings_sparse_cells_and_phonetic_guides(monkeypatch):
    data = workbook_bytes(rows_on([["名称", "编码"], ["x", "y"]]))
    row = ('<row r="7"><c r="C7" t="inlineStr"><is><r><t>光学</t></r><r><rPr><b/></rPr><t xml:space="preserve">'
           '分会 </t></r><rPh sb="0" eb="2"><t>こうがく</t></rPh></is></c><c r="E7" t="b"><v>1</v></c>'
           '<c r="F7" t="e"><v>#N/A</v></c><c r="G7" t="str"><v>=公式</v></c><c r="H7"><v>4.2E+3</v></c></row>')
    data = rewritten(data, SHEET, lambda xml: xml.replace("</sheetData>", row + "</sheetData>"))
    # An error cell (#N/A) reads as empty: calamine does not pass Excel's error codes on.
    assert fast(data, monkeypatch).rows[-1] == (7, ["", "", "光学分会", "", "是", "", "=公式", "4200"])


def test_chinese_builtin_date_format_is_a_date(monkeypatch):
    """WPS and Chinese Excel write 2024年1月5日 as format 31 without declaring it."""
    data = workbook_bytes(rows_on([["入会日期"], [45296]]))
    data = rewritten(data, "xl/styles.xml", lambda xml: re.sub(
        r'(<cellXfs count=")(\d+)(">)(.*?)(</cellXfs>)',
        lambda m: '{}{}{}{}<xf numFmtId="31" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>{}'.format(
            m[1], int(m[2]) + 1, m[3], m[4], m[5]), xml, flags=re.S))
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    index = len(re.findall(r"<xf ", re.search(r"<cellXfs.*?</cellXfs>", styles, re.S)[0])) - 1
    data = rewritten(data, SHEET, lambda xml: xml.replace('<c r="A2"', '<c r="A2" s="{}"'.format(index)))
    assert fast(data, monkeypatch).rows == [(2, ["2024-01-05"])]


def test_cells_are_placed_by_their_reference(monkeypatch):
    """A cell written out of order still lands in the column its reference names."""
    data = rewritten(workbook_bytes(rows_on([["名称", "编码"], ["光学", "OPT"]])), SHEET,
                     lambda xml: xml.replace('<c r="A2"', '<c r="C2"', 1))
    assert fast(data, monkeypatch).rows == [(2, ["", "OPT", "光学"])]
