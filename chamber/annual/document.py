"""The annual report as a printed document (PDF) and as a workbook (xlsx).

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
import datetime
import io
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext

from chamber.charts import FONT_FAMILY, ChartItem, bar_chart, donut_chart, line_chart
from chamber.documents.rendering import render_pdf
from chamber.interchange.writing import AMOUNT_FORMAT, clean_text, display_width, is_formula_like

__all__ = ["report_pdf", "report_xlsx", "report_context", "number_text"]

TEMPLATE = "annual/report.html"
PERCENT_UNITS = ("%", "％")
PERCENT_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0"
# The SVG charts name the web site's font stack, whose first family (system-ui) resolves
# to a non-CJK font on a server; printed, they use the document's sans face so that every
# glyph comes from the embedded Noto CJK subsets.
_SCREEN_FONT = 'font-family="{}"'.format(FONT_FAMILY)
_PRINT_FONT = 'font-family="Noto Sans CJK SC"'
_CJK_NUMERALS = "一二三四五六七八九十"


# --- Values -----------------------------------------------------------------------------------


def _is_percent(unit):
    return unit in PERCENT_UNITS


def number_text(value, unit=""):
    """A number as printed: 1,234 / 1,285,600.00 (money, a Decimal) / 90.0 (a percentage,
    or a float such as an average rating)."""
    if _is_percent(unit) or isinstance(value, float):
        return "{:,.1f}".format(value)
    if isinstance(value, Decimal):
        return "{:,.2f}".format(value)
    return "{:,}".format(value)


def _with_unit(text, unit):
    """「35家」, 「90.0%」 but "35 people": no space before a CJK unit or a percent sign."""
    if not unit:
        return text
    if _is_percent(unit) or unicodedata.east_asian_width(unit[0]) in "WF":
        return text + unit
    return "{} {}".format(text, unit)


def not_recorded_text():
    return pgettext("annual report", "Not recorded")


def shown(value, unit=""):
    """A value for the PDF (safe HTML): the number and its unit, or the marked 「未记录」."""
    if value is None:
        return format_html('<span class="not-recorded">{}</span>', not_recorded_text())
    return format_html("{}", _with_unit(number_text(value, unit), unit))


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


def _month_label(month):
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
    months = [_month_label(row["month"]) for row in members["monthly"]]
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
        [[label, _num(value, unit)] for label, value, unit in _dues_rows(dues, yuan)],
    )


def _dues_rows(dues, yuan):
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


# --- The workbook -----------------------------------------------------------------------------


def _set_text(cell, value):
    """Put text in a cell so that a spreadsheet never runs it as a formula; returns the text.

    Formula-like text ("=1+1 助学行动") is written the way chamber.interchange.writing writes
    it to .xlsx: a string cell with Excel's quote prefix, so it shows as typed and stays
    text when edited. (cell_safe's leading apostrophe is for CSV: inside an .xlsx value it
    would show in the cell.)"""
    text = clean_text(value)
    cell.value = text
    if is_formula_like(text):
        # openpyxl has just taken the leading "=" for a formula: make it text again.
        cell.data_type = "s"
        cell.quotePrefix = True
    return text


class _Sheet:
    """Writes rows to a worksheet: text kept safe, numbers numeric with their format, None
    as 「未记录」; remembers the widest value of each column for the widths."""

    def __init__(self, book, title):
        from openpyxl.styles import Font

        self.sheet = book.create_sheet(title=_sheet_title(title))
        self.next_row = 1
        self.widths = {}
        self.bold = Font(bold=True)
        self.header_row = None

    def _cell(self, column, value, number_format=None, bold=False):
        cell = self.sheet.cell(row=self.next_row, column=column)
        if value is None:
            value = not_recorded_text()
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            cell.value = value
            number_format = number_format or _default_format(value)
            if number_format:
                cell.number_format = number_format
            width = len(number_text(value)) + 2
        elif isinstance(value, datetime.date):
            cell.value = value
            cell.number_format = "yyyy-mm-dd"
            width = 12
        else:
            width = display_width(_set_text(cell, value)) + 2
        if bold:
            cell.font = self.bold
        self.widths[column] = max(self.widths.get(column, 0), width)

    def row(self, values, formats=None, bold=False):
        """Append one row; `formats` gives the number format of each column (None: by type)."""
        formats = list(formats or [])
        for column, value in enumerate(values, 1):
            self._cell(column, value, formats[column - 1] if column <= len(formats) else None, bold=bold)
        self.next_row += 1

    def header(self, values):
        """The header row (bold); the first one stays in view while scrolling."""
        if self.header_row is None:
            self.header_row = self.next_row
        self.row(values, bold=True)

    def caption(self, text):
        """A bold caption over the next table, after an empty row."""
        self.next_row += 1
        self.row([text], bold=True)

    def finish(self, min_width=6, max_width=60):
        from openpyxl.utils import get_column_letter

        for column, width in self.widths.items():
            self.sheet.column_dimensions[get_column_letter(column)].width = max(min_width, min(max_width, width))
        if self.header_row is not None:
            self.sheet.freeze_panes = "A{}".format(self.header_row + 1)


def _default_format(value):
    if isinstance(value, Decimal):
        return AMOUNT_FORMAT
    if isinstance(value, float):
        return DECIMAL_FORMAT
    if isinstance(value, int):
        return COUNT_FORMAT
    return None


def _figure_format(value, unit):
    return PERCENT_FORMAT if _is_percent(unit) else _default_format(value)


def _sheet_title(title):
    # Excel's limits: 31 characters, none of []:*?/\
    return "".join(ch for ch in str(title) if ch not in "[]:*?/\\").strip()[:31] or "Sheet"


def _statistics_sheet(book, figures):
    sheet = _Sheet(book, pgettext("annual report sheet", "Statistics"))
    sheet.header([pgettext("annual report", "No."), pgettext("annual report", "Indicator"),
                  pgettext("annual report", "Item"), pgettext("annual report", "Value"),
                  pgettext("annual report", "Unit")])
    for indicator in figures["indicators"]:
        for figure in indicator["figures"]:
            unit = figure.get("unit", "")
            sheet.row([indicator["number"], indicator["title"], figure["label"], figure["value"], unit],
                      formats=[None, None, None, _figure_format(figure["value"], unit), None])
    sheet.finish()


def _items_sheet(book, figures):
    """The named things under the indicators (honours, typical cases, reports ...)."""
    sheet = _Sheet(book, pgettext("annual report sheet", "Named items"))
    sheet.header([pgettext("annual report", "No."), pgettext("annual report", "Indicator"),
                  pgettext("annual report", "Title"), pgettext("annual report", "Detail")])
    for indicator in figures["indicators"]:
        for item in indicator.get("items") or []:
            sheet.row([indicator["number"], indicator["title"], item["title"], item.get("detail", "")])
    sheet.finish()


def _members_sheet(book, members):
    sheet = _Sheet(book, pgettext("annual report sheet", "Members"))
    sheet.header([pgettext("annual report", "Group"), pgettext("annual report", "Item"),
                  pgettext("annual report", "Count")])
    total = pgettext("annual report", "Totals")
    for label, value in ((pgettext("annual report", "Members at year end"), members["total"]),
                         (pgettext("annual report", "Joined this year"), members["new"]),
                         (pgettext("annual report", "Left this year"), members["left"])):
        sheet.row([total, label, value])
    for group, key in ((pgettext("annual report", "Members by kind"), "by_kind"),
                       (pgettext("annual report", "Members by rank"), "by_rank"),
                       (pgettext("annual report", "Members by branch"), "by_branch"),
                       (pgettext("annual report", "Members by industry section"), "by_industry"),
                       (pgettext("annual report", "Members by industry division"), "by_division")):
        for row in members[key]:
            sheet.row([group, row["label"], row["count"]])
    joined, left = pgettext("annual report", "Joined, by month"), pgettext("annual report", "Left, by month")
    for row in members["monthly"]:
        sheet.row([joined, _month_label(row["month"]), row["joined"]])
    for row in members["monthly"]:
        sheet.row([left, _month_label(row["month"]), row["left"]])
    sheet.finish()


def _event_values(row):
    return [row["events"], row["participants"], row["people_trained"], row["deals_signed"], row["deals_amount"]]


def _events_sheet(book, events):
    sheet = _Sheet(book, pgettext("annual report sheet", "Events"))
    sheet.header([pgettext("annual report", "Kind"), pgettext("annual report", "Events"),
                  pgettext("annual report", "Participants"), pgettext("annual report", "People trained"),
                  pgettext("annual report", "Deals signed"), pgettext("annual report", "Amount signed (CNY)")])
    for row in events["rows"]:
        sheet.row([row["label"], *_event_values(row)])
    sheet.row([pgettext("annual report", "Total"), *_event_values(events["total"])], bold=True)
    sheet.finish()


def _requests_sheet(book, requests):
    sheet = _Sheet(book, pgettext("annual report sheet", "Requests"))
    sheet.header([pgettext("annual report", "Category"), pgettext("annual report", "Raised"),
                  pgettext("annual report", "Resolved")])
    for row in requests["by_category"]:
        sheet.row([row["label"], row["raised"], row["resolved"]])
    sheet.row([pgettext("annual report", "Total"), requests["raised"], requests["resolved"]], bold=True)
    sheet.caption(pgettext("annual report", "Summary"))
    for label, value in ((pgettext("annual report", "Could not be resolved"), requests["unresolvable"]),
                         (pgettext("annual report", "Still open"), requests["open"]),
                         (pgettext("annual report", "Average rating"), requests["average_rating"])):
        sheet.row([label, value])
    sheet.caption(pgettext("annual report", "Typical cases"))
    sheet.row([pgettext("annual report", "Title"), pgettext("annual report", "Category"),
               pgettext("annual report", "Closed on"), pgettext("annual report", "Resolution")], bold=True)
    for case in requests["typical_cases"]:
        sheet.row([case["title"], case["category"], case["closed_on"], case["resolution"]])
    sheet.finish()


def _charity_sheet(book, charity):
    sheet = _Sheet(book, pgettext("annual report sheet", "Charity"))
    sheet.header([pgettext("annual report", "Item"), pgettext("annual report", "Value")])
    for label, value in ((pgettext("annual report", "Charity programmes"), charity["programmes"]),
                         (pgettext("annual report", "Charity activities"), charity["activities"]),
                         (pgettext("annual report", "Donations"), charity["donations"]),
                         (pgettext("annual report", "Money donated (CNY)"), charity["amount_money"]),
                         (pgettext("annual report", "Goods donated, value (CNY)"), charity["amount_goods"])):
        sheet.row([label, value])
    sheet.caption(pgettext("annual report", "By programme"))
    sheet.row([pgettext("annual report", "Programme"), pgettext("annual report", "Donations"),
               pgettext("annual report", "Amount (CNY)")], bold=True)
    for row in charity["by_programme"]:
        sheet.row([row["label"], row["donations"], row["amount"]])
    sheet.caption(pgettext("annual report", "Top donors"))
    sheet.row([pgettext("annual report", "No."), pgettext("annual report", "Donor"),
               pgettext("annual report", "Amount (CNY)")], bold=True)
    for index, row in enumerate(charity["top_donors"], 1):
        sheet.row([index, row["name"], row["amount"]])
    sheet.finish()


def _dues_sheet(book, dues):
    sheet = _Sheet(book, pgettext("annual report sheet", "Dues"))
    sheet.header([pgettext("annual report", "Item"), pgettext("annual report", "Value"),
                  pgettext("annual report", "Unit")])
    for label, value, unit in _dues_rows(dues, pgettext("annual report unit", "CNY")):
        sheet.row([label, value, unit], formats=[None, _figure_format(value, unit), None])
    sheet.finish()


def report_xlsx(figures):
    """The annual report as an .xlsx workbook (bytes): 统计表 (one row per figure of the 17
    indicators), then 会员, 活动, 诉求, 慈善, 会费, and the named items under the indicators."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    _statistics_sheet(book, figures)
    _members_sheet(book, figures["members"])
    _events_sheet(book, figures["events"])
    _requests_sheet(book, figures["requests"])
    _charity_sheet(book, figures["charity"])
    _dues_sheet(book, figures["dues"])
    _items_sheet(book, figures)
    book.properties.title = report_title(figures)
    book.properties.creator = figures["chamber"]["name"]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
