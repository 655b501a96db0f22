"""Forms of visits and member requests. Related choices are the current chamber's (and, for a
branch secretary, the members within their branches); the services check everything again."""
from django import forms
from django.forms import formset_factory
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.access import REQUESTS_MANAGE
from chamber.forms import DateInput, StyledForm, cap_choices
from members.models import MembershipStatus
from members.selectors import membership_visible

from ..models import RequestCategory, RequestStatus
from ..selectors.requests import request_assignee_officers, request_assignee_users
from ..services.requests import DEFAULT_DUE_DAYS


class UserChoiceField(forms.ModelChoiceField):
    """Staff shown by full name, else user name."""

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class MemberPickMixin:
    """A `membership` select over the members the user may handle: any of them validates, but only
    `member_q`'s matches (and the chosen one) are listed, so 20,000 members are not 20,000 options."""

    def bind_members(self, *, chamber, access, member_q=""):
        members = (membership_visible(chamber=chamber, access=access, capability=REQUESTS_MANAGE)
                   .exclude(status=MembershipStatus.LEFT).order_by("name", "pk"))
        self.member_choices_capped = cap_choices(self, "membership", members, term=member_q,
                                                 label=lambda m: m.name)


class AssigneeMixin:
    """Staff who handle requests here, and the officers serving today."""

    def bind_assignees(self, chamber):
        self.fields["assignee"].queryset = request_assignee_users(chamber=chamber)
        self.fields["assignee_officer"].queryset = request_assignee_officers(chamber=chamber)


class RequestFieldsForm(AssigneeMixin, StyledForm):
    """What a request is: category, title, description, who handles it and by when."""

    category = forms.ChoiceField(label=_("category"), choices=RequestCategory.choices)
    title = forms.CharField(label=pgettext_lazy("request", "title"), max_length=200)
    description = forms.CharField(label=pgettext_lazy("request", "description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    assignee = UserChoiceField(label=_("assigned to (staff)"), queryset=None, required=False)
    assignee_officer = forms.ModelChoiceField(label=_("assigned to (officer)"), queryset=None, required=False)
    due_on = forms.DateField(label=pgettext_lazy("request", "due on"), required=False, widget=DateInput(),
                             help_text=format_lazy(_("Empty: due {days} days from today."), days=DEFAULT_DUE_DAYS))

    def __init__(self, *args, chamber, **kwargs):
        super().__init__(*args, **kwargs)
        self.bind_assignees(chamber)


class RequestCreateForm(MemberPickMixin, RequestFieldsForm):
    """A request recorded by staff for a member."""

    field_order = ["membership"]
    membership = forms.ModelChoiceField(label=_("member"), queryset=None)

    def __init__(self, *args, chamber, access, member_q="", **kwargs):
        super().__init__(*args, chamber=chamber, **kwargs)
        self.bind_members(chamber=chamber, access=access, member_q=member_q)


class VisitRequestForm(RequestFieldsForm):
    """One request row of the visit form; a row left empty is skipped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def clean(self):
        data = super().clean()
        if not self.has_changed() or not (data.get("title") or data.get("description")):
            return data
        for name, message in (("category", _("Choose what the request is about.")),
                              ("title", _("Give the request a short title.")),
                              ("description", _("Describe the problem."))):
            if not data.get(name):
                self.add_error(name, message)
        return data

    def is_filled(self):
        return bool(self.cleaned_data.get("title") or self.cleaned_data.get("description"))


VisitRequestFormSet = formset_factory(VisitRequestForm, extra=2, max_num=10, validate_max=True)


class VisitForm(MemberPickMixin, StyledForm):
    """A visit: the member, when, who went, the leading officer and what was discussed."""

    membership = forms.ModelChoiceField(label=_("member"), queryset=None)
    visited_on = forms.DateField(label=_("visited on"), widget=DateInput())
    visitors = forms.CharField(label=_("visitors"), max_length=300,
                               help_text=_("Who went, e.g. 秘书长 王明、副会长 李强."))
    officer = forms.ModelChoiceField(label=_("leading officer"), queryset=None, required=False)
    notes = forms.CharField(label=_("notes"), max_length=5000, required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, chamber, access, member_q="", **kwargs):
        super().__init__(*args, **kwargs)
        self.bind_members(chamber=chamber, access=access, member_q=member_q)
        self.fields["officer"].queryset = request_assignee_officers(chamber=chamber)


class MoveForm(StyledForm):
    """Move a request on, with the note that says what was done (required)."""

    status = forms.ChoiceField(label=_("new status"), choices=RequestStatus.choices)
    note = forms.CharField(label=_("note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required: what was done, or why."))

    def __init__(self, *args, request_obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        if request_obj is not None:
            from ..models import REQUEST_TRANSITIONS

            allowed = REQUEST_TRANSITIONS[RequestStatus(request_obj.status)]
            self.fields["status"].choices = [(v, l) for v, l in RequestStatus.choices if v in allowed]


class AssignForm(AssigneeMixin, StyledForm):
    """Hand the request to staff and/or an officer, optionally with a new due date."""

    assignee = UserChoiceField(label=_("assigned to (staff)"), queryset=None, required=False)
    assignee_officer = forms.ModelChoiceField(label=_("assigned to (officer)"), queryset=None, required=False)
    due_on = forms.DateField(label=pgettext_lazy("request", "due on"), required=False, widget=DateInput())
    note = forms.CharField(label=_("note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, chamber, **kwargs):
        super().__init__(*args, **kwargs)
        self.bind_assignees(chamber)


class NoteForm(StyledForm):
    """A note on the request's handling (no move)."""

    text = forms.CharField(label=_("note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class TypicalForm(StyledForm):
    """Flag a closed request as a typical case (summary required), or unflag it."""

    is_typical = forms.BooleanField(label=_("typical case"), required=False)
    summary = forms.CharField(label=_("typical case summary"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("What the problem was and how the chamber solved it, for the annual report."))


class PortalRequestForm(StyledForm):
    """A representative raises a request for their enterprise."""

    category = forms.ChoiceField(label=_("category"), choices=RequestCategory.choices)
    title = forms.CharField(label=pgettext_lazy("request", "title"), max_length=200)
    description = forms.CharField(label=pgettext_lazy("request", "description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text=_("What the problem is, what you have tried, what help you need."))


class RateForm(StyledForm):
    """The member's rating of how a closed request was handled."""

    rating = forms.TypedChoiceField(label=pgettext_lazy("request", "rating"), coerce=int,
                                    choices=[(i, "★" * i) for i in range(5, 0, -1)], widget=forms.RadioSelect)
    comment = forms.CharField(label=_("comment"), max_length=500, required=False)
