"""The representative's request pages, beside their enterprise's portal page: raise a request,
follow one (every note, their own included), add a note, rate it once closed.

SELF_SERVICE and the enterprise grant (members' PortalMixin): another enterprise's id, or a
request of another enterprise, is a 404."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from chamber.forms import add_service_errors
from members.views.portal import PortalMixin

from ..forms.requests import NoteForm, PortalRequestForm, RateForm
from ..models import MemberRequest
from ..selectors.requests import portal_request_detail
from ..services.requests import request_note_add, request_raise_by_member, request_rate


class PortalRequestMixin(PortalMixin):
    """The enterprise from the URL (granted to the user) and, where named, one of its requests."""

    def get_request(self, enterprise):
        try:
            found = portal_request_detail(enterprise=enterprise, pk=self.kwargs["pk"])
        except MemberRequest.DoesNotExist:
            raise Http404 from None
        found.chamber = found.membership.chamber = self.chamber
        found.membership.enterprise = enterprise
        return found

    def detail_url(self, enterprise, found):
        return reverse("events:request_portal_detail",
                       kwargs={"chamber": self.chamber.slug, "enterprise_pk": enterprise.pk, "pk": found.pk})


class PortalRequestCreateView(PortalRequestMixin, TemplateView):
    """Raise a request for the enterprise."""

    template_name = "events/requests/portal_form.html"

    def get(self, request, *args, **kwargs):
        enterprise = self.get_enterprise()
        return self.render_to_response(self.get_context_data(enterprise=enterprise, form=PortalRequestForm(),
                                                             back_url=self.portal_url(enterprise)))

    def post(self, request, *args, **kwargs):
        enterprise = self.get_enterprise()
        form = PortalRequestForm(request.POST)
        if form.is_valid():
            try:
                found = request_raise_by_member(enterprise=enterprise, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your request was sent. The secretariat will follow it up."))
                return redirect(self.detail_url(enterprise, found))
        return self.render_to_response(self.get_context_data(enterprise=enterprise, form=form,
                                                             back_url=self.portal_url(enterprise)))


class PortalRequestDetailView(PortalRequestMixin, TemplateView):
    """One of the enterprise's requests: status, notes, a note form, and the rating once closed."""

    template_name = "events/requests/portal_detail.html"

    def render_page(self, enterprise, found, note_form=None, rate_form=None):
        initial = {"rating": found.rating, "comment": found.rating_comment} if found.rating else None
        return self.render_to_response(self.get_context_data(
            enterprise=enterprise, request_obj=found, back_url=self.portal_url(enterprise),
            note_form=note_form or NoteForm(), rate_form=rate_form or RateForm(initial=initial),
            is_closed=not found.is_open))

    def get(self, request, *args, **kwargs):
        enterprise = self.get_enterprise()
        return self.render_page(enterprise, self.get_request(enterprise))


class PortalRequestNoteView(PortalRequestDetailView):
    """The member adds a note (e.g. more information)."""

    def get(self, request, *args, **kwargs):
        enterprise = self.get_enterprise()
        return redirect(self.detail_url(enterprise, self.get_request(enterprise)))

    def post(self, request, *args, **kwargs):
        enterprise = self.get_enterprise()
        found = self.get_request(enterprise)
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                request_note_add(request=found, actor=request.user, text=form.cleaned_data["text"], by_member=True)
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(_("Not allowed.")))
            else:
                messages.success(request, _("Note added."))
                return redirect(self.detail_url(enterprise, found))
        return self.render_page(enterprise, found, note_form=form)


class PortalRequestRateView(PortalRequestNoteView):
    """The member rates a closed request (1–5, may change it later)."""

    def post(self, request, *args, **kwargs):
        enterprise = self.get_enterprise()
        found = self.get_request(enterprise)
        form = RateForm(request.POST)
        if form.is_valid():
            try:
                request_rate(request=found, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Thank you for your rating."))
                return redirect(self.detail_url(enterprise, found))
        return self.render_page(enterprise, found, rate_form=form)


urlpatterns = [
    path("portal/<int:enterprise_pk>/requests/new/", PortalRequestCreateView.as_view(), name="request_portal_create"),
    path("portal/<int:enterprise_pk>/requests/<int:pk>/", PortalRequestDetailView.as_view(),
         name="request_portal_detail"),
    path("portal/<int:enterprise_pk>/requests/<int:pk>/notes/", PortalRequestNoteView.as_view(),
         name="request_portal_note"),
    path("portal/<int:enterprise_pk>/requests/<int:pk>/rate/", PortalRequestRateView.as_view(),
         name="request_portal_rate"),
]
