"""Forms of the dues pages. Amounts are DecimalFields with two places (never float); the
money forms carry a hidden idempotency key so a double submit records once."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chamber.forms import DateInput, StyledForm
from chamber.idempotency import form_idempotency_key

from .services import DUES_METHODS

MONEY = {"max_digits": 14, "decimal_places": 2}


class IdempotentForm(StyledForm):
    """A money form: a fresh key per rendering, sent back on submit."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", form_idempotency_key())


class FeeScheduleForm(StyledForm):
    """Due date, grace period and one amount per rank (blank or 0: no dues for that rank)."""

    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    grace_days = forms.IntegerField(label=_("Grace period (days)"), min_value=0, max_value=730,
                                    help_text=_("A member whose dues are still unpaid this many days after the due date lapses."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, ranks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.ranks = list(ranks)
        for rank in self.ranks:
            self.fields[self.rank_field(rank)] = forms.DecimalField(
                label=rank.name, required=False, min_value=0, **MONEY,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "class": "form-control text-end"}),
            )

    @staticmethod
    def rank_field(rank):
        return "rate_{}".format(rank.pk)

    def rates(self):
        """{Rank: Decimal} from the cleaned data (blank → 0)."""
        return {rank: self.cleaned_data.get(self.rank_field(rank)) or 0 for rank in self.ranks}


class GenerateForm(IdempotentForm):
    """Confirms issuing a year's invoices."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)


class PaymentForm(IdempotentForm):
    """A payment received, as the bank statement or cash book shows it."""

    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    method = forms.ChoiceField(label=_("Method"), choices=[("", "---------")] + DUES_METHODS)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False,
                                help_text=_("Bank transaction number, WeChat Pay / Alipay order number, cash book page."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("paid_on", timezone.localdate())


class WaiverForm(IdempotentForm):
    """Part or all of what is outstanding, forgiven for a reason."""

    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ReverseForm(IdempotentForm):
    """Why the entry is undone; required."""

    reason = forms.CharField(label=_("Reason for the reversal"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class LapseForm(IdempotentForm):
    """Confirms lapsing the members listed."""


class InvoiceFilterForm(StyledForm):
    """Filters of the invoice list and the arrears table (GET); unknown values are ignored."""

    search = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None, required=False)
    rank = forms.ModelChoiceField(label=_("Rank"), queryset=None, required=False)

    def __init__(self, *args, chamber, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        from branches.models import Branch
        from members.models import Rank

        # Only this chamber's branches and ranks: another chamber's id is "not a choice".
        self.fields["branch"].queryset = Branch.objects.filter(chamber=chamber).order_by("path")
        self.fields["rank"].queryset = Rank.objects.filter(chamber=chamber).order_by("order", "pk")
        self.fields["status"].choices = [("", _("All"))] + list(statuses)

    def values(self):
        """Clean filters, or none when the input is garbage."""
        if not self.is_valid():
            return {"search": "", "branch": None, "rank": None, "status": ""}
        return dict(self.cleaned_data)
