"""Reminder rules of the evaluations: stage deadlines to subjects that have not submitted,
unscored assignments to reviewers, and ratings about to expire.

Each rule reads what is due in a fixed number of queries whatever the number of campaigns,
subjects or reviewers (the scan's budget: 2,000 campaign subjects among everything else in
5 s): one query for the rows that are due, one for the people they go to, joined in dicts.

Who acts for a subject:
- an affiliated chamber (`subject_chamber`): the users holding the chamber admin or
  secretariat role at its root, in *that* chamber — the rows of another tenant, read with
  `scopes_disabled()` and filtered on exactly those chambers (the one crossing, as in
  `evaluations.selectors`). Branch-limited roles there do not count: applying for the
  whole chamber needs its whole-chamber reach (`submission_list_for_subject`);
- one of the federation's own sub-chambers (`subject_branch`): the federation's branch
  secretaries at that branch or above it (roles hold for their node and everything below).
"""
import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_scopes import scopes_disabled

from chamber.models import Role, RoleKind
from chamber.reminders.models import ReminderRule
from chamber.reminders.rules import Due, day_text, reminder_rule

from .models import (
    CampaignStage,
    Rating,
    RatingStatus,
    ScoreSheet,
    SheetKind,
    Submission,
    SubmissionStatus,
    SubmissionUserObjectPermission,
)
from .selectors import REVIEW_CODENAME
from .transitions import SELF_ASSESSMENT_OPEN

S = SubmissionStatus
SUBJECT_STAFF = (RoleKind.CHAMBER_ADMIN, RoleKind.SECRETARIAT)

# The stages in which a subject has something to hand in, with the date it is due and the
# statuses of a subject that has not handed it in yet. The application stage is left out on
# purpose: a subject that has not applied has no submission to remind, and one that has
# applied has done what the stage asks (its self-assessment is due at the next deadline).
SUBJECT_DEADLINES = {
    CampaignStage.SELF_ASSESSMENT: ("self_assessment_due", tuple(SELF_ASSESSMENT_OPEN)),
    # Returned for completion during the preliminary review: the subject submits again.
    CampaignStage.PRELIMINARY_REVIEW: ("preliminary_review_due", (S.RETURNED,)),
}

DEADLINE_TITLE = _("{subject}: {stage} of “{campaign}” due on {date}")
DEADLINE_BODY = {
    CampaignStage.SELF_ASSESSMENT: _(
        "The self-assessment of {subject} for “{campaign}” has not been submitted yet. "
        "Please complete it and submit it by {date}."),
    CampaignStage.PRELIMINARY_REVIEW: _(
        "The submission of {subject} to “{campaign}” was returned for completion. "
        "Please complete it and submit it again by {date}."),
}
REVIEW_BODY = _("The on-site inspection of “{campaign}” closes on {date}. "
                "Please score the subjects assigned to you and submit your sheets before then.")
RATING_TITLE = _("The rating “{grade}” of {subject} expires on {date}")
RATING_BODY = _("The rating “{grade}” awarded to {subject} on {awarded} is valid until {date}. "
                "Please plan its re-evaluation in time.")


# A date written out in the recipient's language: evaluated when the scan renders the
# message inside translation.override, not here.


def target_dates(today, days):
    """{date watched: lead days} for the dates that are `d` days after `today`, d in `days`."""
    return {today + datetime.timedelta(days=d): d for d in days}


def branch_prefixes(path):
    """The paths of a branch and of every node above it ("1/5/" → "1/", "1/5/")."""
    parts = [part for part in path.split("/") if part]
    return ["".join(part + "/" for part in parts[:n]) for n in range(1, len(parts) + 1)]


