"""Forms of the annual report's hand-entered data: one work record, and a year's report
inputs. They parse and type the values; the rules (a level for honours, no future dates,
fields the kind does not use cleared) are the services', so every caller gets them."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.forms import DateInput, StyledForm
from members.forms.profile import CheckboxList
from members.models import Level

from .models import Medium, ProposalBody, WorkRecordKind
from .services import KIND_FIELDS, SUMMARY_MAX


def _blank(choices):
    return [("", "---------")] + list(choices)


def kinds_using(field):
    """The kinds that use a kind-specific field (for the page's script and help texts)."""
    return [kind for kind, fields in KIND_FIELDS.items() if field in fields]


class WorkRecordForm(StyledForm):
    """One work record. Every field is always in the page (it works without scripts); a small
    script hides those the chosen kind does not use, and the service clears them on save."""

    kind = forms.ChoiceField(label=_("Kind of record"), choices=WorkRecordKind.choices)
    occurred_on = forms.DateField(label=pgettext_lazy("work record", "Date"), widget=DateInput(),
                                  error_messages={"required": _("Enter the date, e.g. 2026-03-15."),
                                                  "invalid": _("Enter the date, e.g. 2026-03-15.")},
                                  help_text=_("When it was awarded, submitted, published or signed."))
    title = forms.CharField(label=pgettext_lazy("work record", "Title"), max_length=200,
                            error_messages={"required": _("Give the record a title.")},
                            help_text=_("e.g. 全省“四好”商会, 关于支持民营企业融资的提案"))
    level = forms.ChoiceField(label=_("Level"), choices=_blank(Level.choices), required=False,
                              help_text=_("Honours (required) and proposals only."))
    body = forms.ChoiceField(label=_("Submitted to"), choices=_blank(ProposalBody.choices), required=False,
                             help_text=_("Proposals and motions only (required)."))
    medium = forms.ChoiceField(label=_("Medium"), choices=_blank(Medium.choices), required=False,
                               help_text=_("Publicity articles only (required)."))
    amount = forms.DecimalField(label=_("Amount contracted (CNY)"), required=False, min_value=0, max_digits=18,
                                decimal_places=2, help_text=_("Investment projects only."),
                                error_messages={"min_value": _("The amount cannot be negative.")})
    outcome = forms.CharField(label=pgettext_lazy("work record", "Outcome"), max_length=500, required=False,
                              help_text=_("e.g. 获市领导批示, 被采纳, 已签约落地"))
    achieved = forms.BooleanField(label=_("Adopted, endorsed or signed"), required=False,
                                  help_text=_("The report counts these separately as the year's results."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The date picker offers nothing after today (the service refuses it anyway).
        self.fields["occurred_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def service_fields(self):
        """The cleaned data as the service's keyword arguments."""
        data = dict(self.cleaned_data)
        for name in ("level", "body", "medium"):
            data[name] = data.get(name) or ""
        return data


class ReportInputsForm(StyledForm):
    """What the secretariat adds by hand to the year's report. `counts` ({kind: records of
    the year}) labels each kind with its number of records, so nobody confirms as none a
    kind that has some."""

    summary = forms.CharField(
        label=_("Summary of the year"), max_length=SUMMARY_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Printed after the cover: the year's work in a few paragraphs."))
    above_size_enterprises = forms.IntegerField(
        label=_("Private enterprises above designated size in the area"), required=False, min_value=0,
        error_messages={"min_value": _("The number of enterprises cannot be negative.")},
        help_text=_("From the statistics bureau; the coverage rate is the members above designated size "
                    "divided by it. Left empty, the coverage prints “Not recorded”."))
    none_confirmed = forms.MultipleChoiceField(
        label=_("Confirmed as none this year"), required=False, choices=WorkRecordKind.choices,
        widget=CheckboxList,
        help_text=_("Tick a kind only when the chamber truly had none of it this year: the report then prints 0. "
                    "A kind with no records that is not ticked prints “Not recorded”."))

    def __init__(self, *args, counts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if counts is not None:
            self.fields["none_confirmed"].choices = [
                (kind, _("{label} ({n} recorded this year)").format(label=label, n=counts.get(kind, 0)))
                for kind, label in WorkRecordKind.choices]
