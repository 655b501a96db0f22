"""Registration pages: staff register members and guests, cancel with the waiting list moving
up, the QR code and the printable entry pass; representatives register their enterprise's
contacts from the portal and cancel them (SELF_SERVICE and the enterprise grant)."""
import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from chamber.access import EVENTS_MANAGE, SELF_SERVICE
from chamber.mixins import ChamberViewMixin
from members.models import Membership
from members.selectors import enterprise_self_service_list

from ..forms.events import PortalRegisterForm, RegisterForm
from ..models import Event, EventStatus, Registration, RegistrationStatus
from ..services.registrations import registration_cancel, registration_create
from .events import EventMixin, event_url


def registration_message(request, registration):
    if registration.status == RegistrationStatus.WAITLISTED:
        messages.info(request, _("{name} is on the waiting list: the event is full.").format(
            name=registration.attendee_name))
    else:
        messages.success(request, _("{name} is registered.").format(name=registration.attendee_name))


def cancel_message(request, registration):
    text = _("The registration of {name} was cancelled.").format(name=registration.attendee_name)
    promoted = getattr(registration, "promoted", [])
    if promoted:
        text += " " + _("{names} moved up from the waiting list.").format(
            names="、".join(r.attendee_name for r in promoted))
    messages.success(request, text)


def qr_svg(code):
    """The registration's QR code as SVG (it encodes the check-in code itself)."""
    return segno.make(code, error="m").svg_inline(scale=6, border=2, title=code)


class RegistrationMixin(EventMixin):
    """A registration of an event the user may see; another event's or chamber's is a 404."""

    def get_registration(self):
        event = self.get_event()
        registration = Registration.objects.filter(chamber=self.chamber, event=event,
                                                   pk=self.kwargs["registration_pk"]).select_related(
            "membership", "person").first()
        if registration is None:
            raise Http404
        registration.event = event
        return registration


