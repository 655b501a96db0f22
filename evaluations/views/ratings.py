"""The ratings register pages: the register with its filters (and the "expiring within
90 days" view), one subject's history, recording a grade awarded elsewhere, revoking.

The register is the federation's: `evaluations.view` reads it, `evaluations.manage`
records a grade by hand, `evaluations.decide` revokes one.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from branches.models import Branch
from chamber.access import EVALUATIONS_DECIDE, EVALUATIONS_MANAGE, EVALUATIONS_VIEW
from chamber.forms import add_service_errors
from chamber.mixins import ChamberViewMixin
from chamber.models import Chamber

from ..forms.campaigns import RatingFilterForm, RatingRecordForm, RequiredCommentForm
from ..models import Rating, RatingStatus
from ..ratings import EXPIRING_DAYS, rating_history, rating_record, rating_register, rating_revoke


def _url(view, name, **kwargs):
    return reverse("evaluations:" + name, kwargs={"chamber": view.chamber.slug, **kwargs})


def history_url(chamber, rating):
    kind, pk = ("branch", rating.subject_branch_id) if rating.subject_branch_id else ("chamber", rating.subject_chamber_id)
    return reverse("evaluations:rating_history", kwargs={"chamber": chamber.slug, "kind": kind, "pk": pk})


class RatingListView(ChamberViewMixin, View):
    """The register, newest first, filtered by subject, scheme, level, status or "expiring
    within N days" (`?expiring=90`: soonest first). Queries: count, page (+ scheme,
    campaign), the filter's schemes."""

    permission = EVALUATIONS_VIEW

    def get(self, request, *args, **kwargs):
        form = RatingFilterForm(request.GET or None, chamber=self.chamber)
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        qs = rating_register(chamber=self.chamber, scheme=filters.get("scheme"), level=filters.get("level"),
                             status=filters.get("status"), subject=filters.get("q", ""),
                             expiring_within=filters.get("expiring"))
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        rows = [(r, history_url(self.chamber, r)) for r in page.object_list]
        return render(request, "evaluations/ratings/list.html", {
            "form": form, "page_obj": page, "rows": rows, "today": timezone.localdate(),
            "expiring_days": EXPIRING_DAYS, "expiring": filters.get("expiring"),
            "can_record": self.access.has(EVALUATIONS_MANAGE), "can_revoke": self.access.has(EVALUATIONS_DECIDE),
        })


class RatingHistoryView(ChamberViewMixin, View):
    """Every rating one subject — one of our sub-chambers or an affiliated chamber — has
    held in our register."""

    permission = EVALUATIONS_VIEW

    def get(self, request, *args, **kwargs):
        kind, pk = kwargs["kind"], kwargs["pk"]
        if kind == "branch":
            subject = get_object_or_404(Branch.objects.filter(chamber=self.chamber), pk=pk)
            ratings = rating_history(chamber=self.chamber, branch=subject)
        elif kind == "chamber":
            subject = get_object_or_404(Chamber.objects.filter(supervising_federation=self.chamber), pk=pk)
            ratings = rating_history(chamber=self.chamber, subject_chamber=subject)
        else:
            raise Http404
        return render(request, "evaluations/ratings/history.html", {
            "subject": subject, "ratings": list(ratings), "today": timezone.localdate(),
            "can_revoke": self.access.has(EVALUATIONS_DECIDE),
        })


class RatingRecordView(ChamberViewMixin, View):
    """Record by hand a grade awarded elsewhere (e.g. a district's three stars)."""

    permission = EVALUATIONS_MANAGE  # a form page: nothing to read for those who cannot write
    write_permission = EVALUATIONS_MANAGE

    def get(self, request, *args, **kwargs):
        return self.render_form(RatingRecordForm(chamber=self.chamber))

    def post(self, request, *args, **kwargs):
        form = RatingRecordForm(request.POST, chamber=self.chamber)
        if form.is_valid():
            data = form.cleaned_data
            try:
                rating = rating_record(
                    chamber=self.chamber, actor=request.user, scheme=data["scheme"], level=data["level"],
                    awarded_on=data["awarded_on"], grade_label=data["grade_label"], valid_until=data["valid_until"],
                    awarded_by=data["awarded_by"], note=data["note"], **form.subject_kwargs())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("{grade} of {subject} recorded.").format(
                    grade=rating.grade_label, subject=rating.subject_name))
                return redirect(history_url(self.chamber, rating))
        return self.render_form(form, status=400)

    def render_form(self, form, status=200):
        return render(self.request, "evaluations/ratings/form.html", {
            "form": form, "title": _("Record a rating"), "submit_label": _("Record")}, status=status)


class RatingRevokeView(ChamberViewMixin, View):
    """Revoke a held rating, with the reason."""

    permission = EVALUATIONS_DECIDE
    write_permission = EVALUATIONS_DECIDE

    def get_rating(self, pk):
        rating = get_object_or_404(Rating.objects.filter(chamber=self.chamber, status=RatingStatus.ACTIVE), pk=pk)
        rating.chamber = self.chamber
        return rating

    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_rating(kwargs["pk"]), RequiredCommentForm())

    def post(self, request, *args, **kwargs):
        rating = self.get_rating(kwargs["pk"])
        form = RequiredCommentForm(request.POST)
        if form.is_valid():
            try:
                rating_revoke(rating=rating, actor=request.user, reason=form.cleaned_data["comment"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("{grade} of {subject} revoked.").format(
                    grade=rating.grade_label, subject=rating.subject_name))
                return redirect(history_url(self.chamber, rating))
        return self.render_form(rating, form, status=400)

    def render_form(self, rating, form, status=200):
        return render(self.request, "evaluations/ratings/revoke.html", {"form": form, "rating": rating},
                      status=status)
