"""Forms of the campaign pages: set-up, subjects, the preliminary review, the decision,
the ratings register and applying. Every related choice is bound to the chamber (and
campaign) at hand, so an id from elsewhere is "not a valid choice"."""
from django import forms
from django.utils.translation import gettext_lazy as _

from branches.forms import BranchChoiceField
from chamber.forms import DateInput, StyledForm

from ..models import RatingStatus, ResultMode, Scheme, SchemeVersion
from ..ratings import rating_subject_choices
from ..rubrics import version_grade_specs


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "{scheme} · {label}".format(scheme=obj.scheme.name, label=obj.label)


class CampaignForm(StyledForm):
    """A campaign's set-up: scheme version, year, timeline and how results are formed."""

    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("For example 2026年度星级基层商会考评."))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    version = VersionChoiceField(label=_("Scheme version"), queryset=SchemeVersion.objects.none(),
                                 help_text=_("The version is frozen once a campaign uses it."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    applications_close = forms.DateField(label=_("Applications close"), widget=DateInput())
    self_assessment_due = forms.DateField(label=_("Self-assessment due"), widget=DateInput())
    preliminary_review_due = forms.DateField(label=_("Preliminary review due"), widget=DateInput())
    inspection_due = forms.DateField(label=_("On-site inspection due"), widget=DateInput())
    decision_due = forms.DateField(label=_("Decision due"), widget=DateInput(),
                                   help_text=_("Prerequisites and ratings still valid are judged on this date."))
    objection_days = forms.IntegerField(label=_("Objection period (days)"), min_value=0, max_value=90, initial=7)
    result_mode = forms.ChoiceField(label=_("Group result"), choices=ResultMode.choices, initial=ResultMode.MEAN)
    reviewers_per_subject = forms.IntegerField(label=_("Reviewers per subject"), min_value=1, max_value=20, initial=3)
    enforce_prerequisites = forms.BooleanField(
        label=_("Enforce prerequisites"), required=False, initial=True,
        help_text=_("Off only for a scheme's first year, when nobody can hold the lower grade yet."))

    def __init__(self, *args, chamber, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = SchemeVersion.objects.filter(chamber=chamber).select_related(
            "scheme").order_by("scheme__name", "-effective_from", "-pk")
        if campaign is not None and campaign.stage != "draft":
            self.fields["version"].disabled = True
            self.fields["version"].help_text = _("Fixed once the campaign has left the draft stage.")


class SubjectsAddForm(StyledForm):
    branches = forms.ModelMultipleChoiceField(label=_("Our sub-chambers"), queryset=None, required=False,
                                   widget=forms.CheckboxSelectMultiple)
    chambers = forms.ModelMultipleChoiceField(label=_("Affiliated chambers"), queryset=None, required=False,
                                  widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, branches, chambers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branches"].queryset = branches
        self.fields["chambers"].queryset = chambers

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("branches") and not data.get("chambers"):
            raise forms.ValidationError(_("Choose at least one subject."))
        return data


class CommentForm(StyledForm):
    comment = forms.CharField(label=_("Comment"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class RequiredCommentForm(StyledForm):
    comment = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(StyledForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[
        ("pass", _("Pass to the on-site inspection")),
        ("return", _("Return for completion")),
        ("reject", _("Reject")),
    ], widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Required when returning or rejecting."))


def grade_choices(version, *, accept_label):
    choices = [("", accept_label), ("0", _("No grade"))]
    choices += [(str(g.level), g.label) for g in sorted(version_grade_specs(version), key=lambda g: -g.level)]
    return choices


class DecideForm(StyledForm):
    grade_level = forms.TypedChoiceField(label=_("Grade"), coerce=int, empty_value=None, required=False, choices=())
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Required when deciding another grade than the computed one."))

    def __init__(self, *args, version, computed_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade_level"].choices = grade_choices(
            version, accept_label=_("Accept the computed grade: {grade}").format(grade=computed_label))


def _subject_value(obj):
    return "{}:{}".format("branch" if obj.__class__.__name__ == "Branch" else "chamber", obj.pk)


class RatingRecordForm(StyledForm):
    """A grade awarded elsewhere, recorded by hand (e.g. a district's three stars)."""

    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.none())
    subject = forms.ChoiceField(label=_("Subject"), choices=())
    level = forms.IntegerField(label=_("Level"), min_value=1, max_value=20,
                               help_text=_("Higher is better, e.g. 3 for three stars."))
    grade_label = forms.CharField(label=_("Grade"), max_length=60, required=False,
                                  help_text=_("For example 三星级. Empty: the scheme's name for this level."))
    awarded_on = forms.DateField(label=_("Awarded on"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput(), required=False,
                                  help_text=_("Empty: the validity of the scheme's newest version."))
    awarded_by = forms.CharField(label=_("Awarded by"), max_length=200, required=False,
                                 help_text=_("For example 秦淮区工商联."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, chamber, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = Scheme.objects.filter(chamber=chamber).order_by("name", "pk")
        branches, chambers = rating_subject_choices(chamber=chamber)
        self.subjects = {_subject_value(o): o for o in [*branches, *chambers]}
        groups = []
        if branches:
            groups.append((_("Our sub-chambers"), [(_subject_value(b), b.name) for b in branches]))
        if chambers:
            groups.append((_("Affiliated chambers"), [(_subject_value(c), c.name) for c in chambers]))
        self.fields["subject"].choices = [("", "---------"), *groups]

    def subject_kwargs(self):
        obj = self.subjects[self.cleaned_data["subject"]]
        key = "branch" if self.cleaned_data["subject"].startswith("branch:") else "subject_chamber"
        return {key: obj}


class RatingFilterForm(StyledForm):
    q = forms.CharField(label=_("Subject"), required=False)
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.none(), required=False)
    level = forms.IntegerField(label=_("Level"), required=False, min_value=1)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *RatingStatus.choices])
    expiring = forms.IntegerField(label=_("Expiring within (days)"), required=False, min_value=1, max_value=3650)

    def __init__(self, *args, chamber, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = Scheme.objects.filter(chamber=chamber).order_by("name", "pk")


class ApplyForm(StyledForm):
    branch = BranchChoiceField(label=_("Sub-chamber"), queryset=None)
    applied_level = forms.TypedChoiceField(label=_("Applies for"), coerce=int, choices=())
    comment = forms.CharField(label=_("Comment"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, campaign, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        if branches is None:
            del self.fields["branch"]
        else:
            self.fields["branch"].queryset = branches
        self.fields["applied_level"].choices = [
            (str(g.level), g.label) for g in sorted(version_grade_specs(campaign.version), key=lambda g: g.level)]
