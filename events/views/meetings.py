"""Governing-body meetings (attendance, quorum, resolutions, minutes) and event outcomes.

Pages under /c/<chamber>/events/<pk>/meeting/… and /c/<chamber>/events/<pk>/outcome/, and
the year's outcomes at /c/<chamber>/events/outcomes/. Reading needs events.view, writing
events.manage; a branch secretary reaches the events their subtree organises (others: 404).
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from chamber.access import EVENTS_MANAGE, EVENTS_VIEW
from chamber.forms import add_service_errors
from chamber.mixins import ChamberViewMixin

from ..forms.meetings import AttendanceForm, MinutesForm, OutcomeForm, ResolutionDeleteForm, ResolutionForm
from ..models import GOVERNING_KINDS, Resolution, TRAINING_KINDS
from ..selectors.meetings import event_visible, meeting_attendance_rows, quorum, resolution_list, \
    takes_officer_attendance
from ..selectors.outcomes import checked_in_count, outcome_get, outcome_totals, outcome_years
from ..services.meetings import (
    meeting_attendance_prepare,
    meeting_attendance_set,
    meeting_minutes_set,
    resolution_create,
    resolution_delete,
    resolution_update,
)
from ..services.outcomes import OUTCOME_FIELDS, outcome_set


def meeting_url(event, anchor=""):
    """The meeting page of `event`, optionally at a section."""
    return reverse("events:meeting", kwargs={"chamber": event.chamber.slug, "pk": event.pk}) + anchor


class EventMixin(ChamberViewMixin):
    """Loads the event of the URL within the reader's reach (404 otherwise); writers must
    manage the event's organiser (403 otherwise). `governing_only`: meetings only."""

    permission = EVENTS_VIEW
    write_permission = EVENTS_MANAGE
    governing_only = True

    def get_event(self):
        if not hasattr(self, "event"):
            events = event_visible(chamber=self.chamber, access=self.access, capability=EVENTS_VIEW)
            self.event = get_object_or_404(events.select_related("organiser_branch"), pk=self.kwargs["pk"])
            self.event.chamber = self.chamber
            if self.governing_only and self.event.kind not in GOVERNING_KINDS:
                raise Http404
        return self.event

    def can_manage(self):
        """May the user write on this event (their reach covers its organiser)?"""
        return self.access.covers(EVENTS_MANAGE, self.get_event().organiser_branch)

    def check_write(self):
        """403 unless the user may write on this event."""
        if not self.can_manage():
            raise PermissionDenied


class ServiceFormView(EventMixin, FormView):
    """A form whose valid data goes to `call_service` (returns the next URL); a service's
    ValidationError lands on the form. Showing the form needs the write capability too."""

    template_name = "events/meetings/form.html"

    def get(self, request, *args, **kwargs):
        self.check_write()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_write()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            return redirect(self.call_service(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.get_event(), **kwargs)


class MeetingView(EventMixin, FormView):
    """The meeting page: the line-up with attendance (radio buttons per officer), the quorum
    panel, the resolutions and the minutes. POST records the attendance.
    Queries: the event, term, positions, attendance, resolutions (plus the session's)."""

    template_name = "events/meetings/meeting.html"
    form_class = AttendanceForm

    def get_rows(self):
        """[(position, attendance or None)] of the line-up (none for a general assembly)."""
        if not hasattr(self, "rows"):
            event = self.get_event()
            self.rows = meeting_attendance_rows(event=event) if takes_officer_attendance(event) else []
        return self.rows

    def get_form_kwargs(self):
        return dict(super().get_form_kwargs(), rows=self.get_rows())

    def post(self, request, *args, **kwargs):
        self.check_write()
        if not takes_officer_attendance(self.get_event()):
            raise Http404
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        event = self.get_event()
        try:
            changed = meeting_attendance_set(event=event, actor=self.request.user, statuses=form.statuses(),
                                             access=self.access)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Attendance saved ({n} changed).").format(n=changed))
        return redirect(meeting_url(event, "#attendance"))

    def get_context_data(self, **kwargs):
        event = self.get_event()
        rows = self.get_rows()
        form = kwargs.setdefault("form", self.get_form())
        return super().get_context_data(
            event=event, quorum=quorum(event, rows=rows if takes_officer_attendance(event) else None),
            officer_attendance=takes_officer_attendance(event), attendance_rows=form.rows(),
            recorded=sum(1 for _p, a in rows if a is not None), resolutions=list(resolution_list(event=event)),
            can_manage=self.can_manage(), **kwargs)


class MeetingPrepareView(EventMixin, View):
    """POST only: add the officers of the line-up who have no attendance row yet."""

    permission = None
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        self.check_write()
        try:
            added = meeting_attendance_prepare(event=event, actor=request.user, access=self.access)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(meeting_url(event))
        messages.success(request, _("{n} officers added to the attendance list.").format(n=added))
        return redirect(meeting_url(event, "#attendance"))


class MinutesView(ServiceFormView):
    """Record or correct the minutes."""

    form_class = MinutesForm

    def get_initial(self):
        return {"minutes": self.get_event().minutes}

    def call_service(self, data):
        meeting_minutes_set(event=self.get_event(), actor=self.request.user, access=self.access, **data)
        messages.success(self.request, _("Minutes saved."))
        return meeting_url(self.event, "#minutes")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Minutes"), submit_label=_("Save"),
                                        cancel_url=meeting_url(self.get_event(), "#minutes"), **kwargs)


