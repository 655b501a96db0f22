"""Campaign pages: who may open what (outsiders 404, read-only staff 403 on writes,
reviewers only their assigned submissions, subjects only their own and only from their
own workspace), set-up, the progress overview and its gates, subjects, the preliminary
review and the decision, the ranking, the ratings register, and applying."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from evaluations.models import Campaign, CampaignStage, Rating, RatingStatus, Submission
from evaluations.results import reference_date
from members.models import MembershipKind, MembershipStatus, Rank
from members.services import enterprise_create, membership_create
from tests.evaluations.campaign_helpers import D, S, hold, make_group, make_submission, set_stage
from tests.factories import make_uscc

C = CampaignStage
TODAY = timezone.localdate()
ROSTER_NAME = "江宁花木有限公司"


def url(chamber, name, **kwargs):
    return reverse(f"evaluations:{name}", kwargs={"chamber": chamber.slug, **kwargs})


@pytest.fixture
def scene(federation, fed_branches, affiliate, campaign):
    """The 2026 campaign open for applications: the affiliate, 夫子庙 and 江东 take part; the
    affiliate has a member of its own (its roster, which the federation never sees)."""
    with scope(chamber=affiliate):
        enterprise = enterprise_create(chamber=affiliate, actor=None, name=ROSTER_NAME, uscc=make_uscc(700001, "320115"))
        membership_create(chamber=affiliate, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=enterprise,
                          rank=Rank.objects.get(chamber=affiliate, code="member"), status=MembershipStatus.ACTIVE,
                          joined_on=datetime.date(2020, 1, 1))
    rating = hold(campaign.version.scheme, level=3, branch=fed_branches["fuzimiao"],
                  awarded_on=reference_date(campaign) - datetime.timedelta(days=400))
    return {
        "affiliate": make_submission(campaign, chamber=affiliate, status=S.ELIGIBLE),
        "fuzimiao": make_submission(campaign, branch=fed_branches["fuzimiao"], status=S.ELIGIBLE),
        "jiangdong": make_submission(campaign, branch=fed_branches["jiangdong"], status=S.ELIGIBLE),
        "rating": rating,
    }


def federation_urls(federation, campaign, scene):
    pk, sub = campaign.pk, scene["fuzimiao"].pk
    return [
        url(federation, "campaigns"), url(federation, "campaign_create"), url(federation, "campaign_detail", pk=pk),
        url(federation, "campaign_edit", pk=pk), url(federation, "campaign_subjects", pk=pk),
        url(federation, "campaign_ranking", pk=pk), url(federation, "submission_detail", pk=sub),
        url(federation, "ratings"), url(federation, "rating_record"),
        url(federation, "rating_revoke", pk=scene["rating"].pk),
        url(federation, "rating_history", kind="branch", pk=scene["fuzimiao"].subject_branch_id),
        url(federation, "mine"), url(federation, "mine_apply", campaign=pk),
    ]


POSTS = ["campaign_advance", "campaign_results"]


# --- Who may open what ---------------------------------------------------------------------------

def test_anonymous_is_sent_to_log_in(client, federation, campaign, scene):
    for u in federation_urls(federation, campaign, scene):
        response = client.get(u)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), u


def test_outsider_gets_404_everywhere(client_as, outsider, federation, campaign, scene):
    client = client_as(outsider)
    for u in federation_urls(federation, campaign, scene):
        assert client.get(u).status_code == 404, u
        assert client.post(u, {"action": "decide"}).status_code == 404, u
    for name in POSTS:
        assert client.post(url(federation, name, pk=campaign.pk)).status_code == 404


def test_an_affiliates_admin_gets_404_on_the_federations_pages(client_as, affiliate_admin, federation, campaign,
                                                               scene, affiliate):
    client = client_as(affiliate_admin)
    for u in federation_urls(federation, campaign, scene):
        assert client.get(u).status_code == 404, u
    # Its own submission is the federation's row: not reachable as a page of its own workspace either.
    assert client.get(url(affiliate, "submission_detail", pk=scene["affiliate"].pk)).status_code == 404


def test_read_only_staff_read_but_write_nothing(client_as, fed_readonly, federation, campaign, scene):
    client = client_as(fed_readonly)
    pk, sub = campaign.pk, scene["fuzimiao"].pk
    for name, kwargs in (("campaigns", {}), ("campaign_detail", {"pk": pk}), ("campaign_subjects", {"pk": pk}),
                         ("campaign_ranking", {"pk": pk}), ("submission_detail", {"pk": sub}), ("ratings", {})):
        response = client.get(url(federation, name, **kwargs))
        assert response.status_code == 200, name
        assert b"advance-form" not in response.content and b"submission-action" not in response.content
    for u in (url(federation, "campaign_create"), url(federation, "campaign_edit", pk=pk),
              url(federation, "rating_record"), url(federation, "rating_revoke", pk=scene["rating"].pk),
              url(federation, "mine")):
        assert client.get(u).status_code == 403, u
    for u, data in ((url(federation, "campaign_advance", pk=pk), {}),
                    (url(federation, "campaign_subjects", pk=pk), {"branches": [scene["fuzimiao"].subject_branch_id]}),
                    (url(federation, "submission_detail", pk=sub), {"action": "withdraw"}),
                    (url(federation, "campaign_create"), {"name": "x"})):
        assert client.post(u, data).status_code == 403, u
    with scope(chamber=federation):
        assert Campaign.objects.get(pk=pk).stage == C.APPLICATION
        assert Submission.objects.get(pk=sub).status == S.ELIGIBLE


def test_reviewers_open_only_their_assigned_submissions(client_as, fed_reviewers, federation, campaign, scene):
    wang = fed_reviewers[0]
    set_stage(campaign, C.INSPECTION)
    assign_perm("evaluations.review_submission", wang, scene["fuzimiao"])
    client = client_as(wang)
    response = client.get(url(federation, "submission_detail", pk=scene["fuzimiao"].pk))
    assert response.status_code == 200
    assert b"submission-action" not in response.content  # no review or decision buttons
    assert url(federation, "sheet", pk=scene["fuzimiao"].pk).encode() in response.content  # their own sheet
    assert client.get(url(federation, "submission_detail", pk=scene["jiangdong"].pk)).status_code == 404
    assert client.post(url(federation, "submission_detail", pk=scene["fuzimiao"].pk),
                       {"action": "decide"}).status_code == 403
    assert client.get(url(federation, "campaigns")).status_code == 403


def test_the_federation_never_sees_the_affiliates_roster(client_as, fed_admin, federation, campaign, scene, affiliate):
    client = client_as(fed_admin)
    for u in (url(federation, "campaign_subjects", pk=campaign.pk),
              url(federation, "submission_detail", pk=scene["affiliate"].pk)):
        response = client.get(u)
        assert response.status_code == 200
        assert affiliate.name in response.content.decode()
        assert ROSTER_NAME not in response.content.decode()
    assert client.get(reverse("members:list", kwargs={"chamber": affiliate.slug})).status_code == 404


# --- Set-up and progress -------------------------------------------------------------------------

def test_create_and_edit_a_campaign(client_as, fed_admin, federation, star_version):
    client = client_as(fed_admin)
    data = {
        "name": "2027年度星级考评", "year": 2027, "version": star_version.pk, "description": "",
        "applications_close": "2027-03-01", "self_assessment_due": "2027-05-01", "preliminary_review_due": "2027-06-01",
        "inspection_due": "2027-10-31", "decision_due": "2027-12-01", "objection_days": 7, "result_mode": "mean",
        "reviewers_per_subject": 3, "enforce_prerequisites": "on",
    }
    bad = {**data, "inspection_due": "2027-05-15"}
    response = client.post(url(federation, "campaign_create"), bad)
    assert response.status_code == 200 and b"is-invalid" in response.content
    response = client.post(url(federation, "campaign_create"), data)
    assert response.status_code == 302
    with scope(chamber=federation):
        campaign = Campaign.objects.get(chamber=federation, name="2027年度星级考评")
    assert campaign.stage == C.DRAFT and campaign.inspection_due == datetime.date(2027, 10, 31)
    response = client.post(url(federation, "campaign_edit", pk=campaign.pk), {**data, "name": "2027年度星级基层商会考评"})
    assert response.status_code == 302
    with scope(chamber=federation):
        campaign.refresh_from_db()
    assert campaign.name == "2027年度星级基层商会考评"
    assert client.get(url(federation, "campaign_edit", pk=campaign.pk)).status_code == 200


def test_progress_overview_shows_counts_log_and_gate_problems(client_as, fed_admin, federation, campaign, scene):
    client = client_as(fed_admin)
    set_stage(campaign, C.PRELIMINARY_REVIEW)
    with scope(chamber=federation):
        Submission.objects.filter(pk=scene["jiangdong"].pk).update(status=S.SELF_ASSESSED)
    page = client.get(url(federation, "campaign_detail", pk=campaign.pk)).content.decode()
    assert 'data-status="eligible" data-count="2"' in page and 'data-status="self_assessed" data-count="1"' in page
    assert 'data-gate="blocked"' in page and 'aria-current="step"' in page
    response = client.post(url(federation, "campaign_advance", pk=campaign.pk), {"comment": "进入实地考核"})
    assert response.status_code == 400 and b'data-gate="refused"' in response.content
    with scope(chamber=federation):
        Submission.objects.filter(pk=scene["jiangdong"].pk).update(status=S.PASSED, group=make_group(campaign))
    response = client.post(url(federation, "campaign_advance", pk=campaign.pk), {"comment": "进入实地考核"})
    assert response.status_code == 302
    page = client.get(url(federation, "campaign_detail", pk=campaign.pk)).content.decode()
    assert "进入实地考核" in page and 'data-to="inspection"' in page


def test_publishing_is_for_those_who_decide(client_as, fed_secretary, fed_admin, federation, campaign, scene):
    set_stage(campaign, C.DECISION)
    with scope(chamber=federation):
        Submission.objects.filter(campaign=campaign).update(status=S.WITHDRAWN)
    assert client_as(fed_secretary).post(url(federation, "campaign_advance", pk=campaign.pk)).status_code == 403
    assert b"advance-form" not in client_as(fed_secretary).get(url(federation, "campaign_detail", pk=campaign.pk)).content
    assert client_as(fed_admin).post(url(federation, "campaign_advance", pk=campaign.pk)).status_code == 302
    with scope(chamber=federation):
        assert Campaign.objects.get(pk=campaign.pk).stage == C.PUBLICATION


# --- Subjects, review, decision ------------------------------------------------------------------

def test_add_subjects_shows_eligibility_problems(client_as, fed_admin, federation, campaign, fed_branches,
                                                 other_chamber):
    client = client_as(fed_admin)
    page = client.get(url(federation, "campaign_subjects", pk=campaign.pk)).content.decode()
    assert "夫子庙街道商会" in page and "秦淮片区" not in page  # a district is not a sub-chamber to rate
    response = client.post(url(federation, "campaign_subjects", pk=campaign.pk),
                           {"branches": [fed_branches["qinhuai"].pk]})
    assert response.status_code == 400  # not a valid choice
    response = client.post(url(federation, "campaign_subjects", pk=campaign.pk),
                           {"branches": [fed_branches["fuzimiao"].pk, fed_branches["catering"].pk]})
    assert response.status_code == 302
    with scope(chamber=federation):
        assert Submission.objects.filter(campaign=campaign).count() == 2


def test_preliminary_review_from_the_submission_page(client_as, fed_admin, federation, campaign, scene):
    set_stage(campaign, C.PRELIMINARY_REVIEW)
    s = scene["jiangdong"]
    with scope(chamber=federation):
        Submission.objects.filter(pk=s.pk).update(status=S.SELF_ASSESSED)
    client = client_as(fed_admin)
    page = client.get(url(federation, "submission_detail", pk=s.pk)).content.decode()
    assert 'data-action="review"' in page
    response = client.post(url(federation, "submission_detail", pk=s.pk), {"action": "review", "outcome": "return"})
    assert response.status_code == 400 and b"is-invalid" in response.content  # returning needs a comment
    response = client.post(url(federation, "submission_detail", pk=s.pk),
                           {"action": "review", "outcome": "return", "comment": "请补充会议纪要"})
    assert response.status_code == 302
    with scope(chamber=federation):
        assert Submission.objects.get(pk=s.pk).status == S.RETURNED
    page = client.get(url(federation, "submission_detail", pk=s.pk)).content.decode()
    assert "请补充会议纪要" in page


def test_decide_needs_the_decide_capability(client_as, fed_secretary, fed_admin, federation, campaign, scene):
    set_stage(campaign, C.DECISION)
    s = scene["fuzimiao"]
    with scope(chamber=federation):
        Submission.objects.filter(pk=s.pk).update(status=S.SCORED, result_total=D("84.5"), grade_level=4,
                                                  grade_label="四星级")
    secretary = client_as(fed_secretary)
    assert b'data-action="decide"' not in secretary.get(url(federation, "submission_detail", pk=s.pk)).content
    assert secretary.post(url(federation, "submission_detail", pk=s.pk), {"action": "decide"}).status_code == 403
    admin = client_as(fed_admin)
    page = admin.get(url(federation, "submission_detail", pk=s.pk)).content.decode()
    assert 'data-action="decide"' in page and "84.50" in page
    assert 'data-action="review"' not in page and 'data-action="objection"' not in page
    response = admin.post(url(federation, "submission_detail", pk=s.pk), {"action": "decide", "grade_level": "5",
                                                                          "comment": "破格"})
    assert response.status_code == 400  # 84.5 does not reach five stars
    response = admin.post(url(federation, "submission_detail", pk=s.pk), {"action": "decide", "grade_level": ""})
    assert response.status_code == 302
    with scope(chamber=federation):
        assert Submission.objects.get(pk=s.pk).status == S.DECIDED


def test_ranking_shows_two_decimal_places(client_as, fed_readonly, federation, campaign, fed_branches, scene):
    set_stage(campaign, C.DECISION)
    with scope(chamber=federation):
        Submission.objects.filter(pk=scene["fuzimiao"].pk).update(status=S.SCORED, result_total=D("89.5"), ranking=1,
                                                                  self_total=D("92"), grade_label="四星级")
        Submission.objects.filter(pk=scene["jiangdong"].pk).update(status=S.SCORED, result_total=D("77"), ranking=2,
                                                                   vetoed=False)
    page = client_as(fed_readonly).get(url(federation, "campaign_ranking", pk=campaign.pk)).content.decode()
    assert "89.50" in page and "92.00" in page and "77.00" in page
    assert page.index("夫子庙街道商会") < page.index("江东街道商会")


# --- Ratings register ----------------------------------------------------------------------------

def test_ratings_register_filters_expiring_and_history(client_as, fed_readonly, federation, campaign, fed_branches,
                                                       scene, affiliate):
    scheme = campaign.version.scheme
    soon = hold(scheme, level=4, chamber=affiliate, awarded_on=TODAY - datetime.timedelta(days=1000),
                valid_until=TODAY + datetime.timedelta(days=30))
    client = client_as(fed_readonly)
    page = client.get(url(federation, "ratings")).content.decode()
    assert f'data-rating="{soon.pk}"' in page and f'data-rating="{scene["rating"].pk}"' in page
    page = client.get(url(federation, "ratings") + "?expiring=90").content.decode()
    assert f'data-rating="{soon.pk}"' in page and f'data-rating="{scene["rating"].pk}"' not in page
    page = client.get(url(federation, "ratings") + "?q=夫子庙").content.decode()
    assert f'data-rating="{soon.pk}"' not in page and f'data-rating="{scene["rating"].pk}"' in page
    assert client.get(url(federation, "ratings") + "?level=abc").status_code == 200  # a bad filter is ignored
    page = client.get(url(federation, "rating_history", kind="chamber", pk=affiliate.pk)).content.decode()
    assert f'data-rating="{soon.pk}"' in page
    assert client.get(url(federation, "rating_history", kind="chamber", pk=federation.pk)).status_code == 404
    assert client.get(url(federation, "rating_history", kind="other", pk=1)).status_code == 404


def test_record_and_revoke_a_rating(client_as, fed_admin, fed_secretary, federation, campaign, fed_branches, scene):
    client = client_as(fed_secretary)
    data = {"scheme": campaign.version.scheme.pk, "subject": f"branch:{fed_branches['jiangdong'].pk}", "level": 3,
            "grade_label": "三星级", "awarded_on": "2025-12-01", "awarded_by": "鼓楼区工商联"}
    assert client.post(url(federation, "rating_record"), {**data, "subject": "chamber:999999"}).status_code == 400
    assert client.post(url(federation, "rating_record"), data).status_code == 302
    with scope(chamber=federation):
        recorded = Rating.objects.get(subject_branch=fed_branches["jiangdong"])
    assert (recorded.level, recorded.awarded_by) == (3, "鼓楼区工商联")
    # Revoking is a decision: the secretariat may not.
    assert client.get(url(federation, "rating_revoke", pk=recorded.pk)).status_code == 403
    admin = client_as(fed_admin)
    assert admin.post(url(federation, "rating_revoke", pk=recorded.pk), {"comment": ""}).status_code == 400
    assert admin.post(url(federation, "rating_revoke", pk=recorded.pk), {"comment": "材料造假"}).status_code == 302
    with scope(chamber=federation):
        recorded.refresh_from_db()
    assert recorded.status == RatingStatus.REVOKED
    assert admin.get(url(federation, "rating_revoke", pk=recorded.pk)).status_code == 404  # no longer held


# --- The subject's pages -------------------------------------------------------------------------

def test_an_affiliate_sees_only_its_own_submissions_and_applies(client_as, affiliate_admin, federation, affiliate,
                                                                campaign, star_version, scene, fed_admin):
    from evaluations.campaigns import campaign_create

    client = client_as(affiliate_admin)
    page = client.get(url(affiliate, "mine")).content.decode()
    assert f'data-submission="{scene["affiliate"].pk}"' in page
    assert f'data-submission="{scene["fuzimiao"].pk}"' not in page and "夫子庙" not in page
    # Another campaign of the federation, open for applications.
    with scope(chamber=federation):
        other = campaign_create(chamber=federation, actor=fed_admin, name="2026年度四星复评", year=2026,
                                version=star_version, applications_close=campaign.applications_close,
                                self_assessment_due=campaign.self_assessment_due,
                                preliminary_review_due=campaign.preliminary_review_due,
                                inspection_due=campaign.inspection_due, decision_due=campaign.decision_due)
    set_stage(other, C.APPLICATION)
    page = client.get(url(affiliate, "mine")).content.decode()
    assert f'data-campaign="{other.pk}"' in page and f'data-campaign="{campaign.pk}"' not in page  # applied already
    assert client.get(url(affiliate, "mine_apply", campaign=other.pk)).status_code == 200
    response = client.post(url(affiliate, "mine_apply", campaign=other.pk), {"applied_level": "4", "comment": "申请"})
    assert response.status_code == 302
    with scope(chamber=federation):
        s = Submission.objects.get(campaign=other, subject_chamber=affiliate)
    assert s.status == S.INELIGIBLE and s.applied_by_id == affiliate_admin.pk  # no three stars held
    response = client.post(url(affiliate, "mine_apply", campaign=other.pk), {"applied_level": "4"})
    assert response.status_code == 400  # applying twice
    # A campaign of a federation that is not its own does not exist from here.
    assert client.get(url(affiliate, "mine_apply", campaign=999999)).status_code == 404


def test_a_branch_secretary_sees_and_applies_for_their_sub_chamber_only(client_as, street_secretary, federation,
                                                                       campaign, fed_branches, scene):
    client = client_as(street_secretary)
    page = client.get(url(federation, "mine")).content.decode()
    assert f'data-submission="{scene["fuzimiao"].pk}"' in page
    assert f'data-submission="{scene["jiangdong"].pk}"' not in page
    assert client.get(url(federation, "submission_detail", pk=scene["fuzimiao"].pk)).status_code == 200
    assert client.get(url(federation, "submission_detail", pk=scene["jiangdong"].pk)).status_code == 404
    with scope(chamber=federation):
        Submission.objects.filter(pk=scene["fuzimiao"].pk).delete()
    response = client.post(url(federation, "mine_apply", campaign=campaign.pk),
                           {"branch": fed_branches["jiangdong"].pk, "applied_level": "4"})
    assert response.status_code == 400  # not within their reach
    response = client.post(url(federation, "mine_apply", campaign=campaign.pk),
                           {"branch": fed_branches["fuzimiao"].pk, "applied_level": "4"})
    assert response.status_code == 302
    with scope(chamber=federation):
        assert Submission.objects.get(campaign=campaign, subject_branch=fed_branches["fuzimiao"]).status == S.ELIGIBLE


# --- Query counts --------------------------------------------------------------------------------

# Every page: the session, the chamber, the user, their roles; base.html's chamber switcher (2).
BASE = 7  # session, user, chamber, roles (access), switcher (2), the inbox's unread count


@pytest.mark.parametrize("name, campaign_page, own", [
    ("campaigns", False, 2),         # count, campaigns (+ version, scheme, subjects counted)
    ("campaign_subjects", True, 3),  # the campaign, count, submissions (+ group)
    ("campaign_ranking", True, 3),   # the campaign, count, submissions (+ group)
    ("ratings", False, 3),           # count, ratings (+ scheme, campaign), the filter's schemes
])
def test_lists_cost_a_fixed_number_of_queries(client_as, fed_admin, federation, campaign, fed_branches, affiliate,
                                              django_assert_num_queries, name, campaign_page, own):
    client = client_as(fed_admin)
    set_stage(campaign, C.DECISION)
    u = url(federation, name, **({"pk": campaign.pk} if campaign_page else {}))
    make_submission(campaign, branch=fed_branches["fuzimiao"], group=make_group(campaign))
    hold(campaign.version.scheme, level=4, branch=fed_branches["fuzimiao"], awarded_on=TODAY)
    with django_assert_num_queries(BASE + own):
        assert client.get(u).status_code == 200
    make_submission(campaign, branch=fed_branches["jiangdong"], group=make_group(campaign, "第二组"))
    make_submission(campaign, chamber=affiliate)
    hold(campaign.version.scheme, level=4, chamber=affiliate, awarded_on=TODAY)
    hold(campaign.version.scheme, level=4, branch=fed_branches["jiangdong"], awarded_on=TODAY)
    with django_assert_num_queries(BASE + own):
        assert client.get(u).status_code == 200


def test_mine_costs_a_fixed_number_of_queries(client_as, affiliate_admin, federation, affiliate, campaign,
                                              django_assert_num_queries):
    client = client_as(affiliate_admin)
    make_submission(campaign, chamber=affiliate, status=S.ELIGIBLE)
    # Our submissions (count, page + campaign, federation), the federation's open campaigns,
    # those we applied to, whether we have sub-chambers, our ratings, our sub-chambers' ratings.
    with django_assert_num_queries(BASE + 7):
        assert client.get(url(affiliate, "mine")).status_code == 200
    hold(campaign.version.scheme, level=3, chamber=affiliate, awarded_on=TODAY)
    hold(campaign.version.scheme, level=4, chamber=affiliate, awarded_on=TODAY, status=RatingStatus.SUPERSEDED)
    with django_assert_num_queries(BASE + 7):
        assert client.get(url(affiliate, "mine")).status_code == 200
