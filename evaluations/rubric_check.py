"""Checking a rubric version: does it add up, can it be scored and graded?

`version_check` lists what stops a version from being used as it stands (the editor
shows it at the top; starters must pass it); `version_notes` what is worth knowing but
not wrong. Both are re-exported by `evaluations.rubrics`.
"""
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import GradeRule, Indicator, ScoringMode
from .rubric_fields import points_text


def _tree(version):
    return list(Indicator.objects.filter(chamber_id=version.chamber_id, version=version).order_by("sort_key", "pk"))


def _rules(version):
    return list(GradeRule.objects.filter(chamber_id=version.chamber_id, version=version).order_by("-level", "pk"))


# --- Checks --------------------------------------------------------------------------------------


def _name(node):
    return str(node) or _("(untitled)")


def version_check(version, *, tree=None, rules=None):
    """What stops `version` from being scored as it stands: a list of messages, empty when
    the rubric adds up. Reads the tree and the grade rules (two queries) unless given."""
    tree = _tree(version) if tree is None else tree
    rules = _rules(version) if rules is None else rules
    problems = []
    if not tree:
        problems.append(_("The version has no indicators yet."))
    children = defaultdict(list)
    for node in tree:
        children[node.parent_id].append(node)
    base_total = Decimal("0")
    has_bonus = False
    for node in tree:
        kids = children.get(node.pk)
        if kids:
            if node.is_veto:
                problems.append(_("{item}: only a scored item without sub-items can be a veto item.").format(
                    item=_name(node)))
            if node.is_bonus:
                if any(not k.is_bonus for k in kids):
                    problems.append(_("{item}: the parts of a bonus item must be bonus items too.").format(
                        item=_name(node)))
                expected = sum((k.max_points for k in kids), Decimal("0"))
            else:
                expected = sum((k.max_points for k in kids if not k.is_bonus), Decimal("0"))
            if node.max_points != expected:
                problems.append(_("{item}: {points} points, but its items add up to {sum}.").format(
                    item=_name(node), points=points_text(node.max_points), sum=points_text(expected)))
            continue
        if node.is_bonus:
            has_bonus = True
        else:
            base_total += node.max_points
        if node.is_veto and node.mode != ScoringMode.YES_NO:
            problems.append(_("{item}: a veto item must be answered yes or no.").format(item=_name(node)))
        if node.mode == ScoringMode.GRADED:
            options = [Decimal(str(o)) for o in node.options or ()]
            if not options:
                problems.append(_("{item}: a graded item has no graded scores.").format(item=_name(node)))
            elif any(o < 0 or o > node.max_points for o in options):
                problems.append(_("{item}: a graded score lies outside 0 to {max}.").format(
                    item=_name(node), max=points_text(node.max_points)))
            elif node.max_points not in options:
                problems.append(_("{item}: the graded scores do not include the full {max} points.").format(
                    item=_name(node), max=points_text(node.max_points)))
        if node.max_points == 0 and not node.is_veto:
            problems.append(_("{item}: a scored item worth 0 points.").format(item=_name(node)))
    if tree and base_total != version.max_points:
        problems.append(_("The scored items add up to {sum} points, but the full score is {max}.").format(
            sum=points_text(base_total), max=points_text(version.max_points)))
    if has_bonus and not version.bonus_cap:
        problems.append(_("There are bonus items but the bonus cap is 0, so they can add nothing."))
    problems.extend(_grade_rule_problems(version, rules))
    return problems


def _grade_rule_problems(version, rules):
    problems = []
    if not rules:
        problems.append(_("No grade rules: no total earns a grade."))
        return problems
    by_level = sorted(rules, key=lambda r: r.level)
    levels = {r.level for r in rules}
    reachable = version.max_points + version.bonus_cap
    for lower, higher in zip(by_level, by_level[1:]):
        if higher.min_total <= lower.min_total:
            problems.append(_("{higher} should need more points than {lower}.").format(
                higher=higher.label, lower=lower.label))
    for rule in by_level:
        if rule.min_total > reachable:
            problems.append(_("{grade} needs {min} points, more than the {max} a subject can reach.").format(
                grade=rule.label, min=points_text(rule.min_total), max=points_text(reachable)))
        required = rule.requires_level
        if required is None:
            continue
        if required >= rule.level:
            problems.append(_("{grade} requires a level that is not lower than itself.").format(grade=rule.label))
        elif required not in levels and required > by_level[0].level:
            # Below the version's lowest grade, a prerequisite is a rating awarded elsewhere
            # and recorded in the register (three stars from the district federations);
            # between its grades, a missing level is a mistake.
            problems.append(_("{grade} requires level {level}, which no grade rule of this version awards.").format(
                grade=rule.label, level=required))
    return problems


def version_notes(version, *, rules=None):
    """What the editor should point out that is not a problem: prerequisite levels this
    version does not award, which must come from the ratings register."""
    rules = _rules(version) if rules is None else rules
    levels = {r.level for r in rules}
    notes = []
    for level in sorted({r.requires_level for r in rules if r.requires_level and r.requires_level not in levels}):
        notes.append(_("Level {level} is not awarded under this version: a subject holds it when the ratings "
                       "register has it, e.g. recorded by hand from a district federation.").format(level=level))
    return notes
