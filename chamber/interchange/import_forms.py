"""Forms of the import pages: the upload, the column matching, the commit choice."""
from django import forms
from django.utils.translation import gettext_lazy as _

from chamber.forms import StyledFormMixin

from .models import ImportMode


class ImportUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("An Excel workbook (.xlsx) or a CSV file (UTF-8 or GBK)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))


class ImportMappingForm(StyledFormMixin, forms.Form):
    """One choice per column of the file: which column of the import it holds, or none.
    Field names are `col_<index>`; the service refuses duplicates and missing required
    columns, the form says so first."""

    def __init__(self, data=None, *, spec, headers, mapping):
        super().__init__(data)
        self.spec, self.headers = spec, headers
        choices = [("", _("— ignore this column —"))] + [
            (c.key, "{} *".format(c.header) if c.required else c.header) for c in spec.columns]
        for index, header in enumerate(headers):
            field = forms.ChoiceField(label=header or _("(no header)"), choices=choices, required=False,
                                      initial=mapping.get(str(index), ""))
            self.fields["col_{}".format(index)] = field
            field.widget.attrs["class"] = "form-select form-select-sm"

    def mapping(self):
        return {str(i): self.cleaned_data.get("col_{}".format(i)) or "" for i in range(len(self.headers))}

    def clean(self):
        cleaned = super().clean()
        seen = {}
        for index in range(len(self.headers)):
            key = cleaned.get("col_{}".format(index))
            if not key:
                continue
            if key in seen:
                self.add_error("col_{}".format(index), _("“{}” is already assigned to column “{}”.").format(
                    self.spec.column(key).header, self.headers[seen[key]]))
            else:
                seen[key] = index
        missing = [c.header for c in self.spec.columns if c.required and c.key not in seen]
        if missing:
            raise forms.ValidationError(_("Assign a file column to each required column: {}.").format("、".join(missing)))
        return cleaned


class ImportCommitForm(forms.Form):
    mode = forms.ChoiceField(choices=ImportMode.choices)
