"""The printed annual report and its workbook (chamber.annual.document), from the sample
figures dict: no database. The report is rendered once per module (a render takes about a
second), in Chinese, the default language (the catalogue is compiled by `make test`)."""
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import pgettext

from chamber.annual.document import report_context, report_pdf
from chamber.annual.workbook import report_xlsx
from chamber.charts import PALETTE
from chamber.documents.rendering import StaticOnlyURLFetcher
from tests.documents.pdf import assert_cjk_pdf, pdf_reader, pdf_text

from .sample_figures import FORMULA_TITLE, NONE_FIGURES, TOP_DONOR_NAMES, TYPICAL_CASE_TITLES, sample_figures

CHAMBER = "南通市光电产业商会"
TITLE = "2025年度工作报告"
# Figures' fields that are not printed: keys, and chamber facts the cover leaves out.
UNPRINTED_KEYS = {"key", "short_name", "kind", "unit"}


@pytest.fixture(scope="module", autouse=True)
def chinese_catalogue():
    """The assertions read the Chinese document: say so plainly when it cannot be Chinese."""
    with translation.override("zh-hans"):
        if pgettext("annual report", "Not recorded") != "未记录":
            pytest.fail("The annual report's Chinese is not in the compiled catalogue (make messages).")


def _compact(text):
    """Text without whitespace: a table cell wraps its lines wherever the width ends."""
    return re.sub(r"\s+", "", text)


def _render(figures):
    """(PDF bytes, the URLs WeasyPrint asked for) of the report, in Chinese."""
    fetched = []
    original = StaticOnlyURLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    with pytest.MonkeyPatch.context() as patch, translation.override("zh-hans"):
        patch.setattr(StaticOnlyURLFetcher, "fetch", spy)
        data = report_pdf(figures)
    return data, fetched


@pytest.fixture(scope="module")
def rendered():
    data, fetched = _render(sample_figures())
    reader = pdf_reader(data)
    pages = [page.extract_text() or "" for page in reader.pages]
    return {"data": data, "fetched": fetched, "pages": pages, "text": pdf_text(data),
            "compact": _compact("".join(pages))}


@pytest.fixture(scope="module")
def rendered_variant():
    """A supervising federation's report late in a thin year: no overview, no current term,
    ratings it awarded, nothing invoiced (so no collection rate), no ratings of requests."""
    figures = sample_figures(
        summary="",
        officers={"term": None, "rows": []},
        evaluations={"held": [], "awarded": [{"scheme": "星级基层商会", "grade": "五星级", "count": 4},
                                             {"scheme": "星级基层商会", "grade": "四星级", "count": 11}]},
        dues={"invoiced": Decimal("0.00"), "collected": Decimal("0.00"), "outstanding": Decimal("0.00"),
              "rate": None, "invoices": 0, "paid_invoices": 0},
    )
    figures["requests"]["average_rating"] = None
    data, _fetched = _render(figures)
    return {"data": data, "compact": _compact(pdf_text(data)), "figures": figures}


def _strings(value, key=None):
    """Every text of the figures dict that the report prints."""
    if key in UNPRINTED_KEYS:
        return
    if isinstance(value, str):
        for line in value.splitlines():
            if line.strip():
                yield line
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)


# --- The PDF ----------------------------------------------------------------------------------


def test_report_names_the_chamber_year_and_every_indicator(rendered):
    compact = rendered["compact"]
    assert CHAMBER in compact
    assert TITLE in compact and "年度" in compact
    figures = sample_figures()
    assert len(figures["indicators"]) == 17
    for indicator in figures["indicators"]:
        assert "{}{}".format(indicator["number"], _compact(indicator["title"])) in compact, indicator["title"]
    for title in TYPICAL_CASE_TITLES:
        assert _compact(title) in compact
    for name in TOP_DONOR_NAMES:
        assert name in compact
    assert _compact(FORMULA_TITLE) in compact  # user text printed as it is


def test_fonts_are_embedded_cjk_subsets_and_no_glyph_is_missing(rendered):
    # A glyph missing from Noto CJK shows either as another font (the font check fails) or
    # as a blank box whose text does not extract: so every text of the figures must come
    # back out of the PDF, the SVG charts' labels included.
    assert_cjk_pdf(rendered["data"], CHAMBER, TITLE)
    compact = rendered["compact"]
    missing = [text for text in _strings(sample_figures()) if _compact(text) not in compact]
    assert not missing


