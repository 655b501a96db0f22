"""Helpers of the campaign, results and ratings tests (and their pages and API).

Scores are written as ScoreSheet / ScoreEntry rows directly: these tests are about what
the campaign does with submitted sheets, not about filling them in. Stages and statuses
that are not under test are set directly too.
"""
import datetime
from decimal import Decimal

from django.utils import timezone
from django_scopes import scope

from chamber.access import access_for_user
from evaluations.models import (
    Campaign,
    Rating,
    ScoreEntry,
    ScoreSheet,
    SheetKind,
    Submission,
    SubmissionStatus,
    WorkingGroup,
)

# Shared with the review tests: the star_version's scored indicators by code (1.1 graded
# 20, 1.2 points 20, 2.1 yes/no 10, 2.2 points 20, 3.1 points 30, 4 veto, 5 bonus 10),
# and a status set directly.
from .review_helpers import leaves, set_status  # noqa: F401

S = SubmissionStatus
D = Decimal


def access_of(user, chamber):
    with scope(chamber=chamber):
        return access_for_user(chamber, user)


def make_submission(campaign, *, branch=None, chamber=None, status=S.SCORED, group=None, applied_level=None,
                    **fields):
    with scope(chamber=campaign.chamber_id):
        return Submission.objects.create(
            chamber_id=campaign.chamber_id, campaign=campaign, subject_branch=branch, subject_chamber=chamber,
            subject_name=(branch or chamber).name, status=status, group=group, applied_level=applied_level, **fields)


def set_stage(campaign, stage, **fields):
    with scope(chamber=campaign.chamber_id):
        Campaign.objects.filter(pk=campaign.pk).update(stage=stage, **fields)
        campaign.refresh_from_db()
    return campaign


def marks(total, *, bonus="0", veto=True):
    """Scores of the star_version adding up to `total` base points (0–100): 1.1 and 2.1
    take their full or zero marks, the rest is spread over the points items."""
    total = D(str(total))
    scores = {"1.1": D("20"), "2.1": D("10")}
    rest = total - 30
    if rest < 0:
        scores["1.1"], scores["2.1"], rest = D("0"), D("0"), total
    for code, maximum in (("3.1", D("30")), ("1.2", D("20")), ("2.2", D("20"))):
        part = min(rest, maximum)
        scores[code] = part
        rest -= part
    assert rest == 0, "total out of range"
    scores["4"] = D("0")
    scores["5"] = D(str(bonus))
    return scores, veto


def add_sheet(submission, *, kind=SheetKind.REVIEWER, reviewer=None, total=None, bonus="0", veto=True,
              submitted=True, scores=None):
    """A sheet of `submission` with one entry per leaf; `total` base points spread by `marks`."""
    version = submission.campaign.version
    ind = leaves(version)
    if scores is None:
        scores, veto = marks(total, bonus=bonus, veto=veto)
    with scope(chamber=submission.chamber_id):
        sheet = ScoreSheet.objects.create(chamber_id=submission.chamber_id, submission=submission, kind=kind,
                                          reviewer=reviewer, submitted_at=timezone.now() if submitted else None)
        ScoreEntry.objects.bulk_create([
            ScoreEntry(chamber_id=submission.chamber_id, sheet=sheet, indicator=ind[code], points=points,
                       answer=(veto if code == "4" else (points > 0 if code == "2.1" else None)),
                       reason="" if points == ind[code].max_points else "扣分")
            for code, points in scores.items()
        ])
    return sheet


def make_group(campaign, name="第一组", members=()):
    from evaluations.models import CampaignReviewer

    with scope(chamber=campaign.chamber_id):
        group = WorkingGroup.objects.create(chamber_id=campaign.chamber_id, campaign=campaign, name=name)
        for user in members:
            CampaignReviewer.objects.create(chamber_id=campaign.chamber_id, campaign=campaign, user=user, group=group)
    return group


def hold(scheme, *, level, awarded_on, branch=None, chamber=None, valid_until=None, label=None, status="active"):
    """A rating in the register, written directly."""
    with scope(chamber=scheme.chamber_id):
        return Rating.objects.create(
            chamber_id=scheme.chamber_id, scheme=scheme, subject_branch=branch, subject_chamber=chamber,
            subject_name=(branch or chamber).name, level=level, grade_label=label or "{}星级".format(level),
            awarded_on=awarded_on, valid_until=valid_until or awarded_on + datetime.timedelta(days=3 * 365),
            status=status,
        )
