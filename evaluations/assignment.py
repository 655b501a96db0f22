"""Reviewers, working groups and who inspects whom (分组互查).

The conflict-of-interest rule and the planner are pure functions in
`evaluations.conflicts`: nobody scores a subject from their own district, their own
chamber or their own branch subtree.

A working group may only hold subjects none of its members conflicts with, whichever
side changes (a subject moved, a reviewer joining). Every member of a submission's group
holds guardian's `evaluations.review_submission` on it and nobody else does; the grants
are brought in line after each change here (`_sync_grants`).

Changes stop once the campaign reaches its decision, and a group whose subject is
already scored keeps its members: its result was worked out from their sheets.
"""
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from chamber.access import EVALUATIONS_REVIEW, access_for_user
from chamber.audit import audit_record
from chamber.validators import validate_division_code

from .conflicts import (
    PlanGroup,
    PlanSubject,
    conflict_reasons,
    plan_assignment,
    reviewer_conflict_keys,
    reviewer_district,
    reviewer_label,
    subject_conflict_keys,
)
from .models import (
    Campaign,
    CampaignReviewer,
    CampaignStage,
    Submission,
    SubmissionStatus,
    SubmissionUserObjectPermission,
    WorkingGroup,
)
from .selectors import REVIEW_CODENAME
from .transitions import CAMPAIGN_ORDER

S = SubmissionStatus
REVIEW_PERMISSION = "evaluations." + REVIEW_CODENAME

# The automatic tool places these (self-assessed ones too, so the board can be prepared
# while the preliminary review runs).
AUTO_ASSIGNABLE = (S.PASSED, S.SELF_ASSESSED)
# A manual move may place any subject still on its way to the inspection.
MOVABLE = (S.ELIGIBLE, S.SELF_ASSESSED, S.RETURNED, S.PASSED)
# Out of the running: no load for a group.
UNLOADED = (S.INELIGIBLE, S.REJECTED, S.WITHDRAWN)
# Scored or beyond: the group that scored it stays as it is.
SCORED_OR_LATER = (S.SCORED, S.DECIDED, S.PUBLISHED, S.AWARDED)


# --- Reads -----------------------------------------------------------------------------------------

def campaign_reviewers(campaign):
    return list(
        CampaignReviewer.objects.filter(chamber_id=campaign.chamber_id, campaign=campaign)
        .select_related("user", "home_chamber", "home_branch")
        .order_by("user__username", "pk")
    )


def campaign_groups(campaign):
    return list(WorkingGroup.objects.filter(chamber_id=campaign.chamber_id, campaign=campaign).order_by("name", "pk"))


def campaign_submissions(campaign):
    return list(
        Submission.objects.filter(chamber_id=campaign.chamber_id, campaign=campaign)
        .select_related("subject_chamber", "subject_branch")
        .order_by("subject_name", "pk")
    )


def group_loads(campaign):
    """{group id: submissions in the running} for the campaign's groups."""
    rows = (
        Submission.objects.filter(chamber_id=campaign.chamber_id, campaign=campaign, group__isnull=False)
        .exclude(status__in=UNLOADED).values("group_id").annotate(n=Count("pk")).order_by()
    )
    return {row["group_id"]: row["n"] for row in rows}


def _plan_groups(groups, reviewers):
    keys = {g.pk: set() for g in groups}
    sizes = {g.pk: 0 for g in groups}
    for reviewer in reviewers:
        if reviewer.group_id in keys:
            keys[reviewer.group_id] |= reviewer_conflict_keys(reviewer)
            sizes[reviewer.group_id] += 1
    return [PlanGroup(id=g.pk, name=g.name, keys=frozenset(keys[g.pk]), has_members=sizes[g.pk] > 0) for g in groups]


@dataclass
class BoardGroup:
    group: WorkingGroup
    members: list = field(default_factory=list)
    submissions: list = field(default_factory=list)
    load: int = 0


