"""Forms of the member pages: an enterprise's profile, a person, a membership, a contact.

The pages are made of several small forms, each with its own prefix ("enterprise",
"person", "contact", "membership", "new"), so one form serves both the create and the
edit page and a service error keyed "<prefix>.<field>" lands under its own field.

Forms only check shapes and identifiers (normalising 'c3831' to 'C3831' and so on); the
services in members/services.py check everything again and do the writing. The model
forms here never touch their instance (`_post_clean` is skipped): the edit page's
"before" values for the audit log must stay as they were until the service runs.
"""
import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.selectors import branch_visible_list
from chamber.access import MEMBERS_CHANGE, PERSONAL_DATA
from chamber.forms import DateInput, StyledForm, StyledModelForm, style_widget
from chamber.validators import (
    normalize_id_number,
    normalize_industry_code,
    normalize_mobile,
    normalize_uscc,
    validate_division_code,
)
from members.models import STATUS_TRANSITIONS, Contact, Enterprise, Membership, MembershipChange, MembershipStatus, Person
from members.selectors import person_list, rank_list

# Fields checked as the user leaves them (see `live_validation` and the `validate` view).
LIVE_FIELDS = ("uscc", "industry_code", "division_code", "mobile", "id_number")


def _label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


class IdentifierCleaning:
    """Identifiers typed loosely (spaces, lower case, +86) are normalised, or refused with
    the validator's own message under the field. Needs `self.chamber` for uniqueness."""

    chamber = None
    exclude_pk = None

    def clean_uscc(self):
        value = normalize_uscc(self.cleaned_data["uscc"]) if self.cleaned_data["uscc"].strip() else ""
        if value and self.chamber is not None:
            others = Enterprise.objects.filter(chamber=self.chamber, uscc=value).exclude(pk=self.exclude_pk)
            if others.exists():
                raise ValidationError(_("An enterprise with this unified social credit code is already registered in this chamber."))
        return value

    def clean_industry_code(self):
        value = self.cleaned_data["industry_code"].strip()
        return normalize_industry_code(value) if value else ""

    def clean_division_code(self):
        value = self.cleaned_data["division_code"].strip()
        if value:
            validate_division_code(value)
        return value

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        return normalize_mobile(value) if value else ""

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data["id_number"]) if self.cleaned_data["id_number"].strip() else ""
        if value and self.chamber is not None:
            others = Person.objects.with_id_number(self.chamber, value).exclude(pk=self.exclude_pk)
            if others.exists():
                raise ValidationError(_("A person with this ID number is already registered in this chamber."))
        return value


def live_validation(form, url, exclude_pk=None):
    """Validate identifiers as the user leaves the field: htmx posts the form to `url`,
    which answers with the field re-rendered (its error under it, or none)."""
    for name in LIVE_FIELDS:
        if name in form.fields:
            html_name = form.add_prefix(name)
            vals = {"_field": html_name}
            if exclude_pk is not None:
                vals["_exclude"] = exclude_pk
            form.fields[name].widget.attrs.update({
                "hx-post": url, "hx-trigger": "change", "hx-target": f"#field-{html_name}",
                "hx-swap": "outerHTML", "hx-vals": json.dumps(vals),
            })
    return form


class _NoInstanceWrites:
    """A ModelForm for its fields and initial values only (see the module docstring)."""

    def _post_clean(self):
        pass


