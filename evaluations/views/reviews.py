"""Pages of the evaluations app: working groups and the assignment board, scoring
sheets, the subject's self-assessment and evidence.

This module holds the URLs, "My reviews" and the assignment board; the sheets, the
self-assessment and the evidence downloads are in `review_sheets`.

Who sees what: the board needs `evaluations.view` (changes `evaluations.manage`); a
reviewer sees only the submissions granted to them (any other id is a 404); a subject
reaches its own submissions from its own workspace (`review_sheets`).
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from chamber.access import EVALUATIONS_MANAGE, EVALUATIONS_REVIEW
from chamber.forms import add_service_errors
from chamber.mixins import ChamberViewMixin

from ..assignment import (
    assignment_board,
    campaign_assign_groups,
    ensure_before_decision,
    group_create,
    group_delete,
    group_rename,
    reviewer_add,
    reviewer_remove,
    reviewer_set_group,
    submission_assign_group,
)
from ..forms.reviews import (
    GroupDeleteForm,
    GroupForm,
    GroupRenameForm,
    MoveForm,
    ReviewerAddForm,
    ReviewerGroupForm,
    ReviewerRemoveForm,
)
from ..models import ResultMode, ScoreSheet, SheetKind, Submission
from ..selectors import reviewer_submission_ids
from . import review_sheets
from .campaigns import CampaignMixin


# --- My reviews ----------------------------------------------------------------------------------------

class MyReviewsView(ChamberViewMixin, View):
    """The submissions assigned to me, with where my sheet stands. Three queries besides
    the request's own: the count, the page (+ campaign, group), my sheets on that page."""

    permission = EVALUATIONS_REVIEW

    def get(self, request, *args, **kwargs):
        assigned = (
            Submission.objects.filter(chamber=self.chamber, pk__in=reviewer_submission_ids(user=request.user))
            .select_related("campaign", "group").order_by("-campaign__year", "campaign__name", "subject_name", "pk")
        )
        page = Paginator(assigned, 50).get_page(request.GET.get("page"))
        ids = [s.pk for s in page.object_list]
        sheets = {}
        for sheet in ScoreSheet.objects.filter(
            Q(kind=SheetKind.REVIEWER, reviewer=request.user) | Q(kind=SheetKind.CONSENSUS), submission_id__in=ids
        ):
            sheets[sheet.submission_id] = sheet
        rows = []
        for submission in page.object_list:
            consensus = submission.campaign.result_mode == ResultMode.CONSENSUS
            rows.append({"submission": submission, "sheet": sheets.get(submission.pk), "consensus": consensus,
                         "url": reverse("evaluations:consensus_sheet" if consensus else "evaluations:sheet",
                                        kwargs={"chamber": self.chamber.slug, "pk": submission.pk})})
        return render(request, "evaluations/reviews/mine.html", {"rows": rows, "page_obj": page})


# --- The assignment board ------------------------------------------------------------------------------

UNASSIGNED_PER_PAGE = 50


