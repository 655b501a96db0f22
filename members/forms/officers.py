"""Forms of the officers pages. Every related choice is bound to the current chamber (and
to the term at hand), so an id from elsewhere is "not a valid choice"."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.forms import BranchChoiceField
from branches.selectors import branch_list
from chamber.forms import DateInput, StyledForm, cap_choices

from ..models import Enterprise, Membership, MembershipStatus, Person, Post
from ..selectors import officer_chair_candidates, officer_list


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = "{post} · {person}".format(post=obj.get_post_display(), person=obj.person.name)
        if obj.enterprise_id:
            return "{label} ({enterprise})".format(label=label, enterprise=obj.enterprise.name)
        return label


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name or str(obj.pk)


class TermForm(StyledForm):
    """A term's number, name and dates (editing a term)."""

    ordinal = forms.IntegerField(label=_("Term number"), min_value=1, max_value=999, help_text=_("e.g. 8 for 第八届"))
    name = forms.CharField(label=_("Name"), max_length=60, required=False, help_text=_("e.g. 第八届理事会"))
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput(), help_text=_("A term is normally five years."))
    elected_on = forms.DateField(label=_("Elected on"), required=False, widget=DateInput(),
                                 help_text=_("The date of the general assembly."))

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("A term must end after it starts."))
        return data


class TermStartForm(TermForm):
    """The next term after a general assembly (换届)."""

    carry_over = forms.BooleanField(
        label=_("Carry the current posts over to the new term"), required=False, initial=True,
        help_text=_("Then edit the line-up: end the posts that change and appoint the new officers."),
    )


class AppointForm(StyledForm):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices)
    enterprise = forms.ModelChoiceField(label=_("On behalf of enterprise"), queryset=Enterprise.objects.none(),
                                        required=False)
    branch = BranchChoiceField(label=_("Branch"), queryset=None, required=False,
                               help_text=_("For a post held in a branch or committee."))
    starts_on = forms.DateField(label=_("From"), required=False, widget=DateInput(),
                                help_text=_("Empty: from the start of the term."))
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    def __init__(self, *args, chamber, person_q="", enterprise_q="", **kwargs):
        super().__init__(*args, **kwargs)
        # Any person or enterprise of the chamber validates, but a chamber may hold 20,000 of
        # each: the <option>s are the first matches of `person_q` / `enterprise_q` (name,
        # pinyin initials; a person's mobile too) and the chosen one.
        self.person_choices_capped = cap_choices(
            self, "person", Person.objects.filter(chamber=chamber).order_by("name", "pk"), term=person_q,
            lookups=("name__icontains", "name_initials__istartswith", "mobile__contains"))
        self.enterprise_choices_capped = cap_choices(
            self, "enterprise", Enterprise.objects.filter(chamber=chamber).order_by("name", "pk"), term=enterprise_q,
            lookups=("name__icontains", "name_initials__istartswith"))
        self.fields["branch"].queryset = branch_list(chamber=chamber)


class EndPostForm(StyledForm):
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class RotatingChairForm(StyledForm):
    position = OfficerChoiceField(label=_("Officer"), queryset=None)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput())

    def __init__(self, *args, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = officer_chair_candidates(term=term)


class LiaisonForm(StyledForm):
    officer = OfficerChoiceField(label=_("Officer"), queryset=None)
    membership = MemberChoiceField(label=_("Member"), queryset=Membership.objects.none())

    def __init__(self, *args, term, member_q="", **kwargs):
        super().__init__(*args, **kwargs)
        officers = officer_list(chamber=term.chamber, term=term)
        self.fields["officer"].queryset = officers.order_by("post", "person__name", "pk")
        # Members who can still be visited (not those who left): any of them validates, the
        # <option>s are the first matches of `member_q` and the chosen one.
        members = Membership.objects.filter(chamber=term.chamber).exclude(status=MembershipStatus.LEFT)
        self.member_choices_capped = cap_choices(self, "membership", members.order_by("name", "pk"), term=member_q)