@dataclass
class BoardSubject:
    submission: Submission
    # [(group, [reason, ...])] for every group it may not go to because of a member.
    blocked: list = field(default_factory=list)
    eligible: list = field(default_factory=list)

    @property
    def blocked_ids(self):
        return {group.pk for group, _reasons in self.blocked}


@dataclass
class Board:
    campaign: Campaign
    groups: list
    ungrouped: list  # reviewers in no group
    unassigned: list  # BoardSubject of the subjects in the running without a group
    subjects: dict  # submission id -> BoardSubject, every subject
    reviewers: list


def assignment_board(campaign, submissions=None):
    """Everything the assignment board shows, in three queries: groups, reviewers (+ user,
    home chamber and branch), submissions (+ subject chamber and branch). `submissions`:
    only these (a page of them, subject chamber and branch loaded) instead of all; the
    groups' loads then count only those."""
    groups = campaign_groups(campaign)
    reviewers = campaign_reviewers(campaign)
    if submissions is None:
        submissions = campaign_submissions(campaign)
    board_groups = {g.pk: BoardGroup(group=g) for g in groups}
    ungrouped = []
    for reviewer in reviewers:
        reviewer.district = reviewer_district(reviewer)  # for display
        (board_groups[reviewer.group_id].members if reviewer.group_id in board_groups else ungrouped).append(reviewer)
    plan_groups = {g.id: g for g in _plan_groups(groups, reviewers)}
    subjects, unassigned = {}, []
    for submission in submissions:
        keys = subject_conflict_keys(submission)
        entry = BoardSubject(submission=submission)
        for bg in board_groups.values():
            # Words only where the group's keys meet the subject's: at 2,000 subjects the
            # board asked every member of every group about every subject.
            clash = plan_groups[bg.group.pk].keys & keys
            reasons = [r for m in bg.members for r in conflict_reasons(m, keys)] if clash else []
            if reasons:
                entry.blocked.append((bg.group, reasons))
            elif plan_groups[bg.group.pk].has_members:
                entry.eligible.append(bg.group)
        subjects[submission.pk] = entry
        if submission.group_id in board_groups:
            board_groups[submission.group_id].submissions.append(entry)
            if submission.status not in UNLOADED:
                board_groups[submission.group_id].load += 1
        elif submission.status not in UNLOADED:
            unassigned.append(entry)
    return Board(campaign=campaign, groups=list(board_groups.values()), ungrouped=ungrouped, unassigned=unassigned,
                 subjects=subjects, reviewers=reviewers)


def reviewer_is_assigned(submission, user):
    """Does `user` hold the scoring grant on `submission`?"""
    if not getattr(user, "pk", None):
        return False
    return SubmissionUserObjectPermission.objects.filter(
        content_object_id=submission.pk, user_id=user.pk, permission__codename=REVIEW_CODENAME
    ).exists()


# --- Guards ----------------------------------------------------------------------------------------

def ensure_before_decision(campaign):
    if CAMPAIGN_ORDER.index(campaign.stage) >= CAMPAIGN_ORDER.index(CampaignStage.DECISION):
        raise ValidationError(
            _("Reviewers and working groups can no longer change: the campaign is at the stage “{stage}”.").format(
                stage=CampaignStage(campaign.stage).label)
        )


def _ensure_group_open(group):
    """A group that has scored a subject keeps its members (see the module doc)."""
    if group is None:
        return
    scored = list(
        Submission.objects.filter(chamber_id=group.chamber_id, group=group, status__in=SCORED_OR_LATER)
        .values_list("subject_name", flat=True)[:3]
    )
    if scored:
        raise ValidationError(
            _("The group “{group}” has already scored {subjects}; reopen those sheets before changing its members.")
            .format(group=group.name, subjects="、".join(scored))
        )


