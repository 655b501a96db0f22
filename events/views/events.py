"""Event pages: list (with registration counts), create and edit, detail (registrations,
waiting list, invitations, attachments, status buttons), attachment download.

A branch secretary sees and manages the events their subtree organises; any other event is
a 404 for them, as other chambers' events are for everyone."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from chamber.access import EVENTS_MANAGE, EVENTS_VIEW
from chamber.api.pagination import IdsFirstPaginator
from chamber.forms import add_service_errors
from chamber.mixins import ChamberViewMixin
from chamber.uploads import download_response

from ..forms.events import AttachmentForm, EventForm, EventStatusForm, InvitationForm, MemberPickForm, RegisterForm
from ..models import Event, EventAttachment, EventKind, EventStatus, RegistrationStatus
from ..selectors.events import (
    attachment_list,
    branch_choices,
    event_detail,
    event_list,
    event_list_filters,
    event_page_rows,
    invitation_list,
    registration_list,
)
from ..services.events import STATUS_MOVES, attachment_add, attachment_remove, event_create, event_set_status, \
    event_update, invitation_set


def event_url(event):
    return reverse("events:detail", kwargs={"chamber": event.chamber.slug, "pk": event.pk})


def optional_context(event):
    """Meeting and outcome sections (their partials' context merged in), from their modules
    when those are installed; the page works without them."""
    context = {}
    for module, name, key in (("events.selectors.meetings", "meeting_context", "meeting"),
                              ("events.selectors.outcomes", "outcome_context", "outcome")):
        if key == "meeting" and not event.is_governing:
            continue
        try:
            function = getattr(__import__(module, fromlist=[name]), name)
        except (ImportError, AttributeError):
            continue
        context.update(function(event))
        context["has_" + key] = True
    return context


class EventMixin(ChamberViewMixin):
    """Events looked up within what the user may see: anything else is a 404."""

    permission = EVENTS_VIEW
    write_permission = EVENTS_MANAGE

    def get_event(self, pk=None):
        try:
            event = event_detail(chamber=self.chamber, access=self.access, pk=pk or self.kwargs["pk"])
        except Event.DoesNotExist:
            raise Http404 from None
        event.chamber = self.chamber
        return event

    def can_manage(self, event):
        return self.access.covers(EVENTS_MANAGE, event.organiser_branch)

    def require_manage(self, event):
        if not self.can_manage(event):
            raise PermissionDenied


class EventListView(EventMixin, TemplateView):
    """The chamber's events with their registration counts; filters by kind, status, month,
    organiser and title. Three queries: count, the page's ids, its rows with their counts."""

    template_name = "events/list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        get = self.request.GET
        branches = branch_choices(chamber=self.chamber, access=self.access, capability=EVENTS_VIEW)
        filters = event_list_filters(get, branches)
        events = event_list(chamber=self.chamber, access=self.access, counts=False, **filters)
        paginator = IdsFirstPaginator(events, self.paginate_by,
                                      load_page=lambda ids: event_page_rows(chamber_id=self.chamber.pk, ids=ids))
        page = paginator.get_page(get.get("page"))
        return super().get_context_data(
            page_obj=page, events=page.object_list, kinds=EventKind.choices, statuses=EventStatus.choices,
            branches=branches, filters={**filters, "branch": filters["branch"].pk if filters["branch"] else None},
            months=range(1, 13), can_create=self.access.has(EVENTS_MANAGE), **kwargs)


class EventFormView(EventMixin, TemplateView):
    """Create an event (no pk) or edit one."""

    template_name = "events/form.html"
    permission = EVENTS_MANAGE

    def get_instance(self):
        if "pk" not in self.kwargs:
            return None
        event = self.get_event()
        self.require_manage(event)
        return event

    def make_form(self, instance, data=None):
        return EventForm(data, instance=instance, chamber=self.chamber,
                         branches=branch_choices(chamber=self.chamber, access=self.access))

    def get(self, request, *args, **kwargs):
        instance = self.get_instance()
        return self.render(self.make_form(instance), instance)

    def post(self, request, *args, **kwargs):
        instance = self.get_instance()
        form = self.make_form(instance, request.POST)
        if form.is_valid():
            data = form.service_arguments()
            try:
                if instance is None:
                    event = event_create(chamber=self.chamber, actor=request.user, access=self.access, **data)
                    messages.success(request, _("Event created as a draft. Open it for registration when ready."))
                else:
                    event = event_update(event=instance, actor=request.user, access=self.access, **data)
                    messages.success(request, _("Saved."))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                event.chamber = self.chamber
                return redirect(event_url(event))
        return self.render(form, instance)

    def render(self, form, instance):
        return self.render_to_response(self.get_context_data(form=form, event=instance))


class EventDetailView(EventMixin, TemplateView):
    """Everything about one event: details, counts, registrations and the waiting list in
    order, the register form, invitations, attachments and the status buttons."""

    template_name = "events/detail.html"

    def get_context_data(self, **kwargs):
        event = self.get_event()
        registrations = list(registration_list(event=event))
        can_manage = self.can_manage(event)
        context = {"event": event, "registrations": registrations, "can_manage": can_manage,
                   "waitlist": [r for r in registrations if r.status == RegistrationStatus.WAITLISTED],
                   "attachments": list(attachment_list(event=event)),
                   "moves": [EventStatus(s) for s in EventStatus.values if s in STATUS_MOVES[event.status]],
                   **optional_context(event)}
        if event.audience == "invited":
            context["invitations"] = list(invitation_list(event=event))
        if can_manage:
            member_q = self.request.GET.get("member_q", "")[:100]
            context["pick_form"] = MemberPickForm(self.request.GET or None, chamber=self.chamber, member_q=member_q)
            context["member_q"] = member_q
            picked = self.request.GET.get("member", "")
            membership = None
            if picked.isdigit():
                from members.models import Membership

                membership = Membership.objects.filter(chamber=self.chamber, pk=picked).first()
            context["picked"] = membership
            context["register_form"] = kwargs.pop("register_form", None) or RegisterForm(
                chamber=self.chamber, membership=membership)
            context["status_form"] = EventStatusForm()
            context["attachment_form"] = AttachmentForm()
        return super().get_context_data(**context, **kwargs)


class EventStatusView(EventMixin, TemplateView):
    """POST: move the event's status (cancelling needs a reason)."""

    template_name = "events/status_confirm.html"
    permission = EVENTS_MANAGE

    def get(self, request, *args, **kwargs):
        event = self.get_event()
        self.require_manage(event)
        return self.render_to_response(self.get_context_data(event=event, form=EventStatusForm(
            initial={"status": request.GET.get("status", "")})))

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        self.require_manage(event)
        form = EventStatusForm(request.POST)
        if form.is_valid():
            try:
                event_set_status(event=event, actor=request.user, access=self.access, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The event is now “{status}”.").format(
                    status=EventStatus(form.cleaned_data["status"]).label))
                return redirect(event_url(event))
        return self.render_to_response(self.get_context_data(event=event, form=form))


