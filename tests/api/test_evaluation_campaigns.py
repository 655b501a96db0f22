"""The campaigns API: campaigns (with `advance` and `subjects`), submissions (visibility,
`mine`, `apply`, the review and decision steps) and the ratings register. Isolation:
outsiders 404 everywhere, read-only staff 403 on every write, reviewers only their
assigned submissions, an affiliated chamber only its own, from its own workspace."""
import datetime

import pytest
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import assign_perm

from evaluations.models import Campaign, CampaignStage, Rating, RatingStatus, Submission
from evaluations.results import reference_date
from tests.evaluations.campaign_helpers import D, S, hold, make_group, make_submission, set_stage

from .conftest import api_url

C = CampaignStage
TODAY = timezone.localdate()


def ev(chamber, path=""):
    return api_url(chamber, "evaluations/" + path)


@pytest.fixture
def scene(federation, fed_branches, affiliate, campaign):
    rating = hold(campaign.version.scheme, level=3, branch=fed_branches["fuzimiao"],
                  awarded_on=reference_date(campaign) - datetime.timedelta(days=400))
    return {
        "affiliate": make_submission(campaign, chamber=affiliate, status=S.ELIGIBLE),
        "fuzimiao": make_submission(campaign, branch=fed_branches["fuzimiao"], status=S.ELIGIBLE),
        "jiangdong": make_submission(campaign, branch=fed_branches["jiangdong"], status=S.ELIGIBLE),
        "rating": rating,
    }


def reads(federation, campaign, scene):
    sub = scene["fuzimiao"].pk
    return [ev(federation, "campaigns/"), ev(federation, f"campaigns/{campaign.pk}/"), ev(federation, "submissions/"),
            ev(federation, f"submissions/{sub}/"), ev(federation, "ratings/"),
            ev(federation, f"ratings/{scene['rating'].pk}/")]


def writes(federation, campaign, scene):
    sub, rating = scene["fuzimiao"].pk, scene["rating"].pk
    return [
        ("post", ev(federation, "campaigns/"), {"name": "x"}),
        ("patch", ev(federation, f"campaigns/{campaign.pk}/"), {"name": "改名"}),
        ("post", ev(federation, f"campaigns/{campaign.pk}/advance/"), {}),
        ("post", ev(federation, f"campaigns/{campaign.pk}/subjects/"), {"branches": []}),
        ("post", ev(federation, "submissions/apply/"), {"campaign": campaign.pk}),
        ("post", ev(federation, f"submissions/{sub}/review/"), {"outcome": "pass"}),
        ("post", ev(federation, f"submissions/{sub}/withdraw/"), {}),
        ("post", ev(federation, f"submissions/{sub}/overrule/"), {"comment": "x"}),
        ("post", ev(federation, f"submissions/{sub}/recheck/"), {}),
        ("post", ev(federation, f"submissions/{sub}/decide/"), {}),
        ("post", ev(federation, f"submissions/{sub}/reopen/"), {"comment": "x"}),
        ("post", ev(federation, f"submissions/{sub}/objection/"), {"comment": "x"}),
        ("post", ev(federation, "ratings/"), {}),
        ("post", ev(federation, f"ratings/{rating}/revoke/"), {"reason": "x"}),
    ]


# --- Isolation -----------------------------------------------------------------------------------

def test_outsider_gets_404_everywhere(api, outsider, federation, campaign, scene):
    client = api.as_user(outsider)
    for u in reads(federation, campaign, scene) + [ev(federation, "submissions/mine/"), ev(federation, "ratings/mine/")]:
        assert client.get(u).status_code == 404, u
    for method, u, data in writes(federation, campaign, scene):
        assert getattr(client, method)(u, data, format="json").status_code == 404, u


def test_anonymous_gets_401(api, federation, campaign, scene):
    for u in reads(federation, campaign, scene):
        assert api.get(u).status_code == 401, u


def test_read_only_staff_read_but_never_write(api, fed_readonly, federation, campaign, scene):
    client = api.as_user(fed_readonly)
    for u in reads(federation, campaign, scene):
        assert client.get(u).status_code == 200, u
    for method, u, data in writes(federation, campaign, scene):
        assert getattr(client, method)(u, data, format="json").status_code == 403, u
    with scope(chamber=federation):
        assert Campaign.objects.get(pk=campaign.pk).stage == C.APPLICATION
        assert set(Submission.objects.values_list("status", flat=True)) == {S.ELIGIBLE}