def _member_conflicts(reviewers, submissions):
    """[(submission, reviewer, reasons)] of the conflicts between `reviewers` and `submissions`."""
    found = []
    for submission in submissions:
        keys = subject_conflict_keys(submission)
        for reviewer in reviewers:
            reasons = conflict_reasons(reviewer, keys)
            if reasons:
                found.append((submission, reviewer, reasons))
    return found


def _conflict_error(field_name, conflicts):
    messages = [
        _("{subject}: {reasons}.").format(subject=submission.subject_name, reasons="; ".join(reasons))
        for submission, _reviewer, reasons in conflicts
    ]
    return ValidationError({field_name: messages})


def _group_of_campaign(campaign, group):
    if group is not None and group.campaign_id != campaign.pk:
        raise ValidationError({"group": _("This working group does not belong to the campaign.")})


def _locked_campaign(campaign):
    # Assignment changes of one campaign run one at a time: two managers moving subjects
    # at once must not both pass the conflict check against a stale membership.
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign.stage = locked.stage
    return campaign


# --- Guardian grants -------------------------------------------------------------------------------

def _sync_grants(submission_ids):
    """Bring the scoring grants of these submissions in line with their groups' members:
    every member of a submission's group holds one, nobody else."""
    ids = list(set(submission_ids))
    if not ids:
        return
    from django.contrib.auth import get_user_model

    rows = list(Submission.objects.filter(pk__in=ids).values_list("pk", "group_id"))
    group_ids = {g for _pk, g in rows if g}
    members = {}
    for group_id, user_id in CampaignReviewer.objects.filter(group_id__in=group_ids).values_list("group_id", "user_id"):
        members.setdefault(group_id, set()).add(user_id)
    wanted = {(pk, user_id) for pk, group_id in rows for user_id in members.get(group_id, ())}
    held = set(
        SubmissionUserObjectPermission.objects.filter(
            content_object_id__in=ids, permission__codename=REVIEW_CODENAME
        ).values_list("content_object_id", "user_id")
    )
    to_add, to_remove = {}, {}
    for pk, user_id in wanted - held:
        to_add.setdefault(user_id, []).append(pk)
    for pk, user_id in held - wanted:
        to_remove.setdefault(user_id, []).append(pk)
    users = get_user_model().objects.in_bulk(set(to_add) | set(to_remove))
    for user_id, pks in to_remove.items():
        remove_perm(REVIEW_PERMISSION, users[user_id], Submission.objects.filter(pk__in=pks))
    for user_id, pks in to_add.items():
        assign_perm(REVIEW_PERMISSION, users[user_id], Submission.objects.filter(pk__in=pks))


def _group_submission_ids(*groups):
    group_ids = [g.pk for g in groups if g is not None]
    if not group_ids:
        return []
    return list(Submission.objects.filter(group_id__in=group_ids).values_list("pk", flat=True))


def _complete_scored(submission_ids, actor):
    """After a member left a group, the others may have scored everything already."""
    from .scoring import submission_complete_if_scored

    for submission in Submission.objects.filter(pk__in=submission_ids, status=S.PASSED).select_related("campaign"):
        submission_complete_if_scored(submission, actor=actor)


# --- Reviewers -------------------------------------------------------------------------------------

@transaction.atomic
def reviewer_add(campaign, *, actor, user, home_chamber=None, district_code="", home_branch=None):
    """Add `user` as a reviewer of `campaign`, with where they come from."""
    ensure_before_decision(campaign)
    errors = {}
    if not access_for_user(campaign.chamber, user).has(EVALUATIONS_REVIEW):
        errors["user"] = _("This user holds no reviewer role in the federation.")
    elif CampaignReviewer.objects.filter(chamber_id=campaign.chamber_id, campaign=campaign, user=user).exists():
        errors["user"] = _("This user is already a reviewer of the campaign.")
    district_code = (district_code or "").strip()
    if district_code:
        try:
            validate_division_code(district_code)
        except ValidationError as error:
            errors["district_code"] = error.messages
    elif home_chamber is not None:
        district_code = home_chamber.division_code
    if home_branch is not None and home_branch.chamber_id != campaign.chamber_id:
        errors["home_branch"] = _("This branch does not exist.")
    if errors:
        raise ValidationError(errors)
    reviewer = CampaignReviewer.objects.create(
        chamber_id=campaign.chamber_id, campaign=campaign, user=user, home_chamber=home_chamber,
        district_code=district_code, home_branch=home_branch,
    )
    audit_record(chamber=campaign.chamber, actor=actor, action="add reviewer", target=reviewer,
                 changes={"campaign": [None, campaign.name], "district_code": [None, district_code or None]})
    return reviewer


