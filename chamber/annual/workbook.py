"""The annual report as a workbook (xlsx) for the federation: the same figures as the PDF
(chamber/annual/document.py), sheet 统计表 first with one row per figure of the 17
indicators, then the sections' tables. None is the text 「未记录」 in the number column,
never 0; numbers are numeric cells with their formats; text is written so that a
spreadsheet never runs it as a formula.
"""
import datetime
import io
from decimal import Decimal

from django.utils.translation import pgettext

from chamber.interchange.writing import AMOUNT_FORMAT, as_text, clean_text, display_width, safe_sheet_title

from .document import dues_rows, month_label, report_title
from .values import is_percent, not_recorded_text, number_text

__all__ = ["report_xlsx"]

PERCENT_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0"


def _set_text(cell, value):
    """Put text in a cell so that a spreadsheet never runs it as a formula; returns the text.

    Formula-like text ("=1+1 助学行动") is kept as typed, as chamber.interchange.writing
    keeps it: a string cell with Excel's quote prefix. (cell_safe's leading apostrophe is
    for CSV: inside an .xlsx value it would show in the cell.)"""
    cell.value = clean_text(value)
    as_text(cell)
    return cell.value


class _Sheet:
    """Writes rows to a worksheet: text kept safe, numbers numeric with their format, None
    as 「未记录」; remembers the widest value of each column for the widths."""

    def __init__(self, book, title):
        from openpyxl.styles import Font

        self.sheet = book.create_sheet(title=safe_sheet_title(title))
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
    return PERCENT_FORMAT if is_percent(unit) else _default_format(value)


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
        sheet.row([joined, month_label(row["month"]), row["joined"]])
    for row in members["monthly"]:
        sheet.row([left, month_label(row["month"]), row["left"]])
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
    for label, value, unit in dues_rows(dues, pgettext("annual report unit", "CNY")):
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