def test_an_affiliate_sees_only_its_own_submissions_from_its_workspace(api, affiliate_admin, affiliate, federation,
                                                                       campaign, scene):
    client = api.as_user(affiliate_admin)
    for u in reads(federation, campaign, scene):
        assert client.get(u).status_code == 404, u
    body = client.get(ev(affiliate, "submissions/mine/")).json()
    assert [row["id"] for row in body["results"]] == [scene["affiliate"].pk]
    # The federation's rows are not its own workspace's.
    assert client.get(ev(affiliate, f"submissions/{scene['affiliate'].pk}/")).status_code == 404
    assert client.get(ev(affiliate, "submissions/")).json()["count"] == 0


def test_the_federation_sees_submissions_never_the_affiliates_roster(api, fed_admin, federation, affiliate, campaign,
                                                                     scene):
    client = api.as_user(fed_admin)
    body = client.get(ev(federation, f"submissions/{scene['affiliate'].pk}/")).json()
    assert body["subject_chamber"] == affiliate.pk and body["subject_name"] == affiliate.name
    assert client.get(api_url(affiliate, "members/")).status_code == 404
    assert client.get(ev(affiliate, "submissions/mine/")).status_code == 404


def test_reviewers_see_only_their_assigned_submissions(api, fed_reviewers, federation, campaign, scene,
                                                       django_assert_num_queries):
    wang = fed_reviewers[0]
    set_stage(campaign, C.INSPECTION)
    assign_perm("evaluations.review_submission", wang, scene["fuzimiao"])
    client = api.as_user(wang)
    client.get(ev(federation, "submissions/"))
    # token (+ user), chamber, roles; count, rows (+ campaign, group).
    with django_assert_num_queries(5):
        body = client.get(ev(federation, "submissions/")).json()
    assert [row["id"] for row in body["results"]] == [scene["fuzimiao"].pk]
    assert client.get(ev(federation, f"submissions/{scene['jiangdong'].pk}/")).status_code == 404
    assert client.post(ev(federation, f"submissions/{scene['fuzimiao'].pk}/decide/"), {},
                       format="json").status_code == 403
    assert client.get(ev(federation, "campaigns/")).status_code == 403


# --- Campaigns -----------------------------------------------------------------------------------

