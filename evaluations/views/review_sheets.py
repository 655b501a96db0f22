"""Score sheet pages: a reviewer's sheet, a group's consensus sheet, the federation's
read-only view of a submission's sheets (and reopening one), the subject's
self-assessment with its evidence, and evidence downloads.

A reviewer reaches only submissions granted to them: any other id is a 404, the same
answer as for an id that does not exist. A subject reaches its own submissions from its
own workspace through `submission_list_for_subject`; everything else about them runs in
`federation_scope` (the rows belong to the federation). Pages about a subject's
submission are built inside that scope and rendered after it, from plain lists, so the
page cannot wander into the federation's other rows.
"""
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django_scopes import scopes_disabled

from chamber.access import EVALUATIONS_APPLY, EVALUATIONS_MANAGE, EVALUATIONS_REVIEW, EVALUATIONS_VIEW
from chamber.forms import add_service_errors
from chamber.mixins import ChamberViewMixin

from ..evidence import evidence_delete, evidence_for_user, evidence_response, evidence_upload
from ..forms.reviews import EvidenceUploadForm, ReasonForm
from ..models import Evidence, ResultMode, ScoreSheet, SheetKind, Submission
from ..rubrics import version_leaf_rules
from ..scoring import (
    consensus_sheet,
    self_sheet,
    sheet_display,
    sheet_for_reviewer,
    sheet_reopen,
    sheet_save,
    sheet_submit,
)
from ..selectors import federation_scope, reviewer_submission_ids, submission_list_for_subject
from ..transitions import SELF_ASSESSMENT_OPEN

SHEET_TEMPLATE = "evaluations/reviews/sheet.html"


def _url(name, chamber, **kwargs):
    return reverse("evaluations:" + name, kwargs={"chamber": chamber.slug, **kwargs})


def posted_scores(request, leaf_ids):
    """{indicator id: (value, reason)} of the sheet inputs present in the POST."""
    scores = {}
    for pk in leaf_ids:
        value_key, reason_key = "score-{}".format(pk), "reason-{}".format(pk)
        if value_key in request.POST or reason_key in request.POST:
            scores[pk] = (request.POST.get(value_key, ""), request.POST.get(reason_key, ""))
    return scores


def split_errors(error):
    """A sheet service's ValidationError as ({indicator id: [message]}, [general message])."""
    if hasattr(error, "error_dict"):
        return error.message_dict, []
    return {}, error.messages


def save_sheet_from_post(request, sheet):
    """Save (and, when asked, submit) a sheet from its page's POST. Returns None when done,
    else (errors, general errors, posted values) for the page to show."""
    scores = posted_scores(request, version_leaf_rules(sheet.submission.campaign.version))
    try:
        sheet_save(sheet, actor=request.user, scores=scores)
    except ValidationError as error:
        errors, general = split_errors(error)
        return errors, general, scores
    if request.POST.get("action") == "submit":
        try:
            sheet_submit(sheet, actor=request.user)
        except ValidationError as error:
            errors, general = split_errors(error)
            if errors:
                general = [_("Saved, but not submitted: every indicator needs a score first."), *general]
            return errors, general, None
        messages.success(request, _("Sheet submitted. Its total is {total} points.").format(total=sheet.total))
    else:
        messages.success(request, _("Scores saved."))
    return None


# --- Reviewer and consensus sheets -------------------------------------------------------------------------

