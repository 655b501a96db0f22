"""Forms of the certificate pages: a chamber's template of one kind, revoking, issuing a
membership certificate. Checks that need the database or the files live in the services."""
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.forms import StyledFormMixin

from .models import Orientation
from .services import PLACEHOLDERS


class CertificateTemplateForm(StyledFormMixin, forms.Form):
    orientation = forms.ChoiceField(label=_("Paper"), choices=Orientation.choices)
    title = forms.CharField(label=pgettext_lazy("certificate", "Title"), max_length=60,
                            help_text=_("e.g. 荣誉证书, 会员证书, 聘书"))
    wording = forms.CharField(
        label=_("Wording"), max_length=1000, widget=forms.Textarea(attrs={"rows": 5}),
        # format_lazy: the help text is translated when the form is shown, not at import.
        help_text=format_lazy(_("The body text; each line is a paragraph. Placeholders: {placeholders}."),
                              placeholders=", ".join("{" + p + "}" for p in PLACEHOLDERS)))
    signatory = forms.CharField(label=_("Signatory"), max_length=100, required=False,
                                help_text=_("e.g. 会长 张三"))
    issuer_name = forms.CharField(label=_("Issuer name"), max_length=200, required=False,
                                  help_text=_("Empty: the chamber's name."))
    colour = forms.CharField(label=_("Accent colour"), max_length=7,
                             widget=forms.TextInput(attrs={"type": "color"}),
                             help_text=_("Borders and the title are printed in this colour."))
    logo = forms.FileField(label=_("Logo"), required=False, help_text=_("An image: PNG, JPEG, GIF or WebP."))
    logo_clear = forms.BooleanField(label=_("Remove the logo"), required=False)
    seal = forms.FileField(label=_("Seal image"), required=False,
                           help_text=_("A PNG with a transparent background prints best."))
    seal_clear = forms.BooleanField(label=_("Remove the seal image"), required=False)


class RevokeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Kept in the audit log; the public verification page shows only that it "
                                         "was revoked."))


class MembershipIssueForm(forms.Form):
    open_ended = forms.BooleanField(label=_("No end date"), required=False)
