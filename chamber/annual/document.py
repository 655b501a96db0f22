"""The annual report as a printed document (PDF); its workbook is chamber/annual/workbook.py.

Both are built from the figures dict alone (`chamber.annual.figures.annual_report_figures`,
whose docstring is the contract): no queries here, so what is printed is exactly what was
digested for the PDF cache, and the tests need no database.

The one rule that runs through both: a figure the data cannot answer is None and shows as
「未记录」 ("Not recorded"), never as 0 — in the PDF inside `<span class="not-recorded">`,
in the workbook as that text in the number column.

Numbers: thousands separators everywhere; money (the Decimal figures) with two decimals;
percentages with one. The words follow the active language (the figures' labels were
translated when the figures were computed); Chinese is the default.
"""
from dataclasses import dataclass

from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext

from chamber.charts import FONT_FAMILY, ChartItem, bar_chart, donut_chart, line_chart
from chamber.documents.rendering import render_pdf

from .values import shown

__all__ = ["report_pdf", "report_context", "dues_rows",
           "month_label"]

TEMPLATE = "annual/report.html"
# The SVG charts name the web site's font stack, whose first family (system-ui) resolves
# to a non-CJK font on a server; printed, they use the document's sans face so that every
# glyph comes from the embedded Noto CJK subsets.
_SCREEN_FONT = 'font-family="{}"'.format(FONT_FAMILY)
_PRINT_FONT = 'font-family="Noto Sans CJK SC"'
_CJK_NUMERALS = "一二三四五六七八九十"


# --- Values -----------------------------------------------------------------------------------


def _date(value):
    return formats.date_format(value, "DATE_FORMAT") if value else ""


@dataclass(frozen=True)
class Cell:
    """A table cell of the PDF: its content (text, or safe HTML) and whether it is a number."""

    text: object
    number: bool = False


def _num(value, unit=""):
    return Cell(shown(value, unit), number=True)


def _table(headers, rows, *, numeric_from=1, total=None, caption="", css=""):
    """A table for `annual/print/table.html`: `headers` are texts, the columns from
    `numeric_from` on are right-aligned; rows are lists of Cells (or text)."""
    return {
        "caption": caption,
        "css": css,
        "headers": [Cell(text, number=index >= numeric_from) for index, text in enumerate(headers)],
        "rows": [[cell if isinstance(cell, Cell) else Cell(cell) for cell in row] for row in rows],
        "total": [cell if isinstance(cell, Cell) else Cell(cell) for cell in total] if total else None,
    }


def _print_svg(chart):
    return mark_safe(str(chart.svg).replace(_SCREEN_FONT, _PRINT_FONT))


def month_label(month):
    return pgettext("annual report", "Month {month}").format(month=month)


# --- The PDF ----------------------------------------------------------------------------------


def report_title(figures):
    """「2026年度工作报告」."""
    return pgettext("annual report", "{year} annual work report").format(year=figures["year"])


def _heading(number, title):
    """「三、会员情况」 in Chinese, "3. Members" otherwise."""
    if (get_language() or "").startswith("zh") and number <= len(_CJK_NUMERALS):
        return "{}、{}".format(_CJK_NUMERALS[number - 1], title)
    return "{}. {}".format(number, title)


def _sections(figures):
    """[(anchor, heading)] of the report's main sections, in print order (the contents)."""
    titles = []
    if figures.get("summary"):
        titles.append(("summary", pgettext("annual report", "Overview of the year's work")))
    titles += [
        ("indicators", pgettext("annual report", "Annual statistics")),
        ("members", pgettext("annual report", "Members")),
        ("officers", pgettext("annual report", "Officers")),
        ("evaluations", pgettext("annual report", "Evaluations and ratings")),
        ("events", pgettext("annual report", "Events and trainings")),
        ("requests", pgettext("annual report", "Member requests")),
        ("charity", pgettext("annual report", "Charity")),
        ("dues", pgettext("annual report", "Dues collection")),
    ]
    return [(anchor, _heading(number, title)) for number, (anchor, title) in enumerate(titles, 1)]


def _indicator_rows(figures):
    rows = []
    for indicator in figures["indicators"]:
        lines = [
            format_html(pgettext("annual report", "{label}: {value}"), label=figure["label"],
                        value=shown(figure["value"], figure.get("unit", "")))
            for figure in indicator["figures"]
        ]
        rows.append({"number": indicator["number"], "title": indicator["title"], "figures": lines,
                     "items": indicator.get("items") or [], "source": indicator.get("source", "")})
    return rows


