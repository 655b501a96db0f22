"""Meetings and outcomes API: reads and writes, roles, tenancy (another chamber's ids are
404), branch reach, validation errors in Chinese, query counts."""
import pytest
from django_scopes import scope

from events.models import EventKind, MeetingAttendance, Resolution

from ...api.conftest import api_url
from .conftest import MEETING_DAY, make_event


def meeting_url(chamber, event, tail=""):
    return api_url(chamber, "events/meetings/{}/{}".format(event.pk, tail))


@pytest.mark.parametrize("who", ["admin_user", "secretary", "staff_readonly"])
def test_readers_see_meetings_quorum_attendance(request, api, chamber, council, who):
    client = api.as_user(request.getfixturevalue(who))
    listing = client.get(api_url(chamber, "events/meetings/"))
    assert listing.status_code == 200 and [m["id"] for m in listing.json()["results"]] == [council.pk]
    detail = client.get(meeting_url(chamber, council)).json()
    assert detail["quorum"]["expected"] == 8 and detail["quorum"]["required"] == 6
    rows = client.get(meeting_url(chamber, council, "attendance/")).json()
    assert len(rows) == 8 and rows[0]["person_name"] == "会长" and rows[0]["status"] == "absent"
    assert client.get(meeting_url(chamber, council, "quorum/")).json()["reached"] is False


def test_secretary_records_attendance_minutes_resolutions_outcome(api, chamber, council, lineup, secretary):
    client = api.as_user(secretary)
    body = {"attendance": [{"position": lineup[n].pk, "status": "present"} for n in
                           ("会长", "执行", "常副", "副会", "秘书长")]
            + [{"position": lineup["常务"].pk, "status": "proxy", "proxy_name": "代理人"}]}
    response = client.put(meeting_url(chamber, council, "attendance/"), body, format="json")
    assert response.status_code == 200, response.json()
    assert client.get(meeting_url(chamber, council, "quorum/")).json() | {} == {
        "basis": "officers", "expected": 8, "present": 5, "proxies": 1, "excused": 0, "absent": 2, "required": 6,
        "attending": 6, "reached": True}
    assert client.put(meeting_url(chamber, council, "minutes/"), {"minutes": "纪要"}, format="json").json() == {
        "minutes": "纪要"}
    created = client.post(meeting_url(chamber, council, "resolutions/"), {"title": "决议一", "votes_for": 5,
                                                                          "votes_against": 1}, format="json")
    assert created.status_code == 201 and created.json()["number"] == 1 and created.json()["passed"] is True
    rid = created.json()["id"]
    too_many = client.put(meeting_url(chamber, council, "resolutions/{}/".format(rid)),
                          {"title": "决议一", "votes_for": 7}, format="json")
    assert too_many.status_code == 400 and "votes_for" in too_many.json()
    assert client.delete(meeting_url(chamber, council, "resolutions/{}/".format(rid))).status_code == 400
    assert client.delete(meeting_url(chamber, council, "resolutions/{}/?reason=录错".format(rid))).status_code == 204
    outcome_url = api_url(chamber, "events/outcomes/{}/".format(council.pk))
    assert client.get(outcome_url).json()["recorded"] is False
    put = client.put(outcome_url, {"participants": 40, "deals_amount": "1000.50", "deals_signed": 1}, format="json")
    assert put.status_code == 200 and put.json()["deals_amount"] == "1000.50" and put.json()["people_trained"] is None
    assert client.put(outcome_url, {"deals_amount": 1.5}, format="json").status_code == 400
    totals = client.get(api_url(chamber, "events/outcomes/totals/?year={}".format(MEETING_DAY.year))).json()
    assert totals["total"]["participants"] == 40 and totals["total"]["people_trained"] is None
    assert client.get(api_url(chamber, "events/outcomes/totals/?year=abc")).status_code == 400


