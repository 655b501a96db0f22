"""Charity forms: programmes, recipients, donations (with the "received now" part), receipts,
withdrawals and reversals. Related choices are limited to the current chamber; money forms
carry the hidden idempotency key, so a double submit records once."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from chamber.forms import DateInput, StyledForm
from chamber.idempotency import FORM_FIELD, form_idempotency_key
from chamber.models import PaymentMethod
from members.models import Membership, MembershipStatus, OfficerPosition, Person

from .models import DonationForm, DonorKind, ProgrammeForm, ProgrammeKind, Recipient, RecipientKind

MONEY = {"max_digits": 14, "decimal_places": 2}
MEMBER_CHOICES = 50
MONEY_METHODS = [(value, label) for value, label in PaymentMethod.choices if value != PaymentMethod.GOODS]


class ProgrammeEditForm(StyledForm):
    """A programme's details (the service checks the name is unique and the dates ordered)."""

    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("cause"), choices=ProgrammeKind.choices)
    form = forms.ChoiceField(label=_("form"), choices=ProgrammeForm.choices, initial=ProgrammeForm.DRIVE)
    goal_amount = forms.DecimalField(label=_("goal (CNY)"), required=False, min_value=0, **MONEY)
    starts_on = forms.DateField(label=_("starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("ends on"), required=False, widget=DateInput())
    organiser_branch = forms.ModelChoiceField(label=_("organised by branch"), queryset=Branch.objects.none(),
                                              required=False, empty_label=_("The chamber itself"))
    description = forms.CharField(label=_("description"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    honour_roll_public = forms.BooleanField(
        label=_("public honour roll"), required=False,
        help_text=_("Anyone with the link may see the donors' names and amounts received (anonymous donors are not named)."))

    def __init__(self, *args, chamber, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser_branch"].queryset = Branch.objects.filter(chamber=chamber).order_by("path")


class RecipientEditForm(StyledForm):
    """A recipient of a programme."""

    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=RecipientKind.choices)
    address = forms.CharField(label=_("address or region"), max_length=300, required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class MoneyForm(StyledForm):
    """Base of the forms that record money: a hidden idempotency key, fresh for each new form."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial[FORM_FIELD] = form_idempotency_key()


class DonationRecordForm(MoneyForm):
    """Who gives what to which programme, and optionally what was received at once."""

    donor_kind = forms.ChoiceField(label=_("donor"), choices=DonorKind.choices, widget=forms.RadioSelect,
                                   initial=DonorKind.MEMBER)
    membership = forms.ModelChoiceField(label=_("member"), queryset=Membership.objects.none(), required=False)
    branch = forms.ModelChoiceField(label=_("branch"), queryset=Branch.objects.none(), required=False)
    person = forms.ModelChoiceField(label=_("officer"), queryset=Person.objects.none(), required=False)
    donor_name = forms.CharField(label=_("outside donor's name"), max_length=200, required=False)
    form = forms.ChoiceField(label=_("form"), choices=DonationForm.choices, widget=forms.RadioSelect,
                             initial=DonationForm.MONEY)
    amount = forms.DecimalField(label=_("amount pledged (CNY)"), min_value=0, help_text=_(
        "For goods: their valued amount."), **MONEY)
    goods_description = forms.CharField(label=_("goods"), max_length=500, required=False)
    recipient = forms.ModelChoiceField(label=_("designated recipient"), queryset=Recipient.objects.none(),
                                       required=False, empty_label=_("None (the programme decides)"))
    pledged_on = forms.DateField(label=_("pledged on"), widget=DateInput())
    anonymous = forms.BooleanField(label=_("anonymous on the honour roll"), required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)
    received_now = forms.BooleanField(label=_("received now"), required=False, initial=True)
    received_amount = forms.DecimalField(label=_("amount received (CNY)"), min_value=0, required=False, **MONEY)
    received_method = forms.ChoiceField(label=_("received by"), choices=MONEY_METHODS, required=False,
                                        help_text=_("Goods are recorded as received in goods."))
    received_reference = forms.CharField(label=_("reference"), max_length=100, required=False)

    def __init__(self, *args, programme, member_q="", **kwargs):
        super().__init__(*args, **kwargs)
        chamber_id = programme.chamber_id
        members = (Membership.objects.filter(chamber_id=chamber_id).exclude(status=MembershipStatus.LEFT)
                   .order_by("name", "pk"))
        # Any current member validates; only the search's matches (and the chosen one) are
        # listed, so a chamber of 20,000 members does not render 20,000 options.
        self.fields["membership"].queryset = members
        shown = members.filter(name__icontains=member_q.strip()) if member_q.strip() else members
        shown = list(shown.only("pk", "name")[:MEMBER_CHOICES])
        chosen = self.data.get(self.add_prefix("membership")) if self.is_bound else self.initial.get("membership")
        chosen = getattr(chosen, "pk", chosen)
        if chosen and str(chosen).isdigit() and all(str(m.pk) != str(chosen) for m in shown):
            shown = list(members.filter(pk=chosen).only("pk", "name")) + shown
        self.member_choices_capped = len(shown) >= MEMBER_CHOICES
        self.fields["membership"].widget.choices = [("", "---------")] + [(m.pk, m.name) for m in shown]
        self.fields["branch"].queryset = Branch.objects.filter(chamber_id=chamber_id).order_by("path")
        officers = OfficerPosition.objects.filter(chamber_id=chamber_id).values("person_id")
        self.fields["person"].queryset = Person.objects.filter(chamber_id=chamber_id, pk__in=officers).order_by("name", "pk")
        self.fields["recipient"].queryset = Recipient.objects.filter(chamber_id=chamber_id, programme=programme)
        if not self.is_bound:
            self.initial.setdefault("pledged_on", timezone.localdate())

    def service_arguments(self):
        """The cleaned data as donation_record's keyword arguments."""
        data = dict(self.cleaned_data)
        data.pop(FORM_FIELD, None)
        received = None
        if data.pop("received_now"):
            received = {"amount": data["received_amount"] if data["received_amount"] is not None else data["amount"],
                        "on": data["pledged_on"], "method": data["received_method"],
                        "reference": data["received_reference"]}
        for key in ("received_amount", "received_method", "received_reference"):
            data.pop(key)
        data["received"] = received
        return data


class ReceiptForm(MoneyForm):
    """Money or goods received on a donation."""

    amount = forms.DecimalField(label=_("amount received (CNY)"), min_value=0, **MONEY)
    received_on = forms.DateField(label=_("received on"), widget=DateInput())
    method = forms.ChoiceField(label=_("received by"), choices=MONEY_METHODS, required=False)
    reference = forms.CharField(label=_("reference"), max_length=100, required=False,
                                help_text=_("Bank or payment reference, if any."))


class WithdrawalForm(MoneyForm):
    """A pledge (or part of it) that will not be honoured, with the reason."""

    amount = forms.DecimalField(label=_("amount withdrawn (CNY)"), min_value=0, **MONEY)
    reason = forms.CharField(label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ReverseForm(MoneyForm):
    """Why a posted entry is reversed; the entry itself stays as it was."""

    reason = forms.CharField(label=_("reason for the reversal"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))
