"""Pages of the evaluations app: campaigns, submissions, ranking, decisions, the ratings
register, and the subject's list of its evaluations.

This module holds the URLs and the federation's campaign pages (list, set-up, progress
overview, subjects, ranking, one submission); the register is in `ratings`, the
subject's pages in `mine`.

Who sees what: campaign pages need `evaluations.view` (changes `evaluations.manage`,
publishing and awarding `evaluations.decide`); a submission's page is open to whoever
`selectors.submission_list_for_federation` lets see it — staff, the reviewers it is
assigned to, the branch secretary of its sub-chamber — and any other id is a 404.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from chamber.access import (
    EVALUATIONS_APPLY,
    EVALUATIONS_DECIDE,
    EVALUATIONS_MANAGE,
    EVALUATIONS_REVIEW,
    EVALUATIONS_VIEW,
)
from chamber.forms import add_service_errors
from chamber.mixins import ChamberViewMixin

from .. import grading
from ..campaign_reads import (
    campaign_list_with_counts,
    campaign_log,
    campaign_ranking,
    campaign_submissions,
    sheet_kind_label,
    status_rows,
    subject_candidates,
    submission_log,
    submission_sheets,
    with_labels,
)
from ..campaigns import (
    DECIDING_STAGES,
    TIMELINE,
    campaign_advance,
    campaign_advance_problems,
    campaign_create,
    campaign_next_stage,
    campaign_status_counts,
    campaign_subjects_add,
    campaign_update,
    submission_decide,
    submission_decision_reopen,
    submission_objection_uphold,
    submission_overrule,
    submission_recheck,
    submission_review,
    submission_withdraw,
)
from ..forms.campaigns import CampaignForm, CommentForm, DecideForm, RequiredCommentForm, ReviewForm, SubjectsAddForm
from ..models import Campaign, CampaignStage, ResultMode, SheetKind, SubmissionStatus
from ..ratings import held_ratings_for
from ..results import campaign_compute_results, reference_date
from ..rubrics import version_grade_specs
from ..selectors import submission_list_for_federation
from ..transitions import CAMPAIGN_ORDER, submission_step_problem
from . import mine, ratings

C = CampaignStage
S = SubmissionStatus
PAGE_SIZE = 100


def url_for(view, name, **kwargs):
    return reverse("evaluations:" + name, kwargs={"chamber": view.chamber.slug, **kwargs})


class CampaignMixin(ChamberViewMixin):
    permission = EVALUATIONS_VIEW
    write_permission = EVALUATIONS_MANAGE

    def get_campaign(self, pk):
        qs = Campaign.objects.filter(chamber=self.chamber).select_related("version__scheme")
        campaign = get_object_or_404(qs, pk=pk)
        campaign.chamber = self.chamber  # the request's chamber: no query for it
        return campaign


# --- Campaigns -----------------------------------------------------------------------------------

class CampaignListView(CampaignMixin, View):
    """The federation's campaigns with their stage and number of subjects (2 queries)."""

    def get(self, request, *args, **kwargs):
        page = Paginator(campaign_list_with_counts(chamber=self.chamber), 50).get_page(request.GET.get("page"))
        return render(request, "evaluations/campaigns/list.html", {
            "page_obj": page, "campaigns": page.object_list, "can_manage": self.access.has(EVALUATIONS_MANAGE)})


