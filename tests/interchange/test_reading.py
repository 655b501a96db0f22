"""Reading uploads: type by content, encodings, cell texts, and every refusal."""
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chamber.interchange.reading import DATA_SHEET, cell_text, read_bytes, read_upload, upload_bytes

from .import_fixtures import csv_bytes, upload, xlsx_bytes

ROWS = [["名称", "编码"], ["光学分会", "OPT"], ["显示分会", "DSP"]]


def refused(data, code=None):
    with pytest.raises(ValidationError) as caught:
        read_bytes(data)
    if code:
        assert caught.value.code == code
    return caught.value.messages[0]


@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"),
                                                ("gb18030", "gb18030")])
def test_csv_encodings_are_detected(encoding, expected):
    sheet = read_bytes(csv_bytes(ROWS, encoding))
    assert sheet.file_format == "csv" and sheet.encoding == expected
    assert sheet.headers == ["名称", "编码"]
    assert sheet.rows == [(2, ["光学分会", "OPT"]), (3, ["显示分会", "DSP"])]


def test_csv_with_tabs_quotes_and_empty_lines():
    data = "名称\t备注\n\n\"光学\t分会\"\t\" 多行\n备注 \"\n".encode("utf-8")
    sheet = read_bytes(data)
    assert sheet.headers == ["名称", "备注"]
    assert sheet.rows == [(3, ["光学\t分会", "多行\n备注"])]


def test_xlsx_cells_become_the_text_a_person_sees():
    data = xlsx_bytes([
        [],  # the header is the first non-empty row
        ["名称 ", "日期", "整数", "小数", "大数", "是否", "时间"],
        ["  光学分会 ", datetime.date(2024, 1, 5), 3.0, 1.25, 320500123456789, True,
         datetime.datetime(2024, 1, 5, 9, 30)],
        [None, None, None],
        ["显示分会", datetime.datetime(2023, 12, 31), 12, 0.00001, Decimal("12.50"), False, None],
    ])
    sheet = read_bytes(data)
    assert sheet.file_format == "xlsx" and sheet.encoding == ""
    assert sheet.headers == ["名称", "日期", "整数", "小数", "大数", "是否", "时间"]
    assert sheet.rows == [
        (3, ["光学分会", "2024-01-05", "3", "1.25", "320500123456789", "是", "2024-01-05 09:30:00"]),
        (5, ["显示分会", "2023-12-31", "12", "0.00001", "12.5", "否"]),
    ]


def test_xlsx_prefers_the_templates_data_sheet():
    data = xlsx_bytes([["说明"], ["请看第二个工作表"]], title="说明", sheets={DATA_SHEET: ROWS})
    assert read_bytes(data).headers == ["名称", "编码"]
    # Without it, the first sheet.
    assert read_bytes(xlsx_bytes([["甲"], ["1"]], sheets={"其他": ROWS})).headers == ["甲"]


def test_cell_text_never_writes_scientific_notation():
    assert cell_text(1.5e17) == "150000000000000000"
    assert cell_text(2.5e-7) == "0.00000025"
    assert cell_text(float("nan")) == ""


def test_empty_file_is_refused():
    refused(b"", "empty")
    with pytest.raises(ValidationError):
        read_upload(upload(b"", "a.csv"))


def test_header_only_file_has_no_rows():
    sheet = read_bytes(csv_bytes([["名称"]]))
    assert sheet.rows == []


def test_oversized_upload_is_refused_before_reading(settings):
    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        read_upload(upload(b"a," * 600, "big.csv"))
    assert caught.value.code == "too_large"


def test_too_many_rows_are_refused(settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [["名称"]] + [["行{}".format(i)] for i in range(4)]
    for data in (csv_bytes(rows), xlsx_bytes(rows)):
        refused(data, "too_many_rows")
    assert len(read_bytes(csv_bytes(rows[:4])).rows) == 3


def test_png_named_xlsx_is_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
    message = refused(upload_bytes(upload(png, "roster.xlsx")), "wrong_type")
    assert "PNG" in message


def test_old_xls_is_refused_with_advice():
    message = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "xls")
    assert ".xlsx" in message


def test_pdf_is_refused():
    assert "PDF" in refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "wrong_type")


def test_binary_with_nul_bytes_is_refused():
    refused(b"name,code\n\x00\x01\x02\x03,x\n", "binary")


def test_text_in_no_known_encoding_is_refused():
    refused(b"name\n\xff\xfe\xfa\n\x81\x30", "encoding")


def test_truncated_xlsx_is_refused_as_damaged():
    data = xlsx_bytes(ROWS)
    refused(data[: len(data) // 2], "damaged")


def test_malformed_zip_is_refused_as_damaged():
    refused(b"PK\x03\x04" + b"garbage" * 100, "damaged")


def test_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    refused(out.getvalue(), "damaged")


def test_workbook_with_a_broken_sheet_is_refused():
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(ROWS)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]  # XML cut in the middle
            archive.writestr(item, content)
    refused(out.getvalue(), "damaged")


def _bomb(size):
    """A workbook-looking zip whose one entry inflates to `size` bytes of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                entry.write(chunk)
    return out.getvalue()


def test_zip_bomb_named_xlsx_is_refused_by_ratio():
    data = _bomb(64 * 1024 * 1024)  # 64 MB of zeros in ~64 KB: under the total, far over the ratio
    assert len(data) < 200 * 1024
    refused(upload_bytes(upload(data, "roster.xlsx")), "zip_bomb")


def test_zip_bomb_is_refused_by_total_size(settings, monkeypatch):
    from chamber.interchange import reading

    monkeypatch.setattr(reading, "MAX_ZIP_RATIO", 10 ** 9)  # only the total can catch it now
    settings.IMPORT_MAX_UNZIPPED_BYTES = 4 * 1024 * 1024
    refused(_bomb(8 * 1024 * 1024), "zip_bomb")


def test_zip_with_too_many_entries_is_refused(monkeypatch):
    from chamber.interchange import reading

    monkeypatch.setattr(reading, "MAX_ZIP_ENTRIES", 5)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(6):
            archive.writestr("xl/part{}.xml".format(i), "<x/>")
    refused(out.getvalue(), "zip_bomb")