class ReviewerSheetView(ChamberViewMixin, View):
    """A reviewer's own sheet on a submission assigned to them: the indicator tree with an
    input per scored indicator, the subject's self-score and evidence beside it."""

    permission = EVALUATIONS_REVIEW
    write_permission = EVALUATIONS_REVIEW
    consensus = False

    def load(self, pk):
        assigned = Submission.objects.filter(
            chamber=self.chamber, pk__in=reviewer_submission_ids(user=self.request.user)
        ).select_related("campaign__version__scheme", "group")
        submission = get_object_or_404(assigned, pk=pk)
        submission.campaign.chamber = self.chamber
        return submission

    def get_sheet(self, submission):
        return consensus_sheet(submission) if self.consensus else sheet_for_reviewer(submission, self.request.user)

    def wrong_page(self, submission):
        """A consensus campaign's sheet lives on the consensus page, and the other way round."""
        if (submission.campaign.result_mode == ResultMode.CONSENSUS) != self.consensus:
            return redirect(_url("sheet" if self.consensus else "consensus_sheet", self.chamber, pk=submission.pk))
        return None

    def get(self, request, *args, **kwargs):
        submission = self.load(kwargs["pk"])
        return self.wrong_page(submission) or self.respond(submission)

    def post(self, request, *args, **kwargs):
        submission = self.load(kwargs["pk"])
        if self.wrong_page(submission):
            raise Http404
        try:
            sheet = self.get_sheet(submission)
        except ValidationError as error:
            return self.closed(submission, error, status=400)
        problems = save_sheet_from_post(request, sheet)
        if problems is None:
            return redirect(request.path)
        errors, general, posted = problems
        return self.render_sheet(sheet, errors=errors, general=general, posted=posted)

    def respond(self, submission):
        try:
            sheet = self.get_sheet(submission)
        except ValidationError as error:
            return self.closed(submission, error)
        return self.render_sheet(sheet)

    def closed(self, submission, error, status=200):
        return render(self.request, "evaluations/reviews/sheet_closed.html",
                      {"submission": submission, "problems": error.messages}, status=status)

    def render_sheet(self, sheet, *, errors=None, general=(), posted=None):
        display = sheet_display(sheet, with_self=True, errors=errors, posted=posted)
        return render(self.request, SHEET_TEMPLATE, {
            "display": display, "submission": sheet.submission, "campaign": sheet.submission.campaign,
            "mode": "consensus" if self.consensus else "reviewer", "general_errors": general,
            "show_self": True, "can_edit": display.editable,
        })


class ConsensusSheetView(ReviewerSheetView):
    """The working group's one sheet (campaigns whose result is a consensus): any member
    of the group fills it in and submits it."""

    consensus = True


# --- The federation's view of a submission's sheets --------------------------------------------------------

