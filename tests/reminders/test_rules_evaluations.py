"""The evaluation reminder rules: stage deadlines to subjects that have not submitted,
unscored assignments to reviewers, ratings about to expire — on exactly their lead days, to
exactly the people who act, once, in each recipient's language, in a fixed number of queries."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm, remove_perm

from chamber.models import RoleKind, UserPreference
from chamber.reminders.models import ReminderRule
from chamber.services import role_grant
from evaluations.models import (
    Campaign,
    CampaignReviewer,
    CampaignStage,
    Rating,
    RatingStatus,
    ResultMode,
    ScoreSheet,
    SheetKind,
    SubmissionStatus,
    WorkingGroup,
)
from evaluations.reminders import campaign_deadline_reminders, rating_expiry_reminders, review_pending_reminders

from ..factories import user_with_role
from .fixtures_f import *  # noqa: F401,F403 - the fixtures
from .fixtures_f import (
    DUE,
    TODAY,
    days_before,
    deliveries,
    deliveries_elsewhere,
    make_campaign,
    make_submission,
    scan,
    sent_to,
    timeline,
)

S = SubmissionStatus
DEADLINE, REVIEW, EXPIRY = ReminderRule.CAMPAIGN_DEADLINE, ReminderRule.REVIEW_PENDING, ReminderRule.RATING_EXPIRY


# --- Stage deadlines ---------------------------------------------------------------------------------

@pytest.fixture
def deadline_world(make_user, federation, campaign, fed_branches, affiliate, affiliate_admin, affiliate_secretary,
                   affiliate_readonly, street_secretary, district_secretary, gulou_secretary, fed_admin,
                   other_affiliate_admin):
    """The campaign at the self-assessment, due on DUE: the affiliate (not submitted), 夫子庙
    (returned), 江东 (submitted) and a second affiliated chamber (submitted)."""
    from tests.evaluations.review_helpers import make_affiliate

    timeline(campaign, CampaignStage.SELF_ASSESSMENT, self_assessment_due=DUE)
    done = make_affiliate(federation, "ly-chamber", "320116")
    user_with_role(make_user, done, "lu", RoleKind.CHAMBER_ADMIN)
    return {
        "affiliate": make_submission(campaign, S.ELIGIBLE, chamber=affiliate),
        "fuzimiao": make_submission(campaign, S.RETURNED, branch=fed_branches["fuzimiao"]),
        "jiangdong": make_submission(campaign, S.SELF_ASSESSED, branch=fed_branches["jiangdong"]),
        "done": make_submission(campaign, S.SELF_ASSESSED, chamber=done),
    }


def test_deadline_reminders_go_out_exactly_on_the_lead_days(federation, campaign, deadline_world):
    assert scan(federation, days_before(DUE, 13), DEADLINE) == 0
    assert scan(federation, days_before(DUE, 15), DEADLINE) == 0
    assert scan(federation, days_before(DUE, 14), DEADLINE) == 4
    rows = deliveries(federation, DEADLINE)
    assert {row.occasion for row in rows} == {"self_assessment/2026-04-15/14"}
    assert {row.subject_type for row in rows} == {"evaluations.submission"}
    assert scan(federation, days_before(DUE, 7), DEADLINE) == 4  # the next lead day: new occasion


def test_deadline_reminders_reach_the_people_acting_for_subjects_that_have_not_submitted(
        federation, affiliate, deadline_world):
    scan(federation, days_before(DUE, 14), DEADLINE)
    rows = deliveries(federation, DEADLINE)
    affiliate_pk, fuzimiao_pk = str(deadline_world["affiliate"].pk), str(deadline_world["fuzimiao"].pk)
    # The affiliate's admin and secretariat (its read-only staff not); 夫子庙's secretary and the
    # one above it (鼓楼's not); nobody for the subjects that submitted; the federation's admin not.
    assert sent_to(rows) == {("jiang", affiliate_pk), ("jiang-sec", affiliate_pk), ("sun", fuzimiao_pk),
                             ("qin", fuzimiao_pk)}
    links = {row.subject_id: row.link for row in rows}
    assert links[affiliate_pk] == reverse("evaluations:self_assessment",
                                          kwargs={"chamber": affiliate.slug, "pk": affiliate_pk})
    assert links[fuzimiao_pk] == reverse("evaluations:self_assessment",
                                         kwargs={"chamber": federation.slug, "pk": fuzimiao_pk})


def test_a_second_scan_adds_nothing(federation, deadline_world):
    assert scan(federation, days_before(DUE, 14), DEADLINE) == 4
    assert scan(federation, days_before(DUE, 14), DEADLINE) == 0
    assert len(deliveries(federation, DEADLINE)) == 4


def test_only_the_current_stage_deadline_counts(federation, campaign, deadline_world):
    # At the preliminary review the self-assessment deadline is past business; only the
    # subject returned for completion is reminded, of the preliminary review's deadline.
    timeline(campaign, CampaignStage.PRELIMINARY_REVIEW, self_assessment_due=DUE,
             preliminary_review_due=DUE + datetime.timedelta(days=7))
    assert scan(federation, days_before(DUE, 14), DEADLINE) == 0
    assert scan(federation, days_before(DUE, 7), DEADLINE) == 2
    rows = deliveries(federation, DEADLINE)
    assert sent_to(rows) == {("sun", str(deadline_world["fuzimiao"].pk)), ("qin", str(deadline_world["fuzimiao"].pk))}
    assert {row.occasion for row in rows} == {"preliminary_review/2026-04-22/14"}
    timeline(campaign, CampaignStage.INSPECTION)
    assert scan(federation, days_before(DUE, 0), DEADLINE) == 0


def test_other_federations_are_untouched(federation, deadline_world, other_federation, other_affiliate_admin):
    other_campaign = make_campaign(other_federation, "2026年度苏州星级商会考评", CampaignStage.SELF_ASSESSMENT)
    make_submission(other_campaign, S.ELIGIBLE, chamber=other_affiliate_admin.subject_chamber)
    scan(federation, days_before(DUE, 14), DEADLINE)
    assert deliveries_elsewhere(federation) == 0
    assert "wu" not in {row.recipient.username for row in deliveries(federation, DEADLINE)}
    assert scan(other_federation, days_before(DUE, 14), DEADLINE) == 1
    assert {row.recipient.username for row in deliveries(other_federation, DEADLINE)} == {"wu"}
    assert len(deliveries(federation, DEADLINE)) == 4


def test_each_recipient_reads_the_deadline_in_their_language(federation, deadline_world, affiliate_admin):
    UserPreference.objects.create(user=affiliate_admin, language="en")
    scan(federation, days_before(DUE, 14), DEADLINE)
    by_user = {row.recipient.username: row for row in deliveries(federation, DEADLINE)}
    english, chinese = by_user["jiang"], by_user["jiang-sec"]
    assert english.language == "en"
    assert english.title == "南京市江宁区商会: Self-assessment of “2026年度星级基层商会考评” due on April 15, 2026"
    assert "has not been submitted yet" in english.body
    assert chinese.language == "zh-hans"
    assert "自评" in chinese.title and "2026年4月15日" in chinese.title


def test_the_deadline_rule_runs_two_queries_whatever_the_number_of_subjects(
        federation, campaign, deadline_world, fed_branches, django_assert_num_queries):
    from tests.evaluations.review_helpers import make_affiliate

    today = days_before(DUE, 14)
    with scope(chamber=federation), django_assert_num_queries(2):  # the submissions due; the roles
        assert len(list(campaign_deadline_reminders(federation, today, [14, 7, 1]))) == 4
    make_submission(campaign, S.ELIGIBLE, branch=fed_branches["gulou"])
    make_submission(campaign, S.ELIGIBLE, branch=fed_branches["catering"])
    for n in range(3):
        make_submission(campaign, S.ELIGIBLE, chamber=make_affiliate(federation, "x{}".format(n), "32011{}".format(n)))
    with scope(chamber=federation), django_assert_num_queries(2):
        assert len(list(campaign_deadline_reminders(federation, today, [14, 7, 1]))) == 5  # + 鼓楼's secretary
    with scope(chamber=federation), django_assert_num_queries(1):  # nothing due: no roles read
        assert list(campaign_deadline_reminders(federation, days_before(DUE, 13), [14, 7, 1])) == []


# --- Reviewers ------------------------------------------------------------------------------------------

@pytest.fixture
def review_world(federation, campaign, fed_branches, affiliate, fed_reviewers):
    """At the on-site inspection, due on DUE. Group A (wang, li): the affiliate and 夫子庙 to
    score, 江东 scored; group B (zhao): 餐饮商会, which zhao has scored."""
    wang, li, zhao = fed_reviewers
    timeline(campaign, CampaignStage.INSPECTION, inspection_due=DUE)
    with scope(chamber=federation):
        group_a = WorkingGroup.objects.create(chamber=federation, campaign=campaign, name="第一组")
        group_b = WorkingGroup.objects.create(chamber=federation, campaign=campaign, name="第二组")
        for user, group in ((wang, group_a), (li, group_a), (zhao, group_b)):
            CampaignReviewer.objects.create(chamber=federation, campaign=campaign, user=user, group=group)
    subs = {
        "affiliate": make_submission(campaign, S.PASSED, chamber=affiliate, group=group_a),
        "fuzimiao": make_submission(campaign, S.PASSED, branch=fed_branches["fuzimiao"], group=group_a),
        "jiangdong": make_submission(campaign, S.SCORED, branch=fed_branches["jiangdong"], group=group_a),
        "catering": make_submission(campaign, S.PASSED, branch=fed_branches["catering"], group=group_b),
    }
    with scope(chamber=federation):
        for key in ("affiliate", "fuzimiao", "jiangdong"):
            for user in (wang, li):
                assign_perm("evaluations.review_submission", user, subs[key])
        assign_perm("evaluations.review_submission", zhao, subs["catering"])
        for submission, user, submitted in ((subs["affiliate"], wang, True), (subs["affiliate"], li, False),
                                            (subs["catering"], zhao, True)):
            ScoreSheet.objects.create(chamber=federation, submission=submission, kind=SheetKind.REVIEWER,
                                      reviewer=user, submitted_at=timezone.now() if submitted else None)
    return subs


def test_reviewers_are_reminded_once_per_campaign_with_what_they_still_have_to_score(
        federation, campaign, review_world, fed_reviewers):
    wang, li, _zhao = fed_reviewers
    UserPreference.objects.create(user=wang, language="en")
    UserPreference.objects.create(user=li, language="en")
    assert scan(federation, days_before(DUE, 13), REVIEW) == 0
    assert scan(federation, days_before(DUE, 15), REVIEW) == 0
    assert scan(federation, days_before(DUE, 14), REVIEW) == 2
    rows = {row.recipient.username: row for row in deliveries(federation, REVIEW)}
    assert set(rows) == {"wang", "li"}  # zhao has scored all of his
    assert rows["wang"].title == "You have 1 subject still to score in “2026年度星级基层商会考评”, due April 15, 2026"
    assert rows["li"].title == "You have 2 subjects still to score in “2026年度星级基层商会考评”, due April 15, 2026"
    assert {(row.subject_type, row.subject_id, row.occasion) for row in rows.values()} == {
        ("evaluations.campaign", str(campaign.pk), "{}/2026-04-15/14".format(campaign.pk))}
    assert rows["li"].link == reverse("evaluations:reviews", kwargs={"chamber": federation.slug})
    assert scan(federation, days_before(DUE, 14), REVIEW) == 0


def test_reviewers_are_reminded_only_during_the_inspection(federation, campaign, review_world):
    timeline(campaign, CampaignStage.DECISION)
    assert scan(federation, days_before(DUE, 14), REVIEW) == 0
    timeline(campaign, CampaignStage.PRELIMINARY_REVIEW)
    assert scan(federation, days_before(DUE, 14), REVIEW) == 0


def test_reviewer_without_a_grant_is_not_reminded(federation, campaign, review_world, fed_reviewers):
    # A grant taken away (the reviewer left the group): nothing more to score for them.
    _wang, li, _zhao = fed_reviewers
    with scope(chamber=federation):
        for key in ("affiliate", "fuzimiao"):
            remove_perm("evaluations.review_submission", li, review_world[key])
    scan(federation, days_before(DUE, 14), REVIEW)
    assert {row.recipient.username for row in deliveries(federation, REVIEW)} == {"wang"}
    assert deliveries_elsewhere(federation) == 0


def test_with_a_consensus_every_member_of_a_group_still_to_score_is_reminded(federation, campaign, review_world):
    # No reviewer sheets with a consensus: a passed subject waits for its group's one sheet.
    with scope(chamber=federation):
        Campaign.objects.filter(pk=campaign.pk).update(result_mode=ResultMode.CONSENSUS)
        ScoreSheet.objects.filter(submission__campaign=campaign).delete()
    scan(federation, days_before(DUE, 14), REVIEW)
    assert {row.recipient.username for row in deliveries(federation, REVIEW)} == {"wang", "li", "zhao"}


def test_the_review_rule_runs_one_query(federation, campaign, review_world, fed_branches, fed_reviewers,
                                        django_assert_num_queries):
    today = days_before(DUE, 14)
    with scope(chamber=federation), django_assert_num_queries(1):  # the grants with their sheets and campaigns
        assert len(list(review_pending_reminders(federation, today, [14]))) == 2
    extra = make_submission(campaign, S.PASSED, branch=fed_branches["gulou"], group=review_world["catering"].group)
    with scope(chamber=federation):
        assign_perm("evaluations.review_submission", fed_reviewers[2], extra)
    with scope(chamber=federation), django_assert_num_queries(1):
        assert len(list(review_pending_reminders(federation, today, [14]))) == 3


# --- Ratings --------------------------------------------------------------------------------------------

def make_rating(federation, version, *, valid_until, chamber=None, branch=None, status=RatingStatus.ACTIVE):
    with scope(chamber=federation):
        return Rating.objects.create(
            chamber=federation, scheme=version.scheme, version=version, subject_chamber=chamber, subject_branch=branch,
            subject_name=(chamber or branch).name, level=4, grade_label="四星级",
            awarded_on=datetime.date(2023, 7, 1), valid_until=valid_until, status=status)


EXPIRES = TODAY + datetime.timedelta(days=90)


@pytest.fixture
def rating_world(federation, star_version, fed_branches, affiliate, affiliate_admin, affiliate_secretary,
                 street_secretary, district_secretary, gulou_secretary, fed_admin, fed_secretary):
    """Held until EXPIRES: the affiliate's and 夫子庙's ratings; 江东's is revoked; 餐饮's
    lasts longer."""
    return {
        "affiliate": make_rating(federation, star_version, valid_until=EXPIRES, chamber=affiliate),
        "fuzimiao": make_rating(federation, star_version, valid_until=EXPIRES, branch=fed_branches["fuzimiao"]),
        "jiangdong": make_rating(federation, star_version, valid_until=EXPIRES, branch=fed_branches["jiangdong"],
                                 status=RatingStatus.REVOKED),
        "catering": make_rating(federation, star_version, valid_until=EXPIRES + datetime.timedelta(days=100),
                                branch=fed_branches["catering"]),
    }


def test_rating_expiry_reaches_the_federation_admins_and_the_subjects_people(federation, affiliate, rating_world):
    assert scan(federation, days_before(EXPIRES, 89), EXPIRY) == 0
    assert scan(federation, days_before(EXPIRES, 91), EXPIRY) == 0
    assert scan(federation, days_before(EXPIRES, 90), EXPIRY) == 6
    rows = deliveries(federation, EXPIRY)
    affiliate_pk, fuzimiao_pk = str(rating_world["affiliate"].pk), str(rating_world["fuzimiao"].pk)
    assert sent_to(rows) == {("feng", affiliate_pk), ("jiang", affiliate_pk), ("jiang-sec", affiliate_pk),
                             ("feng", fuzimiao_pk), ("sun", fuzimiao_pk), ("qin", fuzimiao_pk)}
    assert {row.occasion for row in rows} == {"2026-06-30/90"}
    links = {(row.recipient.username, row.subject_id): row.link for row in rows}
    assert links[("feng", affiliate_pk)] == reverse("evaluations:ratings", kwargs={"chamber": federation.slug})
    assert links[("jiang", affiliate_pk)] == reverse("evaluations:mine", kwargs={"chamber": affiliate.slug})
    assert links[("sun", fuzimiao_pk)] == reverse("evaluations:mine", kwargs={"chamber": federation.slug})
    assert scan(federation, days_before(EXPIRES, 90), EXPIRY) == 0
    assert scan(federation, days_before(EXPIRES, 30), EXPIRY) == 6
    assert deliveries_elsewhere(federation) == 0


def test_an_admin_who_is_also_a_branch_secretary_gets_one_message(federation, rating_world, fed_admin,
                                                                   fed_branches):
    with scope(chamber=federation):
        role_grant(chamber=federation, user=fed_admin, kind=RoleKind.BRANCH_SECRETARY, actor=None,
                   branch=fed_branches["qinhuai"])
    scan(federation, days_before(EXPIRES, 90), EXPIRY)
    fuzimiao = [row for row in deliveries(federation, EXPIRY) if row.subject_id == str(rating_world["fuzimiao"].pk)]
    assert sorted(row.recipient.username for row in fuzimiao) == ["feng", "qin", "sun"]


def test_rating_expiry_in_the_recipients_language(federation, rating_world, affiliate_admin):
    UserPreference.objects.create(user=affiliate_admin, language="en")
    scan(federation, days_before(EXPIRES, 90), EXPIRY)
    rows = {row.recipient.username: row for row in deliveries(federation, EXPIRY)
            if row.subject_id == str(rating_world["affiliate"].pk)}
    assert rows["jiang"].language == "en"
    assert rows["jiang"].title == "The rating “四星级” of 南京市江宁区商会 expires on June 30, 2026"
    assert "July 1, 2023" in rows["jiang"].body
    assert rows["feng"].language == "zh-hans" and "2026年6月30日" in rows["feng"].title


def test_the_rating_rule_runs_two_queries(federation, star_version, rating_world, fed_branches,
                                          django_assert_num_queries):
    today = days_before(EXPIRES, 90)
    with scope(chamber=federation), django_assert_num_queries(2):  # the ratings; the roles
        assert len(list(rating_expiry_reminders(federation, today, [90, 30]))) == 6
    make_rating(federation, star_version, valid_until=EXPIRES, branch=fed_branches["gulou"])
    make_rating(federation, star_version, valid_until=EXPIRES, branch=fed_branches["jiangdong"])
    with scope(chamber=federation), django_assert_num_queries(2):
        assert len(list(rating_expiry_reminders(federation, today, [90, 30]))) == 10
