"""The isolation probe: a user of chamber B gets 404 for every object of chamber A (issue 10).

Every named URL of the web app (the resolver, as tests/scale/test_web_list_query_guards.py
walks it) and every API operation (the OpenAPI schema, as tests/scale/test_list_query_guards.py
builds it) is probed; nothing is listed by hand but how to fill a kwarg and what is exempt.
The prober is `outsider`, the admin of chamber B (`other_chamber`): fully trusted, just not in A.

- A URL naming objects is filled from chamber A's world (tests/trust/world.py) and asked
  (1) under A's slug (B's admin has no role there) and (2) under B's own slug with A's ids
  (the tenant filter must hide them). Both must be 404: GET, or when the view only takes
  POST (405), an empty POST. A's own admin then asks the same URL (inside a rolled-back
  savepoint) and must not get 404, so the ids really name A's objects: a probe that fills a
  kwarg with a wrong kind of object would otherwise pass for nothing.
- A URL naming no object (a list, a form) must be 404 under A's slug, work under B's own
  slug (200 / 302 / 405), and show none of A's text (A_MARKERS).
- Completeness: a URL or operation whose kwargs the tables below cannot fill fails
  test_every_web_url_is_probed_or_exempt / test_every_api_operation_is_probed_or_exempt,
  naming it. Exemptions only in EXEMPT_WEB / EXEMPT_API, each with its reason.
"""
import functools
import re

import pytest
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.scale.test_web_list_query_guards import _is_api

from .world import A_MARKERS, build_probers, build_world, calendar_token

