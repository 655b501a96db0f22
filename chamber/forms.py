"""Shared form plumbing: Bootstrap markup from templates, and chamber-bound choices.

Every form in the product renders through `FormRenderer` (settings.FORM_RENDERER), so a
field's label, help text and error sit together and look alike everywhere, and a field
with an error carries `is-invalid` and `aria-invalid` for screen readers.
"""
from django import forms
from django.db.models import Q
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


_PLAIN_INPUT = "form-control"
_CLASS_BY_WIDGET = {
    forms.CheckboxInput: "form-check-input",
    forms.RadioSelect: "form-check-input",
    forms.CheckboxSelectMultiple: "form-check-input",
    forms.Select: "form-select",
    forms.SelectMultiple: "form-select",
}


def style_widget(field):
    widget = field.widget
    css = next((c for kind, c in _CLASS_BY_WIDGET.items() if isinstance(widget, kind)), _PLAIN_INPUT)
    existing = widget.attrs.get("class", "")
    if css not in existing.split():
        widget.attrs["class"] = (existing + " " + css).strip()


class StyledFormMixin:
    """Adds Bootstrap classes to widgets, and marks fields with errors as invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_widget(field)

    def add_error(self, field, error):
        # Every error passes here: cleaning's own and those a view adds from a service.
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", "").split():
                    attrs["class"] = attrs.get("class", "") + " is-invalid"
                attrs["aria-invalid"] = "true"


def add_service_errors(form, error):
    """Put a service's ValidationError on the form: under its field when the form has
    one, else above the form (a service may name a field this form does not show)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class StyledForm(StyledFormMixin, forms.Form):
    pass


class StyledModelForm(StyledFormMixin, forms.ModelForm):
    pass


class DateInput(forms.DateInput):
    """A native date picker (keyboard and phone friendly); ISO values whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


CAPPED_CHOICES = 50  # the notes under such lists say "the first 50"


def cap_choices(form, name, queryset, *, term="", lookups=("name__icontains",), label=None, limit=CAPPED_CHOICES):
    """Field `name` accepts any row of `queryset`, but its widget lists only the first `limit`
    rows matching the search `term` (any of `lookups`) plus the rows already chosen (posted or
    initial), so a chamber of 20,000 members is not 20,000 <option>s or checkboxes. Works for
    single and multiple model choice fields. Returns whether the list was cut, for a "search
    to narrow the list" note. Two queries at most, whatever the size of `queryset`."""
    field = form.fields[name]
    field.queryset = queryset
    term = (term or "").replace("\x00", "").strip()[:100]  # PostgreSQL refuses NUL in a text
    matches = queryset
    if term:
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{lookup: term})
        matches = queryset.filter(condition)
    shown = list(matches[:limit + 1])
    capped = len(shown) > limit
    shown = shown[:limit]
    if form.is_bound:
        chosen = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
    else:
        chosen = form.get_initial_for_field(field, name)
    if chosen is None or isinstance(chosen, (str, int)) or hasattr(chosen, "pk"):
        chosen = [chosen]
    listed = {str(row.pk) for row in shown}
    missing = {str(getattr(value, "pk", value)) for value in chosen if value not in (None, "")} - listed
    # Ids only (garbage is the field's own error), and none past a bigint.
    missing = [value for value in missing if value.isascii() and value.isdigit() and len(value) < 19]
    if missing:
        shown = list(queryset.filter(pk__in=missing)) + shown
    label = label or field.label_from_instance
    choices = [(row.pk, label(row)) for row in shown]
    if not isinstance(field, forms.ModelMultipleChoiceField) and field.empty_label is not None:
        choices.insert(0, ("", field.empty_label))
    field.widget.choices = choices
    return capped