def test_none_prints_not_recorded_never_zero(rendered):
    compact = rendered["compact"]
    figures = {(i["key"], f["key"]): f for i in sample_figures()["indicators"] for f in i["figures"]}
    for key in NONE_FIGURES:
        label = figures[key]["label"]
        assert "{}：未记录".format(label) in compact, key
        assert "{}：0".format(label) not in compact, key
    # In the events table: the class ran twice and nobody recorded any outcome.
    assert "企业家高级管理人员培训班2未记录未记录未记录未记录" in compact
    # A real 0 (a count the product holds) stays 0.
    assert "异地商会：0个" in compact


def test_money_and_percent_formatting(rendered):
    compact = rendered["compact"]
    assert "国内签约金额：86,500,000.00元" in compact
    assert "捐物折价：356,000.50元" in compact
    assert "合计301,57661219406,500,000.00" in compact  # the events' total row
    assert "收缴率90.0%" in compact


def test_not_recorded_is_marked_up():
    with translation.override("zh-hans"):
        context = report_context(sample_figures())
    lines = [str(line) for row in context["indicators"] for line in row["figures"]]
    assert '规上企业覆盖率：<span class="not-recorded">未记录</span>' in lines
    assert "会员总数：286家" in lines


def test_contents_page_numbers_point_at_the_sections(rendered):
    pages = rendered["pages"]
    assert len(pages) > 1
    with translation.override("zh-hans"):
        sections = report_context(sample_figures())["sections"]
    contents = pages[1]
    assert "目录" in _compact(contents)
    for _anchor, heading in sections:
        match = re.search(re.escape(heading) + r"\s*\.+\s*(\d+)\s*$", contents, re.MULTILINE)
        assert match, "{} has no page number in:\n{}".format(heading, contents)
        page = int(match.group(1))
        assert page > 2
        # The heading starts a line on the page the contents name (after the running header).
        assert re.search(r"^" + re.escape(heading) + r"\s*$", pages[page - 1], re.MULTILINE), heading


def test_cover_has_no_header_or_page_number_and_the_rest_do(rendered):
    cover, *rest = rendered["pages"]
    assert "第 1 页" not in cover and " · " not in cover
    assert CHAMBER in cover and TITLE in _compact(cover) and "南通市工商业联合会" in cover
    assert "2025年12月31日" in cover
    total = len(rendered["pages"])
    for number, text in enumerate(rest, 2):
        assert "{} · {}".format(CHAMBER, TITLE) in text
        assert "第 {} 页，共 {} 页".format(number, total) in text


def _content_streams(data):
    """The drawing operators of every page and of the forms they draw."""
    out = []
    seen = set()

    def walk(resources):
        if resources is None:
            return
        for xobject in (resources.get_object().get("/XObject") or {}).values():
            stream = xobject.get_object()
            if id(stream) in seen or stream.get("/Subtype") != "/Form":
                continue
            seen.add(id(stream))
            out.append(stream.get_data().decode("latin-1"))
            walk(stream.get("/Resources"))

    for page in pdf_reader(data).pages:
        out.append(page.get_contents().get_data().decode("latin-1"))
        walk(page.get("/Resources"))
    return "\n".join(out)


def _strokes_colour(operators, hex_colour):
    target = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    for match in re.finditer(r"([\d.]+) ([\d.]+) ([\d.]+) RG", operators):
        if all(abs(float(v) - t) < 0.002 for v, t in zip(match.groups(), target)):
            return True
    return False


def test_the_svg_charts_are_drawn(rendered):
    operators = _content_streams(rendered["data"])
    # The second palette colour is used by the charts only (the line of members leaving,
    # a slice of the donut), and the donut's slices are dashed circles.
    assert _strokes_colour(operators, PALETTE[1])
    assert re.search(r"\[[\d.]+ [\d.]+\] -?[\d.]+ d", operators)
    # The line chart's x axis: twelve months, drawn as text in the chart.
    assert "".join("{}月".format(m) for m in range(1, 13)) in rendered["compact"]