def test_create_update_and_advance(api, fed_admin, federation, star_version, fed_branches, affiliate, other_chamber):
    client = api.as_user(fed_admin)
    data = {"name": "2027年度星级考评", "year": 2027, "version": star_version.pk,
            "applications_close": "2027-03-01", "self_assessment_due": "2027-05-01",
            "preliminary_review_due": "2027-06-01", "inspection_due": "2027-10-31", "decision_due": "2027-12-01"}
    response = client.post(ev(federation, "campaigns/"), {**data, "inspection_due": "2027-05-15"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"inspection_due"}
    assert set(client.post(ev(federation, "campaigns/"), {**data, "version": 999999}, format="json").json()) == {
        "version"}
    response = client.post(ev(federation, "campaigns/"), data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    pk = body["id"]
    assert body["stage"] == "draft" and body["next_stage"] == "application" and body["advance_problems"] == []
    response = client.patch(ev(federation, f"campaigns/{pk}/"), {"description": "第三届"}, format="json")
    assert response.status_code == 200 and response.json()["description"] == "第三届"
    assert client.post(ev(federation, f"campaigns/{pk}/advance/"), {"comment": "开始"},
                       format="json").json()["stage"] == "application"
    # Application → self-assessment needs a subject.
    response = client.post(ev(federation, f"campaigns/{pk}/advance/"), {}, format="json")
    assert response.status_code == 400 and response.json()
    # Subjects: a foreign chamber "does not exist" here; ours are enrolled.
    response = client.post(ev(federation, f"campaigns/{pk}/subjects/"), {"chambers": [other_chamber.pk]}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"chambers"}
    response = client.post(ev(federation, f"campaigns/{pk}/subjects/"),
                           {"branches": [fed_branches["fuzimiao"].pk], "chambers": [affiliate.pk]}, format="json")
    assert response.status_code == 201 and len(response.json()) == 2
    response = client.post(ev(federation, f"campaigns/{pk}/subjects/"), {"branches": [fed_branches["qinhuai"].pk]},
                           format="json")
    assert response.status_code == 400 and set(response.json()) == {"subjects"}
    body = client.post(ev(federation, f"campaigns/{pk}/advance/"), {}, format="json").json()
    assert body["stage"] == "self_assessment" and {"status": "eligible", "count": 2} in body["status_counts"]


def test_campaign_list_queries(api, fed_admin, federation, campaign, star_version, django_assert_num_queries):
    client = api.as_user(fed_admin)
    client.get(ev(federation, "campaigns/"))
    with scope(chamber=federation):
        Campaign.objects.create(chamber=federation, name="2025年度", year=2025, version=star_version,
                                applications_close=TODAY, self_assessment_due=TODAY, preliminary_review_due=TODAY,
                                inspection_due=TODAY, decision_due=TODAY)
    # token (+ user), chamber, roles; count, campaigns (+ version, scheme, subjects counted).
    with django_assert_num_queries(5):
        body = client.get(ev(federation, "campaigns/")).json()
    assert [row["year"] for row in body["results"]] == [2026, 2025]


def test_campaign_detail_reads_the_campaign_once(api, fed_admin, federation, campaign, django_assert_num_queries):
    client = api.as_user(fed_admin)
    url = ev(federation, f"campaigns/{campaign.pk}/")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).json()["name"] == campaign.name
    reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT') and 'FROM "evaluations_campaign"' in q["sql"]]
    assert len(reads) == 1, reads


def test_publishing_needs_decide(api, fed_secretary, fed_admin, federation, campaign, scene):
    set_stage(campaign, C.DECISION)
    with scope(chamber=federation):
        Submission.objects.filter(campaign=campaign).update(status=S.WITHDRAWN)
    u = ev(federation, f"campaigns/{campaign.pk}/advance/")
    assert api.as_user(fed_secretary).post(u, {}, format="json").status_code == 403
    assert api.as_user(fed_admin).post(u, {}, format="json").json()["stage"] == "publication"


# --- Submissions ---------------------------------------------------------------------------------

def test_submission_list_filters_and_queries(api, fed_admin, federation, campaign, scene, django_assert_num_queries):
    client = api.as_user(fed_admin)
    client.get(ev(federation, "submissions/"))
    # token (+ user), chamber, roles; count, rows (+ campaign, group).
    with django_assert_num_queries(5):
        body = client.get(ev(federation, "submissions/")).json()
    assert body["count"] == 3
    assert client.get(ev(federation, f"submissions/?campaign={campaign.pk}&status=eligible")).json()["count"] == 3
    assert client.get(ev(federation, "submissions/?status=decided")).json()["count"] == 0
    assert client.get(ev(federation, "submissions/?status=nonsense")).status_code == 400
    assert client.get(ev(federation, "submissions/?campaign=abc")).status_code == 400


def test_apply_as_an_affiliate_and_twice_refused(api, affiliate_admin, affiliate, federation, campaign):
    client = api.as_user(affiliate_admin)
    response = client.post(ev(affiliate, "submissions/apply/"), {"campaign": campaign.pk, "applied_level": 4},
                           format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["subject_chamber"] == affiliate.pk and body["status"] == "ineligible" and body["eligibility_problems"]
    response = client.post(ev(affiliate, "submissions/apply/"), {"campaign": campaign.pk}, format="json")
    assert response.status_code == 400
    assert client.post(ev(affiliate, "submissions/apply/"), {"campaign": 999999}, format="json").status_code == 400
    with scope(chamber=federation):
        assert Submission.objects.filter(subject_chamber=affiliate).count() == 1


def test_apply_for_a_sub_chamber_within_reach(api, street_secretary, federation, campaign, fed_branches):
    client = api.as_user(street_secretary)
    u = ev(federation, "submissions/apply/")
    assert client.post(u, {"campaign": campaign.pk, "branch": fed_branches["jiangdong"].pk},
                       format="json").status_code == 403
    assert client.post(u, {"campaign": campaign.pk}, format="json").status_code == 400
    response = client.post(u, {"campaign": campaign.pk, "branch": fed_branches["fuzimiao"].pk, "applied_level": 4},
                           format="json")
    assert response.status_code == 201 and response.json()["status"] == "ineligible"  # no three stars held
    mine = client.get(ev(federation, "submissions/mine/")).json()
    assert [row["subject_branch"] for row in mine["results"]] == [fed_branches["fuzimiao"].pk]


def test_review_and_decide_steps(api, fed_admin, fed_secretary, federation, campaign, scene):
    set_stage(campaign, C.PRELIMINARY_REVIEW)
    s = scene["fuzimiao"]
    with scope(chamber=federation):
        Submission.objects.filter(pk=s.pk).update(status=S.SELF_ASSESSED)
    secretary = api.as_user(fed_secretary)
    response = secretary.post(ev(federation, f"submissions/{s.pk}/review/"), {"outcome": "reject"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"comment"}
    response = secretary.post(ev(federation, f"submissions/{s.pk}/review/"), {"outcome": "pass"}, format="json")
    assert response.json()["status"] == "passed"
    set_stage(campaign, C.DECISION)
    with scope(chamber=federation):
        Submission.objects.filter(pk=s.pk).update(status=S.SCORED, result_total=D("85"), grade_level=4,
                                                  grade_label="四星级", group=make_group(campaign))
    assert secretary.post(ev(federation, f"submissions/{s.pk}/decide/"), {}, format="json").status_code == 403
    admin = api.as_user(fed_admin)
    response = admin.post(ev(federation, f"submissions/{s.pk}/decide/"), {"grade_level": 5, "comment": "破格"},
                          format="json")
    assert response.status_code == 400 and set(response.json()) == {"grade_level"}
    body = admin.post(ev(federation, f"submissions/{s.pk}/decide/"), {}, format="json").json()
    assert (body["status"], body["grade_level"], body["result_total"]) == ("decided", 4, "85.00")
    body = admin.post(ev(federation, f"submissions/{s.pk}/reopen/"), {"comment": "复核"}, format="json").json()
    assert body["status"] == "scored"


def test_overrule_and_withdraw(api, fed_secretary, federation, campaign, fed_branches):
    s = make_submission(campaign, branch=fed_branches["catering"], status=S.INELIGIBLE)
    client = api.as_user(fed_secretary)
    assert client.post(ev(federation, f"submissions/{s.pk}/overrule/"), {}, format="json").status_code == 400
    assert client.post(ev(federation, f"submissions/{s.pk}/overrule/"), {"comment": "已核实"},
                       format="json").json()["status"] == "eligible"
    assert client.post(ev(federation, f"submissions/{s.pk}/withdraw/"), {"comment": "自愿退出"},
                       format="json").json()["status"] == "withdrawn"


# --- Ratings -------------------------------------------------------------------------------------

def test_ratings_list_filters_and_queries(api, fed_readonly, federation, campaign, scene, affiliate,
                                          django_assert_num_queries):
    soon = hold(campaign.version.scheme, level=4, chamber=affiliate, awarded_on=TODAY - datetime.timedelta(days=1000),
                valid_until=TODAY + datetime.timedelta(days=60))
    client = api.as_user(fed_readonly)
    client.get(ev(federation, "ratings/"))
    # token (+ user), chamber, roles; count, ratings (+ scheme, campaign).
    with django_assert_num_queries(5):
        body = client.get(ev(federation, "ratings/")).json()
    assert body["count"] == 2
    assert [r["id"] for r in client.get(ev(federation, "ratings/?expiring=90")).json()["results"]] == [soon.pk]
    assert [r["id"] for r in client.get(ev(federation, "ratings/?level=3")).json()["results"]] == [scene["rating"].pk]
    assert client.get(ev(federation, "ratings/?subject=江宁&status=active")).json()["count"] == 1
    assert client.get(ev(federation, "ratings/?expiring=abc")).status_code == 400


def test_record_and_revoke(api, fed_admin, fed_secretary, federation, campaign, fed_branches, other_chamber):
    secretary = api.as_user(fed_secretary)
    data = {"scheme": campaign.version.scheme.pk, "branch": fed_branches["jiangdong"].pk, "level": 3,
            "grade_label": "三星级", "awarded_on": "2025-12-01", "awarded_by": "鼓楼区工商联"}
    response = secretary.post(ev(federation, "ratings/"), {**data, "branch": None, "subject_chamber": other_chamber.pk},
                              format="json")
    assert response.status_code == 400 and set(response.json()) == {"subject_chamber"}
    response = secretary.post(ev(federation, "ratings/"), data, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["valid_until"], body["status"]) == ("2028-11-30", "active")
    u = ev(federation, f"ratings/{body['id']}/revoke/")
    assert secretary.post(u, {"reason": "材料造假"}, format="json").status_code == 403
    admin = api.as_user(fed_admin)
    assert set(admin.post(u, {}, format="json").json()) == {"reason"}
    assert admin.post(u, {"reason": "材料造假"}, format="json").json()["status"] == "revoked"
    with scope(chamber=federation):
        assert Rating.objects.get(pk=body["id"]).status == RatingStatus.REVOKED


def test_a_subject_chamber_reads_its_ratings(api, affiliate_admin, affiliate, federation, campaign):
    mine = hold(campaign.version.scheme, level=4, chamber=affiliate, awarded_on=TODAY)
    body = api.as_user(affiliate_admin).get(ev(affiliate, "ratings/mine/")).json()
    assert [r["id"] for r in body["results"]] == [mine.pk]