@transaction.atomic
def reviewer_remove(reviewer, *, actor):
    campaign = _locked_campaign(reviewer.campaign)
    ensure_before_decision(campaign)
    group = reviewer.group
    _ensure_group_open(group)
    affected = _group_submission_ids(group)
    audit_record(chamber=campaign.chamber, actor=actor, action="remove reviewer", target=reviewer,
                 changes={"campaign": [campaign.name, None], "group": [group.name if group else None, None]})
    reviewer.delete()
    _sync_grants(affected)
    _complete_scored(affected, actor)


@transaction.atomic
def reviewer_set_group(reviewer, *, actor, group):
    """Put `reviewer` in `group` (None: in no group). Refused when a subject of the new
    group is from the reviewer's district, chamber or branch subtree."""
    campaign = _locked_campaign(reviewer.campaign)
    ensure_before_decision(campaign)
    _group_of_campaign(campaign, group)
    old = reviewer.group
    if (old.pk if old else None) == (group.pk if group else None):
        return reviewer
    _ensure_group_open(old)
    _ensure_group_open(group)
    if group is not None:
        submissions = Submission.objects.filter(group=group).select_related("subject_chamber", "subject_branch")
        conflicts = _member_conflicts([reviewer], submissions)
        if conflicts:
            raise _conflict_error("group", conflicts)
    reviewer.group = group
    reviewer.save(update_fields=["group"])
    old_ids = _group_submission_ids(old)
    _sync_grants(old_ids + _group_submission_ids(group))
    audit_record(chamber=campaign.chamber, actor=actor, action="reviewer group", target=reviewer,
                 changes={"group": [old.name if old else None, group.name if group else None]})
    _complete_scored(old_ids, actor)
    return reviewer


# --- Working groups --------------------------------------------------------------------------------

