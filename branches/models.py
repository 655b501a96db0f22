"""The tree of sub-chambers and sub-units inside a chamber, and links between chambers.

The tree is a materialised path of primary keys ("12/40/41/"). We chose this over
django-treebeard's MP_Node because treebeard numbers root nodes across the whole table
by reading the last root through the default manager; with a tenant-scoped manager that
manager only sees one chamber, so two chambers would compute the same root path. A path
of primary keys needs no sibling numbering at all: no global state, no race between
concurrent inserts, and a subtree is `path__startswith`, which the role checks use too.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chamber.models import TenantModel


class BranchKind(models.TextChoices):
    INDUSTRY = "industry", _("Industry chamber")
    TOWNSHIP = "township", _("Township or street chamber")
    OUT_OF_TOWN = "out_of_town", _("Out-of-town chamber")
    PARK = "park", _("Park chamber")
    BRANCH = "branch", _("Branch")
    COMMITTEE = "committee", _("Professional committee")
    YOUTH = "youth", _("Youth committee")
    PARTY = "party", _("Party branch")
    SECRETARIAT = "secretariat", _("Secretariat department")


class BranchStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class Branch(TenantModel):
    """A sub-chamber, branch, committee or department: one node of a chamber's tree."""

    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=1)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=BranchKind.choices)
    code = models.CharField(_("code"), max_length=30, blank=True)
    leader = models.ForeignKey(
        "members.Person", verbose_name=_("leader"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=BranchStatus.choices, default=BranchStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["chamber", "path"], name="branch_path_unique"),
            models.UniqueConstraint(
                fields=["chamber", "code"], condition=~models.Q(code=""), name="branch_code_unique"
            ),
        ]
        indexes = [models.Index(fields=["chamber", "parent", "name"])]

    def __str__(self):
        return self.name

    @property
    def ancestor_ids(self):
        return [int(part) for part in self.path.split("/")[:-2]]


class LinkKind(models.TextChoices):
    PAIRING = "pairing", _("Pairing (结对共建)")
    FRIENDSHIP = "friendship", _("Friendship (友好商会)")


class ChamberLink(TenantModel):
    """A pairing or friendship link from this chamber to another chamber or organisation."""

    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    partner = models.ForeignKey(
        "chamber.Chamber",
        verbose_name=_("partner chamber on this platform"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    partner_name = models.CharField(_("partner name"), max_length=200)
    branch = models.ForeignKey(
        Branch, verbose_name=_("on behalf of branch"), on_delete=models.SET_NULL, null=True, blank=True, related_name="links"
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("pairing or friendship link")
        verbose_name_plural = _("pairing and friendship links")
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="chamberlink_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.partner_name}"
