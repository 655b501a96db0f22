"""Rubrics: reading and writing schemes, versions, indicators and grade rules.

The reads at the top are what campaigns and scoring use; the writes below refuse to
touch a frozen version (one a campaign uses): every write calls
`version_ensure_editable` first, then locks the version row and checks again, so a
campaign that freezes the version meanwhile wins. Copying a version (`version_copy`) is
how a frozen rubric is changed.

The indicator tree keeps two derived columns the services maintain: `position` numbers
siblings 1..n without gaps, and `sort_key` is the parent's key + ".%03d" % position, so
one ORDER BY sort_key reads the whole tree depth-first; `depth` is 1 at the top.
"""
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Prefetch, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.audit import audit_record, diff, snapshot

from .grading import GradeSpec, LeafRule
from .models import Campaign, GradeRule, Indicator, Scheme, SchemeVersion, ScoringMode
from .rubric_fields import (
    MAX_DEPTH,
    MAX_SIBLINGS,
    clean_grade_rule_fields,
    clean_indicator_fields,
    clean_scheme_fields,
    clean_version_fields,
    points_text,
)
from .rubric_check import version_check, version_notes  # noqa: F401  (part of this module's interface)

# --- Reads ---------------------------------------------------------------------------------------


def version_tree(version):
    """Every indicator of `version`, depth-first in display order (one query)."""
    return list(Indicator.objects.filter(chamber_id=version.chamber_id, version=version).order_by("sort_key", "pk"))


def version_leaves(tree):
    """The scored indicators of a tree from `version_tree`: those with no children."""
    parents = {node.parent_id for node in tree if node.parent_id}
    return [node for node in tree if node.pk not in parents]


def version_leaf_rules(version, tree=None):
    """{indicator id: LeafRule} of the scored indicators, in display order."""
    return {node.pk: LeafRule.of(node) for node in version_leaves(tree if tree is not None else version_tree(version))}


def version_grade_specs(version):
    return [GradeSpec.of(rule) for rule in GradeRule.objects.filter(chamber_id=version.chamber_id, version=version)]


def version_grade_rules(version):
    """The grade rules of `version`, best first (one query)."""
    return list(GradeRule.objects.filter(chamber_id=version.chamber_id, version=version).order_by("-level", "pk"))


def tree_nest(tree):
    """The roots of a flat `version_tree`, each node carrying `tree_children` (its children
    in order) and `is_leaf`: for rendering the tree and for nested documents, no queries."""
    children = defaultdict(list)
    for node in tree:
        children[node.parent_id].append(node)
    for node in tree:
        node.tree_children = children.get(node.pk, [])
        node.is_leaf = not node.tree_children
    return children.get(None, [])


def scheme_list(*, chamber):
    """The chamber's schemes with how many versions each has (one query)."""
    return Scheme.objects.filter(chamber=chamber).annotate(version_count=Count("versions")).order_by("name", "pk")


def scheme_versions(*, scheme):
    """A scheme's versions, newest first, each with the campaigns that use it (two queries)."""
    campaigns = Campaign.objects.filter(chamber_id=scheme.chamber_id).only("pk", "name", "year", "version_id")
    return (
        SchemeVersion.objects.filter(chamber_id=scheme.chamber_id, scheme=scheme)
        .annotate(indicator_count=Count("indicators", distinct=True))
        .prefetch_related(Prefetch("campaigns", queryset=campaigns.order_by("-year", "pk")))
        .order_by(F("effective_from").desc(nulls_last=True), "-pk")
    )


# --- Writes: schemes -----------------------------------------------------------------------------


def version_ensure_editable(version):
    """Refuse to change a version a campaign uses: its scores must stay readable against it."""
    if version.is_frozen:
        raise ValidationError(
            _("This version is used by a campaign and can no longer be changed. Copy it to a new version instead.")
        )