class AttachmentAddView(EventMixin, TemplateView):
    """POST: upload a document to the event."""

    http_method_names = ["post"]  # no page of its own: a GET is a 405, not a missing template's 500

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        self.require_manage(event)
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                attachment_add(event=event, actor=request.user, access=self.access, file=form.cleaned_data["file"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Attachment added."))
        else:
            messages.error(request, _("Choose a file to upload."))
        return redirect(event_url(event))


class AttachmentView(EventMixin, TemplateView):
    """GET: download an attachment (anyone who may see the event); POST: remove it."""

    def get_attachment(self):
        event = self.get_event()
        attachment = EventAttachment.objects.filter(chamber=self.chamber, event=event,
                                                    pk=self.kwargs["attachment_pk"]).first()
        if attachment is None:
            raise Http404
        attachment.event = event
        return attachment

    def get(self, request, *args, **kwargs):
        attachment = self.get_attachment()
        return download_response(attachment.file, filename=attachment.original_name,
                                 content_type=attachment.content_type)

    def post(self, request, *args, **kwargs):
        attachment = self.get_attachment()
        self.require_manage(attachment.event)
        attachment_remove(attachment=attachment, actor=request.user, access=self.access)
        messages.success(request, _("Attachment removed."))
        return redirect(event_url(attachment.event))


class InvitationView(EventMixin, TemplateView):
    """The invited members of an "invited only" event, as one list of checkboxes: the invited ones
    and the first matches of `?member_q=` (the search is kept when the form is posted)."""

    template_name = "events/invitations.html"
    permission = EVENTS_MANAGE

    def get(self, request, *args, **kwargs):
        event = self.get_event()
        self.require_manage(event)
        current = [i.membership_id for i in invitation_list(event=event)]
        form = InvitationForm(chamber=self.chamber, initial={"memberships": current}, member_q=self.member_q())
        return self.render_to_response(self.get_context_data(event=event, form=form, member_q=self.member_q()))

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        self.require_manage(event)
        form = InvitationForm(request.POST, chamber=self.chamber, member_q=self.member_q())
        if form.is_valid():
            try:
                count = invitation_set(event=event, actor=request.user, access=self.access,
                                       memberships=list(form.cleaned_data["memberships"]))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("{count} members invited.").format(count=count))
                return redirect(event_url(event))
        return self.render_to_response(self.get_context_data(event=event, form=form, member_q=self.member_q()))

    def member_q(self):
        return self.request.GET.get("member_q", "").strip()[:100]


urlpatterns = [
    path("", EventListView.as_view(), name="list"),
    path("new/", EventFormView.as_view(), name="create"),
    path("<int:pk>/", EventDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", EventFormView.as_view(), name="edit"),
    path("<int:pk>/status/", EventStatusView.as_view(), name="status"),
    path("<int:pk>/attachments/", AttachmentAddView.as_view(), name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", AttachmentView.as_view(), name="attachment"),
    path("<int:pk>/invitations/", InvitationView.as_view(), name="invitations"),
]