# --- What fills a kwarg ---------------------------------------------------------------------
# A kwarg naming an object: the world entry that fills it, whatever the URL.
KWARG_OBJECTS = {
    "term": "term", "contact": "contact", "enterprise_pk": "enterprise", "contact_pk": "contact",
    "recipient": "recipient", "attachment_pk": "attachment", "registration_pk": "registration",
    "resolution": "resolution", "campaign": "open_campaign", "sheet": "sheet", "affiliate": "affiliate",
}
# "pk" names a different object on each page (the views declare no model): {URL name: entry}.
_PK_GROUPS = {
    "membership": ["members:detail", "members:edit", "members:contact_add", "members:contact_remove",
                   "certificates:issue_membership"],
    "person": ["members:person_edit"],
    "officer": ["members:officers_end", "certificates:issue_officer"],
    "rotating_chair": ["members:officers_rotating_chair_remove"],
    "liaison": ["members:officers_liaison_remove"],
    "approval": ["members:approval_detail"],
    "invoice": ["members:dues_invoice", "members:dues_pay", "members:dues_waive"],
    "dues_entry": ["members:dues_reverse", "members:dues_receipt"],
    "branch": ["branches:edit", "branches:move", "branches:archive"],
    "scheme": ["evaluations:scheme_detail", "evaluations:scheme_edit", "evaluations:version_create"],
    "version": ["evaluations:version_detail", "evaluations:version_edit", "evaluations:version_delete",
                "evaluations:version_copy", "evaluations:version_export", "evaluations:indicator_create",
                "evaluations:grade_rule_create"],
    "indicator": ["evaluations:indicator_edit", "evaluations:indicator_delete", "evaluations:indicator_move"],
    "grade_rule": ["evaluations:grade_rule_edit", "evaluations:grade_rule_delete"],
    "campaign": ["evaluations:campaign_detail", "evaluations:campaign_edit", "evaluations:campaign_advance",
                 "evaluations:campaign_results", "evaluations:campaign_subjects", "evaluations:campaign_ranking",
                 "evaluations:assignment"],
    "submission": ["evaluations:submission_detail", "evaluations:consensus_sheet", "evaluations:submission_sheets",
                   "evaluations:sheet_detail"],
    "review_submission": ["evaluations:sheet"],
    "own_submission": ["evaluations:self_assessment", "evaluations:evidence_upload"],
    "rating": ["evaluations:rating_revoke", "certificates:issue_rating"],
    "rated_branch": ["evaluations:rating_history"],
    "evidence": ["evaluations:evidence_download", "evaluations:evidence_delete"],
    "programme": ["charity:programme", "charity:programme_edit", "charity:recipient_create",
                  "charity:donation_create", "charity:programme_switch", "charity:recipient_edit"],
    "donation": ["charity:donation", "charity:receipt_create", "charity:withdrawal_create"],
    "donation_entry": ["charity:entry_reverse", "charity:receipt"],
    "event": ["events:detail", "events:edit", "events:status", "events:attachment_add", "events:attachment",
              "events:invitations", "events:register", "events:registration_cancel", "events:registration_qr",
              "events:registration_pass", "events:portal_register", "events:checkin", "events:walk_in",
              "events:attendance"],
    "held_event": ["events:outcome_edit"],
    "meeting": ["events:meeting", "events:meeting_prepare", "events:meeting_minutes",
                "events:meeting_resolution_add", "events:meeting_resolution_edit",
                "events:meeting_resolution_delete"],
    "request": ["events:request_detail", "events:request_move", "events:request_assign", "events:request_note",
                "events:request_typical", "events:request_portal_detail", "events:request_portal_note",
                "events:request_portal_rate"],
    "visit": ["events:visit_detail"],
    "import": ["imports:batch", "imports:progress", "imports:commit", "imports:undo", "imports:discard"],
    "export": ["exports:status", "exports:download"],
    "certificate": ["certificates:detail", "certificates:pdf", "certificates:revoke"],
    "doc_batch": ["document_batches:detail", "document_batches:progress", "document_batches:download"],
    "work_record": ["annual:record_update", "annual:record_delete"],
    "delivery": ["inbox:message", "inbox:read"],
}
PK_OBJECTS = {name: entry for entry, names in _PK_GROUPS.items() for name in names}
# Kwargs that name no object: a fixed value ({kwarg: value} or {kwarg: {URL name: value}}).
KWARG_VALUES = {
    "year": 2026,
    "fmt": {"evaluations:version_export": "json", "imports:template": "xlsx"},
    "kind": {"imports:template": "members", "imports:upload": "members", "exports:start": "members",
             "certificates:template": "membership", "evaluations:rating_history": "branch"},
    "switch": {"charity:programme_switch": "close"},
}
# Kwargs filled per requesting user: a calendar feed is fetched with the user's own token.
KWARG_PER_USER = {"token": calendar_token}
# Whose request proves the ids name A's objects, where it is not the admin of the object's chamber.
CONTROL_USER = {"evaluations:sheet": "reviewer"}
# Where A's insider cannot reach the object either, for a reason of its state (B's 404 still counts).
CONTROL_SKIP = {"evaluations:consensus_sheet": "a consensus sheet exists only once a working group has scored"}
# Who in B asks: B's admin, but the member portal is a representative's and these pages a federation's
# (B's admin would be refused with 403 before any object is looked up, proving nothing).
PROBER = {"chamber:affiliates": "federation", "chamber:affiliate_detail": "federation",
          "annual:affiliates": "federation"}
PORTAL = re.compile(r"^(members:portal|events:portal_|events:request_portal_)")
# B's own page answering something else than OK_OWN, and why.
OWN_STATUS = {"annual:pdf": (404, "no report made for the year yet: the PDF does not exist")}

EXEMPT_WEB = {
    "password_reset_confirm": "a signed reset link for one user (uidb64 + token), no chamber and no object of one",
    "verify:certificate": "public by design: anyone holding a certificate's unguessable code may verify it",
    "charity_public:honour_roll": "public by design once a programme opts in (tests/charity cover the opt-in)",
}

# --- The API: path parameters ---------------------------------------------------------------
API_PARAM_OBJECTS = {"enterprise_pk": "enterprise", "campaign_pk": "campaign", "submission_pk": "submission",
                     "event_pk": "meeting", "year": "figures_year"}
