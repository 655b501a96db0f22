"""Signal handlers of the members app.

Every deleted membership leaves a `MembershipRemoval`, so roster sync clients learn to drop
it (a deleted row can no longer show up as "changed since"). The note is written on
post_delete rather than in a service so that every path is covered: an import undone, the
admin, a cascade. It is written inside the deleting transaction, so a delete that rolls
back leaves no note either. A bulk delete (an import undone) writes the notes beforehand
with `membership_removals_record`, in two queries, and the handlers then leave them alone.
"""
from django.db.models.signals import post_delete, pre_delete
from django_scopes import scopes_disabled

from .models import Membership, MembershipBranch, MembershipRemoval


def membership_removals_record(memberships):
    """Write the removal notes of `memberships`, about to be deleted in this transaction,
    with one query for their branch paths and one insert; their delete signals then skip
    them. Call it before the delete, while the branch links still exist."""
    memberships = [m for m in memberships if not getattr(m, "_removal_recorded", False)]
    if not memberships:
        return
    paths = {}
    with scopes_disabled():
        links = MembershipBranch.objects.filter(membership_id__in=[m.pk for m in memberships]) \
            .order_by("branch__path").values_list("membership_id", "branch__path")
        for membership_id, path in links:
            paths[membership_id] = paths.get(membership_id, "") + " " + path
    MembershipRemoval.objects.bulk_create([
        MembershipRemoval(chamber_id=m.chamber_id, membership_id=m.pk, member_number=m.member_number,
                          name=m.name[:200], branch_paths=paths.get(m.pk, ""))
        for m in memberships
    ])
    for membership in memberships:
        membership._removal_recorded = True


def membership_branches_before_delete(sender, instance, **kwargs):
    """Read the member's branch paths while its links still exist (the collector deletes
    them before the membership): branch-limited readers see only removals in their reach."""
    if getattr(instance, "_removal_recorded", False):
        return
    # Outside any scope on some paths (admin, shell): the chamber filter is explicit.
    with scopes_disabled():
        paths = MembershipBranch.objects.filter(chamber_id=instance.chamber_id, membership_id=instance.pk) \
            .order_by("branch__path").values_list("branch__path", flat=True)
        instance._removal_branch_paths = "".join(" " + path for path in paths)


def membership_removal_record(sender, instance, **kwargs):
    if getattr(instance, "_removal_recorded", False):
        return
    MembershipRemoval.objects.create(
        chamber_id=instance.chamber_id, membership_id=instance.pk, member_number=instance.member_number,
        name=instance.name[:200], branch_paths=getattr(instance, "_removal_branch_paths", ""),
    )


def connect():
    """Called from MembersConfig.ready()."""
    pre_delete.connect(membership_branches_before_delete, sender=Membership,
                       dispatch_uid="members.membership_branches_before_delete")
    post_delete.connect(membership_removal_record, sender=Membership, dispatch_uid="members.membership_removal_record")
