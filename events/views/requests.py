"""Member requests (the board, a new request, a request's handling, the year's figures) and visits
(list, record with requests inline, detail). REQUESTS_VIEW reads, REQUESTS_MANAGE writes; a
branch secretary sees and handles the members within their branches (another member's request
or visit is a 404, as on the members pages)."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import TemplateView

from chamber.access import REQUESTS_MANAGE, REQUESTS_VIEW
from chamber.forms import add_service_errors
from chamber.mixins import ChamberViewMixin

from ..forms.requests import AssignForm, MoveForm, NoteForm, RequestCreateForm, TypicalForm, VisitForm, VisitRequestFormSet
from ..models import MemberRequest, RequestCategory, RequestStatus, Visit
from ..selectors.events import query_int
from ..selectors.requests import (
    request_assignee_users,
    request_board,
    request_board_filters,
    request_detail,
    request_year_figures,
    request_years,
    visit_detail,
    visit_list,
    visits_in_year,
)
from ..services.requests import request_assign, request_create, request_mark_typical, request_move, request_note_add
from ..services.visits import visit_record


class RequestsMixin(ChamberViewMixin):
    """REQUESTS_VIEW to read, REQUESTS_MANAGE to write; rows within the reader's reach."""

    permission = REQUESTS_VIEW
    write_permission = REQUESTS_MANAGE

    def request_url(self, request_obj):
        return reverse("events:request_detail", kwargs={"chamber": self.chamber.slug, "pk": request_obj.pk})

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_manage=self.access.has(REQUESTS_MANAGE), **kwargs)


class RequestBoardView(RequestsMixin, TemplateView):
    """Requests by status tab (open by default), overdue first with days overdue; filters; 3 queries."""

    template_name = "events/requests/board.html"

    def get_context_data(self, **kwargs):
        get = self.request.GET
        filters = request_board_filters(get)
        board = request_board(chamber=self.chamber, access=self.access, page=get.get("page"), **filters)
        tabs = [("open", pgettext("request", "Open"))] + list(RequestStatus.choices) + [("all", _("All"))]
        return super().get_context_data(
            **board, tabs=[(key, label, board["counts"][key]) for key, label in tabs], categories=RequestCategory.choices,
            category=filters["category"] or "", q=get.get("q", ""), overdue=filters["overdue"],
            assignee=filters["assignee"], assignees=list(request_assignee_users(chamber=self.chamber)),
            **kwargs)


class RequestCreateView(RequestsMixin, TemplateView):
    """Record a request for a member (`?member=<id>` preselects, `?member_q=` narrows the list)."""

    permission = REQUESTS_MANAGE
    template_name = "events/requests/form.html"

    def form(self, data=None):
        member = self.request.GET.get("member")
        return RequestCreateForm(data, chamber=self.chamber, access=self.access,
                                 member_q=self.request.GET.get("member_q", ""),
                                 initial={"membership": member} if member and member.isdigit() else None)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                created = request_create(chamber=self.chamber, actor=request.user, access=self.access,
                                         source="staff", **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Request recorded."))
                return redirect(self.request_url(created))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("New request"), member_q=self.request.GET.get("member_q", ""),
                                        **kwargs)


