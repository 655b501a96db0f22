"""Forms of the reminder pages: a user's preferences, a chamber's reminder settings.

Both have one row per rule, so their fields are made per rule (`email_<rule>`,
`days_<rule>`, ...) and `rows` hands the template each rule with its fields.
"""
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..forms import StyledFormMixin, style_widget
from .models import ReminderRule
from .services_settings import lead_days_clean

# "14, 7, 1", "14，7，1" (a Chinese keyboard's comma), "14、7、1" or spaces alike.
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _style(form):
    # The per-rule fields are added after StyledFormMixin styled the declared ones.
    for field in form.fields.values():
        style_widget(field)


def lead_days_parse(text):
    """"14, 7, 1" -> [1, 7, 14]; "" -> [] (the defaults); ValidationError in the user's language."""
    tokens = [t for t in _SEPARATORS.split(text or "") if t]
    if any(not t.isdigit() for t in tokens):
        raise ValidationError(gettext("Enter whole numbers of days separated by commas, e.g. 14, 7, 1."),
                              code="invalid")
    return lead_days_clean(tokens)


class PreferencesForm(StyledFormMixin, forms.Form):
    """Per rule: by email, in the inbox (initial: the user's stored choices)."""

    def __init__(self, *args, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        for rule in ReminderRule.values:
            by_email, in_inbox = preferences[rule]
            self.fields["email_" + rule] = forms.BooleanField(label=_("By email"), required=False, initial=by_email)
            self.fields["inbox_" + rule] = forms.BooleanField(label=_("In the inbox"), required=False,
                                                              initial=in_inbox)
        _style(self)

    def rows(self):
        """(rule's label, its email field, its inbox field) per rule, for the table."""
        return [(label, self["email_" + rule], self["inbox_" + rule]) for rule, label in ReminderRule.choices]

    def preferences(self):
        """{rule: (by_email, in_inbox)} from the cleaned data."""
        data = self.cleaned_data
        return {rule: (data["email_" + rule], data["inbox_" + rule]) for rule in ReminderRule.values}


class ReminderSettingsForm(StyledFormMixin, forms.Form):
    """Per rule its lead times and whether it runs; the hour reminders go out."""

    send_time = forms.TimeField(label=_("Sent at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                help_text=_("Reminders go out at this time (Asia/Shanghai) on their day."))

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["send_time"].initial = options.send_time
        for rule in ReminderRule.values:
            self.fields["days_" + rule] = forms.CharField(
                label=_("Lead times (days)"), required=False, max_length=60,
                initial=", ".join(str(d) for d in sorted(options.days_for(rule), reverse=True)),
                help_text=_("e.g. 14, 7, 1; empty: the defaults."))
            self.fields["enabled_" + rule] = forms.BooleanField(label=_("On"), required=False,
                                                                initial=options.is_enabled(rule))
        _style(self)

    def clean(self):
        data = super().clean()
        for rule in ReminderRule.values:
            name = "days_" + rule
            if name in data:
                try:
                    data[name] = lead_days_parse(data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return data

    def rows(self):
        """(rule, label, lead-times field, on field) per rule, for the table."""
        return [(rule, label, self["days_" + rule], self["enabled_" + rule]) for rule, label in ReminderRule.choices]

    def settings(self):
        """The keyword arguments of `reminder_settings_set` from the cleaned data."""
        data = self.cleaned_data
        return {
            "lead_days": {rule: data["days_" + rule] for rule in ReminderRule.values},
            "disabled_rules": [rule for rule in ReminderRule.values if not data["enabled_" + rule]],
            "send_time": data["send_time"],
        }
