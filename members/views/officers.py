"""Officers by term (班子): the line-up of a term, a new term (换届), appointments and ends
of posts, rotating chair periods (轮值主席) and liaison assignments (会长联系会员).

Reads go through members.selectors, writes through members.officers. Every term, post,
period and assignment is looked up within the current chamber, so another chamber's id
is a 404 here.
"""
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from chamber.forms import CAPPED_CHOICES, add_service_errors
from chamber.access import OFFICERS_CHANGE, OFFICERS_VIEW
from chamber.mixins import ChamberViewMixin

from ..forms.officers import AppointForm, EndPostForm, LiaisonForm, RotatingChairForm, TermForm, TermStartForm
from ..models import Liaison, OfficerPosition, RotatingChair, Term
from ..officers import (
    liaison_assign,
    liaison_remove,
    officer_appoint,
    officer_end,
    rotating_chair_add,
    rotating_chair_remove,
    term_start_next,
    term_update,
)
from ..selectors import (
    liaison_list,
    officer_lineup_by_post,
    rotating_chair_list,
    term_charter_warnings,
    term_current,
    term_list,
)


class OfficersMixin(ChamberViewMixin):
    permission = OFFICERS_VIEW
    write_permission = OFFICERS_CHANGE

    def term_url(self, term):
        return reverse("members:officers", kwargs={"chamber": self.chamber.slug}) + "?term={pk}".format(pk=term.pk)

    def get_term(self, pk):
        return self.with_chamber(get_object_or_404(Term.objects.filter(chamber=self.chamber), pk=pk))

    def with_chamber(self, term):
        # The selectors read `term.chamber`; it is the request's chamber, so no query for it.
        if term is not None:
            term.chamber = self.chamber
        return term


class ServiceFormView(OfficersMixin, FormView):
    """A form whose valid data goes to one service; its ValidationError lands on the form."""

    success_message = ""

    def call_service(self, data):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.result = self.call_service(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class TermScopedMixin:
    """Pages about one term: load it from the URL (after the capability checks)."""

    def get(self, request, *args, **kwargs):
        self.term = self.get_term(kwargs["term"])
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.term = self.get_term(kwargs["term"])
        return super().post(request, *args, **kwargs)

    def get_success_url(self):
        return self.term_url(self.term)

    def get_context_data(self, **kwargs):
        return super().get_context_data(term=self.term, **kwargs)


class OfficersView(OfficersMixin, TemplateView):
    """A term's line-up grouped by post in protocol order, with the charter warnings.

    The current term by default; `?term=<pk>` for another one. A fixed number of queries:
    the terms, the line-up, the warnings' reads and the schedule of rotating chairs.
    """

    template_name = "members/officers/index.html"

    def get_context_data(self, **kwargs):
        terms = list(term_list(chamber=self.chamber))
        wanted = self.request.GET.get("term")
        if wanted:
            term = next((t for t in terms if str(t.pk) == wanted), None)
            if term is None:
                raise Http404
        else:
            term = term_current(chamber=self.chamber) if terms else None
        term = self.with_chamber(term)
        context = {"terms": terms, "term": term, "can_change": self.access.has(OFFICERS_CHANGE),
                   "today": timezone.localdate()}
        if term is not None:
            chairs = list(rotating_chair_list(term=term))
            context.update(
                lineup=officer_lineup_by_post(term=term),
                warnings=term_charter_warnings(term=term),
                current_chair=next((c for c in chairs if c.starts_on <= context["today"] <= c.ends_on), None),
                chair_count=len(chairs),
            )
        return super().get_context_data(**context, **kwargs)


class TermStartView(ServiceFormView):
    """Start the next term (换届): its dates, and whether the posts carry over."""

    permission = OFFICERS_CHANGE  # a form page: nothing to read for those who cannot write
    template_name = "members/officers/form.html"
    form_class = TermStartForm

    def get_initial(self):
        latest = next(iter(term_list(chamber=self.chamber)), None)
        initial = {"ordinal": (latest.ordinal + 1) if latest else 1, "carry_over": True}
        if latest:
            # The norm: the next five years, from the day after the latest term ends.
            starts = latest.ends_on + datetime.timedelta(days=1)
            initial["starts_on"] = starts
            five_years = starts.replace(year=starts.year + 5, day=min(starts.day, 28))
            initial["ends_on"] = five_years - datetime.timedelta(days=1)
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Start a new term"), submit_label=_("Start the term"), **kwargs)

    def call_service(self, data):
        return term_start_next(chamber=self.chamber, actor=self.request.user, ordinal=data["ordinal"],
                               name=data["name"], starts_on=data["starts_on"], ends_on=data["ends_on"],
                               elected_on=data["elected_on"], carry_over=data["carry_over"])

    def form_valid(self, form):
        self.success_message = _("The new term has started. Edit its line-up below.")
        return super().form_valid(form)

    def get_success_url(self):
        return self.term_url(self.result)


class TermEditView(TermScopedMixin, ServiceFormView):
    """Correct a term's number, name or dates."""

    permission = OFFICERS_CHANGE  # a form page: nothing to read for those who cannot write
    template_name = "members/officers/form.html"
    form_class = TermForm

    def get_initial(self):
        t = self.term
        return {"ordinal": t.ordinal, "name": t.name, "starts_on": t.starts_on, "ends_on": t.ends_on,
                "elected_on": t.elected_on}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Edit term “{term}”").format(term=self.term), submit_label=_("Save"),
                                        **kwargs)

    def call_service(self, data):
        self.success_message = _("Term saved.")
        return term_update(term=self.term, actor=self.request.user, **data)