class ResolutionMixin:
    """Loads the resolution of the URL within the meeting (404 otherwise)."""

    def get_resolution(self):
        if not hasattr(self, "resolution"):
            event = self.get_event()
            self.resolution = get_object_or_404(Resolution.objects.filter(chamber=self.chamber, event=event),
                                                pk=self.kwargs["resolution"])
            self.resolution.event = event
        return self.resolution


class ResolutionCreateView(ServiceFormView):
    """Add a resolution with its vote."""

    form_class = ResolutionForm

    def call_service(self, data):
        resolution_create(event=self.get_event(), actor=self.request.user, access=self.access, **data)
        messages.success(self.request, _("Resolution added."))
        return meeting_url(self.event, "#resolutions")

    def get_context_data(self, **kwargs):
        event = self.get_event()
        return super().get_context_data(title=_("Add a resolution"), submit_label=_("Add"), quorum=quorum(event),
                                        cancel_url=meeting_url(event, "#resolutions"), **kwargs)


class ResolutionEditView(ResolutionMixin, ServiceFormView):
    """Change a resolution or its vote."""

    form_class = ResolutionForm

    def get_initial(self):
        r = self.get_resolution()
        initial = {f: getattr(r, f) for f in ("title", "text", "votes_for", "votes_against", "abstentions")}
        return dict(initial, passed="yes" if r.passed else "no")

    def call_service(self, data):
        resolution_update(resolution=self.get_resolution(), actor=self.request.user, access=self.access, **data)
        messages.success(self.request, _("Changes saved."))
        return meeting_url(self.event, "#resolutions")

    def get_context_data(self, **kwargs):
        event = self.get_event()
        title = _("Edit resolution {number}").format(number=self.get_resolution().number)
        return super().get_context_data(title=title, submit_label=_("Save"), quorum=quorum(event),
                                        cancel_url=meeting_url(event, "#resolutions"), **kwargs)


class ResolutionDeleteView(ResolutionMixin, ServiceFormView):
    """Confirm removing a resolution, with a reason."""

    form_class = ResolutionDeleteForm
    template_name = "events/meetings/resolution_delete.html"

    def call_service(self, data):
        resolution_delete(resolution=self.get_resolution(), actor=self.request.user, access=self.access, **data)
        messages.success(self.request, _("Resolution removed."))
        return meeting_url(self.event, "#resolutions")

    def get_context_data(self, **kwargs):
        return super().get_context_data(resolution=self.get_resolution(),
                                        cancel_url=meeting_url(self.get_event(), "#resolutions"), **kwargs)


class OutcomeEditView(ServiceFormView):
    """Record what an event achieved; participants suggested from the check-ins."""

    governing_only = False
    form_class = OutcomeForm
    template_name = "events/meetings/outcome_form.html"

    def get_initial(self):
        outcome = outcome_get(event=self.get_event())
        self.checked_in = checked_in_count(event=self.event)
        if outcome is None:
            return {"participants": self.checked_in or None}
        return {field: getattr(outcome, field) for field in OUTCOME_FIELDS}

    def call_service(self, data):
        outcome_set(event=self.get_event(), actor=self.request.user, access=self.access, **data)
        messages.success(self.request, _("Outcome saved."))
        try:
            return reverse("events:detail", kwargs={"chamber": self.chamber.slug, "pk": self.event.pk})
        except NoReverseMatch:  # the event page lives in another slice of the app
            return reverse("events:outcome_summary", kwargs={"chamber": self.chamber.slug})

    def get_context_data(self, **kwargs):
        if not hasattr(self, "checked_in"):
            self.checked_in = checked_in_count(event=self.get_event())
        return super().get_context_data(checked_in=self.checked_in, is_training=self.event.kind in TRAINING_KINDS,
                                        **kwargs)


def parse_year(value):
    """A plausible year from the query string, else this year."""
    if value and value.isdigit() and 1900 < int(value) < 2200:
        return int(value)
    return timezone.localdate().year


class OutcomeSummaryView(ChamberViewMixin, TemplateView):
    """The year's outcomes as the federation's statistics form asks them: trainings and people
    trained, government–enterprise events and participants, deals at home and abroad.
    Two queries: the grouped totals, the years for the picker."""

    permission = EVENTS_VIEW
    template_name = "events/meetings/outcome_summary.html"

    def get_context_data(self, **kwargs):
        year = parse_year(self.request.GET.get("year"))
        totals = outcome_totals(chamber=self.chamber, year=year, access=self.access, capability=EVENTS_VIEW)
        return super().get_context_data(totals=totals, year=year, years=outcome_years(chamber=self.chamber), **kwargs)


urlpatterns = [
    path("outcomes/", OutcomeSummaryView.as_view(), name="outcome_summary"),
    path("<int:pk>/meeting/", MeetingView.as_view(), name="meeting"),
    path("<int:pk>/meeting/prepare/", MeetingPrepareView.as_view(), name="meeting_prepare"),
    path("<int:pk>/meeting/minutes/", MinutesView.as_view(), name="meeting_minutes"),
    path("<int:pk>/meeting/resolutions/new/", ResolutionCreateView.as_view(), name="meeting_resolution_add"),
    path("<int:pk>/meeting/resolutions/<int:resolution>/edit/", ResolutionEditView.as_view(),
         name="meeting_resolution_edit"),
    path("<int:pk>/meeting/resolutions/<int:resolution>/delete/", ResolutionDeleteView.as_view(),
         name="meeting_resolution_delete"),
    path("<int:pk>/outcome/", OutcomeEditView.as_view(), name="outcome_edit"),
]