@transaction.atomic
def version_freeze(version, *, actor):
    """Freeze `version` (idempotent); called when a campaign starts to use it."""
    if version.is_frozen:
        return version
    version.frozen_at = timezone.now()
    SchemeVersion.objects.filter(pk=version.pk, frozen_at=None).update(frozen_at=version.frozen_at)
    audit_record(chamber=version.chamber, actor=actor, action="freeze", target=version)
    return version


SCHEME_FIELDS = ("kind", "name", "description")
VERSION_FIELDS = ("label", "effective_from", "description", "max_points", "bonus_cap", "validity_months")
INDICATOR_FIELDS = ("code", "title", "guidance", "evidence_required", "max_points", "mode", "options", "is_veto",
                    "is_bonus")
GRADE_RULE_FIELDS = ("code", "label", "level", "min_total", "requires_level", "requires_held_days")


def _only(changes, allowed):
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError("unexpected fields: {}".format(", ".join(sorted(unknown))))


@transaction.atomic
def scheme_create(*, chamber, actor, kind, name, description=""):
    data = clean_scheme_fields({"kind": kind, "name": name, "description": description})
    if Scheme.objects.filter(chamber=chamber, name=data["name"]).exists():
        raise ValidationError({"name": _("A scheme with this name already exists.")})
    scheme = Scheme.objects.create(chamber=chamber, **data)
    audit_record(chamber=chamber, actor=actor, action="create", target=scheme)
    return scheme


@transaction.atomic
def scheme_update(*, scheme, actor, **changes):
    """Rename a scheme or change its kind or description (its versions are not touched)."""
    _only(changes, SCHEME_FIELDS)
    data = clean_scheme_fields(changes)
    if "name" in data and Scheme.objects.filter(chamber_id=scheme.chamber_id, name=data["name"]).exclude(
            pk=scheme.pk).exists():
        raise ValidationError({"name": _("A scheme with this name already exists.")})
    before = snapshot(scheme, data)
    for name, value in data.items():
        setattr(scheme, name, value)
    scheme.save(update_fields=list(data) or None)
    audit_record(chamber=scheme.chamber, actor=actor, action="update", target=scheme,
                 changes=diff(before, snapshot(scheme, data)))
    return scheme


# --- Writes: versions ----------------------------------------------------------------------------


def _lock_editable(version):
    """Inside a transaction: lock the version row and refuse if it is (now) frozen."""
    version_ensure_editable(version)
    version.frozen_at = SchemeVersion.objects.select_for_update().values_list("frozen_at", flat=True).get(
        pk=version.pk)
    version_ensure_editable(version)


def _ensure_label_free(scheme, label, exclude=None):
    taken = SchemeVersion.objects.filter(chamber_id=scheme.chamber_id, scheme=scheme, label=label)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError({"label": _("This scheme already has a version “{label}”.").format(label=label)})


@transaction.atomic
def version_create(*, scheme, actor, label, max_points, bonus_cap=Decimal("0"), validity_months=36,
                   effective_from=None, description=""):
    """A new, empty version of `scheme`: add its indicators and grade rules next."""
    data = clean_version_fields({"label": label, "max_points": max_points, "bonus_cap": bonus_cap,
                                 "validity_months": validity_months, "effective_from": effective_from,
                                 "description": description})
    _ensure_label_free(scheme, data["label"])
    version = SchemeVersion.objects.create(chamber_id=scheme.chamber_id, scheme=scheme, **data)
    version.scheme = scheme
    audit_record(chamber=scheme.chamber, actor=actor, action="create", target=version)
    return version


@transaction.atomic
def version_update(*, version, actor, **changes):
    """Change a version's label, dates, full score, bonus cap, validity or description."""
    version_ensure_editable(version)
    _only(changes, VERSION_FIELDS)
    _lock_editable(version)
    data = clean_version_fields(changes)
    if "label" in data:
        _ensure_label_free(version.scheme, data["label"], exclude=version)
    before = snapshot(version, data)
    for name, value in data.items():
        setattr(version, name, value)
    version.save(update_fields=list(data) or None)
    audit_record(chamber=version.chamber, actor=actor, action="update", target=version,
                 changes=diff(before, snapshot(version, data)))
    return version


