"""Starter rubrics: installed idempotently, each passes the check, and the Nanjing star
rating has the shape the report describes (3 aspects, 14 items, 23 sub-items, 100 points)."""
from decimal import Decimal

import pytest
from django.core.management import call_command
from django_scopes import scope

from evaluations.interchange import version_document
from evaluations.models import GradeRule, Indicator, Scheme, SchemeKind, SchemeVersion
from evaluations.rubrics import version_check, version_grade_specs, version_leaf_rules, version_notes
from evaluations.starters import starter_documents, starter_schemes_install


@pytest.fixture
def installed(federation, fed_admin):
    with scope(chamber=federation):
        return starter_schemes_install(chamber=federation, actor=fed_admin)


def test_every_starter_installs_and_passes_the_check(federation, installed):
    assert len(installed) == len(starter_documents()) == 5
    with scope(chamber=federation):
        for version in installed:
            assert version_check(version) == [], str(version)


def test_installing_twice_creates_nothing_more(federation, fed_admin, installed):
    with scope(chamber=federation):
        counts = (Scheme.objects.count(), SchemeVersion.objects.count(), Indicator.objects.count(),
                  GradeRule.objects.count())
        assert starter_schemes_install(chamber=federation, actor=fed_admin) == []
        assert (Scheme.objects.count(), SchemeVersion.objects.count(), Indicator.objects.count(),
                GradeRule.objects.count()) == counts


def test_an_edited_starter_is_left_alone(federation, fed_admin, installed):
    star = next(v for v in installed if v.scheme.kind == SchemeKind.STAR_RATING)
    with scope(chamber=federation):
        Indicator.objects.filter(version=star, code="1.1").update(title="组织建设（本地修改）")
        starter_schemes_install(chamber=federation, actor=fed_admin)
        assert Indicator.objects.get(version=star, code="1.1").title == "组织建设（本地修改）"


def test_nanjing_star_rating_shape(federation, installed):
    star = next(v for v in installed if v.scheme.kind == SchemeKind.STAR_RATING)
    with scope(chamber=federation):
        nodes = list(Indicator.objects.filter(version=star).order_by("sort_key"))
        depths = [n.depth for n in nodes]
        assert (depths.count(1), depths.count(2), depths.count(3)) == (3, 14, 23)
        assert [n.title for n in nodes if n.depth == 1] == ["会务", "硬件", "发展"]
        assert sum(n.max_points for n in nodes if n.depth == 1) == Decimal("100") == star.max_points
        development = next(n for n in nodes if n.title == "促进地方经济社会发展")
        assert development.max_points == Decimal("20") and development.depth == 2
        assert {n.title[:4] for n in nodes if n.parent_id == development.pk} == {"以商招商", "协税护税", "吸纳就业",
                                                                                  "社会公益"}
        offices = [n for n in nodes if "办公场所" in n.title]
        assert offices and all(n.sort_key.startswith(nodes[[m.title for m in nodes].index("硬件")].sort_key)
                               for n in offices)
        leaves = version_leaf_rules(star).values()
        assert {r.mode for r in leaves} == {"graded", "points", "yes_no"}
        assert sum(r.is_veto for r in leaves) == 1
        assert [r.max_points for r in leaves if r.is_bonus] == [Decimal("10")] and star.bonus_cap == Decimal("5")
        assert all(n.evidence_required for n in nodes if not n.is_veto and n.pk in {r.id for r in leaves})
        grades = {g.level: g for g in version_grade_specs(star)}
        assert (grades[4].min_total, grades[4].requires_level, grades[4].requires_held_days) == (Decimal("80"), 3, 365)
        assert (grades[5].min_total, grades[5].requires_level, grades[5].requires_held_days) == (Decimal("90"), 4, 365)
        assert star.validity_months == 36
        # Three stars come from the district federations: a note, not a problem.
        assert len(version_notes(star)) == 1


def test_both_four_good_versions_live_side_by_side(federation, installed):
    with scope(chamber=federation):
        scheme = Scheme.objects.get(kind=SchemeKind.FOUR_GOOD)
        versions = {v.label: v for v in scheme.versions.all()}
        assert set(versions) == {"2017", "2019"}
        aspects = {label: list(Indicator.objects.filter(version=v, depth=1).order_by("sort_key")
                               .values_list("title", flat=True)) for label, v in versions.items()}
    assert aspects["2017"] == ["班子建设好", "团结教育好", "服务发展好", "自律规范好"]
    assert aspects["2019"] == ["政治引领好", "队伍建设好", "服务发展好", "自律规范好"]


def test_five_good_and_5a_skeleton(federation, installed):
    with scope(chamber=federation):
        five = SchemeVersion.objects.get(scheme__kind=SchemeKind.FIVE_GOOD)
        assert Indicator.objects.filter(version=five, depth=1).count() == 5
        grade = SchemeVersion.objects.get(scheme__kind=SchemeKind.SOCIAL_ORG_GRADE)
        assert grade.max_points == Decimal("1000")
        assert list(Indicator.objects.filter(version=grade, depth=1).order_by("sort_key").values_list(
            "title", flat=True)) == ["基础条件", "内部治理", "工作绩效", "社会评价"]
        assert [(g.label, g.min_total) for g in sorted(version_grade_specs(grade), key=lambda g: g.level)] == [
            ("1A", 500), ("2A", 600), ("3A", 700), ("4A", 800), ("5A", 900)]


def test_starter_files_round_trip(federation, installed):
    """What is installed exports back to the very file it came from."""
    documents = starter_documents()
    with scope(chamber=federation):
        for document, version in zip(documents, installed):
            assert version_document(version) == document


def test_management_command(federation, capsys):
    call_command("evaluation_starters", federation.slug)
    assert capsys.readouterr().out.count("installed:") == 5
    call_command("evaluation_starters", federation.slug)
    assert "nothing to install" in capsys.readouterr().out
    with scope(chamber=federation):
        assert SchemeVersion.objects.count() == 5


def test_management_command_unknown_chamber(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("evaluation_starters", "no-such-chamber")
