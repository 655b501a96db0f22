"""API fuzzing (issue 10): schemathesis against the OpenAPI document, in-process.

Every operation of the schema is one pytest item. Schemathesis generates requests from the
schema (valid ones and broken ones), they go to Django's WSGI handler inside the test
database, authenticated as a chamber admin with a DRF token, and each answer must be:
- no server error (no 5xx, whatever the input), and
- shaped as the schema says for a documented status (response_schema_conformance).
status_code_conformance is not checked: the schema documents the successful answers, not
the 400/403/404 every operation may give (they share one error shape, see chamber/api/exceptions.py).

The `chamber` path parameter is the fixture chamber (evaluations: the federation of
tests/evaluation_fixtures.py, which runs them); ids are real rows on every other example,
made by the row makers of tests/scale/test_list_query_guards.py, so the write paths meet
real objects and the rest probe unknown ones. Each example runs in a savepoint rolled back
afterwards, so a DELETE or a status change does not take the object away from the next one.

Bounded for CI: FUZZ_EXAMPLES examples per operation (default 10), derandomized; raise it for
a longer run: FUZZ_EXAMPLES=200 pytest tests/trust/test_api_fuzz.py
"""
import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.scale import test_list_query_guards as rows

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
VERBOSE = bool(os.environ.get("FUZZ_VERBOSE"))


def _schema_document():
    """The document /api/v1/schema/ serves, built without a request (no database needed)."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(
    _schema_document(),
    config=schemathesis.config.SchemathesisConfig.from_dict({
        # The coverage phase ignores max_examples (it walks every boundary of every field):
        # unbounded on 158 operations, so only the examples and fuzzing phases run here.
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"mode": "all", "with-security-parameters": False},
    }),
)
schema.app = WSGIHandler()

# Operations that cannot pass yet, with the reason; each is an explicit xfail, not a skip.
KNOWN_FAILURES = {}


# --- The world: the fixture chamber with one row of each kind, made lazily per area. --------

def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True).first()


def _core(ctx):
    from members.models import OfficerPosition, Person, Term
    from members.services import annual_figures_set

    chamber, member = ctx["chamber"], ctx["member"]
    rows.people(ctx, 1)
    rows.officers(ctx, 1)
    annual_figures_set(enterprise=member.enterprise, actor=None, year=2024, revenue=1_000_000, employees=80)
    return {
        "branches": ctx["branches"]["cable_sub"].pk,
        "enterprises": member.enterprise.pk, "enterprise_pk": member.enterprise.pk, "year": 2024,
        "members": member.pk,
        "people": _first(Person, chamber=chamber),
        "officers": _first(OfficerPosition, chamber=chamber),
        "terms": _first(Term, chamber=chamber),
    }


def _charity(ctx):
    from charity.models import Donation, DonationEntry

    rows.charity_donations(ctx, 1)
    rows.charity_recipients(ctx, 1)
    chamber = ctx["chamber"]
    return {"programmes": ctx["state"]["programme"].pk, "donations": _first(Donation, chamber=chamber),
            "entries": _first(DonationEntry, chamber=chamber)}


def _dues(ctx):
    from members.dues.demo import seed_dues
    from members.models import DuesEntry, DuesInvoice, FeeSchedule

    chamber = ctx["chamber"]
    seed_dues(chamber=chamber, actor=ctx["admin"])
    return {"schedules": _first(FeeSchedule, chamber=chamber), "invoices": _first(DuesInvoice, chamber=chamber),
            "entries": _first(DuesEntry, chamber=chamber)}


def _events(ctx):
    from events.models import Event, MemberRequest, Registration, Resolution, Visit

    chamber = ctx["chamber"]
    rows.open_events(ctx, 1)
    rows.resolutions(ctx, 1)
    rows.attendance(ctx, 1)
    rows.requests(ctx, 1)
    rows.visits(ctx, 1)
    meeting = ctx["state"]["meeting"].pk
    return {"events": _first(Event, chamber=chamber, kind="training"), "meetings": meeting, "event_pk": meeting,
            "outcomes": meeting, "resolutions": _first(Resolution, chamber=chamber),
            "registrations": _first(Registration, chamber=chamber),
            "requests": _first(MemberRequest, chamber=chamber), "visits": _first(Visit, chamber=chamber)}


def _evaluations(ctx):
    from evaluations.models import CampaignReviewer, Evidence, Rating, ScoreSheet, Submission, WorkingGroup

    for make in (rows.ev_groups, rows.ev_assignments, rows.ev_evidence, rows.ev_ratings, rows.ev_sheets):
        make(ctx, 1)
    state = ctx["state"]
    fed = state["fed"]
    submission = state["submission"].pk
    return {
        "chamber": fed, "user": state["fed_admin"],
        "campaigns": state["campaign"].pk, "campaign_pk": state["campaign"].pk,
        "assignments": _first(Submission, chamber=fed, group__isnull=False),
        "groups": _first(WorkingGroup, chamber=fed), "reviewers": _first(CampaignReviewer, chamber=fed),
        "evidence": _first(Evidence, chamber=fed), "ratings": _first(Rating, chamber=fed),
        "reviews": submission, "submissions": submission, "self-assessments": submission,
        "submission_pk": submission, "sheets": _first(ScoreSheet, submission_id=submission),
        "schemes": state["version"].scheme_id, "versions": state["version"].pk,
    }


AREAS = {"charity": _charity, "dues": _dues, "events": _events, "evaluations": _evaluations}


def _area(path):
    """"/api/v1/chambers/{chamber}/events/..." -> "events" (the first segment after the chamber)."""
    parts = path.split("/")
    return parts[5] if len(parts) > 5 and parts[4] == "{chamber}" else ""


def _real_parameters(path, world):
    """{name: real value} for the path's parameters; an {id} is named by the segment before it."""
    parts = path.strip("/").split("/")
    found = {}
    for i, part in enumerate(parts):
        if part.startswith("{") and part not in ("{chamber}",):
            name = part[1:-1]
            key = parts[i - 1] if name == "id" else name
            if world.get(key) is not None:
                found[name] = world[key]
    return found


