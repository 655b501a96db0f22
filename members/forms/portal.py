"""Forms of the member self-service portal and of the approval queue.

The portal's fields are the model fields themselves (`Model._meta.get_field(...).formfield()`),
so they carry the validators the staff forms use; members.self_service validates again and
normalises before storing a proposal.
"""
from django import forms
from django.utils.translation import gettext_lazy as _

from chamber.forms import StyledForm, style_widget

from ..models import AnnualFigures, Contact, Enterprise, Person
from ..services import SELF_SERVICE_ENTERPRISE_FIELDS


def _formfield(model, name, **kwargs):
    return model._meta.get_field(name).formfield(**kwargs)


class PortalProfileForm(StyledForm):
    """The enterprise fields a representative may change (SELF_SERVICE_ENTERPRISE_FIELDS)."""

    _WIDGET_OPTIONS = {
        "website": {"assume_scheme": "https"},
        "description": {"widget": forms.Textarea(attrs={"rows": 4})},
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built from the shared list, so the form cannot offer a field the service refuses.
        for name in SELF_SERVICE_ENTERPRISE_FIELDS:
            field = _formfield(Enterprise, name, **self._WIDGET_OPTIONS.get(name, {}))
            style_widget(field)
            self.fields[name] = field


class PortalContactForm(StyledForm):
    """A contact of the enterprise: the person's name and mobile, their title, primary or not."""

    name = _formfield(Person, "name")
    mobile = _formfield(Person, "mobile", widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    title = _formfield(Contact, "title")
    is_primary = _formfield(Contact, "is_primary")


class PortalFiguresForm(StyledForm):
    """One year's figures."""

    year = _formfield(AnnualFigures, "year")
    revenue = _formfield(AnnualFigures, "revenue")
    tax_paid = _formfield(AnnualFigures, "tax_paid")
    employees = _formfield(AnnualFigures, "employees")


class ApprovalDecisionForm(StyledForm):
    """Approve or reject a pending change; a rejection needs a note."""

    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting; the representative sees it."),
    )
