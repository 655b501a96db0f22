"""Rubrics as Excel workbooks: the interchange document (evaluations.interchange) laid
out for people, and read back into the same document shape, so one validation serves both.

The workbook has three sheets with Chinese headers: 方案 (one field a row: 项目 / 内容),
指标 (one row per indicator, depth-first; 层级 gives its level, 1 for an aspect, and a row
belongs under the nearest row above it one level up; the columns may come in any order)
and 等级规则 (one grade a row). Mode words (分档 / 扣分 / 是否) and yes/no words (是 / 否)
are what people type; the codes of the JSON format are accepted too.
"""
import datetime
import io
import itertools
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .interchange import (
    FORMAT,
    FORMAT_VERSION,
    GRADE_KEYS,
    INDICATOR_KEYS,
    MAX_INDICATORS,
    SHEET_GRADES,
    SHEET_INDICATORS,
    SHEET_SCHEME,
    version_document,
)
from .rubric_fields import MODE_EXPORT_WORDS, options_text

MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_SHEET_ROWS = MAX_INDICATORS + 100  # room for blank rows

# The workbook's layout. Headers are part of the file format, so they are fixed Chinese
# text, not translated.
SCHEME_ROWS = (
    ("format", "格式"), ("format_version", "格式版本"), ("kind", "方案类型"), ("name", "方案名称"),
    ("scheme_description", "方案说明"), ("label", "版本"), ("effective_from", "生效日期"),
    ("description", "版本说明"), ("max_points", "满分"), ("bonus_cap", "加分上限"),
    ("validity_months", "有效期（月）"),
)
INDICATOR_COLUMNS = (
    ("level", "层级"), ("code", "编号"), ("title", "指标"), ("max_points", "分值"), ("mode", "计分方式"),
    ("options", "分档分值"), ("is_veto", "一票否决"), ("is_bonus", "加分项"), ("guidance", "评分说明"),
    ("evidence_required", "所需凭证"),
)
GRADE_COLUMNS = (
    ("code", "代码"), ("label", "等级"), ("level", "级别"), ("min_total", "最低总分"),
    ("requires_level", "前置级别"), ("requires_held_days", "前置持有天数"),
)


def _number(text):
    """A points text as a spreadsheet number where it is one (so sums work in Excel)."""
    value = float(text)
    return int(value) if value.is_integer() else value


def version_xlsx(version):
    """`version` as an .xlsx workbook (bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    document = version_document(version)
    workbook = Workbook()
    bold = Font(bold=True)

    about = workbook.active
    about.title = SHEET_SCHEME
    about.append(["项目", "内容"])
    values = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "kind": document["scheme"]["kind"],
        "name": document["scheme"]["name"], "scheme_description": document["scheme"]["description"],
        **document["version"],
    }
    for key, header in SCHEME_ROWS:
        value = values.get(key)
        if key in ("max_points", "bonus_cap"):
            value = _number(value)
        about.append([header, "" if value is None else value])
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 60

    sheet = workbook.create_sheet(SHEET_INDICATORS)
    sheet.append([header for _key, header in INDICATOR_COLUMNS])

    def rows(nodes, level):
        for node in nodes:
            sheet.append([
                level, node["code"], node["title"], _number(node["max_points"]), MODE_EXPORT_WORDS[node["mode"]],
                options_text(node["options"]), "是" if node["is_veto"] else "否",
                "是" if node["is_bonus"] else "否", node["guidance"], node["evidence_required"],
            ])
            sheet.cell(row=sheet.max_row, column=3).alignment = Alignment(indent=level - 1, wrap_text=True)
            rows(node["children"], level + 1)

    rows(document["indicators"], 1)
    for column, width in zip("ABCDEFGHIJ", (6, 8, 40, 8, 10, 14, 9, 8, 40, 40)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"

    grades = workbook.create_sheet(SHEET_GRADES)
    grades.append([header for _key, header in GRADE_COLUMNS])
    for rule in document["grade_rules"]:
        grades.append([rule["code"], rule["label"], rule["level"], _number(rule["min_total"]),
                       rule["requires_level"] if rule["requires_level"] is not None else "",
                       rule["requires_held_days"]])
    for ws in (about, sheet, grades):
        for cell in ws[1]:
            cell.font = bold
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Reading -------------------------------------------------------------------------------------


def _cell(value):
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value


def _sheet_rows(workbook, name):
    if name not in workbook.sheetnames:
        raise ValidationError(_("The workbook has no sheet “{sheet}”.").format(sheet=name))
    rows = list(itertools.islice(workbook[name].iter_rows(values_only=True), MAX_SHEET_ROWS + 1))
    if len(rows) > MAX_SHEET_ROWS:
        raise ValidationError(_("The sheet “{sheet}” has more than {n} rows.").format(sheet=name, n=MAX_SHEET_ROWS))
    return [tuple(_cell(v) for v in row) for row in rows]


def _header_map(rows, columns, sheet, required):
    """{key: column index} from the sheet's first row; the columns may come in any order."""
    if not rows:
        raise ValidationError(_("The sheet “{sheet}” is empty.").format(sheet=sheet))
    found = {str(text): index for index, text in enumerate(rows[0]) if text != ""}
    mapping = {key: found[header] for key, header in columns if header in found}
    missing = [header for key, header in columns if key in required and key not in mapping]
    if missing:
        raise ValidationError(_("The sheet “{sheet}” lacks the column(s): {columns}.").format(
            sheet=sheet, columns="、".join(missing)))
    return mapping


