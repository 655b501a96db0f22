"""Demo data of the evaluations app, seeded into the 郯城县工商联 demo federation by
`seed_demo`: the starter rubrics, two ratings recorded by hand, and this year's star
rating at the on-site inspection stage — six subjects self-assessed and passed, one
working group, and sheets scored by demo-admin for all and by demo-reviewer for some, so
demo-reviewer still has work waiting under "My reviews".

Idempotent: when the campaign exists, nothing is done again. Everything goes through the
services, so the demo obeys the same rules as a user.
"""
import datetime
import hashlib

from django.contrib.auth import get_user_model
from django.db import transaction
from django_scopes import scope

from branches.models import Branch

from .assignment import campaign_assign_groups, group_create, reviewer_add, reviewer_set_group
from .campaigns import campaign_advance, campaign_create, campaign_subjects_add, submission_review
from .models import Campaign, Scheme, SchemeKind, SubmissionStatus
from .ratings import rating_record
from .rubrics import version_leaf_rules
from .scoring import self_sheet, sheet_for_reviewer, sheet_save, sheet_submit
from .starters import starter_schemes_install

FEDERATION = "tancheng"
AFFILIATE = "sh-tancheng"
CAMPAIGN_NAME = "2026年度星级基层商会考评"
SUBJECT_BRANCHES = ("JZ", "CY", "IT", "MT", "GS")
# Ratings held before this year's campaign: (branch code, level, label, awarded on).
HELD = (("MT", 3, "三星级", "2024-12-20"), ("JZ", 4, "四星级", "2023-12-28"))
# demo-reviewer leaves these subjects unscored, so the demo has work waiting.
LEFT_FOR_REVIEWER = ("IT", "GS")


def _pick(*key):
    return int(hashlib.sha256("/".join(map(str, key)).encode()).hexdigest()[:8], 16)


def _scores(rules, *key):
    """Plausible scores: mostly full marks, a deduction with a reason here and there."""
    scores = {}
    for indicator_id, rule in rules.items():
        roll = _pick(*key, indicator_id) % 10
        if rule.mode == "yes_no" or rule.is_veto:
            yes = rule.is_veto or roll < 8
            scores[indicator_id] = (yes, "" if yes else "现场未见")
        elif rule.mode == "graded":
            option = sorted(rule.options, reverse=True)[0 if roll < 7 else min(1, len(rule.options) - 1)]
            scores[indicator_id] = (option, "" if option == rule.max_points else "材料不够完整")
        elif rule.is_bonus:
            scores[indicator_id] = (min(rule.max_points, roll // 3), "" if roll // 3 >= rule.max_points else "加分项目较少")
        else:
            deduction = min(rule.max_points, roll // 4)
            scores[indicator_id] = (rule.max_points - deduction, "台帐记录有缺漏" if deduction else "")
    return scores


def _fill(sheet, rules, actor, *key):
    sheet_save(sheet, actor=actor, scores=_scores(rules, *key))
    sheet_submit(sheet, actor=actor)


@transaction.atomic
def seed_evaluations(chambers, created):
    """Seed the demo evaluations into the federation of `chambers` (slug -> Chamber)."""
    federation, affiliate = chambers[FEDERATION], chambers[AFFILIATE]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=("demo-admin", "demo-reviewer"))}
    admin, reviewer = users["demo-admin"], users["demo-reviewer"]
    with scope(chamber=federation):
        if Campaign.objects.filter(chamber=federation, name=CAMPAIGN_NAME).exists():
            return
        created["rubric version"] += len(starter_schemes_install(chamber=federation, actor=admin))
        scheme = Scheme.objects.filter(chamber=federation, kind=SchemeKind.STAR_RATING).order_by("pk").first()
        version = scheme.versions.order_by("-pk").first()
        branches = {b.code: b for b in Branch.objects.filter(chamber=federation, code__in=SUBJECT_BRANCHES)}
        for code, level, label, awarded_on in HELD:
            rating_record(chamber=federation, actor=admin, scheme=scheme, level=level, grade_label=label,
                          awarded_on=datetime.date.fromisoformat(awarded_on), branch=branches[code],
                          awarded_by="郯城县工商联")
            created["rating"] += 1

        campaign = campaign_create(
            chamber=federation, actor=admin, name=CAMPAIGN_NAME, year=2026, version=version,
            applications_close=datetime.date(2026, 9, 30), self_assessment_due=datetime.date(2026, 10, 31),
            preliminary_review_due=datetime.date(2026, 11, 15), inspection_due=datetime.date(2026, 12, 10),
            decision_due=datetime.date(2026, 12, 20), reviewers_per_subject=2,
            description="依照星级基层商会考评细则，分组互查、现场评分。",
        )
        created["campaign"] += 1
        campaign_advance(campaign, actor=admin, comment="启动申报")
        campaign_subjects_add(campaign, actor=admin, branches=list(branches.values()), chambers=[affiliate])
        campaign_advance(campaign, actor=admin, comment="进入自评阶段")

        rules = version_leaf_rules(version)
        submissions = list(campaign.submissions.select_related("subject_branch", "subject_chamber"))
        for submission in submissions:
            if submission.status == SubmissionStatus.ELIGIBLE:
                _fill(self_sheet(submission), rules, admin, "self", submission.subject_name)
        campaign_advance(campaign, actor=admin, comment="自评截止，进入初审")
        for submission in campaign.submissions.filter(status=SubmissionStatus.SELF_ASSESSED):
            submission_review(submission, actor=admin, outcome="pass", comment="材料齐全")

        group = group_create(campaign, actor=admin, name="第一工作组")
        for user in (admin, reviewer):
            reviewer_set_group(reviewer_add(campaign, actor=admin, user=user), actor=admin, group=group)
        campaign_assign_groups(campaign, actor=admin)
        campaign_advance(campaign, actor=admin, comment="分组互查，现场考核")

        for submission in campaign.submissions.filter(status=SubmissionStatus.PASSED).select_related(
            "subject_branch", "campaign__version"
        ):
            code = submission.subject_branch.code if submission.subject_branch_id else AFFILIATE
            _fill(sheet_for_reviewer(submission, admin), rules, admin, "admin", code)
            if code not in LEFT_FOR_REVIEWER:
                _fill(sheet_for_reviewer(submission, reviewer), rules, reviewer, "reviewer", code)
            created["score sheet"] += 1
