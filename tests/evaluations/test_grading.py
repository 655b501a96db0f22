"""The pure arithmetic of evaluations (evaluations.grading), at its boundaries: grades at
79.99 / 80 / 89.99 / 90, prerequisites held 364 vs 365 days, expiry, veto, bonus cap,
rounding half-up, what each scoring mode accepts, ranking ties and validity dates."""
import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from evaluations.grading import (
    GradeSpec,
    HeldRating,
    LeafRule,
    Score,
    competition_ranks,
    grade_for,
    mean_total,
    prerequisite_met,
    quantize,
    score_for_answer,
    score_problem,
    sheet_totals,
    valid_until,
)

D = Decimal
ON = datetime.date(2026, 12, 20)
FOUR = GradeSpec(level=4, label="四星级", min_total=D("80"), requires_level=3, requires_held_days=365)
FIVE = GradeSpec(level=5, label="五星级", min_total=D("90"), requires_level=4, requires_held_days=365)
STAR_GRADES = [FOUR, FIVE]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def held(level, days_ago, valid_for_days=3 * 365):
    awarded = ON - datetime.timedelta(days=days_ago)
    return HeldRating(level=level, awarded_on=awarded, valid_until=awarded + datetime.timedelta(days=valid_for_days))


def grade(total, held_ratings=(), **kwargs):
    kwargs.setdefault("vetoed", False)
    outcome = grade_for(D(total) if total is not None else None, grades=STAR_GRADES, held=held_ratings, on=ON,
                        **kwargs)
    return outcome.grade.label if outcome.grade else None, outcome.reasons


# --- Grade boundaries ------------------------------------------------------------------------------


@pytest.mark.parametrize("total, expected", [
    ("0", None), ("79.99", None), ("80", "四星级"), ("80.00", "四星级"), ("89.99", "四星级"), ("90", "五星级"),
    ("100", "五星级"), ("105", "五星级"),
])
def test_grade_boundaries_with_prerequisites_met(total, expected):
    label, _reasons = grade(total, [held(3, 800), held(4, 400)])
    assert label == expected


def test_79_99_reaches_no_grade_and_says_so():
    assert grade("79.99", [held(3, 800)]) == (None, ["The total reaches no grade."])


def test_79_99_gets_three_stars_when_the_version_awards_them():
    three = GradeSpec(level=3, label="三星级", min_total=D("70"))
    outcome = grade_for(D("79.99"), vetoed=False, grades=[three, *STAR_GRADES], held=[], on=ON)
    assert outcome.grade == three
    outcome = grade_for(D("69.99"), vetoed=False, grades=[three, *STAR_GRADES], held=[], on=ON)
    assert outcome.grade is None


# --- Prerequisites ---------------------------------------------------------------------------------


def test_prerequisite_held_364_days_is_refused_365_accepted():
    assert not prerequisite_met(FOUR, [held(3, 364)], ON)
    assert prerequisite_met(FOUR, [held(3, 365)], ON)
    label, reasons = grade("85", [held(3, 364)])
    assert label is None
    assert reasons == ["四星级 needs a rating of level 3 held for at least 365 days."]
    assert grade("85", [held(3, 365)])[0] == "四星级"


def test_five_stars_falls_back_to_four_when_four_is_held_too_briefly():
    label, reasons = grade("95", [held(3, 1000), held(4, 364)])
    assert label == "四星级"
    assert reasons == ["五星级 needs a rating of level 4 held for at least 365 days."]


def test_expired_prerequisite_is_refused():
    expired = HeldRating(level=3, awarded_on=ON - datetime.timedelta(days=1200),
                         valid_until=ON - datetime.timedelta(days=1))
    assert not prerequisite_met(FOUR, [expired], ON)
    still = HeldRating(level=3, awarded_on=ON - datetime.timedelta(days=1200), valid_until=ON)
    assert prerequisite_met(FOUR, [still], ON)  # valid through its last day


def test_a_higher_level_satisfies_a_lower_prerequisite():
    assert prerequisite_met(FOUR, [held(5, 400)], ON)
    assert not prerequisite_met(FIVE, [held(3, 4000, valid_for_days=5000)], ON)


def test_no_prerequisite_and_not_enforced():
    assert prerequisite_met(GradeSpec(level=1, label="A", min_total=D("1")), [], ON)
    assert grade("95", [], enforce_prerequisites=False)[0] == "五星级"


def test_applied_level_caps_the_grade():
    assert grade("95", [held(3, 800), held(4, 400)], applied_level=4)[0] == "四星级"


# --- Veto, bonus, rounding -------------------------------------------------------------------------

RULES = {
    1: LeafRule(id=1, max_points=D("60"), mode="points"),
    2: LeafRule(id=2, max_points=D("40"), mode="graded", options=(D("40"), D("20"), D("0"))),
    3: LeafRule(id=3, max_points=D("0"), mode="yes_no", is_veto=True),
    4: LeafRule(id=4, max_points=D("10"), mode="points", is_bonus=True),
}