class AppointView(TermScopedMixin, ServiceFormView):
    """Put a person of the chamber in a post of the term. `?person_q=` and `?enterprise_q=`
    narrow the people and enterprises offered (only the first matches are listed)."""

    permission = OFFICERS_CHANGE  # a form page: nothing to read for those who cannot write
    template_name = "members/officers/appoint.html"
    form_class = AppointForm

    def search_terms(self):
        return {key: self.request.GET.get(key, "").strip()[:100] for key in ("person_q", "enterprise_q")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "chamber": self.chamber, **self.search_terms()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Appoint an officer to “{term}”").format(term=self.term),
                                        submit_label=_("Appoint"), search_limit=CAPPED_CHOICES,
                                        **self.search_terms(), **kwargs)

    def call_service(self, data):
        self.success_message = _("{person} appointed.").format(person=data["person"].name)
        return officer_appoint(term=self.term, actor=self.request.user, **data)


class EndPostView(ServiceFormView):
    """End a post (resignation, death, removal) with a date and a reason."""

    permission = OFFICERS_CHANGE  # a form page: nothing to read for those who cannot write
    template_name = "members/officers/end.html"
    form_class = EndPostForm

    def get(self, request, *args, **kwargs):
        self.position = self.get_position(kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.position = self.get_position(kwargs["pk"])
        return super().post(request, *args, **kwargs)

    def get_position(self, pk):
        qs = OfficerPosition.objects.filter(chamber=self.chamber).select_related("term", "person", "enterprise")
        return get_object_or_404(qs, pk=pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(position=self.position, **kwargs)

    def call_service(self, data):
        self.success_message = _("The post of {person} ends on {date}.").format(
            person=self.position.person.name, date=data["ends_on"].isoformat())
        return officer_end(position=self.position, actor=self.request.user, **data)

    def get_success_url(self):
        return self.term_url(self.position.term)


class RotatingChairView(TermScopedMixin, ServiceFormView):
    """The schedule of rotating chair periods, the current one marked, and a form to add one."""

    template_name = "members/officers/rotating_chair.html"
    form_class = RotatingChairForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "term": self.term}

    def get_context_data(self, **kwargs):
        return super().get_context_data(chairs=list(rotating_chair_list(term=self.term)), today=timezone.localdate(),
                                        can_change=self.access.has(OFFICERS_CHANGE), **kwargs)

    def call_service(self, data):
        self.success_message = _("Rotating chair period added.")
        return rotating_chair_add(term=self.term, actor=self.request.user, **data)

    def get_success_url(self):
        return reverse("members:officers_rotating_chair", kwargs={"chamber": self.chamber.slug, "term": self.term.pk})


class RotatingChairRemoveView(OfficersMixin, View):
    """POST only: drop one period of the schedule."""

    def post(self, request, *args, **kwargs):
        chair = get_object_or_404(RotatingChair.objects.filter(chamber=self.chamber), pk=kwargs["pk"])
        term_pk = chair.term_id
        rotating_chair_remove(chair=chair, actor=request.user)
        messages.success(request, _("Rotating chair period removed."))
        return redirect("members:officers_rotating_chair", chamber=self.chamber.slug, term=term_pk)


class LiaisonView(TermScopedMixin, ServiceFormView):
    """Which officer keeps in touch with which member; a form to assign one more."""

    template_name = "members/officers/liaison.html"
    form_class = LiaisonForm

    def member_q(self):
        # `?member_q=` narrows the members offered (only the first matches are listed).
        return self.request.GET.get("member_q", "").strip()[:100]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "term": self.term, "member_q": self.member_q()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(liaisons=list(liaison_list(term=self.term)),
                                        can_change=self.access.has(OFFICERS_CHANGE), member_q=self.member_q(),
                                        **kwargs)

    def call_service(self, data):
        self.success_message = _("Liaison assigned.")
        return liaison_assign(officer=data["officer"], membership=data["membership"], actor=self.request.user)

    def get_success_url(self):
        return reverse("members:officers_liaison", kwargs={"chamber": self.chamber.slug, "term": self.term.pk})


class LiaisonRemoveView(OfficersMixin, View):
    """POST only: end one liaison assignment."""

    def post(self, request, *args, **kwargs):
        liaisons = Liaison.objects.filter(chamber=self.chamber).select_related("officer", "membership")
        liaison = get_object_or_404(liaisons, pk=kwargs["pk"])
        term_pk = liaison.officer.term_id
        liaison_remove(liaison=liaison, actor=request.user)
        messages.success(request, _("Liaison removed."))
        return redirect("members:officers_liaison", chamber=self.chamber.slug, term=term_pk)


urlpatterns = [
    path("officers/", OfficersView.as_view(), name="officers"),
    path("officers/terms/new/", TermStartView.as_view(), name="officers_term_new"),
    path("officers/terms/<int:term>/edit/", TermEditView.as_view(), name="officers_term_edit"),
    path("officers/terms/<int:term>/appoint/", AppointView.as_view(), name="officers_appoint"),
    path("officers/terms/<int:term>/rotating-chair/", RotatingChairView.as_view(), name="officers_rotating_chair"),
    path("officers/terms/<int:term>/liaison/", LiaisonView.as_view(), name="officers_liaison"),
    path("officers/posts/<int:pk>/end/", EndPostView.as_view(), name="officers_end"),
    path("officers/rotating-chair/<int:pk>/remove/", RotatingChairRemoveView.as_view(),
         name="officers_rotating_chair_remove"),
    path("officers/liaison/<int:pk>/remove/", LiaisonRemoveView.as_view(), name="officers_liaison_remove"),
]
