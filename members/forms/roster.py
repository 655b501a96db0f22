"""Forms of the roster page: the filters (GET) and the bulk change (POST).

Branch and rank choices are built from lists the view loads once per request (they are
drawn twice, in the filters and in the bulk form): a ModelChoiceField would query its
queryset again every time it renders. Both lists are the current chamber's own (and, for
branches, within the reader's reach), so an id from elsewhere is "not a valid choice".
"""
from django import forms
from django.utils.translation import gettext_lazy as _

from chamber.forms import DateInput, StyledForm
from members.api.filters import industry_prefix
from members.models import MembershipKind, MembershipStatus
from members.services import BulkAction

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50

ORDERING_CHOICES = (
    ("name", _("Name (A→Z)")),
    ("-name", _("Name (Z→A)")),
    ("-joined_on", _("Joined (newest first)")),
    ("joined_on", _("Joined (oldest first)")),
    ("rank", _("Rank (highest first)")),
    ("-rank", _("Rank (lowest first)")),
    ("member_number", _("Member number (ascending)")),
    ("-member_number", _("Member number (descending)")),
)


def branch_choices(branches):
    """(pk, name) pairs, indented by depth so the select shows the tree."""
    return [(str(b.pk), "\u3000" * (b.depth - 1) + b.name) for b in branches]


class _ObjectChoiceField(forms.TypedChoiceField):
    """A choice among objects loaded by the view; cleans to the object itself."""

    def __init__(self, objects=(), label_of=str, **kwargs):
        self.objects = {str(o.pk): o for o in objects}
        kwargs.setdefault("choices", [("", _("All"))] + [(key, label_of(o)) for key, o in self.objects.items()])
        kwargs.setdefault("coerce", self.objects.get)
        kwargs.setdefault("empty_value", None)
        super().__init__(**kwargs)


class RosterFilterForm(StyledForm):
    """The roster's search, filters, sort and page size. Invalid values are reported next to
    their field and ignored; the list shows what the valid ones select."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    branch = forms.TypedChoiceField(label=_("Branch"), required=False)
    rank = forms.TypedChoiceField(label=_("Rank"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(MembershipStatus.choices))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + list(MembershipKind.choices))
    industry = forms.CharField(label=_("Industry code"), required=False, max_length=5,
                               help_text=_("GB/T 4754 prefix, e.g. C38"))
    division = forms.RegexField(label=_("Division code"), required=False, regex=r"^\d{1,6}$", max_length=6,
                                help_text=_("Prefix, e.g. 3205"),
                                error_messages={"invalid": _("Enter up to six digits.")})
    joined_from = forms.DateField(label=_("Joined from"), required=False, widget=DateInput())
    joined_to = forms.DateField(label=_("Joined until"), required=False, widget=DateInput())
    ordering = forms.ChoiceField(label=_("Sort by"), required=False, choices=ORDERING_CHOICES)
    page_size = forms.TypedChoiceField(label=_("Per page"), required=False, coerce=int, empty_value=DEFAULT_PAGE_SIZE,
                                       choices=[(str(n), str(n)) for n in PAGE_SIZES])

    def __init__(self, *args, branches=(), ranks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"] = _ObjectChoiceField(branches, label=_("Branch"), required=False)
        self.fields["branch"].choices = [("", _("All"))] + branch_choices(branches)
        self.fields["rank"] = _ObjectChoiceField(ranks, label=_("Rank"), required=False)
        for name in ("branch", "rank"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["q"].widget.attrs.update({
            "placeholder": _("Name, USCC, contact, mobile, number or initials (szgd)"),
            "autocomplete": "off", "spellcheck": "false",
        })
        self.fields["q"].widget.input_type = "search"

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())

    def clean_industry(self):
        return industry_prefix(self.cleaned_data["industry"])

    def clean(self):
        data = super().clean()
        start, end = data.get("joined_from"), data.get("joined_to")
        if start and end and start > end:
            self.add_error("joined_to", _("The end date is before the start date."))
        return data

    def filters(self):
        """The valid filters as keyword arguments of `membership_roster_filter` (invalid ones left out)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "branch": data.get("branch"),
            "rank": data.get("rank"),
            "status": data.get("status") or "",
            "kind": data.get("kind") or "",
            "industry": data.get("industry") or "",
            "division": data.get("division") or "",
            "joined_from": data.get("joined_from"),
            "joined_to": data.get("joined_to"),
            "ordering": data.get("ordering") or "name",
        }

    @property
    def per_page(self):
        return (getattr(self, "cleaned_data", None) or {}).get("page_size") or DEFAULT_PAGE_SIZE

    @property
    def filtering(self):
        """True when anything narrows the list (the empty state then says "no match")."""
        data = getattr(self, "cleaned_data", {}) or {}
        return any(data.get(name) for name in ("q", "branch", "rank", "status", "kind", "industry", "division",
                                               "joined_from", "joined_to"))


BULK_ACTIONS = (
    (BulkAction.BRANCHES, _("Set branches")),
    (BulkAction.RANK, _("Change rank")),
    (BulkAction.STATUS, _("Change status")),
)


class RosterBulkForm(StyledForm):
    """Which members (ticked on the page), what to change and why."""

    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=None, widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Tick at least one member."),
                        "invalid_choice": _("One of the ticked members does not exist or is outside your reach.")},
    )
    action = forms.ChoiceField(label=_("Change"), choices=BULK_ACTIONS)
    branches = forms.TypedMultipleChoiceField(label=_("New branches"), required=False)
    rank = forms.TypedChoiceField(label=_("New rank"), required=False)
    status = forms.ChoiceField(label=_("New status"), required=False,
                               choices=[("", "—")] + list(MembershipStatus.choices))
    reason = forms.CharField(label=_("Reason"), max_length=500, help_text=_("Recorded in each member's history."))

    def __init__(self, *args, members, branches=(), ranks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.branch_objects = {str(b.pk): b for b in branches}
        self.fields["branches"].choices = branch_choices(branches)
        self.fields["branches"].coerce = self.branch_objects.get
        self.fields["rank"] = _ObjectChoiceField(ranks, label=_("New rank"), required=False)
        self.fields["rank"].choices = [("", "—")] + self.fields["rank"].choices[1:]
        self.fields["rank"].widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        action = data.get("action")
        field = {BulkAction.BRANCHES: "branches", BulkAction.RANK: "rank", BulkAction.STATUS: "status"}.get(action)
        if field and not data.get(field):
            self.add_error(field, _("Choose the new value."))
        if field:
            data["value"] = data.get(field)
        return data


def choice_options(bound_field):
    """[(value, label, selected)] of a choice field, for the page's hand-written <select>s:
    Django's select widget renders a template per option, which cost more than the rest of
    the roster page (two branch lists of a few dozen options each)."""
    value = bound_field.value()
    chosen = {str(v) for v in value} if isinstance(value, (list, tuple)) else {str(value) if value is not None else ""}
    if chosen == {""} and bound_field.name == "page_size":
        chosen = {str(DEFAULT_PAGE_SIZE)}
    return [(str(key), label, str(key) in chosen) for key, label in bound_field.field.choices]