class RequestDetailView(RequestsMixin, TemplateView):
    """One request: member, description, assignees, due date, a status stepper, the notes timeline
    (the member's too), and the handling forms (move, assign, note, typical case)."""

    template_name = "events/requests/detail.html"

    def get_request(self, capability=REQUESTS_VIEW):
        try:
            found = request_detail(chamber=self.chamber, access=self.access, pk=self.kwargs["pk"],
                                   capability=capability)
        except MemberRequest.DoesNotExist:
            raise Http404 from None
        found.chamber = found.membership.chamber = self.chamber
        return found

    def forms(self, request_obj, **bound):
        forms = {
            "move_form": MoveForm(request_obj=request_obj),
            "assign_form": AssignForm(chamber=self.chamber, initial={
                "assignee": request_obj.assignee_id, "assignee_officer": request_obj.assignee_officer_id,
                "due_on": request_obj.due_on}),
            "note_form": NoteForm(),
            "typical_form": TypicalForm(initial={"is_typical": request_obj.is_typical,
                                                 "summary": request_obj.typical_summary}),
        }
        forms.update(bound)
        return forms

    def get(self, request, *args, **kwargs):
        found = self.get_request()
        return self.render_to_response(self.get_context_data(request_obj=found, **self.forms(found)))

    def get_context_data(self, **kwargs):
        found = kwargs["request_obj"]
        steps = [RequestStatus.NEW, RequestStatus.IN_PROGRESS,
                 RequestStatus.UNRESOLVABLE if found.status == RequestStatus.UNRESOLVABLE else RequestStatus.RESOLVED]
        reached = steps.index(found.status) if found.status in steps else 0
        return super().get_context_data(
            steps=[(s.value, s.label, i <= reached) for i, s in enumerate(steps)],
            is_closed=not found.is_open, **kwargs)


class RequestActionView(RequestDetailView):
    """POST-only handling of one request: valid → the service, then back to the detail page;
    invalid (or refused by the service) → the detail page with the form's errors."""

    form_name = None
    done_message = ""

    def get(self, request, *args, **kwargs):
        return redirect(self.request_url(self.get_request()))

    def build_form(self, request_obj, data):
        raise NotImplementedError

    def act(self, request_obj, data):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        found = self.get_request(REQUESTS_MANAGE)
        form = self.build_form(found, request.POST)
        if form.is_valid():
            try:
                self.act(found, form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, self.done_message)
                return redirect(self.request_url(found))
        found = self.get_request()
        return self.render_to_response(self.get_context_data(request_obj=found,
                                                             **self.forms(found, **{self.form_name: form})))


class RequestMoveView(RequestActionView):
    """Move the request to another status (note required)."""

    form_name = "move_form"

    def build_form(self, request_obj, data):
        return MoveForm(data, request_obj=request_obj)

    def act(self, request_obj, data):
        request_move(request=request_obj, actor=self.request.user, access=self.access, **data)
        self.done_message = _("Status changed to “{status}”.").format(status=RequestStatus(data["status"]).label)


class RequestAssignView(RequestActionView):
    """Hand the request to staff and/or an officer."""

    form_name = "assign_form"

    def build_form(self, request_obj, data):
        return AssignForm(data, chamber=self.chamber)

    def act(self, request_obj, data):
        request_assign(request=request_obj, actor=self.request.user, access=self.access, **data)
        self.done_message = _("Assignment saved.")


class RequestNoteView(RequestActionView):
    """Add a note without moving the request."""

    form_name = "note_form"

    def build_form(self, request_obj, data):
        return NoteForm(data)

    def act(self, request_obj, data):
        request_note_add(request=request_obj, actor=self.request.user, access=self.access, text=data["text"])
        self.done_message = _("Note added.")


class RequestTypicalView(RequestActionView):
    """Flag (with a summary) or unflag the request as a typical case."""

    form_name = "typical_form"

    def build_form(self, request_obj, data):
        return TypicalForm(data)

    def act(self, request_obj, data):
        request_mark_typical(request=request_obj, actor=self.request.user, access=self.access, **data)
        self.done_message = _("Typical case saved.")


class RequestFiguresView(RequestsMixin, TemplateView):
    """The year's figures: problems raised and solved, rating, visits, and the typical cases (printable)."""

    template_name = "events/requests/figures.html"

    def get_context_data(self, **kwargs):
        years = request_years(chamber=self.chamber)
        year = query_int(self.request.GET.get("year"))
        year = year if year and 1900 < year < 3000 else timezone.localdate().year
        figures = request_year_figures(chamber=self.chamber, year=year, access=self.access)
        figures["solved_share"] = (round(figures["resolved"] * 100 / (figures["resolved"] + figures["unresolvable"]))
                                   if figures["resolved"] + figures["unresolvable"] else None)
        return super().get_context_data(figures=figures, year=year, years=years,
                                        visits=visits_in_year(chamber=self.chamber, year=year, access=self.access),
                                        **kwargs)


