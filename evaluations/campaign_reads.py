"""Reads of the campaign pages and API: lists with their joins done here, so each page
costs a fixed number of queries. Who may see which submission is decided in
`evaluations.selectors`; these functions take the querysets it returns or read the
federation's own rows."""
from django.db.models import Count, Q
from django_scopes import scopes_disabled

from branches.models import Branch, BranchStatus
from chamber.audit import actor_label
from chamber.models import Chamber

from .models import Campaign, CampaignStage, ScoreSheet, SheetKind, StageTransition, Submission, SubmissionStatus
from .ratings import CHAMBER_LIKE_BRANCH_KINDS
from .results import RANKED
from .selectors import campaign_list

S = SubmissionStatus


def campaign_list_with_counts(*, chamber):
    """The federation's campaigns, newest first, each with how many subjects take part."""
    return campaign_list(chamber=chamber).annotate(
        subjects=Count("submissions", filter=~Q(submissions__status=S.WITHDRAWN))
    ).order_by("-year", "name", "pk")


def campaign_log(campaign):
    """The campaign's own steps (not its submissions'), oldest first."""
    return StageTransition.objects.filter(chamber_id=campaign.chamber_id, campaign_id=campaign.pk,
                                          submission__isnull=True).order_by("at", "pk")


def submission_log(submission):
    return StageTransition.objects.filter(chamber_id=submission.chamber_id, submission_id=submission.pk).order_by(
        "at", "pk")


def campaign_submissions(campaign, *, status=None):
    """The campaign's submissions in name order, with their working group."""
    qs = Submission.objects.filter(chamber_id=campaign.chamber_id, campaign_id=campaign.pk).select_related("group")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("subject_name", "pk")


def campaign_ranking(campaign):
    """Submissions with a result, best first: ranked ones by rank, then the unranked
    (vetoed, or no result yet) by name."""
    return (
        Submission.objects.filter(chamber_id=campaign.chamber_id, campaign_id=campaign.pk,
                                  status__in=RANKED)
        .select_related("group").order_by("ranking", "subject_name", "pk")
    )


def subject_candidates(campaign):
    """(branches, chambers) the federation may still add to the campaign: its active
    chamber-like sub-chambers and its affiliated chambers, less those already in."""
    taken = Submission.objects.filter(chamber_id=campaign.chamber_id, campaign_id=campaign.pk)
    branches = Branch.objects.filter(chamber_id=campaign.chamber_id, kind__in=CHAMBER_LIKE_BRANCH_KINDS,
                                     status=BranchStatus.ACTIVE).exclude(
        pk__in=taken.filter(subject_branch__isnull=False).values("subject_branch_id")).order_by("path")
    chambers = Chamber.objects.filter(supervising_federation_id=campaign.chamber_id).exclude(
        pk__in=taken.filter(subject_chamber__isnull=False).values("subject_chamber_id")).order_by("name", "pk")
    return branches, chambers


def submission_sheets(submission):
    """The submission's sheets (self, reviewers', consensus) with their reviewers."""
    return list(ScoreSheet.objects.filter(chamber_id=submission.chamber_id, submission_id=submission.pk)
                .select_related("reviewer").order_by("kind", "pk"))


def open_campaigns_for_subject(*, chamber, access_wide):
    """Campaigns `chamber` may apply to as a subject: those of its supervising federation
    open for applications (read across the wall, only when the user acts for the whole
    chamber). A federation's own open campaigns, for its sub-chambers, come from
    `own_open_campaigns`."""
    if not chamber.supervising_federation_id or not access_wide:
        return []
    with scopes_disabled():
        return list(Campaign.objects.filter(chamber_id=chamber.supervising_federation_id,
                                            stage=CampaignStage.APPLICATION).select_related("version__scheme", "chamber")
                    .order_by("-year", "name", "pk"))


def own_open_campaigns(*, chamber):
    return list(Campaign.objects.filter(chamber=chamber, stage=CampaignStage.APPLICATION)
                .select_related("version__scheme").order_by("-year", "name", "pk"))


def campaign_for_subject(*, chamber, pk):
    """Campaign `pk` as seen by a subject in `chamber`'s workspace: one of its own, or one
    of its supervising federation's (read across the wall); None otherwise."""
    own = Campaign.objects.filter(chamber=chamber, pk=pk).select_related("version__scheme", "chamber").first()
    if own is not None or not chamber.supervising_federation_id:
        return own
    with scopes_disabled():
        return Campaign.objects.filter(chamber_id=chamber.supervising_federation_id, pk=pk).select_related(
            "version__scheme", "chamber").first()


def status_rows(counts):
    """[(status, label, n)] in the order of the statuses, for the progress overview."""
    return [(status.value, status.label, counts.get(status.value, 0)) for status in SubmissionStatus]


def sheet_kind_label(sheet):
    if sheet.kind == SheetKind.REVIEWER and sheet.reviewer_id:
        return actor_label(sheet.reviewer)
    return sheet.get_kind_display()


_STATE_LABELS = {**dict(CampaignStage.choices), **dict(SubmissionStatus.choices)}


def with_labels(log):
    """The log's rows with `from_label` / `to_label`: the states in words."""
    rows = list(log)
    for t in rows:
        t.from_label = _STATE_LABELS.get(t.from_state, t.from_state)
        t.to_label = _STATE_LABELS.get(t.to_state, t.to_state)
    return rows
