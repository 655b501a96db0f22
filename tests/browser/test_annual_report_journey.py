"""The secretariat's year-end: a research report goes into the work records, the annual
report stops saying 「未记录」 for it, the PDF is printed and downloaded, the figures go out
as a workbook."""
import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from tests.documents.pdf import pdf_text


def test_secretary_records_a_report_prints_the_annual_report_and_downloads_it(page, log_in, chamber, member,
                                                                              secretary, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    year = timezone.localdate().year
    log_in(page, secretary.username)
    report_url = page.base_url + reverse("annual:report", kwargs={"chamber": chamber.slug, "year": year})
    page.goto(report_url)
    research = page.locator("tr[data-indicator=research]")
    assert "未记录" in research.inner_text()

    page.goto(page.base_url + reverse("annual:record_create", kwargs={"chamber": chamber.slug})
              + "?kind=research_report")
    page.locator("#work-record-form [name=occurred_on]").fill("{}-01-01".format(year))
    page.locator("#work-record-form [name=title]").fill("关于光电产业链协同发展的调研报告")
    page.locator("#work-record-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "关于光电产业链协同发展的调研报告" in page.content()

    page.goto(report_url)
    research = page.locator("tr[data-indicator=research]")
    assert "未记录" not in research.inner_text()
    page.locator("#report-generate").click()
    page.wait_for_load_state()
    # Tasks run in-process in the tests: the PDF is there when the page comes back.
    with page.expect_download() as download_info:
        page.locator("#report-pdf").click()
    text = pdf_text(open(download_info.value.path(), "rb").read())
    assert chamber.name in text and "关于光电产业链协同发展的调研报告" in text

    with page.expect_download() as download_info:
        page.locator("#report-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read()))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None]
    assert "未记录" in cells  # something is always unanswerable in a fresh chamber (e.g. publicity)