def _key_figures(pairs):
    """[(label, shown value)] for the row of key figures that opens a section."""
    return [{"label": label, "value": shown(value, unit)} for label, value, unit in pairs]


def _count_table(header, rows, caption=""):
    count = pgettext("annual report", "Count")
    return _table([header, count], [[row["label"], _num(row["count"])] for row in rows], caption=caption)


def _members_context(members):
    members_unit = pgettext("annual report unit", "members")
    kind_items = [ChartItem(row["label"], row["count"]) for row in members["by_kind"]]
    rank_items = [ChartItem(row["label"], row["count"]) for row in members["by_rank"]]
    months = [month_label(row["month"]) for row in members["monthly"]]
    kind_title = pgettext("annual report", "Members by kind")
    rank_title = pgettext("annual report", "Members by rank")
    monthly_title = pgettext("annual report", "Members joining and leaving, by month")
    return {
        "key": _key_figures([
            (pgettext("annual report", "Members at year end"), members["total"], members_unit),
            (pgettext("annual report", "Joined this year"), members["new"], members_unit),
            (pgettext("annual report", "Left this year"), members["left"], members_unit),
        ]),
        "charts": [
            {"title": kind_title, "svg": _print_svg(donut_chart(kind_items, title=kind_title))},
            {"title": rank_title, "svg": _print_svg(bar_chart(rank_items, title=rank_title))},
        ],
        "monthly_chart": {"title": monthly_title, "svg": _print_svg(line_chart(months, [
            (pgettext("annual report", "Joined"), [row["joined"] for row in members["monthly"]]),
            (pgettext("annual report", "Left"), [row["left"] for row in members["monthly"]]),
        ], title=monthly_title, width=640, height=200))},
        "pair": [
            _count_table(pgettext("annual report", "Kind"), members["by_kind"], kind_title),
            _count_table(pgettext("annual report", "Rank"), members["by_rank"], rank_title),
        ],
        "tables": [
            _count_table(pgettext("annual report", "Branch"), members["by_branch"],
                         pgettext("annual report", "Members by branch")),
            _count_table(pgettext("annual report", "Industry section"), members["by_industry"],
                         pgettext("annual report", "Members by industry section")),
            _count_table(pgettext("annual report", "Industry division"), members["by_division"],
                         pgettext("annual report", "Members by industry division")),
        ],
    }


def _officers_context(officers):
    term = officers.get("term")
    return {
        "term": term and {"name": term["name"], "starts_on": _date(term["starts_on"]),
                          "ends_on": _date(term["ends_on"])},
        "table": _table(
            [pgettext("annual report", "Post"), pgettext("annual report", "Name"),
             pgettext("annual report", "Enterprise"), pgettext("annual report", "Branch")],
            [[row["post"], row["name"], row["enterprise"], row["branch"]] for row in officers["rows"]],
            numeric_from=4,
        ),
    }


def _evaluations_context(evaluations):
    held = _table(
        [pgettext("annual report", "Scheme"), pgettext("annual report", "Grade"),
         pgettext("annual report", "Awarded by"), pgettext("annual report", "Awarded on"),
         pgettext("annual report", "Valid until"), pgettext("annual report", "Status")],
        [[row["scheme"], row["grade"], row["awarded_by"], _date(row["awarded_on"]), _date(row["valid_until"]),
          row["status"]] for row in evaluations["held"]],
        numeric_from=6,
    )
    awarded = _table(
        [pgettext("annual report", "Scheme"), pgettext("annual report", "Grade"),
         pgettext("annual report", "Chambers awarded")],
        [[row["scheme"], row["grade"], _num(row["count"])] for row in evaluations["awarded"]],
        numeric_from=2,
    )
    return {"held": held if evaluations["held"] else None, "awarded": awarded if evaluations["awarded"] else None}


def _event_cells(row):
    return [_num(row["events"]), _num(row["participants"]), _num(row["people_trained"]),
            _num(row["deals_signed"]), _num(row["deals_amount"])]


def _events_context(events):
    return _table(
        [pgettext("annual report", "Kind"), pgettext("annual report", "Events"),
         pgettext("annual report", "Participants"), pgettext("annual report", "People trained"),
         pgettext("annual report", "Deals signed"), pgettext("annual report", "Amount signed (CNY)")],
        [[row["label"], *_event_cells(row)] for row in events["rows"]],
        total=[pgettext("annual report", "Total"), *_event_cells(events["total"])],
    )