def test_only_the_static_stylesheets_are_fetched(rendered):
    assert sorted(url.rsplit("/static/", 1)[-1] for url in rendered["fetched"]) == [
        "annual/report.css", "documents/base.css"]


def test_thin_year_variant(rendered_variant):
    compact = rendered_variant["compact"]
    assert "尚未登记本届班子" in compact
    assert "所属商会获评情况" in compact and "五星级4" in compact
    assert "本会获评情况" not in compact
    assert "收缴率未记录" in compact and "收缴率0" not in compact
    assert "未记录平均满意度" in compact  # the key figure: value above its label
    assert "年度工作概述" not in compact
    assert "一、年度统计指标" in compact  # the numbering starts without the overview
    assert_cjk_pdf(rendered_variant["data"])


# --- The workbook -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook():
    from openpyxl import load_workbook

    with translation.override("zh-hans"):
        data = report_xlsx(sample_figures())
    return load_workbook(io.BytesIO(data))


def test_workbook_sheets(workbook):
    assert workbook.sheetnames[:6] == ["统计表", "会员", "活动", "诉求", "慈善", "会费"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title


def test_statistics_sheet_has_one_row_per_figure(workbook):
    sheet = workbook["统计表"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "指标", "项目", "数值", "单位")
    figures = sample_figures()
    expected = [(i["number"], i["title"], f["label"]) for i in figures["indicators"] for f in i["figures"]]
    assert [row[:3] for row in rows[1:]] == expected
    assert {row[0] for row in rows[1:]} == set(range(1, 18))


def test_statistics_sheet_values(workbook):
    sheet = workbook["统计表"]
    figures = sample_figures()
    flat = [(i["key"], f) for i in figures["indicators"] for f in i["figures"]]
    for (indicator, figure), row in zip(flat, sheet.iter_rows(min_row=2)):
        cell = row[3]
        if (indicator, figure["key"]) in NONE_FIGURES:
            assert cell.value == "未记录" and cell.data_type == "s"
            continue
        assert cell.data_type == "n", (indicator, figure["key"])
        assert cell.value == figure["value"]
        if isinstance(figure["value"], Decimal):
            assert cell.number_format == "#,##0.00"


def test_percentages_are_numbers_with_one_decimal():
    from openpyxl import load_workbook

    figures = sample_figures()
    organisations = next(i for i in figures["indicators"] if i["key"] == "organisations")
    coverage = next(f for f in organisations["figures"] if f["key"] == "coverage")
    coverage["value"] = Decimal("45.3")
    with translation.override("zh-hans"):
        book = load_workbook(io.BytesIO(report_xlsx(figures)))
    cell = next(row[3] for row in book["统计表"].iter_rows(min_row=2) if row[2].value == coverage["label"])
    assert cell.data_type == "n" and cell.value == 45.3 and cell.number_format == "0.0"
    rate = next(row[1] for row in book["会费"].iter_rows(min_row=2) if row[0].value == "收缴率")
    assert rate.value == 90 and rate.number_format == "0.0"


def test_section_sheets(workbook):
    events = list(workbook["活动"].iter_rows(values_only=True))
    assert events[0][0] == "类别"
    assert ("企业家高级管理人员培训班", 2, "未记录", "未记录", "未记录", "未记录") in events
    assert events[-1] == ("合计", 30, 1576, 612, 19, 406500000)
    members = list(workbook["会员"].iter_rows(values_only=True))
    assert ("总量", "会员总数", 286) in members
    assert ("每月入会", "3月", 6) in members
    requests = [row[0] for row in workbook["诉求"].iter_rows(values_only=True)]
    for title in TYPICAL_CASE_TITLES:
        assert title in requests
    charity = [row[1] for row in workbook["慈善"].iter_rows(values_only=True)]
    for name in TOP_DONOR_NAMES:
        assert name in charity
    closed = next(row[2] for row in workbook["诉求"].iter_rows() if row[0].value == TYPICAL_CASE_TITLES[0])
    assert closed.value.date() == datetime.date(2025, 4, 30)


def test_formula_like_text_stays_text(workbook):
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    formula_like = [cell for cell in cells if cell.value == FORMULA_TITLE]
    assert formula_like, "the programme's name is in the workbook as typed"
    for cell in formula_like:
        assert cell.data_type == "s" and cell.quotePrefix
