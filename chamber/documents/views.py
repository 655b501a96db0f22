"""Certificate pages under /c/<chamber>/certificates/: the register, one certificate (status,
PDF, revoking), the templates per kind, and the issue buttons other pages post to; and the
public verification page at /verify/<code>/.

Certificates are a chamber-level register (holders across every branch), so reading needs
MEMBERS_VIEW at the chamber root and writing CERTIFICATES_MANAGE at the root: a
branch-limited role gets 403 here.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from chamber.access import CERTIFICATES_MANAGE, MEMBERS_VIEW
from chamber.forms import add_service_errors
from chamber.mixins import SAFE_METHODS, ChamberViewMixin
from chamber.uploads import download_response

from .forms import CertificateTemplateForm, MembershipIssueForm, RevokeForm
from .models import CertificateKind
from .selectors import certificate_for_verify, certificate_get, certificate_list, certificate_status
from .services import (
    TEMPLATE_FIELDS,
    certificate_issue_for_membership,
    certificate_issue_for_officer,
    certificate_issue_for_rating,
    certificate_pdf,
    certificate_revoke,
    certificate_template_set,
    template_for,
)


def certificate_url(certificate, chamber):
    return reverse("certificates:detail", kwargs={"chamber": chamber.slug, "pk": certificate.pk})


class WholeChamberMixin(ChamberViewMixin):
    """For chamber-level registers (certificates, document batches): the capability must hold
    at the chamber root; a role limited to branches gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.access.is_insider:
            needed = self.permission if request.method in SAFE_METHODS else self.write_permission
            if request.access.has(needed) and not request.access.covers(needed, None):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CertificatesMixin(WholeChamberMixin):
    permission = MEMBERS_VIEW
    write_permission = CERTIFICATES_MANAGE

    def get_certificate(self):
        certificate = certificate_get(chamber=self.chamber, pk=self.kwargs["pk"])
        if certificate is None:
            raise Http404
        certificate.chamber = self.chamber
        return certificate

    @property
    def can_manage(self):
        return self.access.covers(CERTIFICATES_MANAGE, None)


class CertificateListView(CertificatesMixin, TemplateView):
    """The register: filter by kind, search holder or number, 25 a page. Two queries of its
    own whatever the page size: the count and the page (the list prints no related rows)."""

    template_name = "documents/certificates/list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        get = self.request.GET
        kind = get.get("kind", "") if get.get("kind", "") in CertificateKind.values else ""
        q = get.get("q", "").strip()[:100]
        page = Paginator(certificate_list(chamber=self.chamber, kind=kind, q=q), self.paginate_by).get_page(
            get.get("page"))
        for certificate in page.object_list:
            certificate.status = certificate_status(certificate)
        return super().get_context_data(page_obj=page, certificates=page.object_list, kinds=CertificateKind.choices,
                                        filters={"kind": kind, "q": q}, can_manage=self.can_manage, **kwargs)


class CertificateDetailView(CertificatesMixin, TemplateView):
    """One certificate: its facts, its state, the PDF, and revoking it."""

    template_name = "documents/certificates/detail.html"

    def get_context_data(self, **kwargs):
        from .qr import verify_url

        certificate = self.get_certificate()
        return super().get_context_data(
            certificate=certificate, status=certificate_status(certificate), can_manage=self.can_manage,
            verify_url=verify_url(certificate.code), form=kwargs.pop("form", None) or RevokeForm(), **kwargs)


