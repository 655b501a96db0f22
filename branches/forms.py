"""Forms of the branch tree pages. Choices are bound to the current chamber, and to the
part of the tree the user may change, so an id from elsewhere is "not a valid choice"."""
from django import forms
from django.utils.translation import gettext_lazy as _

from chamber.access import BRANCHES_CHANGE
from chamber.forms import DateInput, StyledForm
from members.models import Person

from .models import Branch, BranchKind
from .selectors import branch_visible_list


class BranchChoiceField(forms.ModelChoiceField):
    """Shows a node indented by its depth, so a flat <select> still reads as a tree."""

    def label_from_instance(self, obj):
        return "\u3000" * (obj.depth - 1) + obj.name


def reachable_parents(*, chamber, access):
    """Active nodes the user may add to or move into: the whole tree, or their subtrees."""
    return branch_visible_list(chamber=chamber, access=access, capability=BRANCHES_CHANGE)


def _top_level_allowed(access):
    # Only someone who may change the whole chamber may put a node at the top of the tree.
    return access.branch_paths(BRANCHES_CHANGE) is None


class BranchDetailsForm(StyledForm):
    """Name, code, kind, leader and founding date: the fields shared by create and edit."""

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=BranchKind.choices)
    code = forms.CharField(label=_("Code"), max_length=30, required=False,
                           help_text=_("Optional short code, unique in the chamber."))
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=Person.objects.none(), required=False)
    founded_on = forms.DateField(label=_("Founded on"), required=False, widget=DateInput())

    def __init__(self, *args, chamber, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.chamber, self.access = chamber, access
        self.fields["leader"].queryset = Person.objects.filter(chamber=chamber).order_by("name", "pk")

    def service_kwargs(self):
        data = self.cleaned_data
        return {"name": data["name"], "kind": data["kind"], "code": data["code"], "leader": data["leader"],
                "founded_on": data["founded_on"]}


class BranchCreateForm(BranchDetailsForm):
    parent = BranchChoiceField(label=_("Parent"), queryset=Branch.objects.none(), required=False,
                               empty_label=_("(top of the tree)"))
    field_order = ["parent", "name", "kind", "code", "leader", "founded_on"]

    def __init__(self, *args, chamber, access, **kwargs):
        super().__init__(*args, chamber=chamber, access=access, **kwargs)
        self.fields["parent"].queryset = reachable_parents(chamber=chamber, access=access)
        if not _top_level_allowed(access):
            self.fields["parent"].required = True
            self.fields["parent"].empty_label = None


class BranchMoveForm(StyledForm):
    """A new parent for a node. Its own sub-branches stay in the list on purpose: the
    service refuses them with a message that says why, which "not a valid choice" would not."""

    parent = BranchChoiceField(label=_("New parent"), queryset=Branch.objects.none(), required=False,
                               empty_label=_("(top of the tree)"))
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, chamber, access, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = reachable_parents(chamber=chamber, access=access).exclude(pk=branch.pk)
        if not _top_level_allowed(access):
            self.fields["parent"].required = True
            self.fields["parent"].empty_label = None


class BranchArchiveForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label=_("Yes, archive this branch and every branch below it."))

