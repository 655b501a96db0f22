"""The rules of movement: which step a submission may take in which campaign stage, and
the one place that takes a step and records it (who, when, comment).

A step that breaks the rules is refused with a ValidationError saying why, in the
user's language. Steps are conditional updates (`status=<from>`), so two people acting
on one submission at once cannot both move it.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chamber.audit import actor_label, audit_record

from .models import Campaign, CampaignStage, StageTransition, Submission, SubmissionStatus

S = SubmissionStatus
C = CampaignStage

CAMPAIGN_ORDER = [stage.value for stage in CampaignStage]

# (from, to) -> the campaign stages in which the step is allowed.
SUBMISSION_STEPS = {
    (S.INELIGIBLE, S.ELIGIBLE): {C.APPLICATION, C.SELF_ASSESSMENT},  # re-checked or overruled with a reason
    (S.ELIGIBLE, S.INELIGIBLE): {C.APPLICATION, C.SELF_ASSESSMENT},
    (S.ELIGIBLE, S.SELF_ASSESSED): {C.APPLICATION, C.SELF_ASSESSMENT},
    (S.RETURNED, S.SELF_ASSESSED): {C.SELF_ASSESSMENT, C.PRELIMINARY_REVIEW},
    (S.SELF_ASSESSED, S.PASSED): {C.PRELIMINARY_REVIEW},
    (S.SELF_ASSESSED, S.RETURNED): {C.PRELIMINARY_REVIEW},
    (S.SELF_ASSESSED, S.REJECTED): {C.PRELIMINARY_REVIEW},
    (S.PASSED, S.SCORED): {C.INSPECTION, C.DECISION},
    (S.SCORED, S.PASSED): {C.INSPECTION, C.DECISION},  # a sheet reopened
    (S.SCORED, S.DECIDED): {C.DECISION},
    (S.PASSED, S.DECIDED): {C.DECISION},  # decided without a grade (e.g. not inspected)
    (S.DECIDED, S.SCORED): {C.DECISION},  # decision reopened before publication
    (S.DECIDED, S.PUBLISHED): {C.PUBLICATION},
    (S.PUBLISHED, S.DECIDED): {C.PUBLICATION},  # an objection upheld: decide again
    (S.PUBLISHED, S.AWARDED): {C.CLOSED},
}
WITHDRAWABLE = {S.ELIGIBLE, S.INELIGIBLE, S.SELF_ASSESSED, S.RETURNED, S.PASSED, S.SCORED}
for _status in WITHDRAWABLE:
    SUBMISSION_STEPS[(_status, S.WITHDRAWN)] = {
        C.APPLICATION, C.SELF_ASSESSMENT, C.PRELIMINARY_REVIEW, C.INSPECTION,
    }

# Statuses in which the subject may still edit its self-assessment and evidence.
SELF_ASSESSMENT_OPEN = {S.ELIGIBLE, S.RETURNED}


def submission_step_problem(submission, to, campaign=None):
    """Why `submission` may not move to `to` now, or None."""
    campaign = campaign or submission.campaign
    stages = SUBMISSION_STEPS.get((submission.status, to))
    if stages is None:
        return _("A submission that is “{current}” cannot become “{target}”.").format(
            current=S(submission.status).label, target=S(to).label
        )
    if campaign.stage not in stages:
        return _("Not possible while the campaign is at the stage “{stage}”.").format(
            stage=C(campaign.stage).label
        )
    return None


def transition_record(*, campaign, submission, from_state, to_state, actor, comment):
    """Append one line to the log (`from_state` "" for a submission's creation)."""
    return StageTransition.objects.create(
        chamber_id=campaign.chamber_id, campaign=campaign, submission=submission, from_state=from_state,
        to_state=to_state, actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor)[:150], comment=(comment or "")[:1000],
    )


# Fields saved with a step that the audit entry leaves out: the comment is its reason already.
_NOT_AUDITED = {"decision_comment"}


@transaction.atomic
def submission_move(submission, to, *, actor, comment="", campaign=None, audit_action="status", **fields):
    """Move a submission one step and record it; `fields` are saved with the step. Every
    step also goes into the chamber's audit log as `audit_action` (decide, overrule,
    recheck, ...), with the status and the fields before and after and the comment as reason."""
    campaign = campaign or submission.campaign
    problem = submission_step_problem(submission, to, campaign)
    if problem:
        raise ValidationError(problem)
    from_state = submission.status
    before = {name: getattr(submission, name, None) for name in fields if name not in _NOT_AUDITED}
    updated = Submission.objects.filter(pk=submission.pk, status=from_state).update(status=to, **fields)
    if not updated:
        raise ValidationError(_("Someone else changed this submission just now. Reload and try again."))
    submission.status = to
    for name, value in fields.items():
        setattr(submission, name, value)
    transition_record(campaign=campaign, submission=submission, from_state=from_state, to_state=to, actor=actor,
            comment=comment)
    changes = {"status": [from_state, to]}
    changes.update({name: [old, fields[name]] for name, old in before.items() if old != fields[name]})
    audit_record(chamber=campaign.chamber, actor=actor, action=audit_action, target=submission, changes=changes,
                 reason=comment)
    return submission


@transaction.atomic
def campaign_move(campaign, to, *, actor, comment="", **fields):
    """Move a campaign to another stage and record it. The caller has checked the gates
    (everything assigned, everything scored ...); this only refuses skipping stages and
    lost races."""
    current, target = CAMPAIGN_ORDER.index(campaign.stage), CAMPAIGN_ORDER.index(to)
    if target != current + 1:
        raise ValidationError(_("A campaign moves one stage at a time, from “{current}” to the next.").format(
            current=C(campaign.stage).label
        ))
    from_state = campaign.stage
    if not Campaign.objects.filter(pk=campaign.pk, stage=from_state).update(stage=to, **fields):
        raise ValidationError(_("Someone else changed this campaign just now. Reload and try again."))
    campaign.stage = to
    for name, value in fields.items():
        setattr(campaign, name, value)
    transition_record(campaign=campaign, submission=None, from_state=from_state, to_state=to, actor=actor,
            comment=comment)
    return campaign