class AssignmentBoardView(CampaignMixin, View):
    """Groups with their reviewers and subjects, the unassigned subjects with the groups
    they may go to (and why not the others), and every change: reviewers, groups, the
    automatic assignment and moves by hand. Each change is one POST naming its `action`."""

    template_name = "evaluations/reviews/board.html"

    FORMS = {
        "add_reviewer": ReviewerAddForm,
        "remove_reviewer": ReviewerRemoveForm,
        "reviewer_group": ReviewerGroupForm,
        "add_group": GroupForm,
        "rename_group": GroupRenameForm,
        "delete_group": GroupDeleteForm,
        "move": MoveForm,
    }

    def get(self, request, *args, **kwargs):
        self.campaign = self.get_campaign(kwargs["pk"])
        return self.render_board()

    def render_board(self, failed=None, status=200):
        campaign = self.campaign
        try:
            ensure_before_decision(campaign)
            open_ = True
        except ValidationError:
            open_ = False
        can_manage = self.access.has(EVALUATIONS_MANAGE) and open_
        board = assignment_board(campaign)
        moving = self.moving_id(failed)
        if moving and can_manage and self.request.htmx:
            entry = board.subjects.get(moving)
            if entry is None:
                raise Http404
            return render(self.request, "evaluations/reviews/_move_form.html",
                          {"campaign": campaign, "board": board, "entry": entry})
        context = {
            "campaign": campaign, "board": board, "can_manage": can_manage, "is_open": open_,
            "failed": failed, "moving": moving,
            # Pages of the subjects still without a group: at the start of a large campaign
            # that is all of them, and a page of 2,000 took over a second to draw.
            "page_obj": Paginator(board.unassigned, UNASSIGNED_PER_PAGE).get_page(self.request.GET.get("page")),
            "short_groups": [
                bg for bg in board.groups
                if campaign.result_mode == ResultMode.MEAN and len(bg.members) < campaign.reviewers_per_subject
            ],
        }
        if can_manage:
            # Drawn on request only: its branch list has every sub-chamber of the
            # federation, which took most of a second to draw with 2,000 of them.
            if isinstance(failed, ReviewerAddForm):
                context["add_reviewer_form"] = failed
            elif self.request.GET.get("add") == "reviewer":
                context["add_reviewer_form"] = ReviewerAddForm(campaign=campaign)
            context["add_group_form"] = failed if isinstance(failed, GroupForm) and not isinstance(
                failed, GroupRenameForm) else GroupForm()
        return render(self.request, self.template_name, context, status=status)

    def post(self, request, *args, **kwargs):
        self.campaign = self.get_campaign(kwargs["pk"])
        action = request.POST.get("action", "")
        if action == "auto":
            return self.auto_assign()
        form_class = self.FORMS.get(action)
        if form_class is None:
            return HttpResponseBadRequest(_("Unknown action."))
        kwargs = {} if form_class is GroupForm else {"campaign": self.campaign}
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            try:
                message = getattr(self, "do_" + action)(form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, message)
                return redirect(self.board_url())
        return self.render_board(failed=form)

    def moving_id(self, failed):
        """The subject whose move form is drawn: the one asked for, or the one a refused move named."""
        raw = failed.data.get("submission") if isinstance(failed, MoveForm) else self.request.GET.get("move")
        try:
            return int(raw)
        except (TypeError, ValueError):
            return None

    def board_url(self):
        return reverse("evaluations:assignment", kwargs={"chamber": self.chamber.slug, "pk": self.campaign.pk})

    def auto_assign(self):
        try:
            outcome = campaign_assign_groups(self.campaign, actor=self.request.user)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.board_url())
        count = len(outcome.assigned)
        messages.success(self.request, ngettext(
            "{count} subject assigned to a working group.", "{count} subjects assigned to working groups.", count,
        ).format(count=count))
        if outcome.unplaced:
            messages.warning(self.request, _(
                "No working group can take these subjects without a conflict of interest: {subjects}. "
                "Add reviewers from other districts or move them by hand."
            ).format(subjects="、".join(s.subject_name for s in outcome.unplaced)))
        return redirect(self.board_url())

    def do_add_reviewer(self, data):
        reviewer = reviewer_add(self.campaign, actor=self.request.user, user=data["user"],
                                home_chamber=data["home_chamber"], district_code=data["district_code"],
                                home_branch=data["home_branch"])
        return _("{reviewer} added as a reviewer.").format(reviewer=reviewer.user.get_full_name() or reviewer.user)

    def do_remove_reviewer(self, data):
        reviewer = data["reviewer"]
        reviewer.campaign = self.campaign
        reviewer_remove(reviewer, actor=self.request.user)
        return _("{reviewer} removed from the campaign.").format(reviewer=reviewer.user.get_full_name() or reviewer.user)

    def do_reviewer_group(self, data):
        data["reviewer"].campaign = self.campaign
        reviewer = reviewer_set_group(data["reviewer"], actor=self.request.user, group=data["group"])
        name = reviewer.user.get_full_name() or reviewer.user
        if data["group"] is None:
            return _("{reviewer} is in no working group now.").format(reviewer=name)
        return _("{reviewer} joined {group}.").format(reviewer=name, group=data["group"].name)

    def do_add_group(self, data):
        group = group_create(self.campaign, actor=self.request.user, name=data["name"])
        return _("Working group “{group}” created.").format(group=group.name)

    def do_rename_group(self, data):
        group = data["group"]
        group.campaign = self.campaign
        group_rename(group, actor=self.request.user, name=data["name"])
        return _("Working group renamed to “{group}”.").format(group=group.name)

    def do_delete_group(self, data):
        group = data["group"]
        group.campaign = self.campaign
        group_delete(group, actor=self.request.user)
        return _("Working group “{group}” deleted; its subjects wait for a group again.").format(group=group.name)

    def do_move(self, data):
        submission = data["submission"]
        submission.campaign = self.campaign
        submission_assign_group(submission, actor=self.request.user, group=data["group"], reason=data["reason"])
        if data["group"] is None:
            return _("{subject} is unassigned now.").format(subject=submission.subject_name)
        return _("{subject} moved to {group}.").format(subject=submission.subject_name, group=data["group"].name)


urlpatterns = [
    path("reviews/", MyReviewsView.as_view(), name="reviews"),
    path("campaigns/<int:pk>/assignment/", AssignmentBoardView.as_view(), name="assignment"),
    path("submissions/<int:pk>/sheet/", review_sheets.ReviewerSheetView.as_view(), name="sheet"),
    path("submissions/<int:pk>/consensus/", review_sheets.ConsensusSheetView.as_view(), name="consensus_sheet"),
    path("submissions/<int:pk>/sheets/", review_sheets.SubmissionSheetsView.as_view(), name="submission_sheets"),
    path("submissions/<int:pk>/sheets/<int:sheet>/", review_sheets.SheetDetailView.as_view(), name="sheet_detail"),
    path("mine/<int:pk>/", review_sheets.SelfAssessmentView.as_view(), name="self_assessment"),
    path("mine/<int:pk>/evidence/", review_sheets.EvidenceUploadView.as_view(), name="evidence_upload"),
    path("evidence/<int:pk>/", review_sheets.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("evidence/<int:pk>/delete/", review_sheets.EvidenceDeleteView.as_view(), name="evidence_delete"),
]
