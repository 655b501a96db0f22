"""Rubrics over the API: schemes and versions (with the indicator tree), export, import and
copy. Everything needs evaluations.manage, to read as to write."""
import copy

import pytest
from django.utils import translation
from django_scopes import scope

from evaluations.interchange import version_document
from evaluations.models import Indicator, Scheme, SchemeVersion
from evaluations.rubrics import scheme_create, version_create

from .conftest import api_url

PREAMBLE = 3  # [chamber] [token] [roles], see test_query_counts


@pytest.fixture
def furl(federation):
    return lambda path="": api_url(federation, "evaluations/" + path)


@pytest.fixture
def foreign_version(affiliate):
    with scope(chamber=affiliate):
        scheme = scheme_create(chamber=affiliate, actor=None, kind="other", name="江宁考评")
        return version_create(scheme=scheme, actor=None, label="1", max_points=10)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def endpoints(version):
    reads = ["schemes/", "schemes/{}/".format(version.scheme_id), "versions/", "versions/{}/".format(version.pk),
             "versions/{}/export/".format(version.pk)]
    writes = ["schemes/", "versions/import/", "versions/{}/copy/".format(version.pk)]
    return reads, writes


def test_outsider_gets_404(api, furl, outsider, star_version):
    client = api.as_user(outsider)
    reads, writes = endpoints(star_version)
    for path in reads:
        assert client.get(furl(path)).status_code == 404, path
    for path in writes:
        assert client.post(furl(path), {}, format="json").status_code == 404, path


def test_readonly_staff_and_reviewers_get_403_even_to_read(api, furl, fed_readonly, fed_reviewers, star_version):
    reads, writes = endpoints(star_version)
    for user in (fed_readonly, fed_reviewers[0]):
        client = api.as_user(user)
        for path in reads:
            assert client.get(furl(path)).status_code == 403, path
        for path in writes:
            assert client.post(furl(path), {"label": "x", "kind": "other", "name": "x"},
                               format="json").status_code == 403, path
    with scope(chamber=star_version.chamber):
        assert SchemeVersion.objects.count() == 1 and Scheme.objects.count() == 1


def test_anonymous_gets_401(api, furl, star_version):
    assert api.get(furl("schemes/")).status_code == 401


def test_another_chambers_version_is_404(api, furl, fed_admin, foreign_version):
    client = api.as_user(fed_admin)
    for path in ("versions/{}/".format(foreign_version.pk), "versions/{}/export/".format(foreign_version.pk),
                 "schemes/{}/".format(foreign_version.scheme_id)):
        assert client.get(furl(path)).status_code == 404, path
    assert client.post(furl("versions/{}/copy/".format(foreign_version.pk)), {"label": "2"},
                       format="json").status_code == 404
    response = client.get(furl("versions/?scheme={}".format(foreign_version.scheme_id)))
    assert response.status_code == 400 and set(response.json()) == {"scheme"}


# --- Lists -----------------------------------------------------------------------------------------


def test_scheme_list_runs_a_fixed_number_of_queries(api, furl, federation, fed_admin, django_assert_num_queries):
    client = api.as_user(fed_admin)
    with scope(chamber=federation):
        for n in range(3):
            scheme_create(chamber=federation, actor=None, kind="other", name="方案{}".format(n))
    # PREAMBLE, the count, the schemes with their version counts.
    with django_assert_num_queries(PREAMBLE + 2):
        body = client.get(furl("schemes/")).json()
    assert body["count"] == 3 and body["results"][0]["version_count"] == 0
    with scope(chamber=federation):
        for n in range(3, 30):
            scheme = scheme_create(chamber=federation, actor=None, kind="other", name="方案{}".format(n))
            version_create(scheme=scheme, actor=None, label="1", max_points=10)
    with django_assert_num_queries(PREAMBLE + 2):
        body = client.get(furl("schemes/?page_size=20")).json()
    assert body["count"] == 30 and len(body["results"]) == 20


def test_version_list_runs_a_fixed_number_of_queries(api, furl, federation, fed_admin, star_version,
                                                     django_assert_num_queries):
    client = api.as_user(fed_admin)
    # PREAMBLE, the count, the versions with their schemes.
    with django_assert_num_queries(PREAMBLE + 2):
        body = client.get(furl("versions/")).json()
    assert [v["label"] for v in body["results"]] == ["2026"]
    with scope(chamber=federation):
        for n in range(25):
            version_create(scheme=star_version.scheme, actor=None, label="v{}".format(n), max_points=10)
    with django_assert_num_queries(PREAMBLE + 2):
        body = client.get(furl("versions/")).json()
    assert body["count"] == 26 and body["results"][0]["scheme_name"] == "星级基层商会考评"


