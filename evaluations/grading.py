"""The arithmetic of evaluations, as pure functions over plain values: checking one score
against its indicator, a sheet's totals (veto, bonus cap), a group's result, a grade from
the grade rules and prerequisites, and the ranking.

Everything is Decimal, rounded half-up to two places once, at the end: a total of
89.995 is 90.00 and earns five stars, as a person with a calculator would expect.
Services load the rows and call these; tests call them directly at the boundaries.
"""
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .models import ScoringMode

CENT = Decimal("0.01")
ZERO = Decimal("0")


def quantize(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LeafRule:
    """What a scored indicator allows."""

    id: int
    max_points: Decimal
    mode: str
    options: tuple = ()
    is_veto: bool = False
    is_bonus: bool = False
    title: str = ""

    @classmethod
    def of(cls, indicator):
        return cls(
            id=indicator.pk,
            max_points=Decimal(indicator.max_points),
            mode=indicator.mode,
            options=tuple(Decimal(str(o)) for o in (indicator.options or ())),
            is_veto=indicator.is_veto,
            is_bonus=indicator.is_bonus,
            title=str(indicator),
        )


@dataclass(frozen=True)
class Score:
    points: Decimal
    answer: bool | None = None
    reason: str = ""


def score_problem(rule, score):
    """The message for a score its indicator does not allow, or None when it is fine."""
    points = score.points
    if rule.mode == ScoringMode.YES_NO or rule.is_veto:
        if score.answer is None:
            return _("Answer yes or no.")
        expected = rule.max_points if score.answer else ZERO
        if points != expected:
            return _("A yes/no item scores {max} for yes and 0 for no.").format(max=rule.max_points)
    elif points < ZERO or points > rule.max_points:
        return _("Points must lie between 0 and {max}.").format(max=rule.max_points)
    elif points != quantize(points):
        return _("Points have at most two decimal places.")
    elif rule.mode == ScoringMode.GRADED and points not in rule.options:
        return _("Choose one of the graded scores: {options}.").format(
            options=" / ".join(str(o) for o in rule.options)
        )
    deducted = points < rule.max_points or (rule.is_veto and score.answer is False)
    if deducted and not score.reason.strip():
        return _("Give the reason for the deduction.")
    return None


def score_for_answer(rule, answer, reason=""):
    """The score a yes/no answer stands for."""
    return Score(points=rule.max_points if answer else ZERO, answer=answer, reason=reason)


@dataclass(frozen=True)
class SheetTotals:
    base: Decimal
    bonus: Decimal
    total: Decimal
    vetoed: bool
    missing: tuple = ()  # ids of leaves with no score yet


def sheet_totals(rules, scores, bonus_cap):
    """Totals of one sheet. `rules`: {indicator id: LeafRule}; `scores`: {id: Score}."""
    base = bonus = ZERO
    vetoed = False
    missing = []
    for indicator_id, rule in rules.items():
        score = scores.get(indicator_id)
        if score is None:
            missing.append(indicator_id)
            continue
        if rule.is_veto and score.answer is False:
            vetoed = True
        if rule.is_bonus:
            bonus += score.points
        else:
            base += score.points
    bonus = min(bonus, Decimal(bonus_cap))
    return SheetTotals(
        base=quantize(base), bonus=quantize(bonus), total=quantize(base + bonus), vetoed=vetoed,
        missing=tuple(missing),
    )


def mean_total(totals):
    """The group result of several reviewers' totals: their mean, rounded once."""
    totals = list(totals)
    if not totals:
        return None
    return quantize(sum(totals, ZERO) / len(totals))


@dataclass(frozen=True)
class GradeSpec:
    level: int
    label: str
    min_total: Decimal
    requires_level: int | None = None
    requires_held_days: int = 0

    @classmethod
    def of(cls, rule):
        return cls(level=rule.level, label=rule.label, min_total=Decimal(rule.min_total),
                   requires_level=rule.requires_level, requires_held_days=rule.requires_held_days)


@dataclass(frozen=True)
class HeldRating:
    level: int
    awarded_on: datetime.date
    valid_until: datetime.date


def prerequisite_met(grade, held, on):
    """Does the subject, on `on`, hold a rating good enough and held long enough?"""
    if grade.requires_level is None:
        return True
    return any(
        h.level >= grade.requires_level
        and h.valid_until >= on
        and (on - h.awarded_on).days >= grade.requires_held_days
        for h in held
    )


@dataclass
class GradeOutcome:
    grade: GradeSpec | None
    reasons: list = field(default_factory=list)


def grade_for(total, *, vetoed, grades, held=(), on, applied_level=None, enforce_prerequisites=True):
    """The best grade a result earns. Grades are tried best first; a grade is skipped when
    the total is short, it is above what the subject applied for, or its prerequisite is
    not met (and the reason is kept, so the decision page can show it)."""
    outcome = GradeOutcome(grade=None)
    if vetoed:
        outcome.reasons.append(_("A veto item failed: no grade."))
        return outcome
    if total is None:
        outcome.reasons.append(_("No result yet."))
        return outcome
    for grade in sorted(grades, key=lambda g: g.level, reverse=True):
        if total < grade.min_total:
            continue
        if applied_level is not None and grade.level > applied_level:
            continue
        if enforce_prerequisites and not prerequisite_met(grade, held, on):
            outcome.reasons.append(
                _("{grade} needs a rating of level {level} held for at least {days} days.").format(
                    grade=grade.label, level=grade.requires_level, days=grade.requires_held_days
                )
            )
            continue
        outcome.grade = grade
        return outcome
    if not outcome.reasons:
        outcome.reasons.append(_("The total reaches no grade."))
    return outcome


def competition_ranks(results):
    """Standard competition ranking ("1, 2, 2, 4") of (key, total, vetoed) tuples: vetoed
    and unscored subjects come last and get no rank. Returns {key: rank or None}."""
    ranked = sorted(
        (r for r in results if r[1] is not None and not r[2]), key=lambda r: r[1], reverse=True
    )
    ranks = {r[0]: None for r in results}
    previous, previous_rank = None, 0
    for position, (key, total, _vetoed) in enumerate(ranked, start=1):
        rank = previous_rank if total == previous else position
        ranks[key] = rank
        previous, previous_rank = total, rank
    return ranks


def valid_until(awarded_on, months):
    """The last day a rating awarded on `awarded_on` is valid: three years from 2026-12-20
    runs to 2029-12-19. A start on the 31st ends on the last day of a shorter month."""
    import calendar

    month_index = awarded_on.month - 1 + months
    year, month = awarded_on.year + month_index // 12, month_index % 12 + 1
    day = min(awarded_on.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day) - datetime.timedelta(days=1)