# {id} names the viewset's model (its `queryset = Model.objects.none()`): {model name: entry} ...
API_MODEL_OBJECTS = {
    "Membership": "membership", "Enterprise": "enterprise", "Person": "person", "Branch": "branch",
    "OfficerPosition": "officer", "Term": "term", "FeeSchedule": "schedule", "DuesInvoice": "invoice",
    "DuesEntry": "dues_entry", "Programme": "programme", "Donation": "donation", "DonationEntry": "donation_entry",
    "Event": "event", "Registration": "registration", "Resolution": "resolution", "MemberRequest": "request",
    "Visit": "visit", "Scheme": "scheme", "SchemeVersion": "version", "Campaign": "campaign",
    "Submission": "submission", "ScoreSheet": "sheet", "Rating": "rating", "Evidence": "evidence",
    "WorkingGroup": "group", "CampaignReviewer": "campaign_reviewer",
}
# ... unless the operation's family reads another one of them: {operationId prefix: entry}.
API_ID_OVERRIDES = {
    ("chambers_evaluations_reviews_", "Submission"): "review_submission",
    ("chambers_evaluations_self_assessments_", "Submission"): "own_submission",
    ("chambers_events_meetings_", "Event"): "meeting",
    ("chambers_events_outcomes_", "Event"): "held_event",
}
API_CONTROL_USER = {"chambers_evaluations_reviews_": "reviewer"}
# Query strings an operation needs to answer at all (B's own GET).
API_QUERY = {"chambers_dues_invoices_totals_retrieve": "?year=2026"}
EXEMPT_API = {
    "auth_token_create": "the login of the API (username and password for a token), no chamber",
}

OK_OWN = {200, 302, 405}  # B's admin on B's own list or form page


# --- Enumeration -----------------------------------------------------------------------------

def web_patterns():
    """{"namespace:name": (route kwargs)} of every named URL of the web app (not admin, not API)."""
    found = {}

    def walk(patterns, namespace, kwargs):
        for pattern in patterns:
            keys = tuple(pattern.pattern.converters) if hasattr(pattern.pattern, "converters") else ()
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, (namespace, pattern.namespace))) or None
                walk(pattern.url_patterns, inner, kwargs + keys)
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if not name.startswith("admin:") and not _is_api(name, pattern):
                    found[name] = kwargs + keys

    walk(get_resolver().url_patterns, None, ())
    return found


@functools.lru_cache(maxsize=1)
def api_operations():
    """[(operationId, method, path template, viewset class)] from the OpenAPI schema."""
    from django.urls import resolve
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        view = getattr(resolve(re.sub(r"\{[^}]+\}", "2024", path)).func, "cls", None)
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append((operation["operationId"], method, path, view))
    return found


def web_fill(name, kwargs):
    """{kwarg: entry name or ("value", v) or ("user", fn)} for a URL, or raise KeyError naming the gap."""
    filled = {}
    for kwarg in kwargs:
        if kwarg == "chamber":
            continue
        if kwarg == "pk":
            filled[kwarg] = PK_OBJECTS[name]
        elif kwarg in KWARG_OBJECTS:
            filled[kwarg] = KWARG_OBJECTS[kwarg]
        elif kwarg in KWARG_VALUES:
            value = KWARG_VALUES[kwarg]
            filled[kwarg] = ("value", value[name] if isinstance(value, dict) else value)
        elif kwarg in KWARG_PER_USER:
            filled[kwarg] = ("user", KWARG_PER_USER[kwarg])
        else:
            raise KeyError(kwarg)
    return filled


def _prefixed(table, operation_id):
    return next((v for prefix, v in table.items() if operation_id.startswith(prefix)), None)


def api_fill(operation_id, path, view):
    filled = {}
    for param in re.findall(r"\{([^}]+)\}", path):
        if param == "chamber":
            continue
        if param == "id":
            model = getattr(getattr(view, "queryset", None), "model", None)
            override = {prefix: entry for (prefix, name), entry in API_ID_OVERRIDES.items() if name == model.__name__}
            filled[param] = _prefixed(override, operation_id) or API_MODEL_OBJECTS[model.__name__]
        else:
            filled[param] = API_PARAM_OBJECTS[param]
    return filled


