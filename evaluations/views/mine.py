"""The subject's pages: "Our evaluations" and applying to a campaign.

In a chamber affiliated to a federation, the page lists the chamber's own submissions to
its federation's campaigns (rows owned by the federation, read across the wall by
`selectors.submission_list_for_subject`), the federation's campaigns open for
application, and the ratings the chamber holds. In a federation, a branch secretary
(or anyone with `evaluations.apply`) sees the submissions of the sub-chambers within
their reach and applies for them. Nothing of the federation beyond that is shown.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from branches.models import Branch, BranchStatus
from branches.selectors import branch_subtree_q
from chamber.access import EVALUATIONS_APPLY
from chamber.forms import add_service_errors
from chamber.mixins import ChamberViewMixin

from ..campaign_reads import campaign_for_subject, open_campaigns_for_subject, own_open_campaigns
from ..campaigns import submission_apply
from ..forms.campaigns import ApplyForm
from ..models import Rating, RatingStatus, Submission, SubmissionStatus
from ..ratings import CHAMBER_LIKE_BRANCH_KINDS, rating_list_for_subject_chamber
from ..selectors import federation_scope, submission_list_for_subject

S = SubmissionStatus
# A subject sees its result and grade once they are published.
RESULT_VISIBLE = {S.PUBLISHED, S.AWARDED}


def reachable_subject_branches(*, chamber, access):
    """The active sub-chambers (chamber-like kinds) within the user's `evaluations.apply` reach."""
    qs = Branch.objects.filter(chamber=chamber, kind__in=CHAMBER_LIKE_BRANCH_KINDS, status=BranchStatus.ACTIVE)
    paths = access.branch_paths(EVALUATIONS_APPLY)
    return (qs if paths is None else qs.filter(branch_subtree_q(paths))).order_by("path")


class MineView(ChamberViewMixin, View):
    """Our submissions, the campaigns we may apply to, and the ratings we hold."""

    permission = EVALUATIONS_APPLY

    def get(self, request, *args, **kwargs):
        chamber, access = self.chamber, self.access
        wide = access.branch_paths(EVALUATIONS_APPLY) is None
        submissions = submission_list_for_subject(chamber=chamber, access=access).order_by(
            "-campaign__year", "campaign__name", "subject_name", "pk")
        page = Paginator(submissions, 50).get_page(request.GET.get("page"))
        rows = [{
            "submission": s, "campaign": s.campaign,
            "federation": s.campaign.chamber if s.campaign.chamber_id != chamber.pk else None,
            "show_result": s.status in RESULT_VISIBLE,
            "url": reverse("evaluations:self_assessment", kwargs={"chamber": chamber.slug, "pk": s.pk}),
        } for s in page.object_list]

        applied = set()
        open_campaigns = open_campaigns_for_subject(chamber=chamber, access_wide=wide)
        if open_campaigns:
            with federation_scope(open_campaigns[0]):
                applied = set(Submission.objects.filter(
                    campaign__in=open_campaigns, subject_chamber=chamber).values_list("campaign_id", flat=True))
        branches = reachable_subject_branches(chamber=chamber, access=access)
        own_campaigns = own_open_campaigns(chamber=chamber) if branches.exists() else []

        held = []
        if wide:
            held += [r for r in rating_list_for_subject_chamber(chamber=chamber).filter(
                status=RatingStatus.ACTIVE).order_by("valid_until", "pk")]
        held += list(Rating.objects.filter(chamber=chamber, status=RatingStatus.ACTIVE, subject_branch__in=branches)
                     .select_related("scheme").order_by("valid_until", "pk")[:100])
        return render(request, "evaluations/mine/index.html", {
            "rows": rows, "page_obj": page, "today": timezone.localdate(),
            "open_campaigns": [c for c in open_campaigns if c.pk not in applied], "own_campaigns": own_campaigns,
            "ratings": held,
        })


class MineApplyView(ChamberViewMixin, View):
    """Apply to a campaign: our chamber to its federation's campaign, or one of our
    sub-chambers to our own. The eligibility check runs at once and its outcome is shown."""

    permission = EVALUATIONS_APPLY
    write_permission = EVALUATIONS_APPLY

    def setup_campaign(self, pk):
        campaign = campaign_for_subject(chamber=self.chamber, pk=pk)
        if campaign is None:
            raise Http404
        self.own = campaign.chamber_id == self.chamber.pk
        if not self.own and self.access.branch_paths(EVALUATIONS_APPLY) is not None:
            # Applying for the whole chamber needs the capability chamber-wide.
            raise PermissionDenied
        self.campaign = campaign
        return campaign

    def make_form(self, data=None):
        branches = None
        if self.own:
            taken = Submission.objects.filter(chamber=self.chamber, campaign=self.campaign,
                                              subject_branch__isnull=False).values("subject_branch_id")
            branches = reachable_subject_branches(chamber=self.chamber, access=self.access).exclude(pk__in=taken)
        return ApplyForm(data, campaign=self.campaign, branches=branches)

    def get(self, request, *args, **kwargs):
        campaign = self.setup_campaign(kwargs["campaign"])
        with federation_scope(campaign):
            return self.render_form(self.make_form())

    def post(self, request, *args, **kwargs):
        campaign = self.setup_campaign(kwargs["campaign"])
        with federation_scope(campaign):
            form = self.make_form(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                subject = {"branch": data["branch"]} if self.own else {"subject_chamber": self.chamber}
                try:
                    submission = submission_apply(campaign=campaign, actor=request.user,
                                                  applied_level=data["applied_level"], comment=data["comment"],
                                                  **subject)
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    if submission.status == S.INELIGIBLE:
                        messages.warning(request, _("Application recorded, but the eligibility check found problems: "
                                                    "{problems}").format(problems=" ".join(submission.eligibility_problems)))
                    else:
                        messages.success(request, _("Application recorded: the self-assessment is open."))
                    return redirect(reverse("evaluations:mine", kwargs={"chamber": self.chamber.slug}))
            return self.render_form(form, status=400)

    def render_form(self, form, status=200):
        return render(self.request, "evaluations/mine/apply.html", {
            "form": form, "campaign": self.campaign, "own": self.own,
            "federation": None if self.own else self.campaign.chamber,
        }, status=status)