@transaction.atomic
def version_copy(*, version, actor, label, effective_from=None):
    """A new, unfrozen version with a deep copy of `version`'s indicators and grade rules:
    the way to change a frozen rubric. `version` itself is only read."""
    data = clean_version_fields({"label": label, "effective_from": effective_from})
    scheme = version.scheme
    _ensure_label_free(scheme, data["label"])
    copy = SchemeVersion.objects.create(
        chamber_id=version.chamber_id, scheme=scheme, label=data["label"],
        effective_from=data.get("effective_from"), description=version.description,
        max_points=version.max_points, bonus_cap=version.bonus_cap, validity_months=version.validity_months,
    )
    new_ids = {}
    # Depth-first order: a parent is always copied before its children.
    for node in version_tree(version):
        old_pk = node.pk
        node.pk = node.id = None
        node._state.adding = True
        node.version = copy
        node.parent_id = new_ids[node.parent_id] if node.parent_id else None
        node.save(force_insert=True)
        new_ids[old_pk] = node.pk
    GradeRule.objects.bulk_create([
        GradeRule(chamber_id=rule.chamber_id, version=copy, code=rule.code, label=rule.label, level=rule.level,
                  min_total=rule.min_total, requires_level=rule.requires_level,
                  requires_held_days=rule.requires_held_days)
        for rule in version_grade_rules(version)
    ])
    audit_record(chamber=version.chamber, actor=actor, action="copy", target=copy,
                 changes={"copied_from": [None, str(version)]})
    return copy


@transaction.atomic
def version_delete(*, version, actor):
    """Delete a version nobody uses yet (a draft, an import that went wrong)."""
    version_ensure_editable(version)
    _lock_editable(version)
    if version.campaigns.exists():
        raise ValidationError(_("A campaign uses this version: it cannot be deleted."))
    audit_record(chamber=version.chamber, actor=actor, action="delete", target=version)
    try:
        version.delete()
    except ProtectedError:
        raise ValidationError(_("Ratings or scores refer to this version: it cannot be deleted.")) from None


# --- Writes: indicators --------------------------------------------------------------------------


def _reindex(version):
    """Renumber every indicator of `version`: positions 1..n among siblings in their current
    order, sort keys and depths to match. Writes only the rows that changed."""
    nodes = list(Indicator.objects.filter(chamber_id=version.chamber_id, version=version).order_by("position", "pk"))
    children = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    changed = []

    def walk(parent_id, prefix, depth):
        for position, node in enumerate(children.get(parent_id, ()), start=1):
            key = "{}.{:03d}".format(prefix, position) if prefix else "{:03d}".format(position)
            if (node.position, node.sort_key, node.depth) != (position, key, depth):
                node.position, node.sort_key, node.depth = position, key, depth
                changed.append(node)
            walk(node.pk, key, depth + 1)

    walk(None, "", 1)
    Indicator.objects.bulk_update(changed, ["position", "sort_key", "depth"])
    return {node.pk: node for node in nodes}


def _refresh_place(indicator, nodes):
    fresh = nodes.get(indicator.pk)
    if fresh is not None:
        indicator.position, indicator.sort_key, indicator.depth = fresh.position, fresh.sort_key, fresh.depth
        indicator.parent_id = fresh.parent_id


def _sibling_count(version, parent):
    return Indicator.objects.filter(chamber_id=version.chamber_id, version=version, parent=parent).count()


def _check_parent(version, parent):
    if parent is None:
        return
    if parent.version_id != version.pk:
        raise ValidationError({"parent": _("The parent belongs to another version.")})
    if parent.depth >= MAX_DEPTH:
        raise ValidationError({"parent": _("Indicators nest at most {n} levels deep.").format(n=MAX_DEPTH)})


def _stored_values(indicator):
    values = {name: getattr(indicator, name) for name in INDICATOR_FIELDS}
    values["options"] = [Decimal(str(o)) for o in indicator.options or ()]
    return values


