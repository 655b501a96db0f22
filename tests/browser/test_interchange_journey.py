"""The secretariat brings a roster in from Excel: one row has a wrong USCC, the preview says
which cell and why, the valid rows are imported, then the whole import is undone; and the
filtered member list goes out again as a CSV the export log records."""
import csv
import io

from django.urls import reverse
from django_scopes import scope
from openpyxl import Workbook

from chamber.interchange.models import ExportRecord
from members.models import Membership
from tests.factories import make_uscc


def roster_file(tmp_path, chamber):
    book = Workbook()
    sheet = book.active
    sheet.append(["会员名称", "统一社会信用代码", "会员等级", "入会日期", "联系人", "手机"])
    sheet.append(["吴江七都光缆有限公司", make_uscc(710001), "会员单位", "2021-03-01", "沈建国", "13912345678"])
    sheet.append(["昆山晶显科技有限公司", make_uscc(710002), "理事单位", "2022-05-10", "陆丽萍", "13812345679"])
    bad = make_uscc(710003)
    sheet.append(["常熟精测设备有限公司", bad[:-1] + ("0" if bad[-1] != "0" else "1"), "会员单位", "2023-01-01", "", ""])
    path = tmp_path / "会员名册.xlsx"
    book.save(path)
    return path


def test_secretary_imports_the_valid_rows_then_undoes_the_import(page, log_in, chamber, secretary, tmp_path):
    with scope(chamber=chamber):
        before = Membership.objects.count()
    log_in(page, secretary.username)
    page.goto(page.base_url + reverse("imports:list", kwargs={"chamber": chamber.slug}))
    page.locator("a[href$='/imports/members/upload/']").first.click()
    page.wait_for_load_state()
    page.locator("input[type=file]").set_input_files(str(roster_file(tmp_path, chamber)))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_load_state()

    assert page.locator("[data-count=total]").inner_text() == "3"
    assert page.locator("[data-count=errors]").inner_text() == "1"
    # The fourth line of the sheet, its USCC cell, and why.
    error = page.locator("#import-rows tr[data-error]")
    assert error.get_attribute("data-row") == "4"
    assert "统一社会信用代码" in error.inner_text() and "校验位不正确" in error.inner_text()
    assert page.locator("button[data-mode=all]").is_disabled()
    page.locator("button[data-mode=valid]").click()
    page.wait_for_load_state()
    assert page.locator("[data-count=imported]").inner_text() == "2"
    with scope(chamber=chamber):
        assert Membership.objects.count() == before + 2

    page.locator("#import-actions summary").click()
    page.get_by_role("button", name="确认撤销导入").click()
    page.wait_for_load_state()
    with scope(chamber=chamber):
        assert Membership.objects.count() == before


def test_secretary_exports_the_filtered_roster_as_csv(page, log_in, chamber, member, secretary):
    log_in(page, secretary.username)
    page.goto(page.base_url + reverse("members:list", kwargs={"chamber": chamber.slug})
              + "?q=" + member.enterprise.name[:4])
    with page.expect_download() as download_info:
        page.locator("a[href*='format=csv']").first.click()
    download = download_info.value
    text = open(download.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] and any(member.enterprise.name in cell for row in rows[1:] for cell in row)
    with scope(chamber=chamber):
        record = ExportRecord.objects.get()
    assert record.created_by == secretary and record.row_count == len(rows) - 1
    assert record.filters.get("q") == member.enterprise.name[:4]