@pytest.fixture
def world(request, chamber, member, branches, admin_user):
    """Built on the first example of an operation, outside its savepoint, for its area only."""
    built = {}

    def get(path):
        if not built:
            ctx = {"chamber": chamber, "member": member, "branches": branches, "admin": admin_user,
                   "fixture": request.getfixturevalue, "state": {}}
            with scopes_disabled():
                built.update(_core(ctx))
                built.update(AREAS.get(_area(path), lambda ctx: {})(ctx))
            built.setdefault("chamber", chamber)
            built.setdefault("user", admin_user)
        return built

    return get


@pytest.fixture
def wsgi_requests_keep_the_test_transaction():
    """Django's handler closes the connection after each request (close_old_connections),
    which would end the test's transaction; the test client disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def counter():
    return {"n": 0}


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_operation_fuzz(case, world, counter, wsgi_requests_keep_the_test_transaction):
    from rest_framework.authtoken.models import Token

    reason = KNOWN_FAILURES.get(case.operation.label)
    if reason:
        pytest.xfail(reason)
    facts = world(case.operation.path)
    counter["n"] += 1
    case.path_parameters = dict(case.path_parameters or {})
    if "chamber" in case.path_parameters:
        case.path_parameters["chamber"] = facts["chamber"].slug
    if counter["n"] % 2:  # every other example: real rows behind the ids
        case.path_parameters.update(_real_parameters(case.operation.path, facts))
    token, _ = Token.objects.get_or_create(user=facts["user"])
    with transaction.atomic():
        response = case.call_and_validate(headers={"Authorization": "Token {}".format(token.key)},
                                          checks=[not_a_server_error, response_schema_conformance])
        if VERBOSE:  # FUZZ_VERBOSE=1 pytest -s: which answers the examples got (real ids: 2xx)
            print(response.status_code, case.method, case.formatted_path)
        transaction.set_rollback(True)


# --- The server errors fuzzing found, pinned as plain regression tests (400, not 500). --------

@pytest.mark.parametrize("path", [
    "charity/programmes/?year=20799789",
    "charity/donations/?year=20799789",
    "charity/totals/?year=99999",
    "events/requests/?year=20799789",
    "events/requests/figures/?year=0",
    "dues/invoices/?year=20799789",
    "dues/invoices/totals/?year=20799789",
    "dues/invoices/?branch=1500319077280990138816528384",
])
def test_out_of_range_numbers_in_the_query_are_a_400(api, chamber, admin_user, path):
    response = api.as_user(admin_user).get("/api/v1/chambers/{}/{}".format(chamber.slug, path))
    assert response.status_code == 400, response.content[:300]


def test_an_evidence_filter_past_a_bigint_is_a_400(api, federation, fed_admin):
    response = api.as_user(fed_admin).get(
        "/api/v1/chambers/{}/evaluations/evidence/?submission=1500319077280990138816528384".format(federation.slug))
    assert response.status_code == 400
    assert "submission" in response.json()


def test_an_event_in_year_100_is_refused(api, chamber, admin_user):
    response = api.as_user(admin_user).post("/api/v1/chambers/{}/events/events/".format(chamber.slug), {
        "title": "年会", "kind": "training", "starts_at": "0100-05-27T06:01:18Z", "ends_at": "0100-05-27T09:00:00Z",
    }, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"starts_at", "ends_at"}


@pytest.mark.parametrize("since, listed", [
    ("2827-03-19T08:36:09-23:33", 0),  # an offset PostgreSQL refuses: compared in UTC
    ("2000-01-01T00:00:00-23:59", 1),
    ("9999-12-31T23:59:59-23:59", 0),  # past the calendar's end in UTC
    ("0001-01-01T00:00:00+23:59", 1),  # before its start
])
def test_updated_since_takes_any_iso_offset(api, chamber, member, admin_user, since, listed):
    response = api.as_user(admin_user).get("/api/v1/chambers/{}/members/".format(chamber.slug),
                                           {"updated_since": since})
    assert response.status_code == 200, response.content[:300]
    assert len(response.json()["results"]) == listed