def _as_stored(data):
    """Options are kept as exact decimal strings in JSON."""
    if "options" in data:
        data = {**data, "options": [points_text(o) for o in data["options"]]}
    return data


@transaction.atomic
def indicator_create(*, version, actor, title, parent=None, position=None, max_points=Decimal("0"),
                     mode=ScoringMode.POINTS, options=(), is_veto=False, is_bonus=False, code="", guidance="",
                     evidence_required=""):
    """Add an indicator under `parent` (None: an aspect at the top), last among its
    siblings or at `position` (1 = first)."""
    version_ensure_editable(version)
    _lock_editable(version)
    _check_parent(version, parent)
    data = clean_indicator_fields({"title": title, "max_points": max_points, "mode": mode, "options": options if isinstance(options, str) else list(options),
                                   "is_veto": is_veto, "is_bonus": is_bonus, "code": code, "guidance": guidance,
                                   "evidence_required": evidence_required})
    count = _sibling_count(version, parent)
    if count >= MAX_SIBLINGS:
        raise ValidationError(_("At most {n} indicators side by side.").format(n=MAX_SIBLINGS))
    if position is None or position > count:
        position = count + 1
    else:
        position = max(int(position), 1)
        Indicator.objects.filter(chamber_id=version.chamber_id, version=version, parent=parent,
                                 position__gte=position).update(position=F("position") + 1)
    indicator = Indicator.objects.create(chamber_id=version.chamber_id, version=version, parent=parent,
                                         position=position, **_as_stored(data))
    _refresh_place(indicator, _reindex(version))
    audit_record(chamber=version.chamber, actor=actor, action="create", target=indicator,
                 changes={"version": [None, str(version)]})
    return indicator


@transaction.atomic
def indicator_update(*, indicator, actor, **changes):
    """Change an indicator's texts, points, mode, options or veto / bonus marks (not its
    place in the tree: see `indicator_move`)."""
    version = indicator.version
    version_ensure_editable(version)
    _only(changes, INDICATOR_FIELDS)
    _lock_editable(version)
    data = _as_stored(clean_indicator_fields(changes, current=_stored_values(indicator)))
    before = snapshot(indicator, data)
    for name, value in data.items():
        setattr(indicator, name, value)
    indicator.save(update_fields=list(data) or None)
    audit_record(chamber=version.chamber, actor=actor, action="update", target=indicator,
                 changes=diff(before, snapshot(indicator, data)))
    return indicator


@transaction.atomic
def indicator_delete(*, indicator, actor):
    """Delete an indicator with everything below it; its siblings close the gap."""
    version = indicator.version
    version_ensure_editable(version)
    _lock_editable(version)
    below = Indicator.objects.filter(chamber_id=version.chamber_id, version=version,
                                     sort_key__startswith=indicator.sort_key + ".").count()
    audit_record(chamber=version.chamber, actor=actor, action="delete", target=indicator,
                 changes={"version": [str(version), None], "items_below": [below, None]})
    try:
        indicator.delete()
    except ProtectedError:
        raise ValidationError(_("Scores or evidence refer to this indicator: it cannot be deleted.")) from None
    _reindex(version)


KEEP = object()


