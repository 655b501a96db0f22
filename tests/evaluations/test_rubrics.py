"""Rubric services: schemes, versions, the indicator tree (sort keys, moves), grade rules,
copying, the check, and a frozen version refusing every edit."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_scopes import scope

from chamber.models import AuditEntry
from evaluations.models import GradeRule, Indicator, Scheme, SchemeKind, SchemeVersion, ScoringMode
from evaluations.rubrics import (
    grade_rule_create,
    grade_rule_delete,
    grade_rule_update,
    indicator_create,
    indicator_delete,
    indicator_move,
    indicator_update,
    scheme_create,
    scheme_update,
    version_check,
    version_copy,
    version_create,
    version_delete,
    version_tree,
    version_update,
)


@pytest.fixture
def draft(federation, fed_admin):
    """An empty, unfrozen version of a new scheme."""
    with scope(chamber=federation):
        scheme = scheme_create(chamber=federation, actor=fed_admin, kind=SchemeKind.FOUR_GOOD, name="四好商会")
        return version_create(scheme=scheme, actor=fed_admin, label="2019", max_points=Decimal("100"))


def keys(version):
    return [(n.title, n.sort_key, n.depth, n.position) for n in version_tree(version)]


def add(version, actor, title, points=0, parent=None, **fields):
    return indicator_create(version=version, actor=actor, title=title, max_points=Decimal(points), parent=parent,
                            **fields)


# --- Schemes and versions ---------------------------------------------------------------------------


def test_scheme_names_are_unique_per_chamber(federation, fed_admin, affiliate):
    with scope(chamber=federation):
        scheme_create(chamber=federation, actor=fed_admin, kind=SchemeKind.STAR_RATING, name="星级考评")
        with pytest.raises(ValidationError) as error:
            scheme_create(chamber=federation, actor=fed_admin, kind=SchemeKind.STAR_RATING, name="星级考评")
        assert set(error.value.message_dict) == {"name"}
        with pytest.raises(ValidationError) as error:
            scheme_create(chamber=federation, actor=fed_admin, kind="nonsense", name="")
        assert set(error.value.message_dict) == {"kind", "name"}
    with scope(chamber=affiliate):
        scheme_create(chamber=affiliate, actor=None, kind=SchemeKind.STAR_RATING, name="星级考评")  # another chamber


def test_scheme_update_renames_and_audits(federation, fed_admin, draft):
    with scope(chamber=federation):
        scheme = scheme_update(scheme=draft.scheme, actor=fed_admin, name="四好商会认定", description="全国工商联")
        assert Scheme.objects.get(pk=scheme.pk).name == "四好商会认定"
        entry = AuditEntry.objects.filter(action="update", target_type="evaluations.scheme").get()
        assert entry.changes["name"] == ["四好商会", "四好商会认定"]


def test_version_create_validates(federation, fed_admin, draft):
    with scope(chamber=federation):
        with pytest.raises(ValidationError) as error:
            version_create(scheme=draft.scheme, actor=fed_admin, label="2019", max_points="100")
        assert set(error.value.message_dict) == {"label"}
        with pytest.raises(ValidationError) as error:
            version_create(scheme=draft.scheme, actor=fed_admin, label="2020", max_points="0", bonus_cap="-1",
                           validity_months=0)
        assert set(error.value.message_dict) == {"max_points", "bonus_cap", "validity_months"}
        with pytest.raises(ValidationError) as error:
            version_create(scheme=draft.scheme, actor=fed_admin, label="2021", max_points="12.345")
        assert set(error.value.message_dict) == {"max_points"}
        assert SchemeVersion.objects.count() == 1


def test_version_update(federation, fed_admin, draft):
    with scope(chamber=federation):
        version_update(version=draft, actor=fed_admin, label="2019版", bonus_cap="5", validity_months=24,
                       effective_from="2019-03-01")
        draft.refresh_from_db()
        assert (draft.label, draft.bonus_cap, draft.validity_months, str(draft.effective_from)) == (
            "2019版", Decimal("5"), 24, "2019-03-01")
        with pytest.raises(TypeError):
            version_update(version=draft, actor=fed_admin, frozen_at=None)


# --- The indicator tree ----------------------------------------------------------------------------


def test_sort_keys_and_depths(federation, fed_admin, draft):
    with scope(chamber=federation):
        a = add(draft, fed_admin, "政治引领好", 50)
        b = add(draft, fed_admin, "队伍建设好", 50)
        a1 = add(draft, fed_admin, "党建", 30, parent=a)
        a2 = add(draft, fed_admin, "教育", 20, parent=a)
        a0 = add(draft, fed_admin, "最先", 0, parent=a, position=1)
        assert keys(draft) == [
            ("政治引领好", "001", 1, 1), ("最先", "001.001", 2, 1), ("党建", "001.002", 2, 2),
            ("教育", "001.003", 2, 3), ("队伍建设好", "002", 1, 2)]
        assert (a0.sort_key, b.sort_key, a2.depth) == ("001.001", "002", 2)
        a1.refresh_from_db()
        assert (a1.sort_key, a1.position) == ("001.002", 2)


def test_move_up_and_down_among_siblings(federation, fed_admin, draft):
    with scope(chamber=federation):
        a = add(draft, fed_admin, "A")
        add(draft, fed_admin, "A1", parent=a)
        b = add(draft, fed_admin, "B")
        indicator_move(indicator=b, actor=fed_admin, direction="up")
        assert b.sort_key == "001"
        assert keys(draft) == [("B", "001", 1, 1), ("A", "002", 1, 2), ("A1", "002.001", 2, 1)]
        indicator_move(indicator=b, actor=fed_admin, direction="up")  # already first: nothing happens
        assert keys(draft)[0] == ("B", "001", 1, 1)
        indicator_move(indicator=b, actor=fed_admin, direction="down")
        assert [k[0] for k in keys(draft)] == ["A", "A1", "B"]
        with pytest.raises(ValidationError):
            indicator_move(indicator=b, actor=fed_admin, direction="sideways")


def test_reparent_moves_the_subtree(federation, fed_admin, draft):
    with scope(chamber=federation):
        a = add(draft, fed_admin, "A")
        b = add(draft, fed_admin, "B")
        b1 = add(draft, fed_admin, "B1", parent=b)
        add(draft, fed_admin, "B1x", parent=b1)
        add(draft, fed_admin, "A1", parent=a)
        indicator_move(indicator=b, actor=fed_admin, parent=a)
        assert keys(draft) == [("A", "001", 1, 1), ("A1", "001.001", 2, 1), ("B", "001.002", 2, 2),
                               ("B1", "001.002.001", 3, 1), ("B1x", "001.002.001.001", 4, 1)]
        indicator_move(indicator=b1, actor=fed_admin, parent=None)
        assert keys(draft) == [("A", "001", 1, 1), ("A1", "001.001", 2, 1), ("B", "001.002", 2, 2),
                               ("B1", "002", 1, 2), ("B1x", "002.001", 2, 1)]


def test_cannot_move_under_itself_or_into_another_version(federation, fed_admin, draft, star_version):
    with scope(chamber=federation):
        a = add(draft, fed_admin, "A")
        a1 = add(draft, fed_admin, "A1", parent=a)
        for parent in (a, a1):
            with pytest.raises(ValidationError) as error:
                indicator_move(indicator=a, actor=fed_admin, parent=parent)
            assert set(error.value.message_dict) == {"parent"}
        foreign = Indicator.objects.filter(version=star_version).first()
        with pytest.raises(ValidationError):
            indicator_move(indicator=a1, actor=fed_admin, parent=foreign)
        with pytest.raises(ValidationError):
            add(draft, fed_admin, "X", parent=foreign)
        assert keys(draft) == [("A", "001", 1, 1), ("A1", "001.001", 2, 1)]


def test_depth_is_limited(federation, fed_admin, draft):
    with scope(chamber=federation):
        parent = None
        for level in range(8):
            parent = add(draft, fed_admin, "L{}".format(level), parent=parent)
        with pytest.raises(ValidationError):
            add(draft, fed_admin, "too deep", parent=parent)


def test_delete_removes_the_subtree_and_closes_the_gap(federation, fed_admin, draft):
    with scope(chamber=federation):
        a = add(draft, fed_admin, "A")
        add(draft, fed_admin, "A1", parent=a)
        add(draft, fed_admin, "B")
        indicator_delete(indicator=a, actor=fed_admin)
        assert keys(draft) == [("B", "001", 1, 1)]
        entry = AuditEntry.objects.get(action="delete", target_type="evaluations.indicator")
        assert entry.changes["items_below"] == [1, None]


def test_indicator_fields_are_validated(federation, fed_admin, draft):
    with scope(chamber=federation):
        cases = [
            ({"mode": ScoringMode.GRADED, "max_points": "20"}, "options"),  # no options
            ({"mode": ScoringMode.GRADED, "max_points": "20", "options": ["25", "20"]}, "options"),  # above max
            ({"mode": ScoringMode.GRADED, "max_points": "20", "options": "15/10/0"}, "options"),  # no full score
            ({"is_veto": True, "mode": ScoringMode.POINTS}, "mode"),
            ({"is_veto": True, "is_bonus": True, "mode": ScoringMode.YES_NO}, "is_bonus"),
            ({"max_points": "-1"}, "max_points"),
            ({"mode": "stars"}, "mode"),
        ]
        for fields, field in cases:
            with pytest.raises(ValidationError) as error:
                indicator_create(version=draft, actor=fed_admin, title="X", **fields)
            assert field in error.value.message_dict, fields
        with pytest.raises(ValidationError) as error:
            indicator_create(version=draft, actor=fed_admin, title="  ")
        assert set(error.value.message_dict) == {"title"}
        assert not Indicator.objects.filter(version=draft).exists()
        graded = indicator_create(version=draft, actor=fed_admin, title="会议", max_points="20",
                                  mode=ScoringMode.GRADED, options="20、10、15、0")
        assert graded.options == ["20", "15", "10", "0"]


def test_indicator_update_checks_against_the_stored_values(federation, fed_admin, draft):
    with scope(chamber=federation):
        graded = add(draft, fed_admin, "会议", 20, mode=ScoringMode.GRADED, options=["20", "10", "0"])
        with pytest.raises(ValidationError) as error:
            indicator_update(indicator=graded, actor=fed_admin, max_points="10")  # 20 is now above the max
        assert set(error.value.message_dict) == {"options"}
        indicator_update(indicator=graded, actor=fed_admin, max_points="10", options="10/5/0", title="会员大会")
        graded.refresh_from_db()
        assert (graded.title, graded.max_points, graded.options) == ("会员大会", Decimal("10"), ["10", "5", "0"])
        indicator_update(indicator=graded, actor=fed_admin, mode=ScoringMode.POINTS)
        graded.refresh_from_db()
        assert graded.options == []
        with pytest.raises(TypeError):
            indicator_update(indicator=graded, actor=fed_admin, sort_key="999")


# --- Grade rules -----------------------------------------------------------------------------------


def test_grade_rules(federation, fed_admin, draft):
    with scope(chamber=federation):
        four = grade_rule_create(version=draft, actor=fed_admin, code="good", label="四好商会", level=1,
                                 min_total="85")
        with pytest.raises(ValidationError) as error:
            grade_rule_create(version=draft, actor=fed_admin, code="good", label="重复", level=1, min_total="90")
        assert set(error.value.message_dict) == {"code", "level"}
        with pytest.raises(ValidationError) as error:
            grade_rule_create(version=draft, actor=fed_admin, code="Top Grade", label="", level=2, min_total="x",
                              requires_level=2)
        assert set(error.value.message_dict) == {"code", "label", "min_total", "requires_level"}
        top = grade_rule_create(version=draft, actor=fed_admin, code="top", label="示范", level=2, min_total="95",
                                requires_level=1, requires_held_days=365)
        with pytest.raises(ValidationError) as error:
            grade_rule_update(rule=four, actor=fed_admin, level=2)
        assert set(error.value.message_dict) == {"level"}
        with pytest.raises(ValidationError) as error:
            grade_rule_update(rule=top, actor=fed_admin, requires_level=3)  # not below its own level 2
        assert set(error.value.message_dict) == {"requires_level"}
        grade_rule_update(rule=four, actor=fed_admin, min_total="80")
        grade_rule_delete(rule=top, actor=fed_admin)
        assert list(GradeRule.objects.filter(version=draft).values_list("code", "min_total")) == [
            ("good", Decimal("80"))]


# --- Frozen versions -------------------------------------------------------------------------------


FROZEN = "This version is used by a campaign and can no longer be changed. Copy it to a new version instead."


@translation.override("en")
def test_a_frozen_version_refuses_every_edit(federation, fed_admin, campaign, star_version):
    version = campaign.version
    assert version.is_frozen
    with scope(chamber=federation):
        leaf = Indicator.objects.get(version=version, code="1.2")
        aspect = Indicator.objects.get(version=version, code="1")
        rule = GradeRule.objects.filter(version=version).first()
        before = keys(version), list(GradeRule.objects.filter(version=version).values_list("code", "min_total"))
        edits = [
            lambda: version_update(version=version, actor=fed_admin, label="改"),
            lambda: version_delete(version=version, actor=fed_admin),
            lambda: indicator_create(version=version, actor=fed_admin, title="新"),
            lambda: indicator_update(indicator=leaf, actor=fed_admin, title="改"),
            lambda: indicator_delete(indicator=leaf, actor=fed_admin),
            lambda: indicator_move(indicator=leaf, actor=fed_admin, direction="up"),
            lambda: indicator_move(indicator=leaf, actor=fed_admin, parent=None),
            lambda: indicator_move(indicator=aspect, actor=fed_admin, direction="down"),
            lambda: grade_rule_create(version=version, actor=fed_admin, code="x", label="x", level=1, min_total=1),
            lambda: grade_rule_update(rule=rule, actor=fed_admin, min_total="1"),
            lambda: grade_rule_delete(rule=rule, actor=fed_admin),
        ]
        for edit in edits:
            with pytest.raises(ValidationError) as error:
                edit()
            assert error.value.messages == [FROZEN]
        version.refresh_from_db()
        assert version.label == "2026"
        assert (keys(version), list(GradeRule.objects.filter(version=version).values_list("code", "min_total"))) \
            == before


def test_freezing_meanwhile_wins(federation, fed_admin, draft):
    """The version was read before a campaign froze it: the lock re-reads frozen_at."""
    with scope(chamber=federation):
        SchemeVersion.objects.filter(pk=draft.pk).update(frozen_at=timezone.now())
        assert draft.frozen_at is None  # the stale copy
        with pytest.raises(ValidationError):
            indicator_create(version=draft, actor=fed_admin, title="迟到")
        assert not Indicator.objects.filter(version=draft).exists()


def test_version_delete(federation, fed_admin, draft, campaign):
    with scope(chamber=federation):
        version_delete(version=draft, actor=fed_admin)
        assert not SchemeVersion.objects.filter(pk=draft.pk).exists()


# --- Copying ---------------------------------------------------------------------------------------


def test_copy_a_frozen_version_into_an_editable_one(federation, fed_admin, campaign):
    frozen = campaign.version
    with scope(chamber=federation):
        copy = version_copy(version=frozen, actor=fed_admin, label="2027")
        assert not copy.is_frozen and copy.scheme_id == frozen.scheme_id
        assert (copy.max_points, copy.bonus_cap, copy.validity_months) == (
            frozen.max_points, frozen.bonus_cap, frozen.validity_months)

        def shape(version):
            nodes = version_tree(version)
            by_pk = {n.pk: n for n in nodes}
            return [(n.code, n.title, n.max_points, n.mode, n.options, n.is_veto, n.is_bonus, n.sort_key, n.depth,
                     by_pk[n.parent_id].code if n.parent_id else None, n.evidence_required) for n in nodes]

        assert shape(copy) == shape(frozen)
        assert not {n.pk for n in version_tree(copy)} & {n.pk for n in version_tree(frozen)}
        rules = lambda v: sorted(GradeRule.objects.filter(version=v).values_list(  # noqa: E731
            "code", "label", "level", "min_total", "requires_level", "requires_held_days"))
        assert rules(copy) == rules(frozen)
        # The copy is editable, the original untouched.
        leaf = Indicator.objects.get(version=copy, code="1.2")
        indicator_update(indicator=leaf, actor=fed_admin, title="会员台账完整并及时更新")
        assert Indicator.objects.get(version=frozen, code="1.2").title == "会员台帐完整"
        with pytest.raises(ValidationError) as error:
            version_copy(version=frozen, actor=fed_admin, label="2027")
        assert set(error.value.message_dict) == {"label"}


# --- The check -------------------------------------------------------------------------------------


def test_check_of_the_fixture_version_is_clean(federation, star_version):
    with scope(chamber=federation):
        assert version_check(star_version) == []


@translation.override("en")
def test_check_finds_every_kind_of_problem(federation, fed_admin, draft):
    with scope(chamber=federation):
        assert version_check(draft) == ["The version has no indicators yet.", "No grade rules: no total earns a grade."]
        aspect = add(draft, fed_admin, "政治引领好", 40)
        add(draft, fed_admin, "党建", 30, parent=aspect)
        add(draft, fed_admin, "加分", 5, parent=aspect, is_bonus=True)
        add(draft, fed_admin, "空", 0)
        graded = add(draft, fed_admin, "会议", 20, mode=ScoringMode.GRADED, options=["20", "0"])
        veto = add(draft, fed_admin, "无违法", 0, mode=ScoringMode.YES_NO, is_veto=True)
        # Rows written around the services (an old import, the admin): the check still sees them.
        Indicator.objects.filter(pk=graded.pk).update(options=["25", "0"])
        Indicator.objects.filter(pk=veto.pk).update(mode=ScoringMode.POINTS)
        grade_rule_create(version=draft, actor=fed_admin, code="a", label="甲", level=3, min_total="90")
        grade_rule_create(version=draft, actor=fed_admin, code="b", label="乙", level=2, min_total="95")
        grade_rule_create(version=draft, actor=fed_admin, code="c", label="丙", level=4, min_total="200",
                          requires_level=1)
        grade_rule_create(version=draft, actor=fed_admin, code="d", label="丁", level=6, min_total="201",
                          requires_level=5)
        problems = version_check(draft)
    text = "\n".join(problems)
    assert "政治引领好: 40 points, but its items add up to 30." in text
    assert "空: a scored item worth 0 points." in text
    assert "会议: a graded score lies outside 0 to 20." in text
    assert "无违法: a veto item must be answered yes or no." in text
    assert "There are bonus items but the bonus cap is 0" in text
    assert "The scored items add up to 50 points, but the full score is 100." in text
    assert "甲 should need more points than 乙." in text
    assert "丙 needs 200 points, more than the 100 a subject can reach." in text
    assert "丁 requires level 5, which no grade rule of this version awards." in text
    assert "requires level 1" not in text  # below the lowest grade: a rating recorded elsewhere
    assert len(problems) == 10, problems


@translation.override("en")
def test_check_graded_without_the_full_score(federation, fed_admin, draft):
    with scope(chamber=federation):
        graded = add(draft, fed_admin, "会议", 100, mode=ScoringMode.GRADED, options=["100", "0"])
        Indicator.objects.filter(pk=graded.pk).update(options=["50", "0"])
        grade_rule_create(version=draft, actor=fed_admin, code="a", label="甲", level=1, min_total="60")
        assert version_check(draft) == ["会议: the graded scores do not include the full 100 points."]
        Indicator.objects.filter(pk=graded.pk).update(options=[])
        assert version_check(draft) == ["会议: a graded item has no graded scores."]


def test_every_write_is_audited(federation, fed_admin, draft):
    with scope(chamber=federation):
        a = add(draft, fed_admin, "A", 100)
        indicator_update(indicator=a, actor=fed_admin, guidance="说明")
        b = add(draft, fed_admin, "B")
        indicator_move(indicator=b, actor=fed_admin, direction="up")
        indicator_delete(indicator=b, actor=fed_admin)
        rule = grade_rule_create(version=draft, actor=fed_admin, code="a", label="甲", level=1, min_total="60")
        grade_rule_update(rule=rule, actor=fed_admin, label="甲等")
        version_copy(version=draft, actor=fed_admin, label="copy")
        actions = list(AuditEntry.objects.filter(actor=fed_admin).order_by("pk").values_list("action", "target_type"))
    assert actions == [
        ("create", "evaluations.scheme"), ("create", "evaluations.schemeversion"),
        ("create", "evaluations.indicator"), ("update", "evaluations.indicator"), ("create", "evaluations.indicator"),
        ("move", "evaluations.indicator"), ("delete", "evaluations.indicator"), ("create", "evaluations.graderule"),
        ("update", "evaluations.graderule"), ("copy", "evaluations.schemeversion")]
