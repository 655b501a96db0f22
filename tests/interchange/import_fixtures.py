"""Fixtures for the import pipeline's tests: a small import kind that makes branches (so the
pipeline is tested apart from the real kinds), real .xlsx / CSV builders, private storage
in a temporary folder.

Use with `from .import_fixtures import *` in a test module.
"""
import io

import openpyxl
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from branches.models import Branch
from branches.services import branch_create
from chamber.access import MEMBERS_CHANGE, access_for_user
from chamber.interchange import kinds as kinds_module
from chamber.interchange.cells import parse_date
from chamber.interchange.kinds import Column, ImportKindSpec

__all__ = ["TEST_KIND", "private_media", "test_kind", "xlsx_bytes", "csv_bytes", "upload", "access_of",
           "BranchKind", "in_scope"]

TEST_KIND = "test_branches"


class BranchOptions(forms.Form):
    """Options chosen once per file: the parent the branches go under (this chamber's only)."""

    parent = forms.ModelChoiceField(queryset=Branch.objects.none(), required=False)

    def __init__(self, data=None, *, chamber):
        super().__init__(data)
        self.fields["parent"].queryset = Branch.objects.filter(chamber=chamber)


class BranchKind(ImportKindSpec):
    """A test-only kind: one branch per row."""

    kind = TEST_KIND
    capability = MEMBERS_CHANGE
    columns = (
        Column("name", "分会名称", aliases=("名称", "Name"), required=True, example="光学分会"),
        Column("code", "编码", aliases=("代码", "Code"), example="OPT"),
        Column("founded", "成立日期", example="2020-01-31"),
        Column("mobile", "联系手机", aliases=("手机",), example="13800138000"),
        Column("active", "是否启用", example="是"),
    )
    unique_in_file = ("code",)
    options_form = BranchOptions

    def prepare(self, *, chamber, options):
        branches = Branch.objects.filter(chamber=chamber)
        return {"chamber": chamber, "names": set(branches.values_list("name", flat=True)),
                "codes": set(branches.exclude(code="").values_list("code", flat=True)),
                "parent": branches.filter(pk=options.get("parent")).first() if options.get("parent") else None}

    def check_row(self, values, context, result):
        name = values.get("name", "")
        if not name:
            result.error("name", "请填写分会名称。")
        elif name in context["names"]:
            result.error("name", "已有同名分会：{}".format(name))
        if values.get("code") and values["code"] in context["codes"]:
            result.error("code", "编码已被占用。")
        try:
            parse_date(values.get("founded"))
        except ValidationError as error:
            result.error("founded", error.messages[0])
        mobile = values.get("mobile", "")
        if mobile and (len(mobile) != 11 or not mobile.isdigit()):
            result.warn("mobile", "手机号码不是11位。")

    def apply_row(self, values, context, *, actor):
        branch = branch_create(chamber=context["chamber"], actor=actor, name=values["name"], kind="branch",
                               code=values.get("code", ""), parent=context["parent"],
                               founded_on=parse_date(values.get("founded")))
        context["names"].add(branch.name)
        return [{"branch": branch.pk}]

    def undo_rows(self, records, *, chamber, actor, batch=None):
        ids = [r["branch"] for records_of_row in records for r in records_of_row]
        made = Branch.objects.filter(chamber=chamber, pk__in=ids)
        if Branch.objects.filter(parent__in=made).exclude(pk__in=ids).exists():
            raise ValidationError("导入的分会下已有子分会，无法撤销。")
        for branch in made.order_by("-depth"):
            branch.delete()


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def test_kind(private_media):
    kinds_module.import_kinds()  # load the real kinds first, so ours is not overwritten
    spec = BranchKind()
    kinds_module._REGISTRY[TEST_KIND] = spec
    yield spec
    kinds_module._REGISTRY.pop(TEST_KIND, None)


def xlsx_bytes(rows, *, title=None, sheets=None):
    """A real workbook: `rows` on the first sheet (lists of cell values)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, extra in (sheets or {}).items():
        other = workbook.create_sheet(name)
        for row in extra:
            other.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8"):
    text = "\r\n".join(",".join(str(c) for c in row) for row in rows) + "\r\n"
    return text.encode(encoding)


def upload(content, name="roster.xlsx"):
    return SimpleUploadedFile(name, content)


def access_of(chamber, user):
    with scope(chamber=chamber):
        return access_for_user(chamber, user)


def in_scope(chamber):
    return scope(chamber=chamber)