def test_every_web_url_is_probed_or_exempt(db):
    """A URL whose kwargs nothing here can fill (a new kind of object, a new kwarg) fails, named."""
    patterns = web_patterns()
    gaps = []
    for name, kwargs in sorted(patterns.items()):
        if name in EXEMPT_WEB:
            continue
        try:
            web_fill(name, kwargs)
        except KeyError as missing:
            gaps.append(f"{name}: cannot fill {missing}")
    assert gaps == [], "say which object fills these (PK_OBJECTS / KWARG_OBJECTS) or exempt them with why"
    assert sorted(set(EXEMPT_WEB) - set(patterns)) == [], "stale exemptions"
    assert sorted(set(PK_OBJECTS) - set(patterns)) == [], "stale PK_OBJECTS entries"


def test_every_api_operation_is_probed_or_exempt(db):
    operations = api_operations()
    gaps = []
    for operation_id, _method, path, view in operations:
        if operation_id in EXEMPT_API:
            continue
        try:
            api_fill(operation_id, path, view)
        except (KeyError, AttributeError) as missing:
            gaps.append(f"{operation_id} {path}: cannot fill {missing}")
    assert gaps == [], "say which object fills these (API_MODEL_OBJECTS / API_PARAM_OBJECTS) or exempt them"
    assert sorted(set(EXEMPT_API) - {o[0] for o in operations}) == [], "stale exemptions"


# --- Probing ---------------------------------------------------------------------------------

def _values(filled, world, user):
    values, home = {}, None
    for kwarg, how in filled.items():
        if isinstance(how, tuple):
            values[kwarg] = how[1] if how[0] == "value" else how[1](user)
        else:
            entry = world.entries[how]
            values[kwarg] = entry.value
            home = home or entry.chamber
    return values, home


class Raised:
    """What _ask answers when the view raised: reported like a 500, with the exception."""

    def __init__(self, error):
        self.status_code = "500 ({}: {})".format(type(error).__name__, str(error)[:160])
        self.content = b""


def _ask(client, url, method="get", fallback=True, json=False):
    """The response to one request; a GET refused as a method (405, or 403 from a POST-only view that
    declares no read capability) is retried as an empty POST."""
    kwargs = {"format": "json"} if json else {}
    try:
        response = client.get(url) if method == "get" else getattr(client, method)(url, {}, **kwargs)
        if fallback and method == "get" and response.status_code in (403, 405):
            response = client.post(url, {}, **kwargs)
    except Exception as error:  # noqa: BLE001 - one broken view must not hide the others' results
        return Raised(error)
    return response


def _controlled(client, user, fn):
    """A's insider's request, rolled back: a control must not change the world the probe reads."""
    _login(client, user)
    with transaction.atomic():
        response = fn()
        transaction.set_rollback(True)
    return response


def _login(client, user):
    if isinstance(client, APIClient):
        client.force_authenticate(user)
    else:
        client.force_login(user)


def _leaks(response):
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content).decode("utf-8", "replace")
    else:
        body = response.content.decode("utf-8", "replace")
    return [marker for marker in A_MARKERS if marker in body]


@pytest.fixture
def world(request, outsider):
    return build_world(request)


@pytest.fixture
def probers(request, world):
    return build_probers(request)


def _prober(name, probers):
    return probers["representative" if PORTAL.match(name) else PROBER.get(name, "admin")]


