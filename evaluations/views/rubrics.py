"""Pages of the evaluations app: schemes, versions and the indicator editor.

Everything here needs `evaluations.manage`, to read as to write: a rubric is the
federation's working material, not something read-only staff browse. Every object is
looked up within the current chamber, so another chamber's id is a 404. Writes go
through evaluations.rubrics; a frozen version's pages are read-only, and a write that
reaches one anyway is refused by the service with its reason.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from chamber.forms import add_service_errors

from ..forms.rubrics import ImportForm, SchemeForm, VersionCopyForm, VersionForm
from ..interchange import MAX_UPLOAD_BYTES, document_from_upload, version_import, version_json
from ..interchange_xlsx import version_xlsx
from ..rubric_fields import options_text
from ..rubrics import (
    scheme_create,
    scheme_list,
    scheme_update,
    scheme_versions,
    tree_nest,
    version_check,
    version_copy,
    version_create,
    version_delete,
    version_grade_rules,
    version_notes,
    version_tree,
    version_update,
)
from ..starters import starter_schemes_install
from .rubric_base import RubricsMixin, ServiceFormView, VersionFormMixin
from .rubric_editor import (
    GradeRuleCreateView,
    GradeRuleDeleteView,
    GradeRuleEditView,
    IndicatorCreateView,
    IndicatorDeleteView,
    IndicatorEditView,
    IndicatorMoveView,
)

# --- Schemes ---------------------------------------------------------------------------------------


class SchemeListView(RubricsMixin, TemplateView):
    """The chamber's schemes; the starters to install when there are none."""

    template_name = "evaluations/rubrics/schemes.html"

    def get_context_data(self, **kwargs):
        # One query: the schemes with their version counts (nothing per row).
        return super().get_context_data(schemes=list(scheme_list(chamber=self.chamber)), **kwargs)


class SchemeCreateView(ServiceFormView):
    form_class = SchemeForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **{"title": _("New scheme"), "submit_label": _("Create")})

    def call_service(self, data):
        self.success_message = _("Scheme created. Add its first version.")
        return scheme_create(chamber=self.chamber, actor=self.request.user, **data)

    def get_success_url(self):
        return self.url("version_create", pk=self.result.pk)


class SchemeEditView(ServiceFormView):
    form_class = SchemeForm

    def load(self):
        self.scheme = self.get_scheme(self.kwargs["pk"])

    def get_initial(self):
        return {"kind": self.scheme.kind, "name": self.scheme.name, "description": self.scheme.description}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **{
            "title": _("Edit scheme “{name}”").format(name=self.scheme.name), "scheme": self.scheme})

    def call_service(self, data):
        self.success_message = _("Scheme saved.")
        return scheme_update(scheme=self.scheme, actor=self.request.user, **data)

    def cancel_url(self):
        return self.url("scheme_detail", pk=self.scheme.pk)

    get_success_url = cancel_url


class StartersInstallView(RubricsMixin, View):
    """POST only: install the starter schemes the chamber does not have yet."""

    def post(self, request, *args, **kwargs):
        created = starter_schemes_install(chamber=self.chamber, actor=request.user)
        if created:
            messages.success(request, _("Installed: {versions}.").format(versions="、".join(str(v) for v in created)))
        else:
            messages.info(request, _("Every starter scheme is installed already."))
        return redirect(self.url("schemes"))


class SchemeDetailView(RubricsMixin, TemplateView):
    """A scheme and its versions: which are frozen, and which campaigns use them."""

    template_name = "evaluations/rubrics/scheme_detail.html"

    def get_context_data(self, **kwargs):
        scheme = self.get_scheme(self.kwargs["pk"])
        return super().get_context_data(scheme=scheme, versions=list(scheme_versions(scheme=scheme)), **kwargs)


# --- Versions --------------------------------------------------------------------------------------


class VersionCreateView(ServiceFormView):
    form_class = VersionForm

    def load(self):
        self.scheme = self.get_scheme(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **{
            "title": _("New version of “{name}”").format(name=self.scheme.name), "submit_label": _("Create"),
            "scheme": self.scheme})

    def call_service(self, data):
        self.success_message = _("Version created. Add its indicators and grade rules.")
        return version_create(scheme=self.scheme, actor=self.request.user, **data)

    def cancel_url(self):
        return self.url("scheme_detail", pk=self.scheme.pk)

    def get_success_url(self):
        return self.version_url(self.result)


class VersionDetailView(RubricsMixin, TemplateView):
    """The version editor: the indicator tree with points, mode and badges, what the
    check finds, the grade rules. Read-only once a campaign uses the version.
    Queries: the version (+ scheme), the tree, the grade rules, the campaigns using it."""

    template_name = "evaluations/rubrics/version_detail.html"

    def get_context_data(self, **kwargs):
        version = self.get_version(self.kwargs["pk"])
        tree = version_tree(version)
        rules = version_grade_rules(version)
        for node in tree:
            node.options_label = options_text(node.options)
        return super().get_context_data(
            version=version, scheme=version.scheme, roots=tree_nest(tree), tree=tree,
            rules=rules, problems=version_check(version, tree=tree, rules=rules),
            notes=version_notes(version, rules=rules), editable=not version.is_frozen,
            campaigns=list(version.campaigns.order_by("-year", "pk").only("pk", "name", "year")), **kwargs)