def _requests_context(requests):
    cases_unit = pgettext("annual report unit", "requests")
    return {
        "key": _key_figures([
            (pgettext("annual report", "Raised"), requests["raised"], cases_unit),
            (pgettext("annual report", "Resolved"), requests["resolved"], cases_unit),
            (pgettext("annual report", "Could not be resolved"), requests["unresolvable"], cases_unit),
            (pgettext("annual report", "Still open"), requests["open"], cases_unit),
            (pgettext("annual report", "Average rating"), requests["average_rating"], ""),
        ]),
        "table": _table(
            [pgettext("annual report", "Category"), pgettext("annual report", "Raised"),
             pgettext("annual report", "Resolved")],
            [[row["label"], _num(row["raised"]), _num(row["resolved"])] for row in requests["by_category"]],
        ),
        "cases": [{"title": case["title"], "category": case["category"], "closed_on": _date(case["closed_on"]),
                   "resolution": case["resolution"]} for case in requests["typical_cases"]],
    }


def _charity_context(charity):
    return {
        "key": _key_figures([
            (pgettext("annual report", "Charity programmes"), charity["programmes"], ""),
            (pgettext("annual report", "Charity activities"), charity["activities"], ""),
            (pgettext("annual report", "Donations"), charity["donations"], ""),
            # Money in the label, not after the number: a key figure's box is narrow.
            (pgettext("annual report", "Money donated (CNY)"), charity["amount_money"], ""),
            (pgettext("annual report", "Goods donated, value (CNY)"), charity["amount_goods"], ""),
        ]),
        "programmes": _table(
            [pgettext("annual report", "Programme"), pgettext("annual report", "Donations"),
             pgettext("annual report", "Amount (CNY)")],
            [[row["label"], _num(row["donations"]), _num(row["amount"])] for row in charity["by_programme"]],
        ),
        "donors": _table(
            [pgettext("annual report", "No."), pgettext("annual report", "Donor"),
             pgettext("annual report", "Amount (CNY)")],
            [[Cell(str(index), number=True), row["name"], _num(row["amount"])]
             for index, row in enumerate(charity["top_donors"], 1)],
            numeric_from=2,
        ) if charity["top_donors"] else None,
    }


def _dues_context(dues):
    yuan = pgettext("annual report unit", "CNY")
    return _table(
        [pgettext("annual report", "Item"), pgettext("annual report", "Value")],
        [[label, _num(value, unit)] for label, value, unit in dues_rows(dues, yuan)],
    )


def dues_rows(dues, yuan):
    return [
        (pgettext("annual report", "Dues invoiced"), dues["invoiced"], yuan),
        (pgettext("annual report", "Dues collected"), dues["collected"], yuan),
        (pgettext("annual report", "Dues outstanding"), dues["outstanding"], yuan),
        (pgettext("annual report", "Collection rate"), dues["rate"], "%"),
        (pgettext("annual report", "Invoices"), dues["invoices"], ""),
        (pgettext("annual report", "Invoices paid"), dues["paid_invoices"], ""),
    ]


def report_context(figures):
    """The template context of the printed report: the figures made into text and tables."""
    chamber = figures["chamber"]
    sections = _sections(figures)
    return {
        "document_title": report_title(figures),
        "document_author": chamber["name"],
        "figures": figures,
        "chamber": chamber,
        "year": figures["year"],
        "as_of": _date(figures["as_of"]),
        "summary_paragraphs": [line.strip() for line in (figures.get("summary") or "").splitlines()
                               if line.strip()],
        "sections": sections,
        "headings": dict(sections),
        "indicators": _indicator_rows(figures),
        "members": _members_context(figures["members"]),
        "officers": _officers_context(figures["officers"]),
        "evaluations": _evaluations_context(figures["evaluations"]),
        "events": _events_context(figures["events"]),
        "requests": _requests_context(figures["requests"]),
        "charity": _charity_context(figures["charity"]),
        "dues": _dues_context(figures["dues"]),
    }


def report_pdf(figures):
    """The printed annual report (PDF bytes): cover, contents, overview, the 17 indicators,
    then one section per subject. Takes a few seconds; the lead's task caches the result."""
    return render_pdf(TEMPLATE, report_context(figures))
