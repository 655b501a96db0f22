"""The check-in page (a phone at the door: type or scan the code, add walk-ins), the
attendance export (CSV for Excel, .xlsx) and the user's calendar feed page."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from chamber.access import EVENTS_MANAGE, EVENTS_VIEW, SELF_SERVICE
from chamber.interchange.exporting import export_start
from chamber.mixins import ChamberViewMixin

from ..forms.events import CheckInForm, WalkInForm
from ..models import CalendarToken, RegistrationStatus
from ..selectors.events import registration_list
from ..services.events import calendar_token_renew
from ..services.registrations import registration_check_in, registration_create
from .events import EventMixin


class CheckInView(EventMixin, TemplateView):
    """Big code field with autofocus; the scan button (jsQR) only fills it in and submits, so
    typing always works without JavaScript. The result names the person and their member."""

    template_name = "events/checkin.html"
    permission = EVENTS_MANAGE

    def get(self, request, *args, **kwargs):
        event = self.get_event()
        self.require_manage(event)
        return self.render(event, CheckInForm(), self.walk_in_form())

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        self.require_manage(event)
        form, result, error = CheckInForm(request.POST), None, None
        if form.is_valid():
            try:
                result = registration_check_in(event=event, code=form.cleaned_data["code"], actor=request.user,
                                               access=self.access)
            except ValidationError as exc:
                error = " ".join(exc.messages)
        else:
            error = _("Type or scan a check-in code.")
        # A fresh, empty field for the next person; the result stays above it.
        return self.render(event, CheckInForm(), self.walk_in_form(), result=result, error=error,
                           status=400 if error else 200)

    def walk_in_form(self, data=None):
        # `?member_q=` narrows the walk-in form's member list (a chamber may have 20,000 members).
        return WalkInForm(data, chamber=self.chamber, member_q=self.member_q())

    def member_q(self):
        return self.request.GET.get("member_q", "").strip()[:100]

    def render(self, event, form, walk_in_form, status=200, **extra):
        checked_in = registration_list(event=event, status=RegistrationStatus.CONFIRMED).filter(
            checked_in_at__isnull=False).count()
        return self.render_to_response(self.get_context_data(event=event, form=form, walk_in_form=walk_in_form,
                                                             checked_in=checked_in, member_q=self.member_q(),
                                                             **extra), status=status)


class WalkInView(CheckInView):
    """POST: someone who came without registering, confirmed and checked in at once."""

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        self.require_manage(event)
        form = self.walk_in_form(request.POST)
        if form.is_valid():
            try:
                registration = registration_create(event=event, actor=request.user, access=self.access, walk_in=True,
                                                   **form.cleaned_data)
            except ValidationError as exc:
                return self.render(event, CheckInForm(), form, error=" ".join(exc.messages), status=400)
            messages.success(request, _("{name} added as a walk-in and checked in.").format(
                name=registration.attendee_name))
            return redirect("events:checkin", chamber=self.chamber.slug, pk=event.pk)
        return self.render(event, CheckInForm(), form, status=400)


class AttendanceExportView(EventMixin, View):
    """The attendance list: `?format=xlsx` or CSV (with a BOM so Excel reads the Chinese),
    `?show=all` for every registration, else those checked in. Made by the export framework,
    so it is recorded in the export log like every export (and a very large one is
    prepared in the background)."""

    def get(self, request, *args, **kwargs):
        event = self.get_event()
        params = request.GET.copy()
        params["event"] = str(event.pk)
        record, response = export_start(chamber=self.chamber, actor=request.user, access=self.access,
                                        kind="attendance", params=params,
                                        file_format="xlsx" if request.GET.get("format") == "xlsx" else "csv")
        if response is None:
            messages.info(request, _("“{title}” is being prepared in the background. Download it here when it is "
                                     "ready.").format(title=record.title))
            return redirect("exports:log", chamber=self.chamber.slug)
        return response


class CalendarPageView(ChamberViewMixin, TemplateView):
    """The user's calendar feed URLs (this chamber's events, and their own registrations),
    and a button that makes a new token (the old URLs stop working)."""

    template_name = "events/calendar.html"
    def dispatch(self, request, *args, **kwargs):
        # Staff who see events, and representatives (their own registrations' feed).
        access = getattr(request, "access", None)
        capability = SELF_SERVICE if access is not None and not access.has(EVENTS_VIEW) else EVENTS_VIEW
        self.permission = self.write_permission = capability
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        token = CalendarToken.objects.get_or_create(user=self.request.user)[0]
        base = self.request.build_absolute_uri("/")[:-1]
        return super().get_context_data(
            chamber_feed=base + reverse("calendar:chamber", kwargs={"token": token.token, "chamber": self.chamber.slug}),
            mine_feed=base + reverse("calendar:mine", kwargs={"token": token.token}), **kwargs)

    def post(self, request, *args, **kwargs):
        calendar_token_renew(user=request.user)
        messages.success(request, _("New calendar links made; the old ones no longer work."))
        return redirect("events:calendar", chamber=self.chamber.slug)


urlpatterns = [
    path("<int:pk>/check-in/", CheckInView.as_view(), name="checkin"),
    path("<int:pk>/check-in/walk-in/", WalkInView.as_view(), name="walk_in"),
    path("<int:pk>/attendance/", AttendanceExportView.as_view(), name="attendance"),
    path("calendar/", CalendarPageView.as_view(), name="calendar"),
]