def _get(row, mapping, key):
    index = mapping.get(key)
    if index is None or index >= len(row):
        return ""
    return row[index]


def document_from_xlsx(raw):
    """The document in an .xlsx workbook (bytes), in the JSON document's shape; each
    indicator and grade rule remembers its row (`_row`) for the error messages."""
    from openpyxl import load_workbook

    not_a_workbook = ValidationError(_("The file is not an Excel workbook (.xlsx)."))
    try:
        # A small upload may inflate enormously (a "zip bomb"): look before openpyxl does.
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ValidationError(_("The workbook is too large to read."))
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise not_a_workbook from None
    try:
        about = _sheet_rows(workbook, SHEET_SCHEME)
        indicator_rows = _sheet_rows(workbook, SHEET_INDICATORS)
        grade_rows = _sheet_rows(workbook, SHEET_GRADES) if SHEET_GRADES in workbook.sheetnames else []
    finally:
        workbook.close()

    by_header = {header: key for key, header in SCHEME_ROWS}
    values = {}
    for row in about[1:]:
        if row and str(row[0]) in by_header:
            values[by_header[str(row[0])]] = row[1] if len(row) > 1 else ""
    document = {
        "format": values.get("format") or FORMAT,
        "format_version": values.get("format_version") or FORMAT_VERSION,
        "scheme": {"kind": values.get("kind", ""), "name": values.get("name", ""),
                   "description": values.get("scheme_description", "")},
        "version": {key: values.get(key) for key in ("label", "effective_from", "description", "max_points",
                                                     "bonus_cap", "validity_months")},
        "indicators": [],
        "grade_rules": [],
    }

    mapping = _header_map(indicator_rows, INDICATOR_COLUMNS, SHEET_INDICATORS, required={"level", "title"})
    errors = []
    stack = []  # the latest row at each level: where the next deeper row belongs
    for number, row in enumerate(indicator_rows[1:], start=2):
        if all(v == "" for v in row):
            continue
        where = _("Sheet “{sheet}”, row {row}").format(sheet=SHEET_INDICATORS, row=number)
        level = _get(row, mapping, "level")
        try:
            level = int(str(level).strip())
        except ValueError:
            errors.append(_("{where}: the level must be a whole number (1 for an aspect).").format(where=where))
            continue
        if level < 1 or level > len(stack) + 1:
            errors.append(_("{where}: level {level} cannot follow level {previous}; a row can go at most one "
                            "level deeper than the row above it.").format(where=where, level=level,
                                                                          previous=len(stack)))
            continue
        node = {key: _get(row, mapping, key) for key in INDICATOR_KEYS if key in mapping}
        node["children"] = []
        node["_row"] = number
        del stack[level - 1:]
        (stack[-1]["children"] if stack else document["indicators"]).append(node)
        stack.append(node)

    if grade_rows:
        grade_map = _header_map(grade_rows, GRADE_COLUMNS, SHEET_GRADES, required={"code", "label", "level",
                                                                                   "min_total"})
        for number, row in enumerate(grade_rows[1:], start=2):
            if all(v == "" for v in row):
                continue
            rule = {key: _get(row, grade_map, key) for key in GRADE_KEYS if key in grade_map}
            rule["_row"] = number
            document["grade_rules"].append(rule)
    if errors:
        raise ValidationError(errors)
    return document
