"""Forms of the event pages: the event itself, status moves, registering, walk-ins, check-in,
attachments and invitations. Related choices are limited to the current chamber (and for a
branch secretary to their branches), so another chamber's id is "not one of the choices"."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.models import Branch
from chamber.forms import CAPPED_CHOICES, StyledFormMixin, cap_choices
from members.models import Membership, MembershipStatus, Person

from ..models import Audience, EventKind, EventStatus

MEMBER_CHOICES = CAPPED_CHOICES


DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
EVENT_FORM_FIELDS = ("title", "kind", "organiser_branch", "starts_at", "ends_at", "place", "capacity", "audience",
                     "audience_branch", "agenda", "description")


class EventForm(StyledFormMixin, forms.Form):
    """An event's details; status moves have their own buttons. Branch choices are this
    chamber's (organiser: within the manager's reach)."""

    title = forms.CharField(label=pgettext_lazy("event", "title"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=EventKind.choices)
    organiser_branch = forms.ModelChoiceField(label=_("organised by branch"), queryset=Branch.objects.none(),
                                              required=False, help_text=_("Empty: the chamber itself."))
    starts_at = forms.DateTimeField(label=_("starts at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label=_("ends at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS)
    place = forms.CharField(label=_("place"), max_length=300, required=False)
    capacity = forms.IntegerField(label=_("capacity"), min_value=1, required=False,
                                  help_text=_("Empty: no limit. When full, further registrations join the waiting list."))
    audience = forms.ChoiceField(label=_("audience"), choices=Audience.choices)
    audience_branch = forms.ModelChoiceField(
        label=_("audience branch"), queryset=Branch.objects.none(), required=False,
        help_text=_("For a branch audience: this branch and everything below it."))
    agenda = forms.CharField(label=_("agenda"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 5}))
    description = forms.CharField(label=_("description"), max_length=10000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, chamber, branches, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in EVENT_FORM_FIELDS}
            kwargs["initial"]["starts_at"] = timezone.localtime(instance.starts_at)
            kwargs["initial"]["ends_at"] = timezone.localtime(instance.ends_at)
        super().__init__(*args, **kwargs)
        self.fields["organiser_branch"].queryset = branches
        self.fields["audience_branch"].queryset = Branch.objects.filter(chamber=chamber).order_by("path")

    def service_arguments(self):
        return {name: self.cleaned_data.get(name) for name in EVENT_FORM_FIELDS}


class EventStatusForm(StyledFormMixin, forms.Form):
    """Move the event on; a cancellation needs its reason."""

    status = forms.ChoiceField(label=_("status"), choices=EventStatus.choices)
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)


class MemberPickForm(StyledFormMixin, forms.Form):
    """Step one of registering: find and choose the member (a search-limited list)."""

    membership = forms.ChoiceField(label=_("member"), required=False)

    def __init__(self, *args, chamber, member_q="", **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(chamber=chamber).exclude(status=MembershipStatus.LEFT).order_by("name", "pk")
        if member_q.strip():
            members = members.filter(name__icontains=member_q.strip())
        shown = list(members.only("pk", "name")[:MEMBER_CHOICES + 1])
        self.capped = len(shown) > MEMBER_CHOICES
        self.fields["membership"].choices = [("", "---------")] + [(m.pk, m.name) for m in shown[:MEMBER_CHOICES]]


class RegisterForm(StyledFormMixin, forms.Form):
    """Step two: one of the member's contacts, or a guest typed by name (no member: a guest of the chamber)."""

    person = forms.ModelChoiceField(label=_("attendee"), queryset=Person.objects.none(), required=False)
    attendee_name = forms.CharField(label=_("or a guest's name"), max_length=60, required=False)
    attendee_mobile = forms.CharField(label=_("mobile"), max_length=11, required=False)

    def __init__(self, *args, chamber, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        if membership is not None and membership.enterprise_id:
            people = Person.objects.filter(chamber=chamber, contacts__enterprise_id=membership.enterprise_id)
        elif membership is not None:
            people = Person.objects.filter(chamber=chamber, pk=membership.person_id)
        else:
            people = Person.objects.none()
        self.fields["person"].queryset = people.order_by("name", "pk")


class WalkInForm(StyledFormMixin, forms.Form):
    """Someone who came without registering: name and mobile, the member optional. Any current
    member validates; only `member_q`'s first matches (and the chosen one) are listed."""

    attendee_name = forms.CharField(label=_("name"), max_length=60)
    attendee_mobile = forms.CharField(label=_("mobile"), max_length=11, required=False)
    membership = forms.ModelChoiceField(label=_("member"), queryset=Membership.objects.none(), required=False)

    def __init__(self, *args, chamber, member_q="", **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(chamber=chamber).exclude(status=MembershipStatus.LEFT).select_related(
            "enterprise", "person").order_by("name", "pk")
        self.member_choices_capped = cap_choices(self, "membership", members, term=member_q, label=lambda m: m.name)


class CheckInForm(forms.Form):
    """The code read from the QR code or typed; big and focused on a phone."""

    code = forms.CharField(label=_("check-in code"), max_length=30, widget=forms.TextInput(attrs={
        "class": "form-control form-control-lg text-uppercase", "autofocus": True, "autocomplete": "off",
        "autocapitalize": "characters", "spellcheck": "false", "inputmode": "text",
    }))


class AttachmentForm(StyledFormMixin, forms.Form):
    """A document for the event."""

    file = forms.FileField(label=_("file"))


class InvitationForm(StyledFormMixin, forms.Form):
    """The invited members of an "invited only" event. Any current member validates; the
    checkboxes are the invited (or ticked) members and `member_q`'s first matches, so a large
    chamber is not one checkbox per member. What is posted becomes the whole invited list, and
    every invited member is always shown (ticked), so searching never drops an invitation."""

    memberships = forms.ModelMultipleChoiceField(label=_("invited members"), queryset=Membership.objects.none(),
                                                 required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, chamber, member_q="", **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(chamber=chamber).exclude(status=MembershipStatus.LEFT).order_by("name", "pk")
        self.member_choices_capped = cap_choices(self, "memberships", members, term=member_q, label=lambda m: m.name)


class PortalRegisterForm(StyledFormMixin, forms.Form):
    """A representative registers one of their enterprise's contacts."""

    person = forms.ModelChoiceField(label=_("attendee"), queryset=Person.objects.none())

    def __init__(self, *args, chamber, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            chamber=chamber, contacts__enterprise=enterprise).order_by("name", "pk")

