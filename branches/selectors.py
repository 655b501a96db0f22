"""Reads of the branch tree."""
from django.db.models import Exists, OuterRef, Q

from members.models import MembershipBranch, MembershipStatus

from .models import Branch, BranchStatus


def branch_list(*, chamber, include_archived=False):
    qs = Branch.objects.filter(chamber=chamber).select_related("parent", "leader")
    if not include_archived:
        qs = qs.exclude(status=BranchStatus.ARCHIVED)
    return qs.order_by("path", "pk")


def branch_subtree_q(paths, prefix="path"):
    """Q matching nodes within any of the given subtree paths."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{prefix}__startswith": path})
    return q


def branch_visible_list(*, chamber, access, capability, include_archived=False):
    """The nodes a user may see: all of them, or the subtrees their roles were granted at."""
    qs = branch_list(chamber=chamber, include_archived=include_archived)
    paths = access.branch_paths(capability)
    return qs if paths is None else qs.filter(branch_subtree_q(paths))


def branch_member_counts(*, chamber):
    """{branch_id: active members in the node or anywhere below it}, each member counted once.

    One query over the (member, node path) pairs; every ancestor of a node is named by the
    node's own path, so the subtree sets are built without further queries.
    """
    members_by_node = {}
    pairs = MembershipBranch.objects.filter(
        chamber=chamber, membership__status=MembershipStatus.ACTIVE
    ).values_list("membership_id", "branch__path")
    for membership_id, path in pairs.iterator(chunk_size=5000):
        for ancestor_id in path.split("/")[:-1]:
            members_by_node.setdefault(int(ancestor_id), set()).add(membership_id)
    return {pk: len(ids) for pk, ids in members_by_node.items()}


def branch_tree(*, branches):
    """Nest a flat, path-ordered list into [{"node": b, "children": [...]}, ...]."""
    by_id, roots = {}, []
    for branch in branches:
        item = {"node": branch, "children": []}
        by_id[branch.pk] = item
        parent = by_id.get(branch.parent_id)
        (parent["children"] if parent else roots).append(item)
    return roots


def membership_in_subtree_q(paths):
    """Q on Membership: belongs to at least one node within the given subtrees."""
    return Q(Exists(MembershipBranch.objects.filter(membership=OuterRef("pk")).filter(branch_subtree_q(paths, "branch__path"))))


def branch_member_counts_own_and_total(*, chamber):
    """({branch_id: active members placed in that very node}, {branch_id: ... in it or below}).

    The same single query as `branch_member_counts`; the tree page shows both figures, and
    a member placed in two nodes of one subtree still counts once in the subtree's total.
    """
    own, total = {}, {}
    pairs = MembershipBranch.objects.filter(
        chamber=chamber, membership__status=MembershipStatus.ACTIVE
    ).values_list("membership_id", "branch__path")
    for membership_id, path in pairs.iterator(chunk_size=5000):
        ids = path.split("/")[:-1]
        own.setdefault(int(ids[-1]), set()).add(membership_id)
        for ancestor_id in ids:
            total.setdefault(int(ancestor_id), set()).add(membership_id)
    return ({pk: len(s) for pk, s in own.items()}, {pk: len(s) for pk, s in total.items()})


def branch_descendant_list(*, branch, include_archived=False):
    """The nodes below `branch` (not itself), in tree order: what an archive would take along."""
    qs = Branch.objects.filter(chamber=branch.chamber, path__startswith=branch.path).exclude(pk=branch.pk)
    if not include_archived:
        qs = qs.exclude(status=BranchStatus.ARCHIVED)
    return qs.order_by("path", "pk")
