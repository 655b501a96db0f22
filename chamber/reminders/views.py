"""Reminder pages: the user's inbox and preferences (outside any chamber: a user may belong to
several), and the staff's deliveries and settings under /c/<chamber>/reminders/.

The inbox reads across chambers with `scopes_disabled()` and always filters by recipient,
so another user's message is a 404. The staff pages run in the request's chamber scope and
need REMINDERS_MANAGE (chamber admins and the secretariat).
"""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView
from django_scopes import scopes_disabled

from ..access import REMINDERS_MANAGE
from ..forms import add_service_errors
from ..mixins import ChamberViewMixin
from .forms import PreferencesForm, ReminderSettingsForm
from .models import Delivery, ReminderRule
from .selectors import (
    DELIVERY_TABS,
    delivery_list,
    delivery_status_counts,
    inbox_list,
    inbox_message,
    reminder_preferences,
)
from .services import delivery_mark_read, reminder_settings_for
from .services_settings import inbox_mark_all_read, reminder_preferences_set, reminder_settings_set

INBOX_PAGE_SIZE = 25
DELIVERIES_PAGE_SIZE = 50


class InboxView(LoginRequiredMixin, TemplateView):
    """The user's messages from every chamber, newest first, unread in bold; 25 a page."""

    template_name = "reminders/inbox.html"

    def get_context_data(self, **kwargs):
        with scopes_disabled():
            page = Paginator(inbox_list(user=self.request.user), INBOX_PAGE_SIZE).get_page(self.request.GET.get("page"))
            # Read here, inside scopes_disabled: the template renders outside it.
            page.object_list = list(page.object_list)
        return super().get_context_data(page_obj=page, inbox_rows=page.object_list, **kwargs)


class InboxMessageView(LoginRequiredMixin, TemplateView):
    """One message: opening it marks it read; `?go=1` then leads straight to its link (the
    list's "go to the page"), which must be a path of this site."""

    template_name = "reminders/message.html"

    def get(self, request, *args, **kwargs):
        with scopes_disabled():
            try:
                message = inbox_message(user=request.user, pk=kwargs["pk"])
            except Delivery.DoesNotExist:
                raise Http404 from None
            if message.read_at is None:
                delivery_mark_read(delivery=message, user=request.user)
        if request.GET.get("go") and message.link and url_has_allowed_host_and_scheme(
                message.link, allowed_hosts={request.get_host()}):
            return redirect(message.link)
        return self.render_to_response(self.get_context_data(message=message))


def _back_to_inbox(request):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or reverse("inbox:list"))


class InboxMarkReadView(LoginRequiredMixin, View):
    """POST: mark one message read (the user's own; anyone else's is a 404)."""

    def post(self, request, pk):
        with scopes_disabled():
            try:
                message = inbox_message(user=request.user, pk=pk)
            except Delivery.DoesNotExist:
                raise Http404 from None
            delivery_mark_read(delivery=message, user=request.user)
        return _back_to_inbox(request)


class InboxMarkAllReadView(LoginRequiredMixin, View):
    """POST: mark every message read, in all the user's chambers."""

    def post(self, request):
        with scopes_disabled():
            count = inbox_mark_all_read(user=request.user)
        if count:
            messages.success(request, _("All messages marked read."))
        return _back_to_inbox(request)


class PreferencesView(LoginRequiredMixin, TemplateView):
    """Per rule: whether the user wants it by email and in the inbox."""

    template_name = "reminders/preferences.html"

    def form(self, data=None):
        return PreferencesForm(data, preferences=reminder_preferences(user=self.request.user))

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            reminder_preferences_set(user=request.user, preferences=form.preferences())
            messages.success(request, _("Preferences saved."))
            return redirect("inbox:preferences")
        return self.render_to_response(self.get_context_data(form=form))


def _status_labels():
    # A delivery's own words: the bare "Sent" and "Failed" already mean other things in the
    # catalogue (a submission's "sent on", a review's "failed").
    return {
        "failed": pgettext("reminder delivery", "Failed"),
        "pending": pgettext("reminder delivery", "Waiting"),
        "sending": pgettext("reminder delivery", "Sending"),
        "sent": pgettext("reminder delivery", "Sent"),
        "all": _("All"),
    }


class DeliveriesView(ChamberViewMixin, TemplateView):
    """The chamber's deliveries by status tab (failures first) and rule; 50 a page.

    Queries, whatever the page size: the counts per status (1), the page count (1), the
    page's rows with their recipients (1).
    """

    permission = REMINDERS_MANAGE
    template_name = "reminders/deliveries.html"

    def get_context_data(self, **kwargs):
        get = self.request.GET
        rule = get.get("rule") if get.get("rule") in ReminderRule.values else None
        counts = delivery_status_counts(chamber=self.chamber, rule=rule)
        tab = get.get("status") if get.get("status") in DELIVERY_TABS else None
        # With nothing chosen, failures lead when there are any: they are what needs a person.
        tab = tab or ("failed" if counts["failed"] else "all")
        rows = delivery_list(chamber=self.chamber, status=None if tab == "all" else tab, rule=rule)
        page = Paginator(rows, DELIVERIES_PAGE_SIZE).get_page(get.get("page"))
        labels = _status_labels()
        page.object_list = list(page.object_list)
        for row in page.object_list:
            row.status_label = labels[row.status]
        tabs = [(key, labels[key], counts[key]) for key in DELIVERY_TABS]
        return super().get_context_data(page_obj=page, deliveries=page.object_list, tab=tab, tabs=tabs, rule=rule or "",
                                        rules=ReminderRule.choices, **kwargs)


class ReminderSettingsView(ChamberViewMixin, TemplateView):
    """The chamber's lead times per rule, which rules run, and the hour reminders go out."""

    permission = REMINDERS_MANAGE
    write_permission = REMINDERS_MANAGE
    template_name = "reminders/settings.html"

    def form(self, data=None):
        return ReminderSettingsForm(data, options=reminder_settings_for(self.chamber))

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                reminder_settings_set(chamber=self.chamber, actor=request.user, **form.settings())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Reminder settings saved."))
                return redirect("reminders:settings", chamber=self.chamber.slug)
        return self.render_to_response(self.get_context_data(form=form))