def _clean_group_name(campaign, name, exclude=None):
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the group a name.")})
    taken = WorkingGroup.objects.filter(chamber_id=campaign.chamber_id, campaign=campaign, name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError({"name": _("The campaign already has a group of this name.")})
    return name


@transaction.atomic
def group_create(campaign, *, actor, name):
    ensure_before_decision(campaign)
    group = WorkingGroup.objects.create(chamber_id=campaign.chamber_id, campaign=campaign,
                                        name=_clean_group_name(campaign, name))
    audit_record(chamber=campaign.chamber, actor=actor, action="create", target=group)
    return group


@transaction.atomic
def group_rename(group, *, actor, name):
    campaign = group.campaign
    ensure_before_decision(campaign)
    old = group.name
    group.name = _clean_group_name(campaign, name, exclude=group)
    group.save(update_fields=["name"])
    audit_record(chamber=campaign.chamber, actor=actor, action="rename", target=group,
                 changes={"name": [old, group.name]})
    return group


@transaction.atomic
def group_delete(group, *, actor):
    """Delete a group: its subjects go back to the unassigned, its members to no group."""
    campaign = _locked_campaign(group.campaign)
    ensure_before_decision(campaign)
    _ensure_group_open(group)
    affected = _group_submission_ids(group)
    audit_record(chamber=campaign.chamber, actor=actor, action="delete", target=group)
    group.delete()  # submissions and members keep living, with no group (SET_NULL)
    _sync_grants(affected)


# --- Assigning subjects ----------------------------------------------------------------------------

@dataclass
class AssignmentOutcome:
    assigned: list  # [(submission, group)]
    unplaced: list  # [submission] no group can take without a conflict


@transaction.atomic
def campaign_assign_groups(campaign, *, actor):
    """Give every passed (or self-assessed) subject without a group a group (see
    `plan_assignment`); subjects no group may take are reported, never forced."""
    campaign = _locked_campaign(campaign)
    ensure_before_decision(campaign)
    groups = campaign_groups(campaign)
    plan_groups = _plan_groups(groups, campaign_reviewers(campaign))
    waiting = list(
        Submission.objects.filter(chamber_id=campaign.chamber_id, campaign=campaign, group__isnull=True,
                                  status__in=AUTO_ASSIGNABLE)
        .select_related("subject_chamber", "subject_branch").order_by("subject_name", "pk")
    )
    subjects = [PlanSubject(id=s.pk, name=s.subject_name, keys=subject_conflict_keys(s)) for s in waiting]
    placed, unplaced = plan_assignment(subjects, plan_groups, group_loads(campaign))
    by_id = {s.pk: s for s in waiting}
    groups_by_id = {g.pk: g for g in groups}
    assigned = []
    for submission_id, group_id in placed.items():
        # Conditional: a subject someone placed by hand meanwhile keeps its group.
        if Submission.objects.filter(pk=submission_id, group__isnull=True).update(group_id=group_id):
            submission = by_id[submission_id]
            submission.group = groups_by_id[group_id]
            assigned.append((submission, submission.group))
    _sync_grants([s.pk for s, _g in assigned])
    if assigned or unplaced:
        audit_record(chamber=campaign.chamber, actor=actor, action="assign groups", target=campaign,
                     changes={"assigned": [None, len(assigned)],
                              "unplaced": [None, [by_id[pk].subject_name for pk in unplaced]]})
    assigned.sort(key=lambda pair: (pair[0].subject_name, pair[0].pk))
    return AssignmentOutcome(assigned=assigned, unplaced=[by_id[pk] for pk in unplaced])


@transaction.atomic
def submission_assign_group(submission, *, actor, group, reason):
    """Move a subject to `group` by hand (None: back to the unassigned), with a reason.
    Refused when a member of the group conflicts with the subject."""
    campaign = _locked_campaign(submission.campaign)
    ensure_before_decision(campaign)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for changing the assignment.")})
    _group_of_campaign(campaign, group)
    if submission.status not in MOVABLE:
        raise ValidationError(_("A submission that is “{status}” can no longer change groups.").format(
            status=S(submission.status).label))
    old_id = submission.group_id
    if old_id == (group.pk if group else None):
        return submission
    if group is not None:
        # A group still without reviewers may take subjects: whoever joins it later is
        # checked against them (reviewer_set_group).
        members = list(CampaignReviewer.objects.filter(group=group).select_related("user", "home_chamber", "home_branch"))
        conflicts = _member_conflicts(members, [submission])
        if conflicts:
            raise ValidationError({"group": [
                _("{reviewer} may not score this subject: {reasons}.").format(
                    reviewer=reviewer_label(reviewer), reasons="; ".join(reasons))
                for _s, reviewer, reasons in conflicts
            ]})
    old = WorkingGroup.objects.filter(pk=old_id).first() if old_id else None
    if not Submission.objects.filter(pk=submission.pk, group_id=old_id).update(group=group):
        raise ValidationError(_("Someone else changed this submission just now. Reload and try again."))
    submission.group = group
    _sync_grants([submission.pk])
    audit_record(chamber=campaign.chamber, actor=actor, action="assign group", target=submission,
                 changes={"group": [old.name if old else None, group.name if group else None]}, reason=reason)
    return submission
