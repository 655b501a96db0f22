"""The reviews API: reviewers, groups and assignments of a campaign, my sheets, a
submission's sheets, the subject's self-assessment and evidence."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from chamber.models import RoleKind
from evaluations.assignment import group_create, reviewer_add, reviewer_set_group, submission_assign_group
from evaluations.models import CampaignStage, Evidence, ScoreSheet, Submission
from tests.evaluations.review_helpers import (
    HTML,
    PDF,
    S,
    full_marks,
    grant,
    leaves,
    make_affiliate,
    make_submission,
    set_stage,
)


def ev(chamber, path=""):
    return f"/api/v1/chambers/{chamber.slug}/evaluations/{path}"


def as_json(scores):
    return {"scores": [{"indicator": pk, "value": ("yes" if v is True else "no" if v is False else v), "reason": r}
                       for pk, (v, r) in scores.items()]}


@pytest.fixture
def scene(federation, fed_branches, affiliate, campaign, fed_admin, fed_reviewers):
    """At the inspection: 第一组 (王, 李) has the affiliate, 第二组 (赵) has 夫子庙, 江东
    self-assessed without a group."""
    wang, li, zhao = fed_reviewers
    subjects = {
        "affiliate": make_submission(campaign, chamber=affiliate),
        "fuzimiao": make_submission(campaign, branch=fed_branches["fuzimiao"]),
        "jiangdong": make_submission(campaign, branch=fed_branches["jiangdong"], status=S.SELF_ASSESSED),
    }
    with scope(chamber=federation):
        g1 = group_create(campaign, actor=fed_admin, name="第一组")
        g2 = group_create(campaign, actor=fed_admin, name="第二组")
        reviewers = {}
        for user, group in ((wang, g1), (li, g1), (zhao, g2)):
            reviewers[user.username] = reviewer_set_group(reviewer_add(campaign, actor=fed_admin, user=user),
                                                          actor=fed_admin, group=group)
        submission_assign_group(subjects["affiliate"], actor=fed_admin, group=g1, reason="安排")
        submission_assign_group(subjects["fuzimiao"], actor=fed_admin, group=g2, reason="安排")
    set_stage(campaign, CampaignStage.INSPECTION)
    return {"subjects": subjects, "groups": {"g1": g1, "g2": g2}, "reviewers": reviewers}


def campaign_urls(federation, campaign, scene):
    base = f"campaigns/{campaign.pk}/"
    r, g, s = scene["reviewers"]["wang"], scene["groups"]["g1"], scene["subjects"]["affiliate"]
    return [ev(federation, p) for p in (
        base + "reviewers/", base + f"reviewers/{r.pk}/group/", base + "groups/", base + f"groups/{g.pk}/",
        base + "groups/auto-assign/", base + "assignments/", base + f"assignments/{s.pk}/",
        f"submissions/{s.pk}/sheets/", "reviews/", f"reviews/{s.pk}/", f"reviews/{s.pk}/scores/",
        "self-assessments/", "evidence/",
    )]


# --- Who may call what -------------------------------------------------------------------------------

def test_outsider_gets_404_everywhere(api, outsider, federation, affiliate, campaign, scene):
    client = api.as_user(outsider)
    for u in campaign_urls(federation, campaign, scene) + [ev(affiliate, "self-assessments/"), ev(affiliate, "evidence/")]:
        assert client.get(u).status_code == 404, u
        assert client.post(u, {}, format="json").status_code == 404, u


def test_read_only_staff_read_but_never_write(api, fed_readonly, federation, campaign, scene):
    client = api.as_user(fed_readonly)
    base = ev(federation, f"campaigns/{campaign.pk}/")
    for path in ("reviewers/", "groups/", "assignments/"):
        assert client.get(base + path).status_code == 200, path
    assert client.post(base + "groups/", {"name": "第三组"}, format="json").status_code == 403
    assert client.post(base + "groups/auto-assign/").status_code == 403
    assert client.delete(base + f"reviewers/{scene['reviewers']['wang'].pk}/").status_code == 403
    assert client.patch(base + f"assignments/{scene['subjects']['jiangdong'].pk}/",
                        {"group": None, "reason": "x"}, format="json").status_code == 403
    sheets = ev(federation, f"submissions/{scene['subjects']['affiliate'].pk}/sheets/")
    assert client.get(sheets).status_code == 200
    # No reviewer role, no apply role.
    assert client.get(ev(federation, "reviews/")).status_code == 403
    assert client.get(ev(federation, "self-assessments/")).status_code == 403


# --- Reviewers, groups, assignments ------------------------------------------------------------------

def test_reviewers(api, fed_admin, federation, affiliate, campaign, scene, make_user, fed_secretary,
                   django_assert_num_queries):
    client = api.as_user(fed_admin)
    url = ev(federation, f"campaigns/{campaign.pk}/reviewers/")
    newcomer = grant(make_user, federation, "qian")
    response = client.post(url, {"user": newcomer.pk, "home_chamber": affiliate.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["district_code"] == "320115" and body["home_chamber"]["name"] == affiliate.name
    assert set(client.post(url, {"user": newcomer.pk}, format="json").json()) == {"user"}  # already one
    assert set(client.post(url, {"user": fed_secretary.pk}, format="json").json()) == {"user"}  # no reviewer role
    client.get(url)
    # token (+ user), chamber, roles; campaign; count, rows (+ user, home chamber, home branch).
    with django_assert_num_queries(6):
        body = client.get(url).json()
    assert body["count"] == 4
    # Into a group holding a subject of theirs (the affiliate): refused.
    reviewer_id = response.json()["id"]
    group = scene["groups"]["g1"]
    response = client.post(url + f"{reviewer_id}/group/", {"group": group.pk}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"group"}
    assert client.post(url + f"{reviewer_id}/group/", {"group": 999999}, format="json").status_code == 400
    assert client.post(url + f"{reviewer_id}/group/", {"group": scene["groups"]["g2"].pk},
                       format="json").json()["group"] == scene["groups"]["g2"].pk
    assert client.delete(url + f"{reviewer_id}/").status_code == 204


def test_groups_and_auto_assign(api, fed_admin, federation, campaign, scene, django_assert_num_queries):
    client = api.as_user(fed_admin)
    url = ev(federation, f"campaigns/{campaign.pk}/groups/")
    assert client.post(url, {"name": "第三组"}, format="json").status_code == 201
    assert set(client.post(url, {"name": "第三组"}, format="json").json()) == {"name"}
    client.get(url)
    # token (+ user), chamber, roles; campaign; count, groups (+ load), members (+ user, home).
    with django_assert_num_queries(7):
        body = client.get(url).json()
    assert [(g["name"], g["load"], len(g["members"])) for g in body["results"]] == [
        ("第一组", 1, 2), ("第三组", 0, 0), ("第二组", 1, 1)]
    response = client.post(url + "auto-assign/")
    assert response.status_code == 200
    assert response.json()["assigned"] == [{"submission": scene["subjects"]["jiangdong"].pk,
                                            "group": scene["groups"]["g1"].pk}]
    g3 = body["results"][1]["id"]
    assert client.patch(url + f"{g3}/", {"name": "江北组"}, format="json").json()["name"] == "江北组"
    assert client.delete(url + f"{g3}/").status_code == 204


def test_assignments(api, fed_admin, federation, fed_branches, campaign, scene, django_assert_num_queries):
    with scope(chamber=federation):
        r = scene["reviewers"]["zhao"]
        r.home_branch = fed_branches["gulou"]  # 赵 is from 鼓楼片区 ⊃ 江东
        r.save()
    client = api.as_user(fed_admin)
    url = ev(federation, f"campaigns/{campaign.pk}/assignments/")
    client.get(url)
    # token (+ user), chamber, roles; campaign; count, the page (+ subject chamber, branch);
    # groups, reviewers (+ user, home chamber, home branch).
    with django_assert_num_queries(8):
        body = client.get(url).json()
    jiangdong = scene["subjects"]["jiangdong"]
    row = next(r for r in body["results"] if r["id"] == jiangdong.pk)
    assert row["group"] is None and row["eligible_groups"] == [scene["groups"]["g1"].pk]
    assert row["conflicts"][0]["group"] == scene["groups"]["g2"].pk and "鼓楼片区" in row["conflicts"][0]["reasons"][0]
    target = url + f"{jiangdong.pk}/"
    assert set(client.patch(target, {"group": scene["groups"]["g1"].pk, "reason": ""}, format="json").json()) == {
        "reason"}
    response = client.patch(target, {"group": scene["groups"]["g2"].pk, "reason": "就近"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"group"}
    response = client.patch(target, {"group": scene["groups"]["g1"].pk, "reason": "就近"}, format="json")
    assert response.status_code == 200 and response.json()["group"] == scene["groups"]["g1"].pk


# --- My sheets ---------------------------------------------------------------------------------------

def test_reviewers_see_only_their_assignments(api, fed_reviewers, federation, scene, django_assert_num_queries):
    wang, _li, zhao = fed_reviewers
    s = scene["subjects"]
    client = api.as_user(wang)
    client.get(ev(federation, "reviews/"))
    # token (+ user), chamber, roles; count, rows (+ campaign, version, group), my sheets.
    with django_assert_num_queries(6):
        body = client.get(ev(federation, "reviews/")).json()
    assert [r["id"] for r in body["results"]] == [s["affiliate"].pk]
    assert client.get(ev(federation, f"reviews/{s['fuzimiao'].pk}/")).status_code == 404
    assert api.as_user(zhao).get(ev(federation, f"reviews/{s['affiliate'].pk}/")).status_code == 404
    assert api.as_user(zhao).post(ev(federation, f"reviews/{s['affiliate'].pk}/scores/"), {"scores": []},
                                  format="json").status_code == 404


def test_scoring_over_the_api(api, fed_reviewers, federation, scene, star_version):
    wang, li, _zhao = fed_reviewers
    ind = leaves(star_version)
    s = scene["subjects"]["affiliate"]
    client = api.as_user(wang)
    sheet = client.get(ev(federation, f"reviews/{s.pk}/")).json()
    assert sheet["kind"] == "reviewer" and sheet["editable"] and sheet["leaves"] == 7
    scores = {"scores": [{"indicator": ind["1.1"].pk, "value": "17", "reason": "x"},
                         {"indicator": ind["1.2"].pk, "value": "15"},
                         {"indicator": ind["3.1"].pk, "value": "30"}]}
    response = client.post(ev(federation, f"reviews/{s.pk}/scores/"), scores, format="json")
    assert response.status_code == 400
    assert set(response.json()["scores"]) == {str(ind["1.1"].pk), str(ind["1.2"].pk)}
    with scope(chamber=federation):
        assert not ScoreSheet.objects.get(reviewer=wang).entries.exists()  # nothing saved
    response = client.post(ev(federation, f"reviews/{s.pk}/submit/"))
    assert response.status_code == 400 and len(response.json()["scores"]) == 7
    for user in (wang, li):
        c = api.as_user(user)
        assert c.post(ev(federation, f"reviews/{s.pk}/scores/"), as_json(full_marks(star_version)),
                      format="json").status_code == 200
        body = c.post(ev(federation, f"reviews/{s.pk}/submit/")).json()
        assert body["totals"]["total"] == "100.00" and not body["editable"]
    with scope(chamber=federation):
        assert Submission.objects.get(pk=s.pk).status == S.SCORED
    assert api.as_user(wang).post(ev(federation, f"reviews/{s.pk}/scores/"), as_json(full_marks(star_version)),
                                  format="json").status_code == 400  # submitted: read-only


def test_sheet_before_inspection_is_409(api, fed_reviewers, federation, campaign, scene):
    set_stage(campaign, CampaignStage.PRELIMINARY_REVIEW)
    response = api.as_user(fed_reviewers[0]).get(ev(federation, f"reviews/{scene['subjects']['affiliate'].pk}/"))
    assert response.status_code == 409


def test_submission_sheets_and_reopen(api, fed_admin, fed_readonly, fed_reviewers, federation, scene, star_version,
                                      django_assert_num_queries):
    s = scene["subjects"]["affiliate"]
    for user in fed_reviewers[:2]:
        c = api.as_user(user)
        c.post(ev(federation, f"reviews/{s.pk}/scores/"), as_json(full_marks(star_version)), format="json")
        c.post(ev(federation, f"reviews/{s.pk}/submit/"))
    url = ev(federation, f"submissions/{s.pk}/sheets/")
    reader = api.as_user(fed_readonly)
    reader.get(url)
    # token (+ user), chamber, roles; submission (+ campaign, version); count, sheets (+ reviewer).
    with django_assert_num_queries(6):
        body = reader.get(url).json()
    assert [sh["total"] for sh in body["results"]] == ["100.00", "100.00"]
    sheet_id = body["results"][0]["id"]
    assert reader.get(url + f"{sheet_id}/").json()["rows"][1]["value"] == "20"
    assert reader.post(url + f"{sheet_id}/reopen/", {"reason": "x"}, format="json").status_code == 403
    admin = api.as_user(fed_admin)
    assert set(admin.post(url + f"{sheet_id}/reopen/", {"reason": ""}, format="json").json()) == {"reason"}
    assert admin.post(url + f"{sheet_id}/reopen/", {"reason": "录入错误"}, format="json").status_code == 200
    with scope(chamber=federation):
        assert Submission.objects.get(pk=s.pk).status == S.PASSED


# --- The subject -------------------------------------------------------------------------------------

@pytest.fixture
def open_self(campaign, scene, federation, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    set_stage(campaign, CampaignStage.SELF_ASSESSMENT)
    with scope(chamber=federation):
        Submission.objects.filter(pk__in=[scene["subjects"]["affiliate"].pk, scene["subjects"]["fuzimiao"].pk]).update(
            status=S.ELIGIBLE)
    return scene


def test_self_assessment_from_the_subjects_workspace(api, affiliate_admin, affiliate, federation, open_self,
                                                     star_version, make_user, django_assert_num_queries):
    s = open_self["subjects"]["affiliate"]
    client = api.as_user(affiliate_admin)
    client.get(ev(affiliate, "self-assessments/"))
    # token (+ user), chamber, roles; count, rows (+ campaign, version, scheme, federation).
    with django_assert_num_queries(5):
        body = client.get(ev(affiliate, "self-assessments/")).json()
    assert [r["id"] for r in body["results"]] == [s.pk] and body["results"][0]["federation"] == federation.name
    assert client.get(ev(affiliate, f"self-assessments/{s.pk}/")).json()["kind"] == "self"
    # Not from the federation's workspace, and not another subject's.
    assert client.get(ev(federation, f"self-assessments/{s.pk}/")).status_code == 404
    other = make_affiliate(federation, "other-aff", "320116")
    stranger = grant(make_user, other, "liu", kind=RoleKind.CHAMBER_ADMIN)
    assert api.as_user(stranger).get(ev(other, f"self-assessments/{s.pk}/")).status_code == 404
    client = api.as_user(affiliate_admin)
    ind = leaves(star_version)
    response = client.post(ev(affiliate, f"self-assessments/{s.pk}/scores/"),
                           {"scores": [{"indicator": ind["2.2"].pk, "value": "10"}]}, format="json")
    assert response.status_code == 400 and set(response.json()["scores"]) == {str(ind["2.2"].pk)}
    assert client.post(ev(affiliate, f"self-assessments/{s.pk}/scores/"), as_json(full_marks(star_version)),
                       format="json").status_code == 200
    assert client.post(ev(affiliate, f"self-assessments/{s.pk}/submit/")).status_code == 200
    with scope(chamber=federation):
        submission = Submission.objects.get(pk=s.pk)
    assert submission.status == S.SELF_ASSESSED and submission.self_total == Decimal("100.00")


def test_evidence_over_the_api(api, affiliate_admin, affiliate, federation, open_self, fed_reviewers, fed_readonly,
                               star_version, campaign, django_assert_num_queries):
    s = open_self["subjects"]["affiliate"]
    ind = leaves(star_version)
    client = api.as_user(affiliate_admin)
    url = ev(affiliate, "evidence/")
    response = client.post(url, {"submission": s.pk, "indicator": ind["1.1"].pk,
                                 "file": SimpleUploadedFile("纪要.pdf", PDF)}, format="multipart")
    assert response.status_code == 201, response.json()
    evidence = response.json()
    assert evidence["content_type"] == "application/pdf" and evidence["indicator"] == ind["1.1"].pk
    response = client.post(url, {"submission": s.pk, "file": SimpleUploadedFile("x.pdf", HTML)}, format="multipart")
    assert response.status_code == 400 and set(response.json()) == {"file"}
    response = client.post(url, {"submission": open_self["subjects"]["fuzimiao"].pk,
                                 "file": SimpleUploadedFile("x.pdf", PDF)}, format="multipart")
    assert response.status_code == 400 and set(response.json()) == {"submission"}  # not ours
    client.get(url)
    # token (+ user), chamber, roles (federation view: none); count, rows (+ submission).
    with django_assert_num_queries(5):
        body = client.get(url).json()
    assert [e["id"] for e in body["results"]] == [evidence["id"]]
    download = client.get(evidence["download"])
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    # The federation: staff read it; the assigned reviewer too; another reviewer does not.
    assert api.as_user(fed_readonly).get(ev(federation, f"evidence/{evidence['id']}/")).status_code == 200
    assert api.as_user(fed_readonly).delete(ev(federation, f"evidence/{evidence['id']}/")).status_code == 403
    assert api.as_user(fed_reviewers[0]).get(ev(federation, f"evidence/{evidence['id']}/download/")).status_code == 200
    assert api.as_user(fed_reviewers[2]).get(ev(federation, f"evidence/{evidence['id']}/")).status_code == 404
    assert api.as_user(fed_reviewers[2]).get(ev(federation, "evidence/")).json()["count"] == 0
    assert api.as_user(affiliate_admin).delete(url + f"{evidence['id']}/").status_code == 204
    with scope(chamber=federation):
        assert not Evidence.objects.filter(pk=evidence["id"]).exists()
