"""Ranks, terms of office and officers over the API."""
import datetime

from django.utils import timezone
from django_scopes import scope

from members.models import OfficerPosition, Post, Term
from members.officers import officer_appoint, term_create
from members.services import person_create


def test_ranks_highest_first(api, url, staff_readonly, chamber):
    body = api.as_user(staff_readonly).get(url("ranks/")).json()
    assert [r["code"] for r in body["results"]][:3] == ["president", "executive-president", "vice-president"]
    assert body["count"] == 6


def test_create_term_and_bad_dates(api, url, chamber, admin_user, term):
    client = api.as_user(admin_user)
    response = client.post(url("terms/"), {"ordinal": 9, "starts_on": "2028-01-01", "ends_on": "2032-12-31"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["name"]  # defaults to "Term 9" in the chamber's language
    assert set(client.post(url("terms/"), {"ordinal": 9, "starts_on": "2033-01-01", "ends_on": "2037-12-31"},
                           format="json").json()) == {"ordinal"}
    assert set(client.post(url("terms/"), {"ordinal": 10, "starts_on": "2033-01-01", "ends_on": "2032-01-01"},
                           format="json").json()) == {"ends_on"}
    assert [t["ordinal"] for t in client.get(url("terms/")).json()["results"]] == [9, 8]


def test_term_detail_has_lineup_and_warnings(api, url, chamber, admin_user, term, officer):
    with scope(chamber=chamber):
        for n, post in enumerate([Post.VICE_PRESIDENT, Post.COUNCIL_MEMBER]):
            officer_appoint(term=term, actor=None, person=person_create(chamber=chamber, actor=None, name=f"官员{n}"), post=post)
    body = api.as_user(admin_user).get(url(f"terms/{term.pk}/")).json()
    assert [o["post"] for o in body["lineup"]] == ["president", "vice_president", "council_member"]
    assert body["lineup"][0]["person"]["name"] == "张伟"
    # 2 of 3 council seats are standing: more than a third.
    assert len(body["warnings"]) == 1


def test_start_next_term_carries_the_lineup_over(api, url, chamber, admin_user, term, officer):
    response = api.as_user(admin_user).post(url("terms/start-next/"), {
        "starts_on": "2028-01-01", "ends_on": "2032-12-31", "name": "第九届理事会"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["ordinal"] == 9
    with scope(chamber=chamber):
        new = Term.objects.get(pk=response.json()["id"])
        assert list(OfficerPosition.objects.filter(term=new).values_list("post", "person_id")) == [("president", officer.person_id)]


def test_start_next_bad_dates_is_400(api, url, admin_user, term):
    response = api.as_user(admin_user).post(url("terms/start-next/"), {"starts_on": "2028-01-01", "ends_on": "2027-01-01"},
                                            format="json")
    assert response.status_code == 400 and set(response.json()) == {"ends_on"}


def test_officers_filter_by_term_and_current(api, url, chamber, admin_user, term, officer, person):
    today = timezone.localdate()
    with scope(chamber=chamber):
        old = term_create(chamber=chamber, actor=None, ordinal=7, starts_on=datetime.date(2018, 1, 1),
                          ends_on=datetime.date(2022, 12, 31))
        officer_appoint(term=old, actor=None, person=person, post=Post.VICE_PRESIDENT)
        current = term_create(chamber=chamber, actor=None, ordinal=20, starts_on=today - datetime.timedelta(days=10),
                              ends_on=today + datetime.timedelta(days=1000))
        officer_appoint(term=current, actor=None, person=person, post=Post.SUPERVISOR)
    client = api.as_user(admin_user)
    everything = client.get(url("officers/")).json()["results"]
    assert [(o["term"]["ordinal"], o["post"]) for o in everything] == [(20, "supervisor"), (8, "president"), (7, "vice_president")]
    assert [o["post"] for o in client.get(url(f"officers/?term={old.pk}")).json()["results"]] == ["vice_president"]
    assert [o["post"] for o in client.get(url("officers/?current=1")).json()["results"]] == ["supervisor"]
    assert len(client.get(url("officers/?current=false")).json()["results"]) == 3


def test_officers_filter_foreign_term_is_400(api, url, admin_user, officer, foreign):
    response = api.as_user(admin_user).get(url(f"officers/?term={foreign['term'].pk}"))
    assert response.status_code == 400 and set(response.json()) == {"term"}


def test_appoint_and_end(api, url, chamber, admin_user, term, person, member, branches):
    client = api.as_user(admin_user)
    response = client.post(url("officers/"), {"term": term.pk, "person": person.pk, "post": "vice_president",
                                              "enterprise": member.enterprise_id, "branch": branches["cable"].pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["starts_on"] == "2023-01-01" and body["enterprise"]["id"] == member.enterprise_id
    assert body["branch"] == {"id": branches["cable"].pk, "name": "光缆分会"}
    response = client.post(url(f"officers/{body['id']}/end/"), {"ends_on": "2025-06-30", "reason": "辞职"}, format="json")
    assert response.status_code == 200 and response.json()["ends_on"] == "2025-06-30"
    response = client.post(url(f"officers/{body['id']}/end/"), {"ends_on": "2020-01-01"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"ends_on"}


def test_appoint_with_foreign_ids_is_400_and_nothing_saved(api, url, chamber, admin_user, term, person, foreign):
    client = api.as_user(admin_user)
    with scope(chamber=chamber):
        before = OfficerPosition.objects.count()
    for field, body in [
        ("term", {"term": foreign["term"].pk, "person": person.pk}),
        ("person", {"term": term.pk, "person": foreign["person"].pk}),
        ("enterprise", {"term": term.pk, "person": person.pk, "enterprise": foreign["enterprise"].pk}),
        ("branch", {"term": term.pk, "person": person.pk, "branch": foreign["branch"].pk}),
    ]:
        response = client.post(url("officers/"), {**body, "post": "supervisor"}, format="json")
        assert response.status_code == 400 and set(response.json()) == {field}, field
    assert set(client.post(url("officers/"), {"term": term.pk, "person": person.pk, "post": "emperor"},
                           format="json").json()) == {"post"}
    with scope(chamber=chamber):
        assert OfficerPosition.objects.count() == before
