"""The version editor's forms: indicators (add, edit and re-parent, move up and down,
delete) and grade rules. Their URLs are listed with the other rubric pages in
`evaluations.views.rubrics`."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ..forms.rubrics import GradeRuleForm, IndicatorForm
from ..models import Indicator
from ..rubric_fields import options_text
from ..rubrics import (
    KEEP,
    grade_rule_create,
    grade_rule_delete,
    grade_rule_update,
    indicator_create,
    indicator_delete,
    indicator_move,
    indicator_update,
)
from .rubric_base import RubricsMixin, ServiceFormView, VersionFormMixin

# --- Indicators ------------------------------------------------------------------------------------

INDICATOR_INITIAL_FIELDS = ("code", "title", "max_points", "mode", "is_veto", "is_bonus", "guidance",
                            "evidence_required")


class IndicatorCreateView(VersionFormMixin, ServiceFormView):
    form_class = IndicatorForm

    def load(self):
        self.version = self.get_version(self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version": self.version}

    def get_initial(self):
        parent = self.request.GET.get("parent")
        return {"parent": parent} if parent and parent.isdigit() else {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **{"title": _("Add an indicator"), "submit_label": _("Add")})

    def call_service(self, data):
        self.success_message = _("Indicator added.")
        return indicator_create(version=self.version, actor=self.request.user, **data)

    def get_success_url(self):
        return self.version_url(self.version, "#indicator-{}".format(self.result.pk))


class IndicatorEditView(VersionFormMixin, ServiceFormView):
    """Edit an indicator; choosing another parent moves it (with its subtree) there."""

    form_class = IndicatorForm

    def load(self):
        self.indicator = self.get_indicator(self.kwargs["pk"])
        self.version = self.indicator.version

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version": self.version, "indicator": self.indicator}

    def get_initial(self):
        initial = {name: getattr(self.indicator, name) for name in INDICATOR_INITIAL_FIELDS}
        initial.update(parent=self.indicator.parent_id, options=options_text(self.indicator.options))
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **{
            "title": _("Edit indicator “{indicator}”").format(indicator=self.indicator), "indicator": self.indicator})

    def call_service(self, data):
        parent = data.pop("parent")
        indicator_update(indicator=self.indicator, actor=self.request.user, **data)
        if (parent.pk if parent else None) != self.indicator.parent_id:
            indicator_move(indicator=self.indicator, actor=self.request.user, parent=parent)
        self.success_message = _("Indicator saved.")
        return self.indicator

    def form_valid(self, form):
        # Both writes or neither: a refused move must not leave the edit saved.
        with transaction.atomic():
            response = super().form_valid(form)
            if form.errors:
                transaction.set_rollback(True)
        return response

    def get_success_url(self):
        return self.version_url(self.version, "#indicator-{}".format(self.indicator.pk))


class IndicatorDeleteView(RubricsMixin, TemplateView):
    template_name = "evaluations/rubrics/confirm_delete.html"

    def get_context_data(self, **kwargs):
        indicator = self.get_indicator(self.kwargs["pk"])
        version = indicator.version
        below = Indicator.objects.filter(chamber=self.chamber, version=version,
                                         sort_key__startswith=indicator.sort_key + ".").count()
        warning = _("The indicator is deleted.")
        if below:
            warning = _("The indicator and the {n} indicators below it are deleted.").format(n=below)
        return super().get_context_data(
            title=_("Delete indicator “{indicator}”").format(indicator=indicator), version=version,
            scheme=version.scheme, cancel_url=self.version_url(version), warning=warning, **kwargs)

    def post(self, request, *args, **kwargs):
        indicator = self.get_indicator(kwargs["pk"])
        try:
            indicator_delete(indicator=indicator, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Indicator deleted."))
        return redirect(self.version_url(indicator.version))


class IndicatorMoveView(RubricsMixin, View):
    """POST only: one place up or down among its siblings."""

    def post(self, request, *args, **kwargs):
        indicator = self.get_indicator(kwargs["pk"])
        direction = request.POST.get("direction")
        try:
            indicator_move(indicator=indicator, actor=request.user, direction=direction, parent=KEEP)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self.version_url(indicator.version, "#indicator-{}".format(indicator.pk)))


# --- Grade rules -----------------------------------------------------------------------------------


class GradeRuleCreateView(VersionFormMixin, ServiceFormView):
    form_class = GradeRuleForm

    def load(self):
        self.version = self.get_version(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **{"title": _("Add a grade"), "submit_label": _("Add")})

    def call_service(self, data):
        self.success_message = _("Grade added.")
        return grade_rule_create(version=self.version, actor=self.request.user, **data)

    def get_success_url(self):
        return self.version_url(self.version, "#grades")


class GradeRuleEditView(VersionFormMixin, ServiceFormView):
    form_class = GradeRuleForm

    def load(self):
        self.rule = self.get_rule(self.kwargs["pk"])
        self.version = self.rule.version

    def get_initial(self):
        return {name: getattr(self.rule, name) for name in GradeRuleForm.base_fields}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, title=_("Edit grade “{grade}”").format(grade=self.rule.label))

    def call_service(self, data):
        self.success_message = _("Grade saved.")
        return grade_rule_update(rule=self.rule, actor=self.request.user, **data)

    def get_success_url(self):
        return self.version_url(self.version, "#grades")


class GradeRuleDeleteView(RubricsMixin, View):
    """POST only: delete a grade rule."""

    def post(self, request, *args, **kwargs):
        rule = self.get_rule(kwargs["pk"])
        try:
            grade_rule_delete(rule=rule, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Grade deleted."))
        return redirect(self.version_url(rule.version, "#grades"))
