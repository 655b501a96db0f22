"""Meeting and outcome pages: what each role sees and may do, tenancy, round trips of the
forms, the quorum badge, the partials of the event page, query counts, no 500 on garbage."""
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django_scopes import scope

from chamber.models import AuditEntry
from events.models import EventKind, EventOutcome, MeetingAttendance, Resolution
from events.selectors.meetings import meeting_context
from events.selectors.outcomes import outcome_context

from .conftest import MEETING_DAY, make_event


def page(chamber, path=""):
    return "/c/{}/events/{}".format(chamber.slug, path)


def read_paths(event):
    return ["{}/meeting/".format(event.pk), "outcomes/", "outcomes/?year={}".format(MEETING_DAY.year)]


def write_paths(event, resolution):
    return ["{}/meeting/minutes/".format(event.pk), "{}/meeting/resolutions/new/".format(event.pk),
            "{}/meeting/resolutions/{}/edit/".format(event.pk, resolution.pk),
            "{}/meeting/resolutions/{}/delete/".format(event.pk, resolution.pk), "{}/outcome/".format(event.pk)]


@pytest.fixture
def resolution(chamber, council):
    with scope(chamber=chamber):
        return Resolution.objects.create(chamber=chamber, event=council, number=1, title="关于增补理事的决议")


@pytest.mark.parametrize("who", ["admin_user", "secretary", "staff_readonly"])
def test_readers_see_the_pages(request, client_as, chamber, council, who):
    client = client_as(request.getfixturevalue(who))
    for path in read_paths(council):
        assert client.get(page(chamber, path)).status_code == 200, path


@pytest.mark.parametrize("who", ["admin_user", "secretary"])
def test_managers_open_the_forms(request, client_as, chamber, council, resolution, who):
    client = client_as(request.getfixturevalue(who))
    for path in write_paths(council, resolution):
        assert client.get(page(chamber, path)).status_code == 200, path


def test_readonly_gets_403_on_writes(client_as, chamber, council, lineup, resolution, staff_readonly):
    client = client_as(staff_readonly)
    for path in write_paths(council, resolution):
        assert client.get(page(chamber, path)).status_code == 403, path
        assert client.post(page(chamber, path), {"title": "x", "minutes": "x", "reason": "x"}).status_code == 403
    assert client.post(page(chamber, "{}/meeting/".format(council.pk)), {}).status_code == 403
    assert client.post(page(chamber, "{}/meeting/prepare/".format(council.pk))).status_code == 403
    body = client.get(page(chamber, "{}/meeting/".format(council.pk))).content.decode()
    assert 'type="radio"' not in body and "/meeting/minutes/" not in body


@pytest.mark.parametrize("who", ["treasurer", "representative", "reviewer"])
def test_no_events_capability_403(request, client_as, chamber, council, who):
    client = client_as(request.getfixturevalue(who))
    for path in read_paths(council):
        assert client.get(page(chamber, path)).status_code == 403, path


def test_outsider_404_and_other_chambers_event_404(client_as, chamber, council, resolution, other_event, outsider,
                                                   admin_user):
    for path in read_paths(council) + write_paths(council, resolution):
        assert client_as(outsider).get(page(chamber, path)).status_code == 404, path
    client = client_as(admin_user)
    for path in ("{}/meeting/", "{}/meeting/minutes/", "{}/outcome/", "{}/meeting/resolutions/new/"):
        assert client.get(page(chamber, path.format(other_event.pk))).status_code == 404
    with scope(chamber=other_event.chamber):
        theirs = Resolution.objects.create(chamber=other_event.chamber, event=other_event, number=1, title="他会")
    assert client.get(page(chamber, "{}/meeting/resolutions/{}/edit/".format(council.pk, theirs.pk))).status_code == 404


def test_branch_secretary_only_in_their_subtree(client_as, chamber, council, branches, branch_secretary):
    own = make_event(chamber, organiser_branch=branches["cable_sub"], title="分会理事会")
    client = client_as(branch_secretary)
    assert client.get(page(chamber, "{}/meeting/".format(council.pk))).status_code == 404
    assert client.get(page(chamber, "{}/meeting/minutes/".format(own.pk))).status_code == 200
    response = client.post(page(chamber, "{}/meeting/minutes/".format(own.pk)), {"minutes": "分会纪要"})
    assert response.status_code == 302


