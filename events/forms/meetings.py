"""Forms of governing-body meetings (attendance, resolutions, minutes) and event outcomes.
The services check the rules; these forms check types and sizes."""
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.forms import StyledForm, style_widget

from ..models import AttendanceStatus, OutcomeScope

COUNT = {"min_value": 0, "max_value": 10_000_000, "required": False}


class AttendanceForm(StyledForm):
    """One row per officer of the line-up: a status (radio buttons), a proxy's name, a note."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.positions = []
        for position, attendance in rows:
            pk = position.pk
            self.fields["status_{}".format(pk)] = forms.ChoiceField(
                label=position.person.name, choices=AttendanceStatus.choices, widget=forms.RadioSelect,
                initial=attendance.status if attendance else AttendanceStatus.ABSENT)
            self.fields["proxy_{}".format(pk)] = forms.CharField(
                label=_("proxy"), max_length=60, required=False, initial=attendance.proxy_name if attendance else "")
            self.fields["note_{}".format(pk)] = forms.CharField(
                label=_("note"), max_length=300, required=False, initial=attendance.note if attendance else "")
            self.positions.append(position)
        for name, field in self.fields.items():
            style_widget(field)  # the mixin styled the fields that existed before these were added
            if not name.startswith("status_"):
                field.widget.attrs["class"] += " form-control-sm"

    def rows(self):
        """[(position, status field, proxy field, note field)] for the template's table."""
        return [(p, self["status_{}".format(p.pk)], self["proxy_{}".format(p.pk)], self["note_{}".format(p.pk)])
                for p in self.positions]

    def statuses(self):
        """What meeting_attendance_set takes: {position id: (status, proxy name, note)}."""
        data = self.cleaned_data
        return {p.pk: (data["status_{}".format(p.pk)], data["proxy_{}".format(p.pk)], data["note_{}".format(p.pk)])
                for p in self.positions}


PASSED_CHOICES = [("", _("Decide by a simple majority of those attending")), ("yes", _("Passed")),
                  ("no", _("Not passed"))]


class ResolutionForm(StyledForm):
    """A resolution and its vote."""

    title = forms.CharField(label=pgettext_lazy("resolution", "title"), max_length=300)
    text = forms.CharField(label=_("text"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 5}))
    votes_for = forms.IntegerField(label=_("for"), **COUNT)
    votes_against = forms.IntegerField(label=_("against"), **COUNT)
    abstentions = forms.IntegerField(label=_("abstentions"), **COUNT)
    passed = forms.ChoiceField(label=_("result"), choices=PASSED_CHOICES, required=False,
                               help_text=_("Votes cast cannot exceed those attending the meeting."))

    def clean_passed(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("passed"))


class ResolutionDeleteForm(StyledForm):
    """Removing a resolution needs a reason (the audit log keeps it)."""

    reason = forms.CharField(label=_("reason"), max_length=500)


class MinutesForm(StyledForm):
    """The minutes of a meeting."""

    minutes = forms.CharField(label=_("minutes"), max_length=50000, required=False,
                              widget=forms.Textarea(attrs={"rows": 16}))


class OutcomeForm(StyledForm):
    """What an event achieved; a box left empty means "not recorded", which is not 0."""

    participants = forms.IntegerField(label=_("participants"), **COUNT)
    people_trained = forms.IntegerField(label=_("people trained"), **COUNT)
    deals_signed = forms.IntegerField(label=_("deals signed"), **COUNT)
    deals_amount = forms.DecimalField(label=_("amount of deals signed (CNY)"), max_digits=14, decimal_places=2,
                                      min_value=0, required=False)
    scope = forms.ChoiceField(label=_("domestic or abroad"), choices=OutcomeScope.choices,
                              initial=OutcomeScope.DOMESTIC)
    summary = forms.CharField(label=_("summary"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