class VisitListView(RequestsMixin, TemplateView):
    """Visits, latest first; filter by year and member/visitor name; 2 queries a page."""

    template_name = "events/requests/visits.html"

    def get_context_data(self, **kwargs):
        year = query_int(self.request.GET.get("year"))
        q = (self.request.GET.get("q") or "").strip()[:100]
        visits = visit_list(chamber=self.chamber, access=self.access, year=year, search=q or None)
        page = Paginator(visits, 50).get_page(self.request.GET.get("page"))
        return super().get_context_data(page_obj=page, visits=page.object_list, year=year, q=q,
                                        years=request_years(chamber=self.chamber), **kwargs)


class VisitCreateView(RequestsMixin, TemplateView):
    """Record a visit, with the requests raised during it (empty request rows are skipped)."""

    permission = REQUESTS_MANAGE
    template_name = "events/requests/visit_form.html"

    def forms(self, data=None):
        member = self.request.GET.get("member")
        form = VisitForm(data, chamber=self.chamber, access=self.access, member_q=self.request.GET.get("member_q", ""),
                         initial={"membership": member if member and member.isdigit() else None,
                                  "visited_on": timezone.localdate()})
        formset = VisitRequestFormSet(data, prefix="requests", form_kwargs={"chamber": self.chamber})
        return form, formset

    def get(self, request, *args, **kwargs):
        form, formset = self.forms()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def post(self, request, *args, **kwargs):
        form, formset = self.forms(request.POST)
        try:
            valid = form.is_valid() & formset.is_valid()
        except ValidationError:  # a tampered management form
            valid = False
            formset = self.forms()[1]
            form.add_error(None, _("The form was incomplete; please fill it in again."))
        if valid:
            rows = [{k: v for k, v in f.cleaned_data.items()} for f in formset.forms if f.is_filled()]
            try:
                visit = visit_record(chamber=self.chamber, actor=request.user, access=self.access, requests=rows,
                                     **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Visit recorded with {count} request(s).").format(count=len(rows)))
                return redirect("events:visit_detail", chamber=self.chamber.slug, pk=visit.pk)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def get_context_data(self, **kwargs):
        return super().get_context_data(member_q=self.request.GET.get("member_q", ""), **kwargs)


class VisitDetailView(RequestsMixin, TemplateView):
    """One visit and the requests raised during it."""

    template_name = "events/requests/visit.html"

    def get_context_data(self, **kwargs):
        try:
            visit = visit_detail(chamber=self.chamber, access=self.access, pk=kwargs["pk"])
        except Visit.DoesNotExist:
            raise Http404 from None
        return super().get_context_data(visit=visit, **kwargs)


urlpatterns = [
    path("requests/", RequestBoardView.as_view(), name="requests"),
    path("requests/new/", RequestCreateView.as_view(), name="request_create"),
    path("requests/figures/", RequestFiguresView.as_view(), name="request_figures"),
    path("requests/<int:pk>/", RequestDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/move/", RequestMoveView.as_view(), name="request_move"),
    path("requests/<int:pk>/assign/", RequestAssignView.as_view(), name="request_assign"),
    path("requests/<int:pk>/notes/", RequestNoteView.as_view(), name="request_note"),
    path("requests/<int:pk>/typical/", RequestTypicalView.as_view(), name="request_typical"),
    path("visits/", VisitListView.as_view(), name="visit_list"),
    path("visits/new/", VisitCreateView.as_view(), name="visit_create"),
    path("visits/<int:pk>/", VisitDetailView.as_view(), name="visit_detail"),
]