class SubjectPeople:
    """Who acts for which subject, loaded in one query for a batch of subjects."""

    def __init__(self, *, chamber, subject_chamber_ids=(), branches=False, federation_admins=False):
        self.staff, self.branch, self.admins = {}, {}, []
        wanted = Q(pk__in=[])
        if subject_chamber_ids:
            wanted |= Q(chamber_id__in=set(subject_chamber_ids), kind__in=SUBJECT_STAFF, branch__isnull=True)
        if branches:
            wanted |= Q(chamber_id=chamber.pk, kind=RoleKind.BRANCH_SECRETARY, branch__isnull=False)
        if federation_admins:
            wanted |= Q(chamber_id=chamber.pk, kind=RoleKind.CHAMBER_ADMIN, branch__isnull=True)
        if not (subject_chamber_ids or branches or federation_admins):
            return
        # Other chambers' roles: an explicit crossing, filtered on exactly the subject chambers.
        with scopes_disabled():
            rows = list(Role.objects.filter(wanted, user__is_active=True)
                        .values_list("chamber_id", "kind", "user_id", "branch__path").order_by("user_id"))
        for chamber_id, kind, user_id, path in rows:
            if chamber_id != chamber.pk:
                self.staff.setdefault(chamber_id, set()).add(user_id)
            elif kind == RoleKind.BRANCH_SECRETARY:
                self.branch.setdefault(path, set()).add(user_id)
            else:
                self.admins.append(user_id)

    def for_subject(self, subject_chamber_id, branch_path):
        """Sorted user ids acting for a subject chamber, or for the sub-chamber at `branch_path`."""
        if subject_chamber_id:
            return sorted(self.staff.get(subject_chamber_id, ()))
        found = set()
        for prefix in branch_prefixes(branch_path or ""):
            found |= self.branch.get(prefix, set())
        return sorted(found)


def _subject_workspace(federation, subject_chamber_slug):
    # An affiliated chamber works on its submission from its own workspace; a sub-chamber
    # from the federation's.
    return subject_chamber_slug or federation.slug


@reminder_rule(ReminderRule.CAMPAIGN_DEADLINE)
def campaign_deadline_reminders(chamber, today, days):
    """Subjects that have not handed in what their campaign's current stage asks, `d` days
    before its deadline: to the people who act for them. Two queries at most."""
    targets = target_dates(today, days)
    if not targets:
        return []
    due_now = Q(pk__in=[])
    for stage, (field, statuses) in SUBJECT_DEADLINES.items():
        due_now |= Q(campaign__stage=stage, status__in=statuses, **{"campaign__{}__in".format(field): list(targets)})
    rows = list(
        Submission.objects.filter(due_now, chamber=chamber)
        .values_list("pk", "subject_name", "subject_chamber_id", "subject_chamber__slug", "subject_branch__path",
                     "campaign__name", "campaign__stage", "campaign__self_assessment_due",
                     "campaign__preliminary_review_due")
        .order_by("pk")
    )
    if not rows:
        return []
    people = SubjectPeople(chamber=chamber, subject_chamber_ids={r[2] for r in rows if r[2]},
                           branches=any(r[2] is None for r in rows))
    dues = []
    for pk, name, subject_chamber_id, slug, path, campaign, stage, self_due, review_due in rows:
        deadline = self_due if stage == CampaignStage.SELF_ASSESSMENT else review_due
        link = reverse("evaluations:self_assessment",
                       kwargs={"chamber": _subject_workspace(chamber, slug), "pk": pk})
        params = {"subject": name, "campaign": campaign, "stage": CampaignStage(stage).label,
                  "date": day_text(deadline)}
        occasion = "{}/{}/{}".format(stage, deadline.isoformat(), targets[deadline])
        for user_id in people.for_subject(subject_chamber_id, path):
            dues.append(Due(subject_type="evaluations.submission", subject_id=pk, recipient_id=user_id,
                            occasion=occasion, title=DEADLINE_TITLE, body=DEADLINE_BODY[stage], params=params,
                            link=link))
    return dues


