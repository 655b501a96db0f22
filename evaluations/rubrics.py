"""Rubrics: reading and writing schemes, versions, indicators and grade rules.

The reads at the top are what campaigns and scoring use; the writes below refuse to
touch a frozen version (one a campaign uses).
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.audit import audit_record

from .grading import GradeSpec, LeafRule
from .models import GradeRule, Indicator, SchemeVersion

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


# --- Writes --------------------------------------------------------------------------------------


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
