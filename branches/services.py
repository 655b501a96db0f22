"""Writes to the branch tree. Paths are kept consistent here and only here."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from chamber.audit import audit_record, diff, snapshot
from members.models import Membership
from members.services import memberships_touch

from .models import Branch, BranchStatus, ChamberLink

BRANCH_FIELDS = ("name", "kind", "code", "leader", "founded_on", "status")


def _check_parent(chamber, parent):
    if parent is not None and parent.chamber_id != chamber.pk:
        raise ValidationError({"parent": _("This branch does not exist.")})
    if parent is not None and parent.status == BranchStatus.ARCHIVED:
        raise ValidationError({"parent": _("An archived branch cannot receive new branches.")})


def _check_code(chamber, code, exclude_pk=None):
    if code and Branch.objects.filter(chamber=chamber, code=code).exclude(pk=exclude_pk).exists():
        raise ValidationError({"code": _("Another branch of this chamber already has this code.")})


@transaction.atomic
def branch_create(*, chamber, actor, name, kind, parent=None, code="", leader=None, founded_on=None):
    """Add a node under `parent` (or at the top of the chamber's tree)."""
    _check_parent(chamber, parent)
    if parent is not None:
        # Re-read and lock the parent: the caller's instance may predate a move of its
        # subtree, and its path is what the new node's path is built from.
        parent = Branch.objects.select_for_update().get(pk=parent.pk, chamber=chamber)
        _check_parent(chamber, parent)
    _check_code(chamber, code)
    branch = Branch(
        chamber=chamber, parent=parent, name=name, kind=kind, code=code,
        leader=leader, founded_on=founded_on,
        depth=(parent.depth + 1) if parent else 1,
        # A unique placeholder until the primary key is known.
        path=f"new-{id(object())}/",
    )
    branch.full_clean(exclude=["path"])
    branch.save()
    branch.path = f"{parent.path if parent else ''}{branch.pk}/"
    Branch.objects.filter(pk=branch.pk).update(path=branch.path)
    audit_record(chamber=chamber, actor=actor, action="create", target=branch,
                 changes={k: [None, v] for k, v in snapshot(branch, BRANCH_FIELDS).items()})
    return branch


@transaction.atomic
def branch_update(*, branch, actor, **fields):
    """Rename or edit a node; the tree position changes only through `branch_move`."""
    before = snapshot(branch, BRANCH_FIELDS)
    for name, value in fields.items():
        if name not in BRANCH_FIELDS:
            raise ValueError(f"branch_update cannot set {name}")
        setattr(branch, name, value)
    _check_code(branch.chamber, branch.code, exclude_pk=branch.pk)
    branch.full_clean(exclude=["path", "parent"])
    branch.save()
    changes = diff(before, snapshot(branch, BRANCH_FIELDS))
    if changes:
        audit_record(chamber=branch.chamber, actor=actor, action="update", target=branch, changes=changes)
    if "name" in changes:
        # Roster rows show branch names: sync clients must see these members as changed.
        memberships_touch(Membership.objects.filter(chamber=branch.chamber, branch_links__branch=branch))
    return branch


@transaction.atomic
def branch_move(*, branch, actor, new_parent, reason=""):
    """Move a node and its whole subtree under `new_parent` (None: to the top).

    One UPDATE rewrites the path prefix of every node in the subtree, so the tree is
    never seen half-moved. The rows are locked first so two moves cannot interleave.
    """
    chamber = branch.chamber
    _check_parent(chamber, new_parent)
    # Lock the subtree (and the target) so concurrent moves serialise.
    list(Branch.objects.select_for_update().filter(chamber=chamber, path__startswith=branch.path).values_list("pk"))
    branch.refresh_from_db()
    if new_parent is not None:
        new_parent.refresh_from_db()
        _check_parent(chamber, new_parent)  # again: it may have been archived since it was loaded
        if new_parent.path.startswith(branch.path):
            raise ValidationError({"parent": _("A branch cannot be moved under itself or one of its own sub-branches.")})
    old_path, old_depth = branch.path, branch.depth
    old_parent = branch.parent
    new_path = f"{new_parent.path if new_parent else ''}{branch.pk}/"
    depth_shift = ((new_parent.depth + 1) if new_parent else 1) - old_depth
    Branch.objects.filter(chamber=chamber, path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_shift,
    )
    Branch.objects.filter(pk=branch.pk).update(parent=new_parent)
    branch.refresh_from_db()
    audit_record(chamber=chamber, actor=actor, action="move", target=branch, reason=reason,
                 changes={"parent": [str(old_parent) if old_parent else None, str(new_parent) if new_parent else None]})
    return branch


@transaction.atomic
def branch_archive(*, branch, actor, reason=""):
    """Archive a node and everything below it; members keep their history."""
    chamber = branch.chamber
    branch.refresh_from_db()  # the caller's path may predate a move of an ancestor
    count = Branch.objects.filter(chamber=chamber, path__startswith=branch.path).exclude(
        status=BranchStatus.ARCHIVED
    ).update(status=BranchStatus.ARCHIVED)
    branch.refresh_from_db()
    audit_record(chamber=chamber, actor=actor, action="archive", target=branch, reason=reason,
                 changes={"status": [BranchStatus.ACTIVE, BranchStatus.ARCHIVED], "nodes": [None, count]})
    return branch


@transaction.atomic
def chamber_link_create(*, chamber, actor, kind, partner_name, started_on, partner=None, branch=None, ended_on=None, note=""):
    """Record a pairing (结对共建) or friendship (友好商会) link."""
    if branch is not None and branch.chamber_id != chamber.pk:
        raise ValidationError({"branch": _("This branch does not exist.")})
    if partner is not None and partner.pk == chamber.pk:
        raise ValidationError({"partner": _("A chamber cannot be linked with itself.")})
    link = ChamberLink(chamber=chamber, kind=kind, partner=partner, partner_name=partner_name or (partner.name if partner else ""),
                       branch=branch, started_on=started_on, ended_on=ended_on, note=note, created_by=actor if getattr(actor, "pk", None) else None)
    link.full_clean()
    link.save()
    audit_record(chamber=chamber, actor=actor, action="create", target=link)
    return link