def test_web_isolation(client, world, probers, chamber):
    failures, probed = [], 0
    for name, kwargs in sorted(web_patterns().items()):
        if name in EXEMPT_WEB:
            continue
        filled = web_fill(name, kwargs)
        has_chamber = "chamber" in kwargs
        objects = any(not isinstance(how, tuple) for how in filled.values())
        outsider, other_chamber = _prober(name, probers)
        values, home = _values(filled, world, outsider)
        _login(client, outsider)
        if objects:
            slugs = [home.slug, other_chamber.slug] if has_chamber else [None]
            for slug in slugs:
                url = reverse(name, kwargs={**values, **({"chamber": slug} if slug else {})})
                status = _ask(client, url).status_code
                if status != 404:
                    failures.append(f"{name} {url}: B's admin got {status}, not 404")
            if name in CONTROL_SKIP:
                probed += 1
                continue
            # the control: A's insider reaches the same objects (else the probe proved nothing)
            user = world.users.get(CONTROL_USER.get(name, ""))
            if PORTAL.match(name):
                user = world.users["representative"]
            owner = home or chamber
            user = user or world.admin_of(owner)
            own_values, _ = _values(filled, world, user)
            url = reverse(name, kwargs={**own_values, **({"chamber": owner.slug} if has_chamber else {})})
            status = _controlled(client, user, lambda: _ask(client, url)).status_code
            if status in (404, 500) or isinstance(status, str):
                failures.append(f"{name} {url}: A's own insider got {status} (the probe's ids name nothing)")
        elif has_chamber:
            url = reverse(name, kwargs={**values, "chamber": chamber.slug})
            status = _ask(client, url).status_code
            if status != 404:
                failures.append(f"{name} {url}: B's admin got {status} under A's slug, not 404")
            url = reverse(name, kwargs={**values, "chamber": other_chamber.slug})
            response = _ask(client, url, fallback=False)
            if response.status_code == OWN_STATUS.get(name, (None,))[0]:
                pass
            elif response.status_code not in OK_OWN:
                failures.append(f"{name} {url}: B's admin got {response.status_code} on B's own page")
            elif leaked := _leaks(response):
                failures.append(f"{name} {url}: B's own page shows A's {leaked}")
        else:
            url = reverse(name, kwargs=values)
            response = _ask(client, url, fallback=False)
            if isinstance(response, Raised) or response.status_code >= 500:
                failures.append(f"{name} {url}: {response.status_code}")
            elif leaked := _leaks(response):
                failures.append(f"{name} {url}: shows B's admin A's {leaked}")
        probed += 1
    assert failures == [], "\n".join(failures)
    assert probed >= 180, probed  # the resolver walk found the app's pages (not an empty loop)


def test_api_isolation(world, probers, chamber):
    outsider, other_chamber = probers["admin"]
    client = APIClient()
    failures, probed = [], 0
    for operation_id, method, path, view in api_operations():
        if operation_id in EXEMPT_API:
            continue
        filled = api_fill(operation_id, path, view)
        values, home = _values(filled, world, outsider)
        body = method in ("post", "put", "patch")

        def url_for(slug, values=values, path=path):
            url = path.replace("{chamber}", slug or "")
            for param, value in values.items():
                url = url.replace("{" + param + "}", str(value))
            return url

        _login(client, outsider)
        if "{chamber}" not in path:  # the user's chambers list
            response = _ask(client, url_for(None), fallback=False)
            if response.status_code != 200 or _leaks(response):
                failures.append(f"{operation_id}: {response.status_code} {_leaks(response)}")
        elif filled:
            for slug in (home.slug, other_chamber.slug):
                url = url_for(slug)
                status = _ask(client, url, method, fallback=False, json=body).status_code
                if status != 404:
                    failures.append(f"{method.upper()} {url} ({operation_id}): B's admin got {status}, not 404")
            user = world.users.get(_prefixed(API_CONTROL_USER, operation_id) or "") or world.admin_of(home)
            url = url_for(home.slug)
            status = _controlled(client, user, lambda: _ask(client, url, method, fallback=False, json=body)).status_code
            if status in (404, 500) or isinstance(status, str):
                failures.append(f"{method.upper()} {url} ({operation_id}): A's insider got {status}")
        else:
            url = url_for(chamber.slug)
            status = _ask(client, url, method, fallback=False, json=body).status_code
            if status != 404:
                failures.append(f"{method.upper()} {url} ({operation_id}): B's admin got {status} under A's slug")
            if method == "get":
                url = url_for(other_chamber.slug) + API_QUERY.get(operation_id, "")
                response = _ask(client, url, fallback=False)
                if response.status_code != 200:
                    failures.append(f"GET {url} ({operation_id}): B's admin got {response.status_code} on B's own")
                elif leaked := _leaks(response):
                    failures.append(f"GET {url} ({operation_id}): B's own answer shows A's {leaked}")
        probed += 1
    assert failures == [], "\n".join(failures)
    assert probed >= 150, probed
