"""Events API: roles and isolation, list counts and query count, create/update/status,
registrations with cancel, check-in by code."""
import datetime

import pytest
from django_scopes import scope

from events.models import Registration

from .conftest import START, make_event, register

pytestmark = pytest.mark.django_db


def api_url(chamber, path=""):
    return "/api/v1/chambers/{}/events/{}".format(chamber.slug, path)


def test_event_list_roles_counts_and_queries(api, chamber, admin_user, member, people, staff_readonly, treasurer,
                                             representative, outsider, django_assert_num_queries):
    for n in range(3):
        event = make_event(chamber, admin_user, title="活动{}".format(n), capacity=1)
        for person in people[:2]:
            register(chamber, event, admin_user, membership=member, person=person)
    client = api.as_user(admin_user)
    client.get(api_url(chamber, "events/"))
    # token, user's roles, count, page ids, rows with counts (the chamber comes from middleware)
    with django_assert_num_queries(6):
        response = client.get(api_url(chamber, "events/"))
    rows = response.json()["results"]
    assert len(rows) == 3 and {(r["confirmed_count"], r["waitlisted_count"]) for r in rows} == {(1, 1)}
    assert api.as_user(staff_readonly).get(api_url(chamber, "events/")).status_code == 200
    assert api.as_user(treasurer).get(api_url(chamber, "events/")).status_code == 403
    assert api.as_user(representative).get(api_url(chamber, "events/")).status_code == 403
    assert api.as_user(outsider).get(api_url(chamber, "events/")).status_code == 404
    assert api.as_user(admin_user).get(api_url(chamber, "events/?kind=nope")).status_code == 400


def test_create_update_status(api, chamber, admin_user, staff_readonly, branch_secretary, branches, other_chamber):
    from branches.services import branch_create

    with scope(chamber=other_chamber):
        foreign = branch_create(chamber=other_chamber, actor=None, name="成都分会", kind="branch")
    data = {"title": "人才招聘会", "kind": "job_fair", "starts_at": START.isoformat(),
            "ends_at": (START + datetime.timedelta(hours=2)).isoformat(), "capacity": 10}
    assert api.as_user(staff_readonly).post(api_url(chamber, "events/"), data, format="json").status_code == 403
    bad = api.as_user(admin_user).post(api_url(chamber, "events/"), dict(data, organiser_branch=foreign.pk),
                                       format="json")
    assert bad.status_code == 400 and "organiser_branch" in bad.json()
    created = api.as_user(admin_user).post(api_url(chamber, "events/"), data, format="json")
    assert created.status_code == 201 and created.json()["status"] == "draft"
    pk = created.json()["id"]
    assert api.as_user(branch_secretary).patch(api_url(chamber, "events/{}/".format(pk)), {"title": "x"},
                                               format="json").status_code == 404
    changed = api.as_user(admin_user).patch(api_url(chamber, "events/{}/".format(pk)), {"capacity": 20}, format="json")
    assert changed.status_code == 200 and changed.json()["capacity"] == 20
    moved = api.as_user(admin_user).post(api_url(chamber, "events/{}/status/".format(pk)), {"status": "open"},
                                         format="json")
    assert moved.json()["status"] == "open"
    refused = api.as_user(admin_user).post(api_url(chamber, "events/{}/status/".format(pk)), {"status": "draft"},
                                           format="json")
    assert refused.status_code == 400
    # A branch secretary plans events of their subtree.
    theirs = api.as_user(branch_secretary).post(api_url(chamber, "events/"),
                                                dict(data, organiser_branch=branches["cable"].pk), format="json")
    assert theirs.status_code == 201


def test_registrations_and_check_in(api, chamber, event, admin_user, member, people, staff_readonly, outsider,
                                    second_member):
    payload = {"event": event.pk, "membership": member.pk, "person": people[0].pk}
    assert api.as_user(staff_readonly).post(api_url(chamber, "registrations/"), payload,
                                            format="json").status_code == 403
    client = api.as_user(admin_user)  # one client: as_user switches its credentials
    created = client.post(api_url(chamber, "registrations/"), payload, format="json")
    assert created.status_code == 201 and created.json()["status"] == "confirmed"
    wrong = client.post(api_url(chamber, "registrations/"),
                        {"event": event.pk, "membership": member.pk, "person": second_member.contact_person.pk},
                        format="json")
    assert wrong.status_code == 400
    listed = client.get(api_url(chamber, "registrations/?event={}".format(event.pk))).json()["results"]
    assert [r["attendee_name"] for r in listed] == [people[0].name]
    code = created.json()["code"]
    checked = client.post(api_url(chamber, "events/{}/check-in/".format(event.pk)), {"code": code}, format="json")
    assert checked.status_code == 200 and checked.json()["already_checked_in"] is False
    again = client.post(api_url(chamber, "events/{}/check-in/".format(event.pk)), {"code": code}, format="json")
    assert again.json()["already_checked_in"] is True
    unknown = client.post(api_url(chamber, "events/{}/check-in/".format(event.pk)), {"code": "XXXX"}, format="json")
    assert unknown.status_code == 400 and "code" in unknown.json()
    second = client.post(api_url(chamber, "registrations/"), {"event": event.pk, "attendee_name": "来宾"},
                         format="json").json()
    cancelled = client.post(api_url(chamber, "registrations/{}/cancel/".format(second["id"])))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert api.as_user(outsider).get(api_url(chamber, "registrations/{}/".format(second["id"]))).status_code == 404
    with scope(chamber=chamber):
        assert Registration.objects.filter(event=event).count() == 2