class CampaignFormView(CampaignMixin, View):
    """Set up a campaign, or edit one (create and edit share the form)."""

    permission = EVALUATIONS_MANAGE  # a form page: nothing to read for those who cannot write
    template_name = "evaluations/campaigns/form.html"

    def setup_campaign(self, kwargs):
        self.campaign = self.get_campaign(kwargs["pk"]) if "pk" in kwargs else None

    def get(self, request, *args, **kwargs):
        self.setup_campaign(kwargs)
        return self.render_form(CampaignForm(chamber=self.chamber, campaign=self.campaign, initial=self.initial()))

    def post(self, request, *args, **kwargs):
        self.setup_campaign(kwargs)
        form = CampaignForm(request.POST, chamber=self.chamber, campaign=self.campaign, initial=self.initial())
        if form.is_valid():
            try:
                campaign = self.save(form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Campaign “{name}” saved.").format(name=campaign.name))
                return redirect(url_for(self, "campaign_detail", pk=campaign.pk))
        return self.render_form(form)

    def initial(self):
        if self.campaign is None:
            return {"year": timezone.localdate().year}
        return {name: getattr(self.campaign, name) for name in CampaignForm.base_fields}

    def save(self, data):
        if self.campaign is None:
            return campaign_create(chamber=self.chamber, actor=self.request.user, **data)
        return campaign_update(campaign=self.campaign, actor=self.request.user, **data)

    def render_form(self, form):
        title = (_("New evaluation campaign") if self.campaign is None
                 else _("Edit “{name}”").format(name=self.campaign.name))
        return render(self.request, self.template_name, {"form": form, "campaign": self.campaign, "title": title})


def stage_steps(campaign):
    """The stepper of the progress overview: each stage with its date and whether it is
    done, current or to come."""
    dates = dict(zip(CAMPAIGN_ORDER[1:6], [getattr(campaign, name) for name in TIMELINE]))
    dates[C.PUBLICATION] = campaign.objection_until
    dates[C.CLOSED] = campaign.awarded_on
    current = CAMPAIGN_ORDER.index(campaign.stage)
    steps = []
    for index, stage in enumerate(CampaignStage):
        state = "done" if index < current else "current" if index == current else "todo"
        steps.append({"value": stage.value, "label": stage.label, "date": dates.get(stage.value), "state": state})
    return steps


class CampaignDetailView(CampaignMixin, View):
    """The progress overview: the stages with their dates, the submissions per status,
    the campaign's log and the button to the next stage with what still stands in its way.
    Queries: the campaign, the counts per status, the gate's reads, the log."""

    def get(self, request, *args, **kwargs):
        campaign = self.get_campaign(kwargs["pk"])
        return render(request, "evaluations/campaigns/detail.html", self.context(campaign, CommentForm()))

    def context(self, campaign, advance_form):
        counts = campaign_status_counts(campaign)
        next_stage = campaign_next_stage(campaign)
        can_advance = self.access.has(EVALUATIONS_MANAGE) and next_stage is not None and (
            campaign.stage not in DECIDING_STAGES or self.access.has(EVALUATIONS_DECIDE))
        return {
            "campaign": campaign, "steps": stage_steps(campaign), "status_rows": status_rows(counts),
            "total": sum(counts.values()), "log": with_labels(campaign_log(campaign)),
            "next_stage": C(next_stage).label if next_stage else None,
            "problems": campaign_advance_problems(campaign, counts=counts) if next_stage else [],
            "can_advance": can_advance, "advance_form": advance_form,
            "can_manage": self.access.has(EVALUATIONS_MANAGE),
            "can_recompute": self.access.has(EVALUATIONS_MANAGE) and campaign.stage == C.DECISION,
            "deciding_stage": campaign.stage in DECIDING_STAGES,
        }


class CampaignAdvanceView(CampaignMixin, View):
    """POST: move the campaign to its next stage; a refusal lists the gate's problems."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        campaign = self.get_campaign(kwargs["pk"])
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                campaign_advance(campaign, actor=request.user, comment=form.cleaned_data["comment"], access=self.access)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The campaign moved to the stage “{stage}”.").format(
                    stage=C(campaign.stage).label))
                return redirect(url_for(self, "campaign_detail", pk=campaign.pk))
        detail = CampaignDetailView()
        detail.chamber, detail.access, detail.request = self.chamber, self.access, request
        return render(request, "evaluations/campaigns/detail.html", detail.context(campaign, form), status=400)


class CampaignResultsView(CampaignMixin, View):
    """POST: compute the results again during the decision stage (after a sheet was
    reopened and submitted again)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        campaign = self.get_campaign(kwargs["pk"])
        if campaign.stage != C.DECISION:
            messages.error(request, _("Results are computed during the decision stage."))
        else:
            summary = campaign_compute_results(campaign)
            messages.success(request, ngettext(
                "Results computed: {count} subject ranked.", "Results computed: {count} subjects ranked.",
                summary.ranked).format(count=summary.ranked))
        return redirect(url_for(self, "campaign_ranking", pk=campaign.pk))


class CampaignSubjectsView(CampaignMixin, View):
    """The campaign's subjects with their status and eligibility, and (while the campaign
    is a draft or open for applications) the form adding sub-chambers and affiliated
    chambers. Queries: the campaign, count, page; the form's two candidate lists."""

    def get(self, request, *args, **kwargs):
        self.campaign = self.get_campaign(kwargs["pk"])
        return self.render_page(self.add_form())

    def post(self, request, *args, **kwargs):
        self.campaign = self.get_campaign(kwargs["pk"])
        form = self.add_form(request.POST)
        if form is None:
            messages.error(request, _("Subjects are added while the campaign is a draft or open for applications."))
            return redirect(url_for(self, "campaign_subjects", pk=self.campaign.pk))
        if form.is_valid():
            try:
                created = campaign_subjects_add(self.campaign, actor=request.user,
                                                branches=form.cleaned_data["branches"],
                                                chambers=form.cleaned_data["chambers"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                ineligible = sum(1 for s in created if s.status == S.INELIGIBLE)
                messages.success(request, ngettext("{count} subject added.", "{count} subjects added.",
                                                   len(created)).format(count=len(created)))
                if ineligible:
                    messages.warning(request, ngettext(
                        "{count} of them did not pass the eligibility check: see the problems below.",
                        "{count} of them did not pass the eligibility check: see the problems below.",
                        ineligible).format(count=ineligible))
                return redirect(url_for(self, "campaign_subjects", pk=self.campaign.pk))
        return self.render_page(form, status=400)

    def add_form(self, data=None):
        if not self.access.has(EVALUATIONS_MANAGE) or self.campaign.stage not in (C.DRAFT, C.APPLICATION):
            return None
        branches, chambers = subject_candidates(self.campaign)
        return SubjectsAddForm(data, branches=branches, chambers=chambers)

    def render_page(self, form, status=200):
        wanted = self.request.GET.get("status") or None
        if wanted not in S.values:
            wanted = None
        page = Paginator(campaign_submissions(self.campaign, status=wanted), PAGE_SIZE).get_page(
            self.request.GET.get("page"))
        return render(self.request, "evaluations/campaigns/subjects.html", {
            "campaign": self.campaign, "page_obj": page, "submissions": page.object_list, "form": form,
            "statuses": S.choices, "wanted": wanted,
        }, status=status)


class CampaignRankingView(CampaignMixin, View):
    """The ranking: rank, subject, self total, result, grade, veto. Queries: the campaign,
    count, page."""

    def get(self, request, *args, **kwargs):
        campaign = self.get_campaign(kwargs["pk"])
        page = Paginator(campaign_ranking(campaign), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "evaluations/campaigns/ranking.html", {
            "campaign": campaign, "page_obj": page, "rows": page.object_list,
            "can_recompute": self.access.has(EVALUATIONS_MANAGE) and campaign.stage == C.DECISION,
        })


# --- One submission ------------------------------------------------------------------------------

READ_CAPABILITIES = (EVALUATIONS_VIEW, EVALUATIONS_REVIEW, EVALUATIONS_APPLY)
# The steps taken on a submission's page, with the capability each needs.
ACTIONS = {
    "review": EVALUATIONS_MANAGE,
    "overrule": EVALUATIONS_MANAGE,
    "recheck": EVALUATIONS_MANAGE,
    "withdraw": EVALUATIONS_MANAGE,
    "decide": EVALUATIONS_DECIDE,
    "reopen": EVALUATIONS_DECIDE,
    "objection": EVALUATIONS_DECIDE,
}


class SubmissionDetailView(ChamberViewMixin, View):
    """One submission: subject, status, eligibility, totals, group, sheets, log, and the
    steps the user may take now (each a POST naming its `action`)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            access = request.access
            # Staff, reviewers and subjects all read here; the queryset decides which rows.
            self.permission = next((c for c in READ_CAPABILITIES if access.has(c)), EVALUATIONS_VIEW)
            self.write_permission = ACTIONS.get(request.POST.get("action", "")) if request.method == "POST" else None
        return super().dispatch(request, *args, **kwargs)

    def get_submission(self, pk):
        qs = submission_list_for_federation(chamber=self.chamber, user=self.request.user, access=self.access)
        submission = get_object_or_404(qs.select_related("campaign__version__scheme", "subject_branch",
                                                         "subject_chamber"), pk=pk)
        submission.campaign.chamber = self.chamber
        return submission

    def get(self, request, *args, **kwargs):
        return render(request, "evaluations/campaigns/submission.html", self.context(self.get_submission(kwargs["pk"])))

    def post(self, request, *args, **kwargs):
        submission = self.get_submission(kwargs["pk"])
        action = request.POST["action"]
        form = self.form_for(action, submission, request.POST)
        if form.is_valid():
            try:
                message = getattr(self, "do_" + action)(submission, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, message)
                return redirect(url_for(self, "submission_detail", pk=submission.pk))
        return render(request, "evaluations/campaigns/submission.html",
                      self.context(submission, failed=(action, form)), status=400)

    def form_for(self, action, submission, data=None):
        if action == "review":
            return ReviewForm(data)
        if action == "decide":
            return DecideForm(data, version=submission.campaign.version,
                              computed_label=submission.grade_label or _("no grade"))
        if action in ("overrule", "reopen", "objection"):
            return RequiredCommentForm(data)
        return CommentForm(data)

    def available(self, submission):
        """The actions this user may take on this submission now."""
        campaign, status = submission.campaign, submission.status
        may = {a for a, capability in ACTIONS.items() if self.access.has(capability)}
        # action -> (the status it starts from, or None: any; the status it leads to)
        steps = {
            "review": (S.SELF_ASSESSED, S.PASSED), "overrule": (S.INELIGIBLE, S.ELIGIBLE),
            "withdraw": (None, S.WITHDRAWN), "reopen": (S.DECIDED, S.SCORED), "objection": (S.PUBLISHED, S.DECIDED),
        }
        actions = {
            a for a, (source, target) in steps.items()
            if a in may and source in (None, status) and not submission_step_problem(submission, target, campaign)
        }
        if "reopen" in actions and submission.result_total is None:
            actions.discard("reopen")
        if "recheck" in may and status in (S.ELIGIBLE, S.INELIGIBLE) and campaign.stage in (
                C.APPLICATION, C.SELF_ASSESSMENT):
            actions.add("recheck")
        if "decide" in may and ((status in (S.SCORED, S.PASSED) and campaign.stage == C.DECISION)
                                or (status == S.DECIDED and campaign.stage == C.PUBLICATION)):
            actions.add("decide")
        return actions

    def context(self, submission, failed=None):
        campaign = submission.campaign
        actions = self.available(submission)
        forms = {a: self.form_for(a, submission) for a in actions}
        if failed:
            forms[failed[0]] = failed[1]
        staff = self.access.has(EVALUATIONS_VIEW)
        sheets = [
            {"sheet": s, "label": sheet_kind_label(s), "url": self.sheet_url(submission, s)}
            for s in submission_sheets(submission)
            # Staff see every sheet; a reviewer their own (and the self-assessment).
            if staff or s.kind == SheetKind.SELF or s.reviewer_id == self.request.user.pk
        ]
        grade_reasons = []
        if staff and submission.result_total is not None and not submission.grade_level:
            version = campaign.version
            grade_reasons = grading.grade_for(
                submission.result_total, vetoed=submission.vetoed, grades=version_grade_specs(version),
                held=held_ratings_for(scheme=version.scheme, branch=submission.subject_branch,
                                      chamber=submission.subject_chamber),
                on=reference_date(campaign), applied_level=submission.applied_level,
                enforce_prerequisites=campaign.enforce_prerequisites).reasons
        reviewing = self.access.has(EVALUATIONS_REVIEW) and not staff
        return {
            "submission": submission, "campaign": campaign, "sheets": sheets, "log": with_labels(submission_log(submission)),
            "sheets_url": url_for(self, "submission_sheets", pk=submission.pk) if staff else None,
            "my_sheet_url": url_for(self, "consensus_sheet" if campaign.result_mode == ResultMode.CONSENSUS
                                    else "sheet", pk=submission.pk) if reviewing else None,
            "forms": forms, "staff": staff, "grade_reasons": grade_reasons,
        }

    def sheet_url(self, submission, sheet):
        """Where a sheet opens for this user: staff read any sheet; a reviewer scores on
        their own (or the group's consensus); a subject fills in its self-assessment."""
        staff = self.access.has(EVALUATIONS_VIEW)
        if staff:
            return url_for(self, "sheet_detail", pk=submission.pk, sheet=sheet.pk)
        if sheet.kind == SheetKind.SELF:
            return url_for(self, "self_assessment", pk=submission.pk) if self.access.has(EVALUATIONS_APPLY) else None
        if sheet.kind == SheetKind.CONSENSUS:
            return url_for(self, "consensus_sheet", pk=submission.pk)
        return url_for(self, "sheet", pk=submission.pk)

    # The actions: each returns the message shown after it.

    def do_review(self, submission, data):
        submission_review(submission, actor=self.request.user, outcome=data["outcome"], comment=data["comment"])
        return _("Preliminary review recorded: {status}.").format(status=S(submission.status).label)

    def do_overrule(self, submission, data):
        submission_overrule(submission, actor=self.request.user, reason=data["comment"])
        return _("The application is admitted.")

    def do_recheck(self, submission, data):
        submission_recheck(submission, actor=self.request.user)
        return _("Eligibility checked again: {status}.").format(status=S(submission.status).label)

    def do_withdraw(self, submission, data):
        submission_withdraw(submission, actor=self.request.user, comment=data["comment"])
        return _("The submission is withdrawn.")

    def do_decide(self, submission, data):
        submission_decide(submission, actor=self.request.user, grade_level=data["grade_level"],
                          comment=data["comment"], access=self.access)
        return _("Decided: {grade}.").format(grade=submission.grade_label or _("no grade"))

    def do_reopen(self, submission, data):
        submission_decision_reopen(submission, actor=self.request.user, comment=data["comment"])
        return _("The decision is reopened.")

    def do_objection(self, submission, data):
        submission_objection_uphold(submission, actor=self.request.user, comment=data["comment"])
        return _("The objection is upheld: decide the submission again.")


urlpatterns = [
    path("", CampaignListView.as_view(), name="campaigns"),
    path("campaigns/new/", CampaignFormView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", CampaignFormView.as_view(), name="campaign_edit"),
    path("campaigns/<int:pk>/advance/", CampaignAdvanceView.as_view(), name="campaign_advance"),
    path("campaigns/<int:pk>/results/", CampaignResultsView.as_view(), name="campaign_results"),
    path("campaigns/<int:pk>/subjects/", CampaignSubjectsView.as_view(), name="campaign_subjects"),
    path("campaigns/<int:pk>/ranking/", CampaignRankingView.as_view(), name="campaign_ranking"),
    path("submissions/<int:pk>/", SubmissionDetailView.as_view(), name="submission_detail"),
    path("ratings/", ratings.RatingListView.as_view(), name="ratings"),
    path("ratings/new/", ratings.RatingRecordView.as_view(), name="rating_record"),
    path("ratings/<int:pk>/revoke/", ratings.RatingRevokeView.as_view(), name="rating_revoke"),
    path("ratings/subject/<str:kind>/<int:pk>/", ratings.RatingHistoryView.as_view(), name="rating_history"),
    path("mine/", mine.MineView.as_view(), name="mine"),
    path("mine/apply/<int:campaign>/", mine.MineApplyView.as_view(), name="mine_apply"),
]
