"""The downloadable template of an import kind: an .xlsx with the header row (required
headers marked with *) on the data sheet, a sheet "填写说明" explaining each column, and
drop-down lists where the choices are short and known; or a CSV (UTF-8 with BOM, so Excel
opens it as UTF-8) with the header row alone."""
import csv
import io

from django.utils.translation import gettext as _

from .reading import DATA_SHEET

HELP_SHEET = "填写说明"
CHOICES_SHEET = "选项"
_ROWS = 5000  # rows a drop-down covers
_YES_NO = ("是", "否")


def template_headers(spec):
    return ["{}*".format(c.header) if c.required else c.header for c in spec.columns]


def template_choices(spec, chamber):
    """{column key: [allowed values]} for the drop-downs: what the kind offers through an
    optional `template_choices(chamber)` method, plus yes/no columns (their example is 是/否)."""
    choices = {}
    offered = getattr(spec, "template_choices", None)
    if callable(offered):
        choices.update(offered(chamber) or {})
    for column in spec.columns:
        if column.key not in choices and column.example in _YES_NO:
            choices[column.key] = list(_YES_NO)
    return choices


def template_filename(spec, extension):
    return "import-{}.{}".format(spec.kind, extension)


def template_csv(spec):
    out = io.StringIO()
    csv.writer(out).writerow(template_headers(spec))
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(spec, *, chamber=None):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    bold, required_fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    for index, (column, header) in enumerate(zip(spec.columns, template_headers(spec)), start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(header) * 2 + 4)
        # Text format, so codes and ID numbers keep their leading zeros and all 18 digits.
        for row in range(2, 200):
            sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    lists = None
    for index, column in enumerate(spec.columns, start=1):
        values = template_choices(spec, chamber).get(column.key)
        if not values:
            continue
        letter = get_column_letter(index)
        inline = ",".join(values)
        if len(inline) <= 250 and "," not in "".join(values):
            formula = '"{}"'.format(inline)
        else:  # long lists live on a hidden sheet (Excel caps inline lists at 255 characters)
            if lists is None:
                lists = workbook.create_sheet(CHOICES_SHEET)
                lists.sheet_state = "hidden"
            for row, value in enumerate(values, start=1):
                lists.cell(row=row, column=index, value=value)
            formula = "'{}'!${}$1:${}${}".format(CHOICES_SHEET, letter, letter, len(values))
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
        validation.error = _("Choose a value from the list.")
        sheet.add_data_validation(validation)
        validation.add("{}2:{}{}".format(letter, letter, _ROWS))

    help_sheet = workbook.create_sheet(HELP_SHEET, 1)
    titles = [_("Column"), _("Required"), _("How to fill it in"), _("Example")]
    for index, title in enumerate(titles, start=1):
        help_sheet.cell(row=1, column=index, value=title).font = bold
    for row, column in enumerate(spec.columns, start=2):
        aliases = "、".join(column.aliases)
        note = str(column.help or "")
        if aliases:
            note = "{}\n{}".format(note, _("Also recognised: {}").format(aliases)).strip()
        help_sheet.cell(row=row, column=1, value=column.header)
        help_sheet.cell(row=row, column=2, value="是" if column.required else "否")
        help_sheet.cell(row=row, column=3, value=note).alignment = Alignment(wrap_text=True, vertical="top")
        help_sheet.cell(row=row, column=4, value=column.example)
    for letter, width in (("A", 20), ("B", 8), ("C", 60), ("D", 24)):
        help_sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
