"""What the rubric pages share: the capability (evaluations.manage, to read as to write),
looking objects up within the current chamber (another chamber's id is a 404), the form
page that hands its data to one service, and the read-only rule of frozen versions."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView

from chamber.access import EVALUATIONS_MANAGE
from chamber.forms import add_service_errors
from chamber.mixins import ChamberViewMixin

from ..models import GradeRule, Indicator, Scheme, SchemeVersion


class RubricsMixin(ChamberViewMixin):
    permission = EVALUATIONS_MANAGE
    write_permission = EVALUATIONS_MANAGE

    def url(self, name, **kwargs):
        return reverse("evaluations:" + name, kwargs={"chamber": self.chamber.slug, **kwargs})

    def get_scheme(self, pk):
        return get_object_or_404(Scheme.objects.filter(chamber=self.chamber), pk=pk)

    def get_version(self, pk):
        return get_object_or_404(SchemeVersion.objects.filter(chamber=self.chamber).select_related("scheme"), pk=pk)

    def get_indicator(self, pk):
        qs = Indicator.objects.filter(chamber=self.chamber).select_related("version__scheme")
        return get_object_or_404(qs, pk=pk)

    def get_rule(self, pk):
        return get_object_or_404(GradeRule.objects.filter(chamber=self.chamber).select_related("version__scheme"),
                                 pk=pk)

    def version_url(self, version, anchor=""):
        return self.url("version_detail", pk=version.pk) + anchor


class ServiceFormView(RubricsMixin, FormView):
    """A form whose valid data goes to one service; its ValidationError lands on the form."""

    template_name = "evaluations/rubrics/form.html"
    title = ""
    submit_label = ""
    success_message = ""

    def load(self):
        """Load the objects of the URL (after the capability checks)."""

    def ensure_loaded(self):
        if not getattr(self, "_loaded", False):
            self.load()
            self._loaded = True

    def get(self, request, *args, **kwargs):
        self.ensure_loaded()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.ensure_loaded()
        return super().post(request, *args, **kwargs)

    def call_service(self, data):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.result = self.call_service(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", self.title)
        kwargs.setdefault("submit_label", self.submit_label or _("Save"))
        kwargs.setdefault("cancel_url", self.cancel_url())
        return super().get_context_data(**kwargs)

    def cancel_url(self):
        return self.url("schemes")


class VersionFormMixin:
    """Form pages that change one version: a frozen one sends the user back to its
    (read-only) page with the reason instead of offering a form that cannot succeed."""

    def get(self, request, *args, **kwargs):
        self.ensure_loaded()
        if self.version.is_frozen:
            messages.warning(request, _("This version is used by a campaign and can no longer be changed. "
                                        "Copy it to a new version instead."))
            return redirect(self.version_url(self.version))
        return super().get(request, *args, **kwargs)

    def cancel_url(self):
        return self.version_url(self.version)

    def get_context_data(self, **kwargs):
        return super().get_context_data(version=self.version, scheme=self.version.scheme, **kwargs)
