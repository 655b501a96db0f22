"""Dues (会费): a fee schedule per year with a rate per member rank, one invoice per member
and year, and the payments, waivers and reversals posted against it (chamber.ledger)."""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chamber.models import MONEY_FIELD, EntryKind, LedgerDocument, LedgerEntry, TenantModel, ledger_never_overpaid

from .roster import Membership, Rank

__all__ = ["FeeSchedule", "FeeRate", "DuesInvoice", "DuesEntry", "DuesEntryKind", "DUES_ENTRY_LABELS"]


class FeeSchedule(TenantModel):
    """A chamber's dues for one year: when they fall due and how long the grace period runs."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    due_on = models.DateField(_("due on"), help_text=_("Dues of this year are to be paid by this date."))
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"), default=90,
        help_text=_("A member whose dues are still unpaid this many days after the due date lapses."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["chamber", "year"], name="fee_schedule_one_per_year")]

    def __str__(self):
        return _("Dues {year}").format(year=self.year)


class FeeRate(TenantModel):
    """The yearly dues of one member rank in one fee schedule."""

    schedule = models.ForeignKey(FeeSchedule, verbose_name=_("fee schedule"), on_delete=models.CASCADE, related_name="rates")
    rank = models.ForeignKey(Rank, verbose_name=_("rank"), on_delete=models.PROTECT, related_name="fee_rates")
    amount = models.DecimalField(_("yearly dues (CNY)"), **MONEY_FIELD, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("fee rate")
        verbose_name_plural = _("fee rates")
        ordering = ["rank__order", "pk"]
        constraints = [models.UniqueConstraint(fields=["chamber", "schedule", "rank"], name="fee_rate_one_per_rank")]

    def __str__(self):
        return f"{self.rank}: {self.amount}"


class DuesInvoice(LedgerDocument):
    """One member's dues for one year: a gapless number, the amount due (fixed), and what was paid or waived."""

    receipt_series = "dues_receipt"

    membership = models.ForeignKey(Membership, verbose_name=_("member"), on_delete=models.PROTECT, related_name="dues_invoices")
    schedule = models.ForeignKey(FeeSchedule, verbose_name=_("fee schedule"), on_delete=models.PROTECT, related_name="invoices")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.CharField(_("invoice number"), max_length=30)
    rank_name = models.CharField(_("rank when issued"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))

    class Meta:
        verbose_name = _("dues invoice")
        verbose_name_plural = _("dues invoices")
        ordering = ["-year", "number"]
        constraints = [
            # Generating a year's invoices twice makes no duplicate.
            models.UniqueConstraint(fields=["chamber", "membership", "year"], name="dues_invoice_one_per_member_year"),
            models.UniqueConstraint(fields=["chamber", "number"], name="dues_invoice_number_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="dues_invoice_amount_not_negative"),
            ledger_never_overpaid("dues_invoice_never_overpaid"),
        ]
        indexes = [
            models.Index(fields=["chamber", "year", "number"]),
            models.Index(fields=["chamber", "membership", "year"]),
        ]

    def __str__(self):
        return self.number


class DuesEntryKind(models.TextChoices):
    PAYMENT = EntryKind.SETTLEMENT.value, _("Payment")
    WAIVER = EntryKind.WRITE_OFF.value, _("Waiver")
    REVERSAL = EntryKind.REVERSAL.value, _("Reversal")


DUES_ENTRY_LABELS = dict(DuesEntryKind.choices)


class DuesEntry(LedgerEntry):
    """A payment, waiver or reversal posted on a dues invoice; payments carry a receipt number."""

    document_field = "invoice"

    invoice = models.ForeignKey(DuesInvoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="entries")

    class Meta(LedgerEntry.Meta):
        verbose_name = _("dues entry")
        verbose_name_plural = _("dues entries")
        constraints = [
            models.UniqueConstraint(fields=["chamber", "number"], condition=~models.Q(number=""),
                                    name="dues_receipt_number_unique"),
        ]
        indexes = [models.Index(fields=["chamber", "invoice", "created_at"])]

    def get_kind_display(self):
        return DUES_ENTRY_LABELS.get(self.kind, self.kind)