@transaction.atomic
def indicator_move(*, indicator, actor, direction=None, parent=KEEP):
    """Move an indicator one place `direction` ("up" / "down") among its siblings, or under
    another `parent` (None: to the top level), where it goes last. Its subtree moves with it."""
    version = indicator.version
    version_ensure_editable(version)
    _lock_editable(version)
    siblings_of = Indicator.objects.filter(chamber_id=version.chamber_id, version=version)
    if parent is not KEEP:
        if parent is not None:
            if parent.version_id != version.pk:
                raise ValidationError({"parent": _("The parent belongs to another version.")})
            if parent.pk == indicator.pk or parent.sort_key.startswith(indicator.sort_key + "."):
                raise ValidationError({"parent": _("An indicator cannot move under itself.")})
        subtree = siblings_of.filter(sort_key__startswith=indicator.sort_key + ".").values_list("depth", flat=True)
        height = max(subtree, default=indicator.depth) - indicator.depth + 1
        if (parent.depth if parent else 0) + height > MAX_DEPTH:
            raise ValidationError({"parent": _("Indicators nest at most {n} levels deep.").format(n=MAX_DEPTH)})
        if (parent.pk if parent else None) != indicator.parent_id:
            if siblings_of.filter(parent=parent).count() >= MAX_SIBLINGS:
                raise ValidationError(_("At most {n} indicators side by side.").format(n=MAX_SIBLINGS))
            old_parent = indicator.parent_id
            indicator.parent = parent
            indicator.position = MAX_SIBLINGS + 1  # last; _reindex closes the gaps
            indicator.save(update_fields=["parent", "position"])
            _refresh_place(indicator, _reindex(version))
            audit_record(chamber=version.chamber, actor=actor, action="move", target=indicator,
                         changes={"parent": [old_parent, indicator.parent_id]})
    if direction is not None:
        if direction not in ("up", "down"):
            raise ValidationError({"direction": _("Move up or down.")})
        siblings = list(siblings_of.filter(parent_id=indicator.parent_id).order_by("position", "pk"))
        index = next(i for i, s in enumerate(siblings) if s.pk == indicator.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(siblings):
            neighbour = siblings[other]
            mine, theirs = siblings[index].position, neighbour.position
            Indicator.objects.filter(pk=indicator.pk).update(position=theirs)
            Indicator.objects.filter(pk=neighbour.pk).update(position=mine)
            _refresh_place(indicator, _reindex(version))
            audit_record(chamber=version.chamber, actor=actor, action="move", target=indicator,
                         changes={"position": [mine, indicator.position]})
    return indicator


# --- Writes: grade rules -------------------------------------------------------------------------


def _ensure_grade_unique(version, data, exclude=None):
    rules = GradeRule.objects.filter(chamber_id=version.chamber_id, version=version)
    if exclude is not None:
        rules = rules.exclude(pk=exclude.pk)
    errors = {}
    if "code" in data and rules.filter(code=data["code"]).exists():
        errors["code"] = _("This version already has a grade with this code.")
    if "level" in data and rules.filter(level=data["level"]).exists():
        errors["level"] = _("This version already has a grade at this level.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def grade_rule_create(*, version, actor, code, label, level, min_total, requires_level=None, requires_held_days=0):
    version_ensure_editable(version)
    _lock_editable(version)
    data = clean_grade_rule_fields({"code": code, "label": label, "level": level, "min_total": min_total,
                                    "requires_level": requires_level, "requires_held_days": requires_held_days})
    _ensure_grade_unique(version, data)
    rule = GradeRule.objects.create(chamber_id=version.chamber_id, version=version, **data)
    audit_record(chamber=version.chamber, actor=actor, action="create", target=rule,
                 changes={"version": [None, str(version)]})
    return rule


@transaction.atomic
def grade_rule_update(*, rule, actor, **changes):
    version = rule.version
    version_ensure_editable(version)
    _only(changes, GRADE_RULE_FIELDS)
    _lock_editable(version)
    merged = {name: getattr(rule, name) for name in GRADE_RULE_FIELDS}
    merged.update(changes)
    data = clean_grade_rule_fields(merged)  # level and prerequisite are checked together
    data = {name: data[name] for name in changes}
    _ensure_grade_unique(version, data, exclude=rule)
    before = snapshot(rule, data)
    for name, value in data.items():
        setattr(rule, name, value)
    rule.save(update_fields=list(data) or None)
    audit_record(chamber=version.chamber, actor=actor, action="update", target=rule,
                 changes=diff(before, snapshot(rule, data)))
    return rule


@transaction.atomic
def grade_rule_delete(*, rule, actor):
    version = rule.version
    version_ensure_editable(version)
    _lock_editable(version)
    audit_record(chamber=version.chamber, actor=actor, action="delete", target=rule,
                 changes={"version": [str(version), None]})
    rule.delete()