def test_veto_gives_no_grade_whatever_the_points():
    scores = {1: Score(D("60")), 2: Score(D("40")), 3: Score(D("0"), answer=False, reason="受到行政处罚"),
              4: Score(D("10"))}
    totals = sheet_totals(RULES, scores, bonus_cap=D("5"))
    assert totals.vetoed and totals.total == D("105")
    assert grade(totals.total, [held(3, 800), held(4, 400)], vetoed=totals.vetoed) == (
        None, ["A veto item failed: no grade."])


def test_bonus_is_capped():
    scores = {1: Score(D("50"), reason="r"), 2: Score(D("20"), reason="r"), 3: Score(D("0"), answer=True),
              4: Score(D("8"))}
    totals = sheet_totals(RULES, scores, bonus_cap=D("5"))
    assert (totals.base, totals.bonus, totals.total, totals.vetoed, totals.missing) == (
        D("70"), D("5"), D("75"), False, ())
    assert sheet_totals(RULES, {**scores, 4: Score(D("3"))}, bonus_cap=D("5")).total == D("73")


def test_missing_scores_are_listed():
    totals = sheet_totals(RULES, {1: Score(D("60"))}, bonus_cap=D("5"))
    assert totals.missing == (2, 3, 4) and totals.total == D("60")


def test_rounding_is_half_up_once_at_the_end():
    assert quantize(D("89.995")) == D("90.00")
    assert quantize(D("89.994")) == D("89.99")
    assert quantize(D("0.125")) == D("0.13")
    # Three reviewers: 89.99 + 90 + 90 = 269.99 / 3 = 89.99666… → 90.00: five stars.
    mean = mean_total([D("89.99"), D("90"), D("90")])
    assert mean == D("90.00")
    assert grade(mean, [held(3, 800), held(4, 400)])[0] == "五星级"
    assert mean_total([D("80"), D("79.99")]) == D("80.00")  # 79.995 rounds up
    assert mean_total([]) is None


@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=7))
def test_mean_lies_between_the_extremes(totals):
    mean = mean_total(totals)
    assert min(totals) <= mean <= max(totals)
    assert mean == mean.quantize(D("0.01"))


# --- What each mode accepts ------------------------------------------------------------------------


def problem(rule, points, answer=None, reason=""):
    return score_problem(rule, Score(D(points), answer=answer, reason=reason))


def test_points_mode():
    rule = RULES[1]
    assert problem(rule, "60") is None
    assert problem(rule, "55", reason="会议记录不全") is None
    assert problem(rule, "55") == "Give the reason for the deduction."
    assert problem(rule, "55", reason="   ") == "Give the reason for the deduction."
    assert problem(rule, "60.01") == "Points must lie between 0 and 60."
    assert problem(rule, "-1") == "Points must lie between 0 and 60."
    assert problem(rule, "59.999", reason="r") == "Points have at most two decimal places."


def test_graded_mode():
    rule = RULES[2]
    assert problem(rule, "40") is None
    assert problem(rule, "20", reason="只开一次") is None
    assert problem(rule, "20") == "Give the reason for the deduction."
    assert problem(rule, "30", reason="r") == "Choose one of the graded scores: 40 / 20 / 0."


def test_yes_no_and_veto_modes():
    yes_no = LeafRule(id=5, max_points=D("5"), mode="yes_no")
    assert score_problem(yes_no, score_for_answer(yes_no, True)) is None
    assert score_problem(yes_no, score_for_answer(yes_no, False)) == "Give the reason for the deduction."
    assert score_problem(yes_no, score_for_answer(yes_no, False, "没有场所")) is None
    assert problem(yes_no, "5") == "Answer yes or no."
    assert problem(yes_no, "3", answer=True) == "A yes/no item scores 5 for yes and 0 for no."
    veto = RULES[3]
    assert score_problem(veto, score_for_answer(veto, True)) is None
    assert score_problem(veto, score_for_answer(veto, False)) == "Give the reason for the deduction."
    assert score_problem(veto, score_for_answer(veto, False, "受到处罚")) is None


# --- Ranking and validity --------------------------------------------------------------------------


def test_competition_ranks_with_ties_veto_and_unscored():
    ranks = competition_ranks([
        ("a", D("95"), False), ("b", D("90"), False), ("c", D("90"), False), ("d", D("85"), False),
        ("e", D("99"), True), ("f", None, False),
    ])
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4, "e": None, "f": None}
    assert competition_ranks([]) == {}


@pytest.mark.parametrize("awarded, months, until", [
    (datetime.date(2026, 12, 20), 36, datetime.date(2029, 12, 19)),
    (datetime.date(2026, 1, 1), 12, datetime.date(2026, 12, 31)),
    (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 27)),  # 28 Feb is the anniversary; valid the day before
    (datetime.date(2023, 1, 31), 13, datetime.date(2024, 2, 28)),  # leap year: 29 Feb anniversary
    (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 27)),
    (datetime.date(2026, 3, 1), 36, datetime.date(2029, 2, 28)),
])
def test_valid_until_month_ends(awarded, months, until):
    assert valid_until(awarded, months) == until
