"""The check-in page (a phone at the door: type or scan the code, add walk-ins), the
attendance export (CSV for Excel, .xlsx) and the user's calendar feed page."""
import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from chamber.access import EVENTS_MANAGE, EVENTS_VIEW, SELF_SERVICE
from chamber.mixins import ChamberViewMixin

from ..forms.events import CheckInForm, WalkInForm
from ..models import CalendarToken, Registration, RegistrationStatus
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
        return self.render(event, CheckInForm(), WalkInForm(chamber=self.chamber))

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
        return self.render(event, CheckInForm(), WalkInForm(chamber=self.chamber), result=result, error=error,
                           status=400 if error else 200)

    def render(self, event, form, walk_in_form, status=200, **extra):
        checked_in = registration_list(event=event, status=RegistrationStatus.CONFIRMED).filter(
            checked_in_at__isnull=False).count()
        return self.render_to_response(self.get_context_data(event=event, form=form, walk_in_form=walk_in_form,
                                                             checked_in=checked_in, **extra), status=status)


class WalkInView(CheckInView):
    """POST: someone who came without registering, confirmed and checked in at once."""

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        self.require_manage(event)
        form = WalkInForm(request.POST, chamber=self.chamber)
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


# The columns, named as the registration's fields are (one translation for both).
EXPORT_FIELDS = ("attendee_name", "membership", "attendee_mobile", "status", "is_walk_in", "registered_at",
                 "checked_in_at", "code")


def export_headers():
    return [str(Registration._meta.get_field(name).verbose_name) for name in EXPORT_FIELDS]


class AttendanceExportView(EventMixin, TemplateView):
    """The attendance list: `?format=xlsx` or CSV (with a BOM so Excel reads the Chinese),
    `?show=all` for every registration, else those checked in."""

    def get(self, request, *args, **kwargs):
        event = self.get_event()
        everyone = request.GET.get("show") == "all"
        registrations = registration_list(event=event)
        if not everyone:
            registrations = registrations.filter(checked_in_at__isnull=False)
        rows = [self.row(r) for r in registrations]
        headers = export_headers()
        name = "attendance-{}".format(event.pk)
        if request.GET.get("format") == "xlsx":
            return self.xlsx(event, headers, rows, name)
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="{}.csv"'.format(name)
        return response

    @staticmethod
    def row(r):
        def when(value):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

        # A leading =, +, - or @ would make a spreadsheet run the cell as a formula.
        def safe(text):
            return "'" + text if text[:1] in ("=", "+", "-", "@") else text

        return [safe(r.attendee_name), safe(r.membership.name if r.membership else ""), r.attendee_mobile,
                str(RegistrationStatus(r.status).label), _("Yes") if r.is_walk_in else "", when(r.registered_at),
                when(r.checked_in_at), r.code]

    @staticmethod
    def xlsx(event, headers, rows, name):
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = _("Attendance")
        sheet.append([event.title])
        sheet.append(headers)
        for row in rows:
            sheet.append([str(v) for v in row])
        for column, width in zip("ABCDEFGH", (14, 30, 14, 10, 8, 18, 18, 14)):
            sheet.column_dimensions[column].width = width
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="{}.xlsx"'.format(name)
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