def test_attendance_errors_are_400_with_the_field(api, chamber, council, lineup, secretary):
    client = api.as_user(secretary)
    response = client.put(meeting_url(chamber, council, "attendance/"),
                          {"attendance": [{"position": lineup["会长"].pk, "status": "proxy"}]}, format="json",
                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "statuses" in response.json()
    stranger = client.put(meeting_url(chamber, council, "attendance/"),
                          {"attendance": [{"position": lineup["顾问"].pk, "status": "present"}]}, format="json")
    assert stranger.status_code == 400


@pytest.mark.parametrize("who", ["staff_readonly", "treasurer", "representative", "reviewer"])
def test_writes_forbidden_without_events_manage(request, api, chamber, council, lineup, who):
    client = api.as_user(request.getfixturevalue(who))
    body = {"attendance": [{"position": lineup["会长"].pk, "status": "present"}]}
    assert client.put(meeting_url(chamber, council, "attendance/"), body, format="json").status_code == 403
    assert client.post(meeting_url(chamber, council, "resolutions/"), {"title": "x"}, format="json").status_code == 403
    assert client.put(meeting_url(chamber, council, "minutes/"), {"minutes": "x"}, format="json").status_code == 403
    outcome_url = api_url(chamber, "events/outcomes/{}/".format(council.pk))
    assert client.put(outcome_url, {"participants": 1}, format="json").status_code == 403
    with scope(chamber=chamber):
        assert not MeetingAttendance.objects.filter(event=council).exists()


@pytest.mark.parametrize("who", ["treasurer", "representative"])
def test_no_reads_without_events_view(request, api, chamber, council, who):
    client = api.as_user(request.getfixturevalue(who))
    assert client.get(meeting_url(chamber, council)).status_code == 403
    assert client.get(api_url(chamber, "events/outcomes/totals/")).status_code == 403


def test_outsider_gets_404_and_other_chambers_ids_are_404(api, chamber, council, other_chamber, other_event, outsider,
                                                          admin_user):
    outside = api.as_user(outsider)
    assert outside.get(meeting_url(chamber, council)).status_code == 404
    assert outside.get(api_url(chamber, "events/outcomes/totals/")).status_code == 404
    client = api.as_user(admin_user)
    for tail in ("", "attendance/", "quorum/", "minutes/", "resolutions/"):
        assert client.get(meeting_url(chamber, other_event, tail)).status_code == 404
    assert client.post(meeting_url(chamber, other_event, "resolutions/"), {"title": "x"},
                       format="json").status_code == 404
    assert client.put(api_url(chamber, "events/outcomes/{}/".format(other_event.pk)), {"participants": 1},
                      format="json").status_code == 404
    with scope(chamber=other_chamber):
        theirs = Resolution.objects.create(chamber=other_chamber, event=other_event, number=1, title="他会决议")
    assert client.get(meeting_url(chamber, council, "resolutions/{}/".format(theirs.pk))).status_code == 404


def test_branch_secretary_reaches_their_subtree_only(api, chamber, council, branches, branch_secretary):
    own = make_event(chamber, organiser_branch=branches["cable_sub"], title="光缆分会理事会")
    client = api.as_user(branch_secretary)
    assert [m["id"] for m in client.get(api_url(chamber, "events/meetings/")).json()["results"]] == [own.pk]
    assert client.get(meeting_url(chamber, council)).status_code == 404
    assert client.post(meeting_url(chamber, council, "resolutions/"), {"title": "x"}, format="json").status_code == 404
    assert client.post(meeting_url(chamber, own, "resolutions/"), {"title": "分会决议"},
                       format="json").status_code == 201


def test_non_governing_events_are_not_meetings(api, chamber, admin_user):
    training = make_event(chamber, kind=EventKind.TRAINING, title="培训")
    client = api.as_user(admin_user)
    assert client.get(meeting_url(chamber, training)).status_code == 404
    assert client.get(api_url(chamber, "events/outcomes/{}/".format(training.pk))).status_code == 200


def test_meeting_list_query_count(api, chamber, lineup, admin_user, django_assert_num_queries):
    for i in range(4):
        make_event(chamber, title="理事会{}".format(i))
    client = api.as_user(admin_user)
    client.get(api_url(chamber, "events/meetings/"))  # warm the token
    # token + user, chamber, roles; then count and page of meetings.
    with django_assert_num_queries(5):
        response = client.get(api_url(chamber, "events/meetings/"))
    assert response.json()["count"] == 4
