"""The annual figures import kind (members/imports/figures.py)."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_scopes import scope

from chamber.interchange.kinds import ROW
from members.models import AnnualFigures, Enterprise
from members.services import annual_figures_set

from ..factories import make_uscc
from . import kind_fixtures
from .kind_fixtures import (
    apply_rows,
    batch_rows,
    check_row,
    check_rows,
    import_commit_as,
    import_file,
    import_undo_as,
    undo_rows,
)

kind_media = kind_fixtures.kind_media  # uploaded files in a temporary folder (a fixture)
KIND = "annual_figures"


def figures_row(member, **values):
    row = {"uscc": member.enterprise.uscc, "year": "2023", "revenue": "12,500,000.50", "tax_paid": "830000元",
           "employees": "120"}
    row.update(values)
    return row


def stored(chamber):
    with scope(chamber=chamber):
        return {(f.enterprise_id, f.year): (f.revenue, f.tax_paid, f.employees)
                for f in AnnualFigures.objects.filter(chamber=chamber)}


def test_clean_rows_pass(chamber, member):
    rows = [figures_row(member), figures_row(member, uscc="", member_number="GD-001", year="2022", tax_paid="",
                                             employees="", name="苏州光电缆有限公司")]
    for result in check_rows(KIND, chamber, rows):
        assert result.errors == {} and result.warnings == {}


@pytest.mark.parametrize("values, key", [
    ({"uscc": make_uscc(999999)}, "uscc"),
    ({"uscc": "", "member_number": "GD-999"}, "member_number"),
    ({"uscc": ""}, "uscc"),
    ({"year": ""}, "year"),
    ({"year": "1948"}, "year"),
    ({"year": str(timezone.localdate().year + 1)}, "year"),
    ({"year": "二〇二三"}, "year"),
    ({"revenue": "-5"}, "revenue"),
    ({"revenue": "很多"}, "revenue"),
    ({"tax_paid": "1.005"}, "tax_paid"),
    ({"employees": "12.5"}, "employees"),
    ({"revenue": "", "tax_paid": "", "employees": ""}, ROW),
])
def test_errors_land_in_their_cell(chamber, member, values, key):
    result = check_row(KIND, chamber, figures_row(member, **values))
    assert list(result.errors) == [key], result.errors


def test_messages_in_chinese(chamber, member):
    with translation.override("zh-hans"):
        result = check_row(KIND, chamber, figures_row(member, uscc="91320500MA1XXXXXX1"))
    assert result.errors["uscc"] == ["统一社会信用代码的校验位不正确，请核对。"]


def test_one_row_per_enterprise_and_year(chamber, member):
    first, second = check_rows(KIND, chamber, [figures_row(member), figures_row(member, uscc="", member_number="GD-001")])
    assert first.errors == {} and list(second.errors) == [ROW]


def test_a_different_name_is_a_warning(chamber, member):
    result = check_row(KIND, chamber, figures_row(member, name="苏州光电缆公司"))
    assert result.errors == {} and list(result.warnings) == ["name"]


def test_replacing_figures_warns_with_old_and_new(chamber, member):
    with scope(chamber=chamber):
        annual_figures_set(enterprise=member.enterprise, actor=None, year=2023, revenue=Decimal("1000"),
                           tax_paid=Decimal("830000"), employees=100)
    with translation.override("en"):
        result = check_row(KIND, chamber, figures_row(member, revenue="2000"))
    assert result.errors == {}
    message = result.warnings[ROW][0]
    assert "1,000.00 → 2,000" in message and "100 → 120" in message and "830" not in message


def test_apply_and_undo(chamber, member, admin_user):
    with scope(chamber=chamber):
        annual_figures_set(enterprise=member.enterprise, actor=None, year=2022, revenue=Decimal("1000"),
                           tax_paid=Decimal("50"), employees=10)
    before = stored(chamber)
    records = apply_rows(KIND, chamber, [figures_row(member), figures_row(member, year="2022", tax_paid="")], admin_user)
    after = stored(chamber)
    assert after[(member.enterprise_id, 2023)] == (Decimal("12500000.50"), Decimal("830000.00"), 120)
    # An empty cell keeps the figure on record.
    assert after[(member.enterprise_id, 2022)] == (Decimal("12500000.50"), Decimal("50.00"), 120)
    undo_rows(KIND, chamber, records, admin_user)
    assert stored(chamber) == before


def test_undo_refused_when_figures_changed_since(chamber, member, admin_user):
    records = apply_rows(KIND, chamber, [figures_row(member)], admin_user)
    with scope(chamber=chamber):
        annual_figures_set(enterprise=member.enterprise, actor=None, year=2023, revenue=Decimal("1"))
    before = stored(chamber)
    with pytest.raises(ValidationError) as caught:
        undo_rows(KIND, chamber, records, admin_user)
    assert "苏州光电缆有限公司 2023" in caught.value.messages[0]
    assert stored(chamber) == before


def test_tenant_safety(chamber, member, other_chamber):
    with scope(chamber=other_chamber):
        other = Enterprise.objects.get(chamber=other_chamber)
    assert list(check_row(KIND, chamber, figures_row(member, uscc=other.uscc)).errors) == ["uscc"]


def test_file_end_to_end(kind_media, chamber, member, admin_user):
    with scope(chamber=chamber):
        annual_figures_set(enterprise=member.enterprise, actor=None, year=2022, revenue=Decimal("1000"), employees=10)
    before = stored(chamber)
    headers = ["统一社会信用代码", "会员号", "年份", "营业收入", "纳税总额", "从业人员"]
    rows = [[member.enterprise.uscc, None, 2023, 12500000.5, "830,000", 120],
            [None, "GD-001", "2022", 2000, None, None]]
    batch = import_file(chamber, admin_user, KIND, headers, rows)
    found = batch_rows(batch)
    assert batch.error_rows == 0 and found[2].warnings == {} and list(found[3].warnings) == [ROW]
    assert import_commit_as(chamber, admin_user, batch, "all").imported_rows == 2
    assert stored(chamber)[(member.enterprise_id, 2022)] == (Decimal("2000.00"), None, 10)
    assert stored(chamber)[(member.enterprise_id, 2023)] == (Decimal("12500000.50"), Decimal("830000.00"), 120)
    import_undo_as(chamber, admin_user, batch)
    assert stored(chamber) == before
