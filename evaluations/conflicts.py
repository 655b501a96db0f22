"""The conflict-of-interest rule and the assignment planner, as pure functions over
loaded rows and plain values (see evaluations.assignment for the services around them).

Conflict keys: nobody scores a subject from their own district, their own chamber or
their own branch subtree. Both sides become sets of keys and a reviewer conflicts with
a subject when the sets meet:

- a subject: `chamber:<id>` of the subject chamber and of the federation supervising it
  (a district federation's reviewers never score its own street chambers),
  `division:<code>` of the subject chamber, and `branch:<id>` of the subject branch and
  of every branch above it;
- a reviewer: `chamber:<home chamber>`, `division:<district code>` (the home chamber's
  when none is given) and `branch:<home branch>`.

The federation running the campaign is left out of a subject's keys: it supervises
every affiliated subject, and its own officials are the neutral party of the scheme.
"""
from dataclasses import dataclass

from django.utils.translation import gettext as _

from chamber.audit import actor_label


# --- Conflict keys (pure) --------------------------------------------------------------------------

def subject_conflict_keys(submission):
    """The conflict keys of a submission's subject (subject chamber and branch loaded)."""
    keys = set()
    chamber = submission.subject_chamber if submission.subject_chamber_id else None
    if chamber is not None:
        keys.add("chamber:{}".format(chamber.pk))
        if chamber.division_code:
            keys.add("division:{}".format(chamber.division_code))
        supervisor = chamber.supervising_federation_id
        if supervisor and supervisor != submission.chamber_id:
            keys.add("chamber:{}".format(supervisor))
    if submission.subject_branch_id:
        branch = submission.subject_branch
        keys.add("branch:{}".format(branch.pk))
        keys.update("branch:{}".format(pk) for pk in branch.ancestor_ids)
    return frozenset(keys)


def reviewer_district(reviewer):
    if reviewer.district_code:
        return reviewer.district_code
    return reviewer.home_chamber.division_code if reviewer.home_chamber_id else ""


def reviewer_conflict_keys(reviewer):
    """The conflict keys of a reviewer (home chamber loaded)."""
    keys = set()
    if reviewer.home_chamber_id:
        keys.add("chamber:{}".format(reviewer.home_chamber_id))
    district = reviewer_district(reviewer)
    if district:
        keys.add("division:{}".format(district))
    if reviewer.home_branch_id:
        keys.add("branch:{}".format(reviewer.home_branch_id))
    return frozenset(keys)


def conflict_reasons(reviewer, subject_keys):
    """Why `reviewer` may not score a subject with `subject_keys`, in words (empty: no conflict).
    Home chamber and branch loaded."""
    reasons = []
    name = reviewer_label(reviewer)
    if reviewer.home_chamber_id and "chamber:{}".format(reviewer.home_chamber_id) in subject_keys:
        reasons.append(_("{reviewer} comes from {chamber}").format(reviewer=name, chamber=reviewer.home_chamber))
    district = reviewer_district(reviewer)
    if district and "division:{}".format(district) in subject_keys:
        reasons.append(_("{reviewer} comes from the same district ({code})").format(reviewer=name, code=district))
    if reviewer.home_branch_id and "branch:{}".format(reviewer.home_branch_id) in subject_keys:
        reasons.append(_("{reviewer} comes from {branch}, which the subject belongs to").format(
            reviewer=name, branch=reviewer.home_branch))
    return reasons


def reviewer_label(reviewer):
    return actor_label(reviewer.user)


# --- The planner (pure) ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanSubject:
    id: int
    name: str
    keys: frozenset


@dataclass(frozen=True)
class PlanGroup:
    id: int
    name: str
    keys: frozenset  # the union of its members' keys
    has_members: bool = True


def plan_eligible(subject, groups):
    """The groups `subject` may go to: with members, none of them conflicting."""
    return [g for g in groups if g.has_members and not (subject.keys & g.keys)]


def plan_assignment(subjects, groups, loads=None):
    """Give each subject a group: the most constrained subject first (fewest eligible
    groups), to the least loaded eligible group; ties by name, then id, so the same
    input always gives the same plan. Returns ({subject id: group id}, [unplaced ids])."""
    loads = {g.id: (loads or {}).get(g.id, 0) for g in groups}
    eligible = {s.id: plan_eligible(s, groups) for s in subjects}
    order = sorted(subjects, key=lambda s: (len(eligible[s.id]), s.name, s.id))
    placed, unplaced = {}, []
    for subject in order:
        options = eligible[subject.id]
        if not options:
            unplaced.append(subject.id)
            continue
        best = min(options, key=lambda g: (loads[g.id], g.name, g.id))
        placed[subject.id] = best.id
        loads[best.id] += 1
    return placed, unplaced