@reminder_rule(ReminderRule.REVIEW_PENDING)
def review_pending_reminders(chamber, today, days):
    """Reviewers with assigned subjects still to score while the campaign is at the on-site
    inspection, `d` days before it closes: one reminder per reviewer and campaign. One query.

    Assigned: guardian's `review_submission` grant (held by exactly the members of the
    subject's working group, see `evaluations.assignment`). Still to score: the subject
    waits for sheets ("passed") and the reviewer's own sheet is not submitted. With a
    consensus result a passed subject has no submitted group sheet yet, and every member
    may fill it in, so every member is reminded.
    """
    targets = target_dates(today, days)
    if not targets:
        return []
    submitted = ScoreSheet.objects.filter(
        chamber=chamber, submission_id=OuterRef("content_object_id"), kind=SheetKind.REVIEWER,
        reviewer_id=OuterRef("user_id"), submitted_at__isnull=False,
    )
    rows = (
        SubmissionUserObjectPermission.objects.filter(
            permission__codename=REVIEW_CODENAME, user__is_active=True,
            content_object__chamber=chamber, content_object__status=S.PASSED,
            content_object__campaign__stage=CampaignStage.INSPECTION,
            content_object__campaign__inspection_due__in=list(targets),
        )
        .exclude(Exists(submitted))
        .values_list("content_object__campaign_id", "content_object__campaign__name",
                     "content_object__campaign__inspection_due", "user_id")
        .order_by()
    )
    counts, campaigns = {}, {}
    for campaign_id, name, deadline, user_id in rows:
        counts[(campaign_id, user_id)] = counts.get((campaign_id, user_id), 0) + 1
        campaigns[campaign_id] = (name, deadline)
    link = reverse("evaluations:reviews", kwargs={"chamber": chamber.slug})
    dues = []
    for (campaign_id, user_id), n in sorted(counts.items()):
        name, deadline = campaigns[campaign_id]
        title = ngettext_lazy("You have {n} subject still to score in “{campaign}”, due {date}",
                              "You have {n} subjects still to score in “{campaign}”, due {date}", n)
        dues.append(Due(
            subject_type="evaluations.campaign", subject_id=campaign_id, recipient_id=user_id,
            occasion="{}/{}/{}".format(campaign_id, deadline.isoformat(), targets[deadline]),
            title=title, body=REVIEW_BODY, params={"n": n, "campaign": name, "date": day_text(deadline)}, link=link,
        ))
    return dues


@reminder_rule(ReminderRule.RATING_EXPIRY)
def rating_expiry_reminders(chamber, today, days):
    """Ratings held in this chamber's register whose validity ends `d` days after today: to
    the federation's admins and to the people who act for the rated subject. Two queries."""
    targets = target_dates(today, days)
    if not targets:
        return []
    rows = list(
        Rating.objects.filter(chamber=chamber, status=RatingStatus.ACTIVE, valid_until__in=list(targets))
        .values_list("pk", "subject_name", "grade_label", "awarded_on", "valid_until", "subject_chamber_id",
                     "subject_chamber__slug", "subject_branch__path")
        .order_by("pk")
    )
    if not rows:
        return []
    people = SubjectPeople(chamber=chamber, subject_chamber_ids={r[5] for r in rows if r[5]},
                           branches=any(r[5] is None for r in rows), federation_admins=True)
    register = reverse("evaluations:ratings", kwargs={"chamber": chamber.slug})
    dues = []
    for pk, name, grade, awarded, valid_until, subject_chamber_id, slug, path in rows:
        params = {"subject": name, "grade": grade, "awarded": day_text(awarded), "date": day_text(valid_until)}
        occasion = "{}/{}".format(valid_until.isoformat(), targets[valid_until])
        # The register for the federation's admins, the subject's own page for its people;
        # someone who is both gets one message (the register).
        links = {user_id: register for user_id in people.admins}
        mine = reverse("evaluations:mine", kwargs={"chamber": _subject_workspace(chamber, slug)})
        for user_id in people.for_subject(subject_chamber_id, path):
            links.setdefault(user_id, mine)
        for user_id, link in sorted(links.items()):
            dues.append(Due(subject_type="evaluations.rating", subject_id=pk, recipient_id=user_id,
                            occasion=occasion, title=RATING_TITLE, body=RATING_BODY, params=params, link=link))
    return dues
