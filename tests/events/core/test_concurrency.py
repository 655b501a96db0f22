"""Registrations under concurrent requests on PostgreSQL: the last seat goes to exactly one of
two requests; two cancellations free two seats but a single waitlisted person moves up once.

Each thread has its own connection (closed at its end); SQLite serialises every writer, so
these only mean something on PostgreSQL."""

import pytest
from django_scopes import scope

from events.models import Registration
from events.services.registrations import registration_cancel, registration_create

from .conftest import make_event, register

from tests.concurrency import NEEDS_POSTGRES, race

pytestmark = [pytest.mark.postgres, NEEDS_POSTGRES, pytest.mark.django_db(transaction=True)]




def test_two_requests_for_the_last_seat(chamber, member, people, admin_user, secretary):
    event = make_event(chamber, admin_user, capacity=3)
    for person in people[:2]:
        register(chamber, event, admin_user, membership=member, person=person)

    def take(job):
        actor, person = job
        with scope(chamber=chamber):
            return registration_create(event=event, actor=actor, membership=member, person=person).status

    outcomes = race(take, [(admin_user, people[2]), (secretary, people[3])])
    assert sorted(outcomes) == [("ok", "confirmed"), ("ok", "waitlisted")]
    with scope(chamber=chamber):
        assert Registration.objects.filter(event=event, status="confirmed").count() == 3


def test_two_cancellations_move_the_single_waitlisted_up_once(chamber, member, people, admin_user, secretary):
    event = make_event(chamber, admin_user, capacity=2)
    first, second, waiting = [register(chamber, event, admin_user, membership=member, person=p) for p in people[:3]]
    assert waiting.status == "waitlisted"

    def cancel(job):
        actor, registration = job
        with scope(chamber=chamber):
            mine = Registration.objects.get(pk=registration.pk)
            return [r.pk for r in registration_cancel(registration=mine, actor=actor).promoted]

    outcomes = race(cancel, [(admin_user, first), (secretary, second)])
    assert sorted(outcomes) == [("ok", []), ("ok", [waiting.pk])]
    with scope(chamber=chamber):
        statuses = dict(Registration.objects.filter(event=event).values_list("pk", "status"))
    assert statuses == {first.pk: "cancelled", second.pk: "cancelled", waiting.pk: "confirmed"}