class VersionEditView(VersionFormMixin, ServiceFormView):
    form_class = VersionForm

    def load(self):
        self.version = self.get_version(self.kwargs["pk"])

    def get_initial(self):
        v = self.version
        return {"label": v.label, "effective_from": v.effective_from, "max_points": v.max_points,
                "bonus_cap": v.bonus_cap, "validity_months": v.validity_months, "description": v.description}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, title=_("Edit version “{version}”").format(version=self.version))

    def call_service(self, data):
        self.success_message = _("Version saved.")
        return version_update(version=self.version, actor=self.request.user, **data)

    def get_success_url(self):
        return self.version_url(self.version)


class VersionCopyView(ServiceFormView):
    """Copy a version (frozen or not) to a new, editable one."""

    form_class = VersionCopyForm

    def load(self):
        self.version = self.get_version(self.kwargs["pk"])

    def get_initial(self):
        return {"label": _("{label} (copy)").format(label=self.version.label)[:60]}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **{
            "title": _("Copy “{version}” to a new version").format(version=self.version),
            "submit_label": _("Copy"), "version": self.version, "scheme": self.version.scheme})

    def call_service(self, data):
        self.success_message = _("Copied. This new version can be edited.")
        return version_copy(version=self.version, actor=self.request.user, **data)

    def cancel_url(self):
        return self.version_url(self.version)

    def get_success_url(self):
        return self.version_url(self.result)


class VersionDeleteView(RubricsMixin, TemplateView):
    """Confirm, then delete a version no campaign uses."""

    template_name = "evaluations/rubrics/confirm_delete.html"

    def get_context_data(self, **kwargs):
        version = self.get_version(self.kwargs["pk"])
        return super().get_context_data(
            title=_("Delete version “{version}”").format(version=version), version=version, scheme=version.scheme,
            cancel_url=self.version_url(version),
            warning=_("The version with all its indicators and grade rules is deleted. This cannot be undone."),
            **kwargs)

    def post(self, request, *args, **kwargs):
        version = self.get_version(kwargs["pk"])
        try:
            version_delete(version=version, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.version_url(version))
        messages.success(request, _("Version deleted."))
        return redirect(self.url("scheme_detail", pk=version.scheme_id))


class VersionExportView(RubricsMixin, View):
    """The version as a JSON document or an Excel workbook, always as a download."""

    TYPES = {
        "json": "application/json; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }

    def get(self, request, *args, **kwargs):
        fmt = kwargs["fmt"]
        if fmt not in self.TYPES:
            raise Http404
        version = self.get_version(kwargs["pk"])
        body = version_json(version).encode("utf-8") if fmt == "json" else version_xlsx(version)
        response = HttpResponse(body, content_type=self.TYPES[fmt])
        response["Content-Disposition"] = "attachment; filename=rubric-{}.{}".format(version.pk, fmt)
        response["X-Content-Type-Options"] = "nosniff"
        return response


class VersionImportView(ServiceFormView):
    form_class = ImportForm
    template_name = "evaluations/rubrics/import.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **{"title": _("Import a rubric"), "submit_label": _("Import")})

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_UPLOAD_BYTES:
                raise ValidationError(_("The file is larger than {mb} MB.").format(mb=MAX_UPLOAD_BYTES // 2 ** 20))
            document = document_from_upload(upload.name, upload.read())
            version = version_import(chamber=self.chamber, actor=self.request.user, document=document,
                                     label=form.cleaned_data["label"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_service_errors(form, error)
            else:
                form.add_error("file", error.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("Imported as “{version}”.").format(version=version))
        return redirect(self.version_url(version))


urlpatterns = [
    path("schemes/", SchemeListView.as_view(), name="schemes"),
    path("schemes/new/", SchemeCreateView.as_view(), name="scheme_create"),
    path("schemes/starters/", StartersInstallView.as_view(), name="starters_install"),
    path("schemes/import/", VersionImportView.as_view(), name="version_import"),
    path("schemes/<int:pk>/", SchemeDetailView.as_view(), name="scheme_detail"),
    path("schemes/<int:pk>/edit/", SchemeEditView.as_view(), name="scheme_edit"),
    path("schemes/<int:pk>/versions/new/", VersionCreateView.as_view(), name="version_create"),
    path("schemes/versions/<int:pk>/", VersionDetailView.as_view(), name="version_detail"),
    path("schemes/versions/<int:pk>/edit/", VersionEditView.as_view(), name="version_edit"),
    path("schemes/versions/<int:pk>/delete/", VersionDeleteView.as_view(), name="version_delete"),
    path("schemes/versions/<int:pk>/copy/", VersionCopyView.as_view(), name="version_copy"),
    path("schemes/versions/<int:pk>/export.<str:fmt>", VersionExportView.as_view(), name="version_export"),
    path("schemes/versions/<int:pk>/indicators/new/", IndicatorCreateView.as_view(), name="indicator_create"),
    path("schemes/versions/<int:pk>/grades/new/", GradeRuleCreateView.as_view(), name="grade_rule_create"),
    path("schemes/indicators/<int:pk>/edit/", IndicatorEditView.as_view(), name="indicator_edit"),
    path("schemes/indicators/<int:pk>/delete/", IndicatorDeleteView.as_view(), name="indicator_delete"),
    path("schemes/indicators/<int:pk>/move/", IndicatorMoveView.as_view(), name="indicator_move"),
    path("schemes/grades/<int:pk>/edit/", GradeRuleEditView.as_view(), name="grade_rule_edit"),
    path("schemes/grades/<int:pk>/delete/", GradeRuleDeleteView.as_view(), name="grade_rule_delete"),
]
