"""Who sees which submission. The rules, in one place:

- the federation's staff with `evaluations.view` see every submission of its campaigns;
- a reviewer sees only the submissions assigned to them (a guardian grant
  `review_submission` per submission, direct foreign key);
- a subject sees only its own: an affiliated chamber from its own workspace (the one
  explicit crossing of the tenant wall, below), a sub-chamber through the users whose
  `evaluations.apply` covers its branch.

Subject chambers read their submissions across the wall with `scopes_disabled()`, always
filtered on `subject_chamber`; everything they then do to a submission runs inside
`federation_scope(submission)`, so the federation's rubric and sheets are in scope and
nothing else of the federation is.
"""
from contextlib import contextmanager

from django.db.models import Q
from django_scopes import scope, scopes_disabled

from chamber.access import EVALUATIONS_APPLY, EVALUATIONS_REVIEW, EVALUATIONS_VIEW

from .models import Campaign, Submission, SubmissionUserObjectPermission

REVIEW_CODENAME = "review_submission"


def campaign_list(*, chamber):
    return Campaign.objects.filter(chamber=chamber).select_related("version__scheme")


def reviewer_submission_ids(*, user):
    """Ids of the submissions granted to `user` for scoring (one indexed query)."""
    return SubmissionUserObjectPermission.objects.filter(
        user=user, permission__codename=REVIEW_CODENAME
    ).values("content_object_id")


def _branch_subject_filter(access):
    """Sub-chamber subjects within the user's `evaluations.apply` reach."""
    paths = access.branch_paths(EVALUATIONS_APPLY)
    if paths is None:
        return Q(subject_branch__isnull=False)
    if not paths:
        return Q(pk__in=[])
    reach = Q()
    for path in paths:
        reach |= Q(subject_branch__path__startswith=path)
    return reach


def submission_list_for_federation(*, chamber, user, access):
    """Submissions of this chamber's campaigns the user may see, in its own workspace."""
    qs = Submission.objects.filter(chamber=chamber).select_related("campaign", "group")
    if access.has(EVALUATIONS_VIEW):
        return qs
    visible = Q(pk__in=[])
    if access.has(EVALUATIONS_REVIEW):
        visible |= Q(pk__in=reviewer_submission_ids(user=user))
    if access.has(EVALUATIONS_APPLY):
        visible |= _branch_subject_filter(access)
    return qs.filter(visible)


def submission_list_for_subject(*, chamber, access):
    """The submissions `chamber` takes part in as a subject: as an affiliated chamber
    (rows owned by its federation) and, for a federation, its own sub-chambers within
    the user's reach. Empty without `evaluations.apply`."""
    if not access.has(EVALUATIONS_APPLY):
        return Submission.objects.none()
    own = Q(subject_chamber=chamber) if access.branch_paths(EVALUATIONS_APPLY) is None else Q(pk__in=[])
    branches = Q(chamber=chamber) & _branch_subject_filter(access)
    with scopes_disabled():
        # Crossing the wall: only rows naming this chamber as the subject, or its own rows.
        return Submission.objects.filter(own | branches).select_related(
            "campaign__version__scheme", "campaign__chamber"
        )


@contextmanager
def federation_scope(submission):
    """Work on a subject's submission inside its federation's scope (see module doc)."""
    with scope(chamber=submission.chamber_id):
        yield
