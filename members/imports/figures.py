"""The annual figures import: one row per enterprise and year (revenue, tax paid, employees),
through members.services.annual_figures_set. Figures already on record for that year are
replaced, and undo puts the old ones back."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chamber.access import MEMBERS_CHANGE
from chamber.interchange.kinds import ROW, Column, ImportKindSpec, import_kind
from chamber.interchange.models import ImportKind
from chamber.validators import normalize_uscc

from ..models import AnnualFigures, Enterprise, Membership
from ..services import annual_figures_set
from .common import cell_normalised, cell_number, row_errors, text

FIGURES = ("revenue", "tax_paid", "employees")
FIELD_COLUMNS = {name: name for name in FIGURES}


def _plain(value):
    """A figure as JSON keeps it (amounts as text, so no float creeps in)."""
    return None if value is None else (str(value) if isinstance(value, Decimal) else value)


def _number_text(value):
    return "—" if value is None else "{:,}".format(value)


@import_kind
class AnnualFiguresImport(ImportKindSpec):
    kind = ImportKind.ANNUAL_FIGURES
    capability = MEMBERS_CHANGE
    columns = (
        Column("uscc", "统一社会信用代码", ("信用代码", "社会信用代码"),
               help=gettext_lazy("Finds the enterprise; give it or the member number.")),
        Column("member_number", "会员编号", ("会员号",), help=gettext_lazy("Finds the enterprise when there is no code.")),
        Column("name", "企业名称", ("单位名称", "会员名称"),
               help=gettext_lazy("Only to check the row: a name that differs from the records gets a warning.")),
        Column("year", "年度", ("年份", "统计年度"), required=True, example="2024"),
        Column("revenue", "营业收入（元）", ("营业收入", "营收", "销售收入", "主营业务收入"),
               help=gettext_lazy("In yuan, up to two decimal places."), example="12500000"),
        Column("tax_paid", "纳税额（元）", ("纳税额", "纳税总额", "上缴税金", "税收"),
               help=gettext_lazy("In yuan, up to two decimal places."), example="830000"),
        Column("employees", "员工人数", ("从业人员", "从业人数", "职工人数", "员工数"), example="120"),
    )

    def prepare(self, *, chamber, options):
        enterprises = {pk: (uscc, name) for pk, uscc, name in
                       Enterprise.objects.filter(chamber=chamber).values_list("pk", "uscc", "name")}
        numbers = dict(Membership.objects.filter(chamber=chamber, enterprise__isnull=False).exclude(member_number="")
                       .values_list("member_number", "enterprise_id"))
        figures = {(e, y): (pk, r, t, n) for pk, e, y, r, t, n in AnnualFigures.objects.filter(chamber=chamber)
                   .values_list("pk", "enterprise_id", "year", *FIGURES)}
        return {
            "chamber": chamber,
            "enterprises": enterprises,
            "by_uscc": {uscc: pk for pk, (uscc, _name) in enterprises.items() if uscc},
            "by_number": numbers,
            "figures": figures,
            "seen": set(),  # (enterprise, year) of the rows checked so far: one row each per file
        }

    def read_row(self, values, context, result):
        row = {"enterprise_id": None}
        uscc = cell_normalised(values, "uscc", result, normalize_uscc)
        number = text(values, "member_number")
        if uscc:
            row["enterprise_id"] = context["by_uscc"].get(uscc)
            if row["enterprise_id"] is None:
                result.error("uscc", _("There is no enterprise with this code in this chamber."))
        elif number:
            row["enterprise_id"] = context["by_number"].get(number)
            if row["enterprise_id"] is None:
                result.error("member_number", _("There is no enterprise member with number {} in this chamber.").format(number))
        elif not text(values, "uscc"):
            result.error("uscc", _("Give the enterprise's unified social credit code or member number."))
        name = text(values, "name")
        if row["enterprise_id"] and name and name != context["enterprises"][row["enterprise_id"]][1]:
            result.warn("name", _("The records name this enterprise “{}”.").format(context["enterprises"][row["enterprise_id"]][1]))
        row["year"] = cell_number(values, "year", result, integer=True)
        this_year = timezone.localdate().year
        if row["year"] is not None and not 1949 <= row["year"] <= this_year:
            result.error("year", _("The year must lie between 1949 and {}.").format(this_year))
            row["year"] = None
        elif row["year"] is None and not text(values, "year"):
            result.error("year", _("Please give the year."))
        for key in FIGURES:
            row[key] = cell_number(values, key, result, integer=key == "employees")
        if not any(text(values, key) for key in FIGURES):
            result.error(ROW, _("The row has no figures."))
        row["existing"] = context["figures"].get((row["enterprise_id"], row["year"]))
        return row

    def check_row(self, values, context, result):
        row = self.read_row(values, context, result)
        key = (row["enterprise_id"], row["year"])
        if row["enterprise_id"] and row["year"]:
            if key in context["seen"]:
                result.error(ROW, _("This enterprise's figures for {} are already in an earlier row of the file.").format(row["year"]))
            context["seen"].add(key)
        if row["existing"] and not result.errors:
            labels = {"revenue": _("revenue"), "tax_paid": _("tax paid"), "employees": _("employees")}
            changes = [_("{} {} → {}").format(labels[name], _number_text(old), _number_text(row[name]))
                       for name, old in zip(FIGURES, row["existing"][1:])
                       if row[name] is not None and row[name] != old]
            if changes:
                result.warn(ROW, _("Figures for {} are on record; the import will replace {}.").format(
                    row["year"], "，".join(changes)))

    def apply_row(self, values, context, *, actor):
        row = self.checked_row(values, context)
        uscc, name = context["enterprises"][row["enterprise_id"]]
        # Built from the loaded values: the service needs its pk, chamber and name only.
        enterprise = Enterprise(pk=row["enterprise_id"], chamber=context["chamber"], uscc=uscc, name=name)
        before = dict(zip(FIGURES, row["existing"][1:])) if row["existing"] else {}
        # An empty cell keeps the figure on record rather than erasing it.
        figures = {name: row[name] if row[name] is not None else before.get(name) for name in FIGURES}
        try:
            saved = annual_figures_set(enterprise=enterprise, actor=actor, year=row["year"], **figures)
        except ValidationError as exc:
            raise row_errors(exc, FIELD_COLUMNS) from None
        context["figures"][(row["enterprise_id"], row["year"])] = (saved.pk, *(figures[name] for name in FIGURES))
        return [{"made" if not before else "changed": "figures", "id": saved.pk, "name": name, "year": row["year"],
                 "before": {k: _plain(v) for k, v in before.items()},
                 "after": {k: _plain(v) for k, v in figures.items()}}]

    def undo_rows(self, records, *, chamber, actor, batch=None):
        flat = [record for row_records in reversed(records) for record in reversed(row_records)]
        current = {f.pk: f for f in AnnualFigures.objects.filter(chamber=chamber, pk__in=[r["id"] for r in flat])
                   .select_related("enterprise")}
        # Figures edited since the import would be lost: refuse, naming them.
        changed = [r for r in flat if r["id"] in current and {
            name: _plain(getattr(current[r["id"]], name)) for name in FIGURES} != _normalised(r["after"])]
        if changed:
            raise ValidationError(_(
                "This import cannot be undone: figures it wrote have been changed since for: {}. Nothing was changed."
            ).format("、".join(sorted({"{} {}".format(r["name"], r["year"]) for r in changed}))))
        for record in flat:
            figures = current.get(record["id"])
            if figures is None:
                continue
            if "made" in record:
                figures.delete()
            else:
                annual_figures_set(enterprise=figures.enterprise, actor=actor, year=figures.year,
                                   **{name: _value(name, record["before"].get(name)) for name in FIGURES})


def _value(name, value):
    if value is None:
        return None
    return int(value) if name == "employees" else Decimal(value)


def _normalised(after):
    """The stored figures as the database gives them back (amounts with two decimals)."""
    return {name: None if after.get(name) is None else _plain(
        _value(name, after[name]).quantize(Decimal("0.01")) if name != "employees" else int(after[name]))
        for name in FIGURES}