class EnterpriseForm(IdentifierCleaning, _NoInstanceWrites, StyledModelForm):
    """An enterprise's profile (create and edit)."""

    uscc = forms.CharField(label=_label(Enterprise, "uscc"), max_length=30, required=False,
                           help_text=gettext_lazy("18 characters, printed on the business licence."))
    industry_code = forms.CharField(label=_label(Enterprise, "industry_code"), max_length=10, required=False,
                                    help_text=gettext_lazy("e.g. C3831"))
    division_code = forms.CharField(label=_label(Enterprise, "division_code"), max_length=6, required=False,
                                    help_text=gettext_lazy("6 digits, e.g. 320505"))
    website = forms.URLField(label=_label(Enterprise, "website"), max_length=200, required=False, assume_scheme="https")

    class Meta:
        model = Enterprise
        fields = ("name", "uscc", "legal_representative", "industry_code", "division_code", "address",
                  "founded_on", "registered_capital", "employees", "website", "description")
        widgets = {"founded_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, chamber=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.chamber = chamber
        self.exclude_pk = self.instance.pk

    def service_fields(self):
        return dict(self.cleaned_data)


# PIPL: the secretariat records that it holds the person's consent (members.privacy).
def _consent_field():
    return forms.BooleanField(
        label=gettext_lazy("The person has consented to the processing of their personal data"),
        required=False,
        help_text=gettext_lazy("Tick only when the consent is on file (a signed form, a message); "
                               "it is recorded with your name and the time."),
    )


class PersonForm(IdentifierCleaning, _NoInstanceWrites, StyledModelForm):
    """A person (the person pages, and an individual member). Without the personal-data
    capability the ID number and birth date are neither shown nor accepted."""

    mobile = forms.CharField(label=_label(Person, "mobile"), max_length=20, required=False)
    id_number = forms.CharField(label=_label(Person, "id_number"), max_length=25, required=False,
                                help_text=gettext_lazy("18 characters; birth date and gender are read from it."))
    consent = _consent_field()

    class Meta:
        model = Person
        fields = ("name", "gender", "birth_date", "mobile", "email", "id_number", "political_affiliation")
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args, chamber=None, access=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.chamber = chamber
        self.exclude_pk = self.instance.pk
        if access is None or not access.has(PERSONAL_DATA):
            del self.fields["id_number"], self.fields["birth_date"]

    def service_fields(self):
        data = dict(self.cleaned_data)
        if self.instance.pk and data.get("id_number") and data["id_number"] != self.instance.id_number:
            # A birth date and gender left as they were follow the new ID number: the
            # service reads them from it (else the old birth date would contradict it).
            for name in ("birth_date", "gender"):
                if name in data and data[name] == getattr(self.instance, name):
                    del data[name]
        return data


class NewPersonForm(IdentifierCleaning, StyledForm):
    """A person created in passing (a new contact): name and how to reach them; all optional
    until a name is given."""

    name = forms.CharField(label=_label(Person, "name"), max_length=60, required=False)
    mobile = forms.CharField(label=_label(Person, "mobile"), max_length=20, required=False)
    email = forms.EmailField(label=_label(Person, "email"), required=False)
    id_number = forms.CharField(label=_label(Person, "id_number"), max_length=25, required=False)
    consent = _consent_field()

    def __init__(self, *args, chamber=None, access=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.chamber = chamber
        if access is None or not access.has(PERSONAL_DATA):
            del self.fields["id_number"]

    def clean(self):
        data = super().clean()
        given = [name for name in self.fields if name not in ("name", "consent") and data.get(name)]
        if given and not (data.get("name") or "").strip():
            self.add_error("name", _("Enter the person's name, or leave all of these fields empty."))
        return data

    def service_fields(self):
        """person_create's keywords, or None when nothing was entered."""
        data = {k: v for k, v in self.cleaned_data.items() if v and k in ("name", "mobile", "email", "id_number")}
        if data and self.cleaned_data.get("consent"):
            data["consent"] = True
        return data or None


class NewContactForm(NewPersonForm):
    """The optional primary contact on the create page."""

    title = forms.CharField(label=_label(Contact, "title"), max_length=60, required=False,
                            help_text=gettext_lazy("e.g. 总经理, 办公室主任"))

    def service_fields(self):
        data = super().service_fields()
        if data is not None:
            data["title"] = self.cleaned_data.get("title", "")
        return data


class CheckboxList(forms.CheckboxSelectMultiple):
    """Checkboxes laid out as Bootstrap form-checks (Django's own put the box in the label)."""

    template_name = "members/_form_check_list.html"
    option_template_name = "members/_form_check_option.html"


def _branch_field(chamber, access):
    return forms.ModelMultipleChoiceField(
        label=_label(Membership, "branches"), required=False, widget=CheckboxList,
        queryset=branch_visible_list(chamber=chamber, access=access, capability=MEMBERS_CHANGE),
    )


class MembershipCreateForm(StyledForm):
    """The membership part of the create page. A branch secretary must place the new member
    in one of their own branches (else they could not see it afterwards)."""

    rank = forms.ModelChoiceField(label=_label(Membership, "rank"), queryset=None)
    member_number = forms.CharField(label=_label(Membership, "member_number"), max_length=30, required=False)
    joined_on = forms.DateField(label=_label(Membership, "joined_on"), required=False, widget=DateInput(),
                                help_text=gettext_lazy("Empty: today, once the member is active."))
    status = forms.ChoiceField(label=_label(Membership, "status"), initial=MembershipStatus.APPLIED, choices=[
        (MembershipStatus.APPLIED, MembershipStatus.APPLIED.label), (MembershipStatus.ACTIVE, MembershipStatus.ACTIVE.label),
    ])

    def __init__(self, *args, chamber, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rank"].queryset = rank_list(chamber=chamber)
        self.fields["branches"] = _branch_field(chamber, access)
        style_widget(self.fields["branches"])
        self.branch_limited = access.branch_paths(MEMBERS_CHANGE) is not None
        if self.branch_limited:
            self.fields["branches"].required = True
            self.fields["branches"].help_text = _("Choose at least one of your branches.")

    def service_fields(self):
        data = dict(self.cleaned_data)
        data["branches"] = list(data["branches"])
        return data


class MembershipEditForm(StyledForm):
    """The membership part of the edit page. Rank, status and branch changes are kept in
    the member's history and need a reason; status offers only the allowed next steps."""

    member_number = forms.CharField(label=_label(Membership, "member_number"), max_length=30, required=False)
    joined_on = forms.DateField(label=_label(Membership, "joined_on"), required=False, widget=DateInput())
    rank = forms.ModelChoiceField(label=_label(Membership, "rank"), queryset=None)
    status = forms.ChoiceField(label=_label(Membership, "status"), choices=MembershipStatus.choices)
    effective_on = forms.DateField(label=_label(MembershipChange, "effective_on"), required=False, widget=DateInput(),
                                   help_text=gettext_lazy("For a rank, status or branch change; empty: today."))
    reason = forms.CharField(label=_label(MembershipChange, "reason"), max_length=500, required=False,
                             help_text=gettext_lazy("Required when the rank, status or branches change."))

    def __init__(self, *args, chamber, access, membership, **kwargs):
        self.membership = membership
        self.current_branches = list(getattr(membership, "branch_list", None) or membership.branches.order_by("path"))
        kwargs.setdefault("initial", {
            "member_number": membership.member_number, "joined_on": membership.joined_on,
            "rank": membership.rank_id, "status": membership.status,
            "branches": [b.pk for b in self.current_branches],
        })
        super().__init__(*args, **kwargs)
        self.fields["rank"].queryset = rank_list(chamber=chamber)
        branches = _branch_field(chamber, access)
        # Branches sit with the other membership fields, before the date and reason of a change.
        self.fields = {**{k: v for k, v in self.fields.items() if k not in ("effective_on", "reason")},
                       "branches": branches, "effective_on": self.fields["effective_on"], "reason": self.fields["reason"]}
        # Any status validates here, so a refused step gets the service's own message; the
        # menu offers only the current status and the steps allowed from it.
        current = MembershipStatus(membership.status)
        allowed = [current, *sorted(STATUS_TRANSITIONS[current], key=MembershipStatus.values.index)]
        self.fields["status"].widget.choices = [(s.value, s.label) for s in allowed]
        # A branch secretary edits the branches within their reach; the member's other
        # branches stay as they are.
        reach = {b.pk for b in branches.queryset}
        self.kept_branches = [b for b in self.current_branches if b.pk not in reach]
        style_widget(branches)

    def clean(self):
        data = super().clean()
        if "branches" in data:
            data["branches"] = list(data["branches"]) + self.kept_branches
        if self.history_changes(data) and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Please give a reason for this change."))
        return data

    def history_changes(self, data):
        """Which of rank, status and branches this form changes."""
        changed = []
        if data.get("rank") is not None and data["rank"].pk != self.membership.rank_id:
            changed.append("rank")
        if data.get("status") and data["status"] != self.membership.status:
            changed.append("status")
        if "branches" in data and {b.pk for b in data["branches"]} != {b.pk for b in self.current_branches}:
            changed.append("branches")
        return changed

    def service_fields(self):
        data = self.cleaned_data
        changed = self.history_changes(data)
        return {
            "member_number": data["member_number"],
            "joined_on": data["joined_on"],
            "rank": data["rank"] if "rank" in changed else None,
            "status": data["status"] if "status" in changed else None,
            "branches": data["branches"] if "branches" in changed else None,
            "reason": data["reason"],
            "effective_on": data["effective_on"],
        }


class ContactAddForm(StyledForm):
    """Pick a person of the chamber found by search, or enter a new one (NewPersonForm,
    prefix "new"); the title and primary flag go with either."""

    person = forms.ModelChoiceField(label=gettext_lazy("Existing person"), queryset=None, required=False,
                                    widget=forms.RadioSelect)
    title = forms.CharField(label=_label(Contact, "title"), max_length=60, required=False)
    is_primary = forms.BooleanField(label=_label(Contact, "is_primary"), required=False)

    def __init__(self, *args, chamber, access, found=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = person_list(chamber=chamber, access=access, capability=MEMBERS_CHANGE).prefetch_related(None)
        # Only the search results are offered; any person within reach validates.
        field.widget.choices = [(p.pk, p.name if not p.mobile else f"{p.name} · {p.mobile}") for p in found]