class CertificateRevokeView(CertificateDetailView):
    """POST: revoke with a reason; the detail page again with the error when it is missing."""

    def get(self, request, *args, **kwargs):
        return redirect(certificate_url(self.get_certificate(), self.chamber))

    def post(self, request, *args, **kwargs):
        certificate = self.get_certificate()
        form = RevokeForm(request.POST)
        if form.is_valid():
            try:
                certificate_revoke(certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Certificate {number} was revoked.").format(number=certificate.number))
                return redirect(certificate_url(certificate, self.chamber))
        return self.render_to_response(self.get_context_data(form=form, **kwargs), status=400)


class CertificatePdfView(CertificatesMixin, View):
    """The certificate as a PDF download (rendered now when there is no cached file)."""

    def get(self, request, *args, **kwargs):
        certificate = self.get_certificate()
        certificate_pdf(certificate)  # renders and keeps the file when there is none
        return download_response(certificate.pdf, filename="{}.pdf".format(certificate.number),
                                 content_type="application/pdf")


class TemplateSettingsView(CertificatesMixin, TemplateView):
    """How the chamber prints one kind of certificate. Only those who manage certificates see it."""

    permission = CERTIFICATES_MANAGE
    template_name = "documents/certificates/template_form.html"

    def get_kind(self):
        kind = self.kwargs["kind"]
        if kind not in CertificateKind.values:
            raise Http404
        return kind

    def render_form(self, form, template, status=200):
        return self.render_to_response(self.get_context_data(
            form=form, template=template, kind_label=CertificateKind(template.kind).label,
            kinds=CertificateKind.choices), status=status)

    def get(self, request, *args, **kwargs):
        template = template_for(self.chamber, self.get_kind())
        form = CertificateTemplateForm(initial={name: getattr(template, name) for name in TEMPLATE_FIELDS})
        return self.render_form(form, template)

    def post(self, request, *args, **kwargs):
        kind = self.get_kind()
        form = CertificateTemplateForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                certificate_template_set(chamber=self.chamber, actor=request.user, kind=kind, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The certificate template was saved."))
                return redirect(reverse("certificates:template", kwargs={"chamber": self.chamber.slug, "kind": kind}))
        return self.render_form(form, template_for(self.chamber, kind), status=400)


class IssueView(CertificatesMixin, View):
    """POST from a rating, a member or an officer post: issue its certificate (or find the one
    already issued) and open it. The source is looked up in this chamber: another's is a 404."""

    http_method_names = ["post"]
    permission = CERTIFICATES_MANAGE
    source = None  # "rating", "membership" or "officer"

    def get_source(self):
        if self.source == "rating":
            from evaluations.models import Rating

            return get_object_or_404(Rating.objects.filter(chamber=self.chamber).select_related("scheme"),
                                     pk=self.kwargs["pk"])
        from members.models import Membership, OfficerPosition

        if self.source == "membership":
            return get_object_or_404(Membership.objects.filter(chamber=self.chamber).select_related(
                "enterprise", "person"), pk=self.kwargs["pk"])
        return get_object_or_404(OfficerPosition.objects.filter(chamber=self.chamber).select_related(
            "term", "person"), pk=self.kwargs["pk"])

    def issue(self, source):
        actor = self.request.user
        if self.source == "rating":
            return certificate_issue_for_rating(rating=source, actor=actor)
        if self.source == "membership":
            form = MembershipIssueForm(self.request.POST)
            open_ended = form.is_valid() and form.cleaned_data["open_ended"]
            return certificate_issue_for_membership(membership=source, actor=actor, open_ended=open_ended)
        return certificate_issue_for_officer(position=source, actor=actor)

    def post(self, request, *args, **kwargs):
        source = self.get_source()
        source.chamber = self.chamber
        try:
            certificate = self.issue(source)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            back = request.POST.get("next", "")
            if back.startswith("/c/{}/".format(self.chamber.slug)):
                return redirect(back)
            return redirect(reverse("certificates:list", kwargs={"chamber": self.chamber.slug}))
        if certificate.already_issued:
            messages.info(request, _("This already has certificate {number}: here it is.").format(
                number=certificate.number))
        else:
            messages.success(request, _("Certificate {number} was issued.").format(number=certificate.number))
        return redirect(certificate_url(certificate, self.chamber))


def verify(request, code):
    """Public: is this certificate genuine, expired or revoked? Only the facts printed on it
    (holder, title, issuer, number, dates); nothing private, no ids, no reason for revoking.
    An unknown code is a 404 page saying it is not a certificate of this platform."""
    certificate = certificate_for_verify(code)
    if certificate is None:
        return render(request, "documents/verify.html", {"certificate": None}, status=404)
    response = render(request, "documents/verify.html", {
        "certificate": certificate, "status": certificate_status(certificate),
        "kind_label": CertificateKind(certificate.kind).label})
    # Keep the state fresh (a revocation shows at once) and out of search engines.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