def test_version_list_filters_by_scheme(api, furl, federation, fed_admin, star_version):
    with scope(chamber=federation):
        other = scheme_create(chamber=federation, actor=None, kind="other", name="其他")
        version_create(scheme=other, actor=None, label="1", max_points=10)
    client = api.as_user(fed_admin)
    body = client.get(furl("versions/?scheme={}".format(other.pk))).json()
    assert [v["scheme"] for v in body["results"]] == [other.pk]


# --- Detail, export, import, copy ------------------------------------------------------------------


def test_version_detail_has_the_tree_and_grade_rules(api, furl, fed_admin, campaign, django_assert_num_queries):
    client = api.as_user(fed_admin)
    # PREAMBLE, the version with its scheme, the tree, the grade rules.
    with django_assert_num_queries(PREAMBLE + 3):
        body = client.get(furl("versions/{}/".format(campaign.version.pk))).json()
    assert body["is_frozen"] is True and body["problems"] == []
    assert [i["title"] for i in body["indicators"]] == ["会务", "硬件", "发展", "无违法违纪行为", "创新工作加分"]
    first = body["indicators"][0]["children"][0]
    assert (first["code"], first["mode"], first["options"], first["max_points"], first["children"]) == (
        "1.1", "graded", ["20.00", "15.00", "0.00"], "20.00", [])
    assert [g["code"] for g in body["grade_rules"]] == ["five_star", "four_star"]


def test_export_is_the_interchange_document(api, furl, federation, fed_admin, star_version):
    body = api.as_user(fed_admin).get(furl("versions/{}/export/".format(star_version.pk))).json()
    with scope(chamber=federation):
        assert body == version_document(star_version)


def test_import_round_trip(api, furl, federation, fed_admin, star_version):
    client = api.as_user(fed_admin)
    document = client.get(furl("versions/{}/export/".format(star_version.pk))).json()
    response = client.post(furl("versions/import/?label=2027"), document, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["label"], body["scheme"], body["is_frozen"]) == ("2027", star_version.scheme_id, False)
    again = client.get(furl("versions/{}/export/".format(body["id"]))).json()
    assert again["version"].pop("label") == "2027"
    document["version"].pop("label")
    assert again == document
    # The same label again: refused on the label.
    response = client.post(furl("versions/import/?label=2027"), document | {"version": {
        **document["version"], "label": "x"}}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"label"}


def test_import_reports_every_problem_and_saves_nothing(api, furl, federation, fed_admin, star_version):
    client = api.as_user(fed_admin)
    document = client.get(furl("versions/{}/export/".format(star_version.pk))).json()
    bad = copy.deepcopy(document)
    bad["scheme"]["name"] = "新方案"
    bad["indicators"][0]["children"][1]["max_points"] = "x"
    bad["grade_rules"][0]["requires_level"] = 9
    response = client.post(furl("versions/import/"), bad, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [
        "Indicator 1.2 “会员台帐完整”: maximum points: Enter a number.",
        "Grade rule 1: requires a held rating of level: The prerequisite must be a lower level than the grade itself.",
    ]}
    # In the user's language: Simplified Chinese unless they ask for English.
    response = client.post(furl("versions/import/"), bad, format="json")
    assert "输入一个数字" in response.json()["non_field_errors"][0]
    response = client.post(furl("versions/import/"), ["not", "an", "object"], format="json")
    assert response.status_code == 400
    with scope(chamber=federation):
        assert Scheme.objects.count() == 1 and SchemeVersion.objects.count() == 1


def test_copy_a_frozen_version(api, furl, federation, fed_admin, campaign):
    client = api.as_user(fed_admin)
    response = client.post(furl("versions/{}/copy/".format(campaign.version.pk)), {"label": "2027"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["is_frozen"] is False and body["label"] == "2027" and len(body["indicators"]) == 5
    with scope(chamber=federation):
        assert Indicator.objects.filter(version_id=body["id"]).count() == 10
    response = client.post(furl("versions/{}/copy/".format(campaign.version.pk)), {"label": "2027"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"label"}
    response = client.post(furl("versions/{}/copy/".format(campaign.version.pk)), {}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"label"}


def test_create_scheme(api, furl, federation, fed_secretary):
    client = api.as_user(fed_secretary)
    response = client.post(furl("schemes/"), {"kind": "five_good", "name": "五好县级工商联"}, format="json")
    assert response.status_code == 201
    assert response.json() | {"id": 0, "created_at": ""} == {
        "id": 0, "kind": "five_good", "name": "五好县级工商联", "description": "", "version_count": 0, "created_at": ""}
    response = client.post(furl("schemes/"), {"kind": "five_good", "name": "五好县级工商联"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"name"}
    response = client.post(furl("schemes/"), {"kind": "six_good", "name": ""}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"kind", "name"}