class SubmissionSheetsView(ChamberViewMixin, View):
    """Every sheet of one submission (self, reviewers', consensus) with its state and
    totals; a manager reopens a submitted one with a reason."""

    permission = EVALUATIONS_VIEW
    write_permission = EVALUATIONS_MANAGE

    def load(self, pk):
        qs = Submission.objects.filter(chamber=self.chamber).select_related("campaign__version__scheme", "group")
        submission = get_object_or_404(qs, pk=pk)
        submission.campaign.chamber = self.chamber
        return submission

    def get(self, request, *args, **kwargs):
        return self.respond(self.load(kwargs["pk"]))

    def respond(self, submission, *, failed=None, failed_sheet=None, status=200):
        sheets = list(ScoreSheet.objects.filter(submission=submission).select_related("reviewer")
                      .order_by("kind", "reviewer__username", "pk"))
        return render(self.request, "evaluations/reviews/sheets.html", {
            "submission": submission, "campaign": submission.campaign, "sheets": sheets,
            "can_reopen": self.access.has(EVALUATIONS_MANAGE), "failed": failed, "failed_sheet": failed_sheet,
        }, status=status)

    def post(self, request, *args, **kwargs):
        submission = self.load(kwargs["pk"])
        try:
            sheet_pk = int(request.POST.get("sheet", ""))
        except ValueError:
            raise Http404 from None
        sheet = get_object_or_404(ScoreSheet.objects.filter(submission=submission), pk=sheet_pk)
        sheet.submission = submission
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                sheet_reopen(sheet, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Sheet reopened; the reviewer can correct it and submit it again."))
                return redirect(request.path)
        return self.respond(submission, failed=form, failed_sheet=sheet.pk)


class SheetDetailView(SubmissionSheetsView):
    """One sheet of a submission, read-only, for the federation's staff."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        submission = self.load(kwargs["pk"])
        sheet = get_object_or_404(ScoreSheet.objects.filter(submission=submission).select_related("reviewer"),
                                  pk=kwargs["sheet"])
        sheet.submission = submission
        display = sheet_display(sheet, with_self=sheet.kind != SheetKind.SELF)
        display.editable = False
        return render(request, SHEET_TEMPLATE, {
            "display": display, "submission": submission, "campaign": submission.campaign, "mode": "detail",
            "show_self": sheet.kind != SheetKind.SELF, "can_edit": False, "general_errors": (),
        })


# --- The subject's self-assessment -------------------------------------------------------------------------

class SubjectMixin(ChamberViewMixin):
    """Pages in the subject's own workspace: an affiliated chamber's staff, or in the
    federation a user whose `evaluations.apply` covers the subject branch."""

    permission = EVALUATIONS_APPLY
    write_permission = EVALUATIONS_APPLY

    def load(self, pk):
        submission = submission_list_for_subject(chamber=self.chamber, access=self.access).filter(pk=pk).first()
        if submission is None:
            raise Http404
        return submission

    def self_url(self, submission, anchor=""):
        return _url("self_assessment", self.chamber, pk=submission.pk) + anchor

    def self_context(self, submission, *, errors=None, general=(), posted=None, upload_form=None):
        """Everything the page shows, read inside the federation's scope (see module doc)."""
        sheet = self_sheet(submission)
        display = sheet_display(sheet, with_self=False, errors=errors, posted=posted)
        version = submission.campaign.version
        indicators = [row.indicator for row in display.rows]
        return {
            "display": display, "submission": submission, "campaign": submission.campaign, "mode": "self",
            "general_errors": general, "show_self": False, "can_edit": display.editable,
            "evidence_open": submission.status in SELF_ASSESSMENT_OPEN,
            "upload_form": upload_form or EvidenceUploadForm(version=version, indicators=indicators),
        }


class SelfAssessmentView(SubjectMixin, View):
    """The subject's self-assessment: scores per indicator with evidence, then submit."""

    def get(self, request, *args, **kwargs):
        submission = self.load(kwargs["pk"])
        with federation_scope(submission):
            context = self.self_context(submission)
        return render(request, SHEET_TEMPLATE, context)

    def post(self, request, *args, **kwargs):
        submission = self.load(kwargs["pk"])
        with federation_scope(submission):
            sheet = self_sheet(submission)
            problems = save_sheet_from_post(request, sheet)
            if problems is None:
                return redirect(self.self_url(submission))
            errors, general, posted = problems
            context = self.self_context(submission, errors=errors, general=general, posted=posted)
        return render(request, SHEET_TEMPLATE, context)


class EvidenceUploadView(SubjectMixin, View):
    """Upload one evidence file (POST from the self-assessment page)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        submission = self.load(kwargs["pk"])
        with federation_scope(submission):
            version = submission.campaign.version
            form = EvidenceUploadForm(request.POST, request.FILES, version=version)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    evidence = evidence_upload(submission, actor=request.user, file=data["file"],
                                               indicator=data["indicator"], note=data["note"])
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("“{name}” uploaded.").format(name=evidence.original_name))
                    anchor = "#indicator-{}".format(evidence.indicator_id) if evidence.indicator_id else "#evidence"
                    return redirect(self.self_url(submission, anchor))
            context = self.self_context(submission, upload_form=form)
        return render(request, SHEET_TEMPLATE, context, status=400)


class EvidenceDeleteView(SubjectMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        own = submission_list_for_subject(chamber=self.chamber, access=self.access)
        with scopes_disabled():
            # Crossing the wall: only evidence of this subject's own submissions.
            evidence = (Evidence.objects.filter(pk=kwargs["pk"], submission__in=own.values("pk"))
                        .select_related("submission__campaign__chamber").first())
        if evidence is None:
            raise Http404
        submission = evidence.submission
        with federation_scope(submission):
            try:
                evidence_delete(evidence, actor=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("“{name}” removed.").format(name=evidence.original_name))
        return redirect(self.self_url(submission))


# --- Downloads ---------------------------------------------------------------------------------------------

class EvidenceDownloadView(View):
    """Serve an evidence file to those who may see its submission, always as a download:
    the stored (detected) type, `nosniff` so no browser second-guesses it, and a sandbox
    CSP should anything still try to open it in place."""

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        access = request.access
        if not access.is_insider:
            raise Http404
        if not any(access.has(c) for c in (EVALUATIONS_VIEW, EVALUATIONS_REVIEW, EVALUATIONS_APPLY)):
            raise PermissionDenied
        evidence = evidence_for_user(kwargs["pk"], chamber=request.chamber, user=request.user, access=access)
        if evidence is None:
            raise Http404
        return evidence_response(evidence)
