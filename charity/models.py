"""Charity (光彩事业 / 公益): programmes and funds, their recipients, donations in money or goods
(a pledge whose amount is fixed once recorded) and the receipts, withdrawals and reversals
posted against each donation (chamber.ledger)."""
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chamber.models import MONEY_FIELD, EntryKind, LedgerDocument, LedgerEntry, TenantModel, ledger_never_overpaid


class ProgrammeKind(models.TextChoices):
    DISASTER_RELIEF = "disaster_relief", _("Disaster relief")
    POVERTY_ALLEVIATION = "poverty_alleviation", _("Poverty alleviation")
    RURAL_REVITALISATION = "rural_revitalisation", _("Rural revitalisation")
    EDUCATION = "education", _("Education")
    ELDER_CARE = "elder_care", _("Elder care")
    HEALTH = "health", _("Health and medical aid")
    ENVIRONMENT = "environment", _("Environment")
    COMMUNITY = "community", _("Community service")
    OTHER = "other", _("Other")


class ProgrammeForm(models.TextChoices):
    DRIVE = "drive", _("Donation drive")
    FUND = "fund", _("Standing fund")


class Programme(TenantModel):
    """A charity programme or fund of the chamber: what it is for, its goal and its dates."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("cause"), max_length=30, choices=ProgrammeKind.choices)
    form = models.CharField(_("form"), max_length=10, choices=ProgrammeForm.choices, default=ProgrammeForm.DRIVE)
    goal_amount = models.DecimalField(
        _("goal (CNY)"), **MONEY_FIELD, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    organiser_branch = models.ForeignKey(
        "branches.Branch", verbose_name=_("organised by branch"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="charity_programmes", help_text=_("Empty: the chamber itself."),
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    honour_roll_public = models.BooleanField(
        _("public honour roll"), default=False,
        help_text=_("Anyone with the link may see the donors' names and amounts received (anonymous donors are not named)."),
    )
    is_closed = models.BooleanField(_("closed"), default=False, help_text=_("A closed programme takes no new donations."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("charity programme")
        verbose_name_plural = _("charity programmes")
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["chamber", "starts_on"])]
        constraints = [
            models.UniqueConstraint(fields=["chamber", "name"], name="programme_name_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_dates_ordered",
            ),
        ]

    def __str__(self):
        return self.name


class RecipientKind(models.TextChoices):
    PERSON = "person", _("Person or family")
    SCHOOL = "school", _("School")
    VILLAGE = "village", _("Village or community")
    ORGANISATION = "organisation", _("Organisation")
    AREA = "area", _("Disaster area or region")


class Recipient(TenantModel):
    """Who a programme helps: a family, a school, a village, a disaster area …"""

    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="recipients")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=RecipientKind.choices)
    address = models.CharField(_("address or region"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["chamber", "programme", "name"], name="recipient_unique_in_programme"),
        ]

    def __str__(self):
        return self.name


class DonorKind(models.TextChoices):
    MEMBER = "member", _("Member")
    BRANCH = "branch", _("Branch")
    OFFICER = "officer", _("Officer")
    OUTSIDE = "outside", _("Outside donor")


class DonationForm(models.TextChoices):
    MONEY = "money", _("Money")
    GOODS = "goods", _("Goods")


class Donation(LedgerDocument):
    """A donation pledged to a programme by a member, branch, officer or outside donor, in money or goods.

    `amount` is what was pledged (for goods: their valued amount) and never changes;
    receipts (settlements) and withdrawals are entries, so pledged versus received is
    always the sum of the entries.
    """

    receipt_series = "donation_receipt"

    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="donations")
    donor_kind = models.CharField(_("donor"), max_length=10, choices=DonorKind.choices)
    membership = models.ForeignKey(
        "members.Membership", verbose_name=_("member"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="donations",
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("officer"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="donations",
    )
    # The branch credited: the donating branch, or the member's / officer's branch.
    branch = models.ForeignKey(
        "branches.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="donations",
    )
    # Copied from the member, branch or officer when recorded (outside donors: typed), so
    # totals per donor and the honour roll read one table.
    donor_name = models.CharField(_("donor name"), max_length=200)
    form = models.CharField(_("form"), max_length=10, choices=DonationForm.choices, default=DonationForm.MONEY)
    goods_description = models.CharField(_("goods"), max_length=500, blank=True)
    recipient = models.ForeignKey(
        Recipient, verbose_name=_("designated recipient"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="donations",
    )
    pledged_on = models.DateField(_("pledged on"))
    anonymous = models.BooleanField(_("anonymous on the honour roll"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-pledged_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="donation_amount_positive"),
            ledger_never_overpaid("donation_never_over_received"),
            models.CheckConstraint(
                condition=(
                    models.Q(donor_kind="member", membership__isnull=False)
                    | models.Q(donor_kind="branch", branch__isnull=False)
                    | models.Q(donor_kind="officer", person__isnull=False)
                    | models.Q(donor_kind="outside")
                ),
                name="donation_donor_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["chamber", "programme", "pledged_on"]),
            models.Index(fields=["chamber", "membership"]),
            models.Index(fields=["chamber", "branch"]),
            models.Index(fields=["chamber", "pledged_on"]),
            models.Index(fields=["chamber", "donor_name"]),
        ]

    def __str__(self):
        return f"{self.donor_name} → {self.programme_id}: {self.amount}"


class DonationEntryKind(models.TextChoices):
    RECEIVED = EntryKind.SETTLEMENT.value, _("Received")
    WITHDRAWN = EntryKind.WRITE_OFF.value, _("Pledge withdrawn")
    REVERSAL = EntryKind.REVERSAL.value, _("Reversal")


DONATION_ENTRY_LABELS = dict(DonationEntryKind.choices)


class DonationEntry(LedgerEntry):
    """Money or goods received on a donation (with a numbered receipt), a withdrawn pledge, or a reversal."""

    document_field = "donation"

    donation = models.ForeignKey(Donation, verbose_name=_("donation"), on_delete=models.PROTECT, related_name="entries")

    class Meta(LedgerEntry.Meta):
        verbose_name = _("donation entry")
        verbose_name_plural = _("donation entries")
        constraints = [
            models.UniqueConstraint(fields=["chamber", "number"], condition=~models.Q(number=""),
                                    name="donation_receipt_number_unique"),
        ]
        indexes = [
            models.Index(fields=["chamber", "donation", "created_at"]),
            models.Index(fields=["chamber", "occurred_on"]),
        ]

    def get_kind_display(self):
        return DONATION_ENTRY_LABELS.get(self.kind, self.kind)
