"""Forms of the review pages: the assignment board (reviewers, groups, moves), evidence
uploads and reopening a sheet. Every related choice is bound to the campaign at hand, so
an id from another campaign or chamber is "not a valid choice".

The scoring sheet itself is not a Django form: its inputs follow the indicator tree and
the service checks every score (see evaluations.scoring).
"""
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.forms import BranchChoiceField
from branches.selectors import branch_list
from chamber.access import EVALUATIONS_REVIEW, ROLE_CAPABILITIES
from chamber.audit import actor_label
from chamber.forms import StyledForm
from chamber.models import Chamber, Role

from ..models import CampaignReviewer, Indicator, Submission, WorkingGroup


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return "{} ({})".format(full, obj.get_username()) if full else obj.get_username()


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return actor_label(obj.user)


def reviewer_candidates(campaign):
    """Users holding a role with `evaluations.review` in the federation, not yet reviewers."""
    kinds = [kind for kind, caps in ROLE_CAPABILITIES.items() if EVALUATIONS_REVIEW in caps]
    taken = CampaignReviewer.objects.filter(chamber_id=campaign.chamber_id, campaign=campaign).values("user_id")
    user_ids = Role.objects.filter(chamber_id=campaign.chamber_id, kind__in=kinds).values("user_id")
    return (get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(pk__in=taken)
            .order_by("username", "pk"))


def home_chamber_choices(campaign):
    """The chambers a reviewer may come from: those the federation supervises, directly or
    through a district federation."""
    fed = campaign.chamber_id
    return Chamber.objects.filter(
        Q(supervising_federation_id=fed) | Q(supervising_federation__supervising_federation_id=fed)
    ).order_by("division_code", "name", "pk")


class ReviewerAddForm(StyledForm):
    user = UserChoiceField(label=_("Reviewer"), queryset=None,
                           help_text=_("Users with the reviewer role (or chamber administrators) in the federation."))
    home_chamber = forms.ModelChoiceField(
        label=_("From chamber"), queryset=None, required=False,
        help_text=_("For example the district federation the reviewer works for: its subjects are never given to them."),
    )
    district_code = forms.CharField(
        label=_("District code"), max_length=6, required=False,
        help_text=_("Six digits, e.g. 320104. Empty: the home chamber's district."),
    )
    home_branch = BranchChoiceField(label=_("From branch"), queryset=None, required=False,
                                    help_text=_("Subjects in this branch and below are never given to the reviewer."))

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = reviewer_candidates(campaign)
        self.fields["home_chamber"].queryset = home_chamber_choices(campaign)
        self.fields["home_branch"].queryset = branch_list(chamber=campaign.chamber)


class GroupForm(StyledForm):
    name = forms.CharField(label=_("Group name"), max_length=100)


class GroupRenameForm(GroupForm):
    group = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = WorkingGroup.objects.filter(chamber_id=campaign.chamber_id, campaign=campaign)


class GroupDeleteForm(StyledForm):
    group = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = WorkingGroup.objects.filter(chamber_id=campaign.chamber_id, campaign=campaign)


class ReviewerGroupForm(StyledForm):
    """Put a reviewer in a group (or in none)."""

    reviewer = ReviewerChoiceField(queryset=None, widget=forms.HiddenInput)
    group = forms.ModelChoiceField(label=_("Working group"), queryset=None, required=False, empty_label=_("No group"))

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = CampaignReviewer.objects.filter(
            chamber_id=campaign.chamber_id, campaign=campaign).select_related("user", "campaign")
        self.fields["group"].queryset = WorkingGroup.objects.filter(chamber_id=campaign.chamber_id, campaign=campaign)


class ReviewerRemoveForm(StyledForm):
    reviewer = ReviewerChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = CampaignReviewer.objects.filter(
            chamber_id=campaign.chamber_id, campaign=campaign).select_related("user", "group", "campaign")


class MoveForm(StyledForm):
    """Move a subject to another group by hand, with the reason."""

    submission = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    group = forms.ModelChoiceField(label=_("Working group"), queryset=None, required=False, empty_label=_("Unassigned"))
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].queryset = Submission.objects.filter(
            chamber_id=campaign.chamber_id, campaign=campaign).select_related("campaign", "subject_chamber",
                                                                              "subject_branch")
        self.fields["group"].queryset = WorkingGroup.objects.filter(chamber_id=campaign.chamber_id, campaign=campaign)


class EvidenceUploadForm(StyledForm):
    file = forms.FileField(label=_("File"), help_text=_("PDF, image (JPEG, PNG, GIF, WebP) or Office document."))
    indicator = forms.ModelChoiceField(label=_("For indicator"), queryset=None, required=False,
                                       empty_label=_("The whole self-assessment"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, version, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        field.queryset = Indicator.objects.filter(chamber_id=version.chamber_id, version=version).order_by("sort_key")
        if indicators is not None:
            # The page has the tree already: offer it without a second query.
            field.choices = [("", field.empty_label)] + [(i.pk, str(i)) for i in indicators]


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)
