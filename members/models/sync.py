"""What roster clients need to stay in sync: a note of every membership that was deleted
(an import undone, a record removed by an administrator), since a deleted row cannot
show up in "changed since" any more. Members who leave keep their row (status "left")."""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chamber.models import TenantModel

__all__ = ["MembershipRemoval"]


class MembershipRemoval(TenantModel):
    """A membership that no longer exists, kept so that sync clients learn to drop it."""

    membership_id = models.PositiveBigIntegerField(_("membership id"))
    member_number = models.CharField(_("member number"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    removed_at = models.DateTimeField(_("removed at"), default=timezone.now)
    # The member's branch paths when it went, each preceded by a space (" 12/40/ 15/"), so a
    # branch-limited reader's subtree "12/" matches with `branch_paths__contains=" 12/"`:
    # the links themselves are deleted with the membership.
    branch_paths = models.TextField(_("branch paths"), blank=True, editable=False)

    class Meta:
        verbose_name = _("removed membership")
        verbose_name_plural = _("removed memberships")
        ordering = ["removed_at", "pk"]
        indexes = [models.Index(fields=["chamber", "removed_at", "id"], name="membership_removal_since")]

    def __str__(self):
        return "#{} {}".format(self.membership_id, self.name)
