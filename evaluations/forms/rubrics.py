"""Forms of the rubric pages. They check shapes only; the services check meaning (sums,
graded options, uniqueness, frozen versions) and their errors land back on these forms.
A parent indicator is chosen among the version's own indicators, so an id from another
version or chamber is "not a valid choice"."""
from django import forms
from django.utils.translation import gettext_lazy as _

from chamber.forms import DateInput, StyledForm

from ..models import Indicator, SchemeKind, ScoringMode
from ..rubric_fields import MAX_HELD_DAYS, MAX_LEVEL, MAX_VALIDITY_MONTHS


def _points(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=8, decimal_places=2, min_value=0, **kwargs)


class SchemeForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SchemeKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("For example 南京市星级基层商会考评."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VersionForm(StyledForm):
    label = forms.CharField(label=_("Version"), max_length=60, help_text=_("For example 2019 or 第二版."))
    effective_from = forms.DateField(label=_("Effective from"), required=False, widget=DateInput())
    max_points = _points(_("Full score"), initial=100,
                         help_text=_("The full score of the base indicators, without bonus points."))
    bonus_cap = _points(_("Bonus cap"), initial=0, help_text=_("Bonus items add points up to this cap."))
    validity_months = forms.IntegerField(
        label=_("Validity (months)"), min_value=1, max_value=MAX_VALIDITY_MONTHS, initial=36,
        help_text=_("How long a rating awarded under this version stays valid: 36 for three years."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VersionCopyForm(StyledForm):
    label = forms.CharField(label=_("Label of the new version"), max_length=60)
    effective_from = forms.DateField(label=_("Effective from"), required=False, widget=DateInput())


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Indent by depth, so the select reads as the tree.
        return "{}{}".format("\u3000" * (obj.depth - 1), obj)


class IndicatorForm(StyledForm):
    parent = ParentChoiceField(label=_("Under"), queryset=Indicator.objects.none(), required=False,
                               empty_label=_("(top level: an aspect)"))
    code = forms.CharField(label=_("Number"), max_length=20, required=False, help_text=_("For example 1.2.3."))
    title = forms.CharField(label=_("Title"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    max_points = _points(_("Maximum points"), initial=0,
                         help_text=_("For an item with sub-items: the sum of its sub-items' points."))
    mode = forms.ChoiceField(label=_("Scoring mode"), choices=ScoringMode.choices, initial=ScoringMode.POINTS)
    options = forms.CharField(label=_("Graded scores"), max_length=200, required=False,
                              help_text=_("Graded mode only: the allowed scores, e.g. 20 / 15 / 0."))
    is_veto = forms.BooleanField(label=_("Veto item (一票否决)"), required=False,
                                 help_text=_("Answered yes or no; a no fails the subject outright."))
    is_bonus = forms.BooleanField(label=_("Bonus item"), required=False,
                                  help_text=_("Adds points beyond the full score, up to the version's bonus cap."))
    guidance = forms.CharField(label=_("Scoring guidance"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence_required = forms.CharField(label=_("Evidence required"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, version, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Indicator.objects.filter(chamber_id=version.chamber_id, version=version)
        if indicator is not None:
            # Not under itself, nor under anything below it.
            parents = parents.exclude(pk=indicator.pk).exclude(sort_key__startswith=indicator.sort_key + ".")
        self.fields["parent"].queryset = parents.order_by("sort_key", "pk")


class GradeRuleForm(StyledForm):
    code = forms.SlugField(label=_("Code"), max_length=30, help_text=_("For example five_star."))
    label = forms.CharField(label=_("Grade"), max_length=60, help_text=_("For example 五星级."))
    level = forms.IntegerField(label=_("Level"), min_value=1, max_value=MAX_LEVEL,
                               help_text=_("Higher is better, e.g. 5 for five stars."))
    min_total = _points(_("Minimum total"))
    requires_level = forms.IntegerField(label=_("Requires a held rating of level"), min_value=1, max_value=MAX_LEVEL,
                                        required=False, help_text=_("Empty: no prerequisite."))
    requires_held_days = forms.IntegerField(label=_("Held for at least (days)"), min_value=0,
                                            max_value=MAX_HELD_DAYS, initial=0,
                                            help_text=_("365 for a year."))


class ImportForm(StyledForm):
    file = forms.FileField(label=_("File"), help_text=_("A rubric exported from here, as .json or .xlsx."))
    label = forms.CharField(label=_("Version label"), max_length=60, required=False,
                            help_text=_("Empty: the label in the file. Give another one when that label exists."))