class RegisterView(EventMixin, TemplateView):
    """POST from the event page: a member's contact, or a guest typed by name."""

    http_method_names = ["post"]  # no page of its own: a GET is a 405, not a missing template's 500

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        self.require_manage(event)
        picked = request.POST.get("membership", "")
        membership = Membership.objects.filter(chamber=self.chamber, pk=picked).first() if picked.isdigit() else None
        if picked and membership is None:
            raise Http404
        form = RegisterForm(request.POST, chamber=self.chamber, membership=membership)
        if form.is_valid():
            try:
                registration = registration_create(
                    event=event, actor=request.user, access=self.access, membership=membership,
                    person=form.cleaned_data["person"], attendee_name=form.cleaned_data["attendee_name"],
                    attendee_mobile=form.cleaned_data["attendee_mobile"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                registration_message(request, registration)
        else:
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        url = event_url(event)
        return redirect(url + ("?member={}".format(membership.pk) if membership else "") + "#register")


class RegistrationCancelView(RegistrationMixin, TemplateView):
    """A confirm page, then the cancellation (the first on the waiting list moves up)."""

    template_name = "events/registration_cancel.html"
    permission = EVENTS_MANAGE

    def get(self, request, *args, **kwargs):
        registration = self.get_registration()
        self.require_manage(registration.event)
        return self.render_to_response(self.get_context_data(registration=registration, event=registration.event))

    def post(self, request, *args, **kwargs):
        registration = self.get_registration()
        self.require_manage(registration.event)
        try:
            registration = registration_cancel(registration=registration, actor=request.user, access=self.access)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            cancel_message(request, registration)
        return redirect(event_url(registration.event))


class RegistrationQrView(RegistrationMixin, TemplateView):
    """The QR code as an SVG image."""

    def get(self, request, *args, **kwargs):
        registration = self.get_registration()
        return HttpResponse(qr_svg(registration.code), content_type="image/svg+xml")


class EntryPassView(RegistrationMixin, TemplateView):
    """The printable entry pass: name, event, time, place, QR code and the code to type."""

    template_name = "events/pass.html"

    def get_context_data(self, **kwargs):
        registration = self.get_registration()
        return super().get_context_data(registration=registration, event=registration.event,
                                        qr=qr_svg(registration.code), **kwargs)


# --- Portal -----------------------------------------------------------------------------------

class PortalEventMixin(ChamberViewMixin):
    """Portal writes: SELF_SERVICE, and only for the enterprises the user represents."""

    permission = SELF_SERVICE
    write_permission = SELF_SERVICE

    def get_enterprise(self):
        enterprise = enterprise_self_service_list(chamber=self.chamber, user=self.request.user).filter(
            pk=self.kwargs["enterprise_pk"]).first()
        if enterprise is None:
            raise Http404
        return enterprise

    def get_membership(self, enterprise):
        membership = Membership.objects.filter(chamber=self.chamber, enterprise=enterprise).exclude(
            status="left").first()
        if membership is None:
            raise Http404
        return membership

    def portal_url(self, enterprise):
        return reverse("members:portal_enterprise", kwargs={"chamber": self.chamber.slug, "enterprise_pk": enterprise.pk})

    def get_own_registration(self, membership):
        registration = Registration.objects.filter(chamber=self.chamber, membership=membership,
                                                   pk=self.kwargs["registration_pk"]).select_related("event").first()
        if registration is None:
            raise Http404
        registration.event.chamber = self.chamber
        return registration


class PortalRegisterView(PortalEventMixin, TemplateView):
    """POST: register one of the enterprise's contacts for an open event."""

    http_method_names = ["post"]  # no page of its own: a GET is a 405, not a missing template's 500

    def post(self, request, *args, **kwargs):
        enterprise = self.get_enterprise()
        membership = self.get_membership(enterprise)
        event = Event.objects.filter(chamber=self.chamber, pk=self.kwargs["pk"], status=EventStatus.OPEN).first()
        if event is None:
            raise Http404
        form = PortalRegisterForm(request.POST, chamber=self.chamber, enterprise=enterprise)
        if form.is_valid():
            try:
                registration = registration_create(event=event, actor=request.user, membership=membership,
                                                   person=form.cleaned_data["person"], self_service=True)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            except PermissionDenied:
                raise Http404 from None
            else:
                registration_message(request, registration)
        else:
            messages.error(request, _("Choose one of your enterprise's contacts."))
        return redirect(self.portal_url(enterprise) + "#portal-events")


class PortalCancelView(PortalEventMixin, TemplateView):
    """POST: cancel one of the enterprise's registrations."""

    http_method_names = ["post"]  # no page of its own: a GET is a 405, not a missing template's 500

    def post(self, request, *args, **kwargs):
        enterprise = self.get_enterprise()
        registration = self.get_own_registration(self.get_membership(enterprise))
        try:
            registration = registration_cancel(registration=registration, actor=request.user, self_service=True)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            cancel_message(request, registration)
        return redirect(self.portal_url(enterprise) + "#portal-events")


class PortalPassView(PortalEventMixin, TemplateView):
    """The entry pass of one of the enterprise's registrations."""

    template_name = "events/pass.html"

    def get_context_data(self, **kwargs):
        enterprise = self.get_enterprise()
        registration = self.get_own_registration(self.get_membership(enterprise))
        return super().get_context_data(registration=registration, event=registration.event,
                                        qr=qr_svg(registration.code), back_url=self.portal_url(enterprise), **kwargs)


urlpatterns = [
    path("<int:pk>/register/", RegisterView.as_view(), name="register"),
    path("<int:pk>/registrations/<int:registration_pk>/cancel/", RegistrationCancelView.as_view(),
         name="registration_cancel"),
    path("<int:pk>/registrations/<int:registration_pk>/qr.svg", RegistrationQrView.as_view(), name="registration_qr"),
    path("<int:pk>/registrations/<int:registration_pk>/pass/", EntryPassView.as_view(), name="registration_pass"),
    path("portal/<int:enterprise_pk>/<int:pk>/register/", PortalRegisterView.as_view(), name="portal_register"),
    path("portal/<int:enterprise_pk>/registrations/<int:registration_pk>/cancel/", PortalCancelView.as_view(),
         name="portal_cancel"),
    path("portal/<int:enterprise_pk>/registrations/<int:registration_pk>/pass/", PortalPassView.as_view(),
         name="portal_pass"),
]