def test_attendance_round_trip_and_quorum_badge(client_as, chamber, council, lineup, secretary):
    client = client_as(secretary)
    url = page(chamber, "{}/meeting/".format(council.pk))
    body = client.get(url).content.decode()
    assert 'data-quorum-reached="false"' in body
    data = {"status_{}".format(p.pk): "absent" for name, p in lineup.items() if name not in ("名誉", "监事长", "监事",
                                                                                             "副秘", "顾问")}
    for name in ("会长", "执行", "常副", "副会", "秘书长"):
        data["status_{}".format(lineup[name].pk)] = "present"
    data["status_{}".format(lineup["常务"].pk)] = "proxy"
    bad = client.post(url, data)
    assert bad.status_code == 200 and "alert-danger" in bad.content.decode()  # proxy name missing
    data["proxy_{}".format(lineup["常务"].pk)] = "王代表"
    response = client.post(url, data)
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert 'data-quorum-reached="true"' in body
    with scope(chamber=chamber):
        assert MeetingAttendance.objects.filter(event=council, status="present").count() == 5
    assert client.post(url, {"status_abc": "present"}).status_code in (200, 302)


def test_prepare_button(client_as, chamber, council, secretary):
    response = client_as(secretary).post(page(chamber, "{}/meeting/prepare/".format(council.pk)))
    assert response.status_code == 302
    with scope(chamber=chamber):
        assert MeetingAttendance.objects.filter(event=council).count() == 8


def test_resolution_round_trip(client_as, chamber, council, lineup, secretary):
    client = client_as(secretary)
    new = page(chamber, "{}/meeting/resolutions/new/".format(council.pk))
    too_many = client.post(new, {"title": "决议", "votes_for": "3"})
    assert too_many.status_code == 200 and "is-invalid" in too_many.content.decode()
    assert client.post(new, {"title": "决议", "passed": "yes"}).status_code == 302
    assert client.post(new, {"title": "决议二", "votes_for": "-1"}).status_code == 200
    with scope(chamber=chamber):
        resolution = Resolution.objects.get(event=council)
    assert resolution.passed and resolution.number == 1
    edit = page(chamber, "{}/meeting/resolutions/{}/edit/".format(council.pk, resolution.pk))
    assert client.post(edit, {"title": "决议（修订）", "passed": "no"}).status_code == 302
    delete = page(chamber, "{}/meeting/resolutions/{}/delete/".format(council.pk, resolution.pk))
    assert client.post(delete, {"reason": ""}).status_code == 200
    assert client.post(delete, {"reason": "重复"}).status_code == 302
    with scope(chamber=chamber):
        assert not Resolution.objects.filter(event=council).exists()
        assert AuditEntry.objects.filter(chamber=chamber, action__startswith="resolution").count() == 3


def test_outcome_form_round_trip(client_as, chamber, secretary):
    event = make_event(chamber, kind=EventKind.TRAINING, title="财税培训班")
    client = client_as(secretary)
    url = page(chamber, "{}/outcome/".format(event.pk))
    assert client.get(url).status_code == 200
    bad = client.post(url, {"participants": "10", "people_trained": "11", "scope": "domestic"})
    assert bad.status_code == 200 and "people_trained" in bad.content.decode()
    assert client.post(url, {"participants": "abc", "scope": "domestic"}).status_code == 200
    ok = client.post(url, {"participants": "40", "people_trained": "38", "deals_amount": "", "scope": "domestic"})
    assert ok.status_code == 302
    with scope(chamber=chamber):
        outcome = EventOutcome.objects.get(event=event)
    assert outcome.people_trained == 38 and outcome.deals_amount is None
    summary = client.get(page(chamber, "outcomes/?year={}".format(MEETING_DAY.year))).content.decode()
    assert "data-not-recorded" in summary and 'data-kind="training"' in summary
    assert client.get(page(chamber, "outcomes/?year=garbage")).status_code == 200


def test_meeting_page_query_count(client_as, chamber, council, lineup, secretary, django_assert_num_queries):
    client = client_as(secretary)
    url = page(chamber, "{}/meeting/".format(council.pk))
    client.get(url)
    # session, chamber, user, roles; event, term, positions, attendance, resolutions; the layout's
    # chamber switcher (the user's chambers, and those chambers).
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200


def test_summary_page_query_count(client_as, chamber, secretary, django_assert_num_queries):
    for i in range(3):
        make_event(chamber, kind=EventKind.TRAINING, title="培训{}".format(i))
    client = client_as(secretary)
    url = page(chamber, "outcomes/")
    client.get(url)
    # session, chamber, user, roles; grouped totals, years; the layout's chamber switcher (2).
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


def test_partials_render_for_the_event_page(chamber, council, lineup, django_assert_num_queries):
    with scope(chamber=chamber):
        # term, positions, attendance, resolutions
        with django_assert_num_queries(4):
            context = meeting_context(council)
        training = make_event(chamber, kind=EventKind.TRAINING)
        with django_assert_num_queries(0):
            assert meeting_context(training) == {}
        context.update(outcome_context(council), event=council, current_chamber=chamber, can_manage=True)
        request = RequestFactory().get("/")
        html = render_to_string("events/_meeting.html", context, request=request)
        html += render_to_string("events/_outcome.html", context, request=request)
    assert 'data-quorum-reached="false"' in html and "/meeting/" in html and "/outcome/" in html
