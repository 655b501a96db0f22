"""Enterprises: normalised identifiers, pinyin initials, uniqueness per chamber, annual figures."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from chamber.models import AuditEntry
from members.models import AnnualFigures, Enterprise
from members.services import annual_figures_set, enterprise_create, enterprise_update
from tests.factories import make_uscc

USCC = "91350100M000100Y43"


def test_create_normalises_uscc_and_computes_initials(in_chamber):
    e = enterprise_create(chamber=in_chamber, actor=None, name=" 苏州光电科技有限公司 ", uscc=" 91350100m000100y43",
                          industry_code="3831", division_code="320505")
    e.refresh_from_db()
    assert e.uscc == USCC
    assert e.industry_code == "C3831"
    assert e.name == "苏州光电科技有限公司"
    assert e.name_initials.startswith("szgd")
    entry = AuditEntry.objects.get(target_type="members.enterprise", target_id=str(e.pk))
    assert entry.action == "create"
    assert entry.changes["uscc"] == [None, USCC]


def test_update_recomputes_initials(in_chamber, make_enterprise):
    e = make_enterprise("苏州光电")
    enterprise_update(enterprise=e, actor=None, name="无锡光电")
    e.refresh_from_db()
    assert e.name_initials == "wxgd"


def test_duplicate_uscc_in_same_chamber_is_refused(in_chamber):
    enterprise_create(chamber=in_chamber, actor=None, name="甲", uscc=USCC)
    with pytest.raises(ValidationError) as exc:
        enterprise_create(chamber=in_chamber, actor=None, name="乙", uscc=USCC.lower())
    assert "uscc" in exc.value.message_dict
    assert Enterprise.objects.filter(uscc=USCC).count() == 1


def test_duplicate_uscc_through_update_is_refused(in_chamber, make_enterprise):
    make_enterprise("甲", uscc=USCC)
    other = make_enterprise("乙")
    with pytest.raises(ValidationError) as exc:
        enterprise_update(enterprise=other, actor=None, uscc=USCC)
    assert "uscc" in exc.value.message_dict


def test_same_uscc_in_another_chamber_is_fine(chamber, other_chamber):
    with scope(chamber=chamber):
        enterprise_create(chamber=chamber, actor=None, name="甲", uscc=USCC)
    with scope(chamber=other_chamber):
        e = enterprise_create(chamber=other_chamber, actor=None, name="甲", uscc=USCC)
    assert e.pk


def test_enterprises_without_uscc_do_not_clash(in_chamber):
    enterprise_create(chamber=in_chamber, actor=None, name="个体一")
    enterprise_create(chamber=in_chamber, actor=None, name="个体二")
    assert Enterprise.objects.filter(uscc="").count() == 2


@pytest.mark.parametrize("field,value", [
    ("uscc", "91350100M000100Y44"),
    ("industry_code", "B38"),
    ("industry_code", "98"),
    ("division_code", "990000"),
    ("division_code", "32050"),
    ("website", "not a url"),
    ("registered_capital", Decimal("-1")),
])
def test_bad_fields_are_refused_with_their_key(in_chamber, field, value):
    with pytest.raises(ValidationError) as exc:
        enterprise_create(chamber=in_chamber, actor=None, name="甲", **{field: value})
    assert field in exc.value.message_dict
    assert Enterprise.objects.count() == 0


def test_annual_figures_one_row_per_year_and_audited(in_chamber, make_enterprise, admin_user):
    e = make_enterprise()
    first = annual_figures_set(enterprise=e, actor=admin_user, year=2023, revenue=Decimal("1000000.00"),
                               tax_paid=Decimal("50000.00"), employees=120)
    second = annual_figures_set(enterprise=e, actor=admin_user, year=2023, revenue=Decimal("1200000.00"),
                                tax_paid=Decimal("50000.00"), employees=130)
    annual_figures_set(enterprise=e, actor=admin_user, year=2024, revenue=Decimal("1.00"))
    assert second.pk == first.pk
    assert AnnualFigures.objects.filter(enterprise=e, year=2023).count() == 1
    assert AnnualFigures.objects.filter(enterprise=e).count() == 2
    row = AnnualFigures.objects.get(pk=first.pk)
    assert row.revenue == Decimal("1200000.00") and row.employees == 130
    update = AuditEntry.objects.filter(target_type="members.enterprise", target_id=str(e.pk), action="figures 2023").order_by("pk").last()
    assert update.actor == admin_user
    assert update.changes == {"revenue": ["1000000.00", "1200000.00"], "employees": [120, 130]}


def test_annual_figures_unchanged_write_no_audit(in_chamber, make_enterprise):
    e = make_enterprise()
    annual_figures_set(enterprise=e, actor=None, year=2023, revenue=Decimal("10.00"))
    before = AuditEntry.objects.count()
    annual_figures_set(enterprise=e, actor=None, year=2023, revenue=Decimal("10.00"))
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("field", ["revenue", "tax_paid"])
def test_negative_figures_are_refused(in_chamber, make_enterprise, field):
    e = make_enterprise()
    with pytest.raises(ValidationError) as exc:
        annual_figures_set(enterprise=e, actor=None, year=2023, **{field: Decimal("-0.01")})
    assert field in exc.value.message_dict
    assert AnnualFigures.objects.count() == 0


def test_enterprise_of_another_chamber_is_invisible_here(chamber, other_chamber):
    with scope(chamber=other_chamber):
        theirs = enterprise_create(chamber=other_chamber, actor=None, name="外地企业", uscc=make_uscc(424242))
    with scope(chamber=chamber):
        assert not Enterprise.objects.filter(pk=theirs.pk).exists()


def test_annual_figures_same_amount_written_differently_is_not_a_change(in_chamber, make_enterprise):
    """10, "10" and 10.00 are one amount: rewriting it must not log a change."""
    e = make_enterprise()
    annual_figures_set(enterprise=e, actor=None, year=2023, revenue=Decimal("10.00"), employees=5)
    before = AuditEntry.objects.count()
    annual_figures_set(enterprise=e, actor=None, year=2023, revenue=Decimal("10"), employees=5)
    annual_figures_set(enterprise=e, actor=None, year=2023, revenue=10, employees=5)
    assert AuditEntry.objects.count() == before


def test_registered_capital_written_differently_is_not_a_change(chamber, member):
    from decimal import Decimal

    from django_scopes import scope

    from chamber.models import AuditEntry
    from members.services import enterprise_update

    enterprise = member.enterprise
    with scope(chamber=chamber):
        enterprise_update(enterprise=enterprise, actor=None, registered_capital=Decimal("100.00"))
        before = AuditEntry.objects.count()
        enterprise.refresh_from_db()
        enterprise_update(enterprise=enterprise, actor=None, registered_capital="100")
        assert AuditEntry.objects.count() == before
