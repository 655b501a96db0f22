"""Who may call what, for every endpoint and method of the API.

- anonymous: 401 everywhere;
- `outsider` (admin of the other chamber) and the other chamber's API key: 404, so the
  chamber's existence is not revealed;
- `staff_readonly` and the chamber's own API key: they read (200) and every write is 403;
- a member representative gets 403 on the roster (they only reach their own enterprise).

Permission checks run before any body is parsed, so writes are sent with an empty body.
"""
import pytest

from .conftest import api_url

# (method, path under /api/v1/chambers/<chamber>/); `{...}` are filled from the `ids` fixture.
ENDPOINTS = [
    ("get", ""),
    ("get", "branches/"),
    ("post", "branches/"),
    ("get", "branches/tree/"),
    ("get", "branches/{branch}/"),
    ("patch", "branches/{branch}/"),
    ("post", "branches/{branch}/move/"),
    ("post", "branches/{branch}/archive/"),
    ("get", "members/"),
    ("post", "members/"),
    ("get", "members/{member}/"),
    ("patch", "members/{member}/"),
    ("post", "members/{member}/status/"),
    ("get", "members/{member}/history/"),
    ("get", "enterprises/{enterprise}/"),
    ("patch", "enterprises/{enterprise}/"),
    ("get", "enterprises/{enterprise}/figures/"),
    ("post", "enterprises/{enterprise}/figures/"),
    ("get", "enterprises/{enterprise}/figures/2024/"),
    ("put", "enterprises/{enterprise}/figures/2024/"),
    ("get", "enterprises/{enterprise}/contacts/"),
    ("post", "enterprises/{enterprise}/contacts/"),
    ("get", "people/"),
    ("post", "people/"),
    ("get", "people/{person}/"),
    ("patch", "people/{person}/"),
    ("get", "ranks/"),
    ("get", "terms/"),
    ("post", "terms/"),
    ("get", "terms/{term}/"),
    ("post", "terms/start-next/"),
    ("get", "officers/"),
    ("post", "officers/"),
    ("get", "officers/{officer}/"),
    ("post", "officers/{officer}/end/"),
]
READS = [e for e in ENDPOINTS if e[0] == "get"]
WRITES = [e for e in ENDPOINTS if e[0] != "get"]


def _id(endpoint):
    return f"{endpoint[0].upper()} {endpoint[1] or '.'}"


@pytest.fixture
def ids(member, branch_cable, person, contact, figures, term, officer):
    return {"branch": branch_cable.pk, "member": member.pk, "enterprise": member.enterprise_id,
            "person": person.pk, "term": term.pk, "officer": officer.pk}


def call(client, chamber, endpoint, ids):
    method, path = endpoint
    return getattr(client, method)(api_url(chamber, path.format(**ids)), {}, format="json")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_id)
def test_anonymous_gets_401(api, chamber, ids, endpoint):
    response = call(api, chamber, endpoint, ids)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_id)
def test_outsider_gets_404(api, chamber, ids, outsider, endpoint):
    assert call(api.as_user(outsider), chamber, endpoint, ids).status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_id)
def test_other_chambers_api_key_gets_404(api, chamber, ids, other_api_key, endpoint):
    _key, raw = other_api_key
    assert call(api.as_key(raw), chamber, endpoint, ids).status_code == 404


@pytest.mark.parametrize("endpoint", READS, ids=_id)
def test_api_key_reads(api, chamber, ids, api_key, endpoint):
    _key, raw = api_key
    assert call(api.as_key(raw), chamber, endpoint, ids).status_code == 200


@pytest.mark.parametrize("endpoint", WRITES, ids=_id)
def test_api_key_cannot_write(api, chamber, ids, api_key, endpoint):
    _key, raw = api_key
    assert call(api.as_key(raw), chamber, endpoint, ids).status_code == 403


@pytest.mark.parametrize("endpoint", READS, ids=_id)
def test_staff_readonly_reads(api, chamber, ids, staff_readonly, endpoint):
    assert call(api.as_user(staff_readonly), chamber, endpoint, ids).status_code == 200


@pytest.mark.parametrize("endpoint", WRITES, ids=_id)
def test_staff_readonly_cannot_write(api, chamber, ids, staff_readonly, endpoint):
    assert call(api.as_user(staff_readonly), chamber, endpoint, ids).status_code == 403


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if not e[1].startswith("enterprises/") and e[1]], ids=_id)
def test_representative_is_refused_outside_their_enterprise(api, chamber, ids, representative, endpoint):
    assert call(api.as_user(representative), chamber, endpoint, ids).status_code == 403


def test_unknown_chamber_is_404(api, admin_user):
    assert api.as_user(admin_user).get(api_url("no-such-chamber", "members/")).status_code == 404


def test_unknown_id_is_404(api, chamber, admin_user, member):
    client = api.as_user(admin_user)
    assert client.get(api_url(chamber, "members/999999/")).status_code == 404
    assert client.get(api_url(chamber, "members/abc/")).status_code == 404


def test_other_chambers_row_under_this_chamber_is_404(api, chamber, admin_user, other_chamber, foreign):
    """An id that exists, but in the other chamber, is not found here."""
    client = api.as_user(admin_user)
    assert client.get(api_url(chamber, f"branches/{foreign['branch'].pk}/")).status_code == 404
    assert client.get(api_url(chamber, f"enterprises/{foreign['enterprise'].pk}/")).status_code == 404
    assert client.get(api_url(chamber, f"people/{foreign['person'].pk}/")).status_code == 404
    assert client.get(api_url(chamber, f"terms/{foreign['term'].pk}/")).status_code == 404


# --- chambers/ ----------------------------------------------------------------------------------

def test_chamber_list_shows_only_the_callers_chambers(api, chamber, other_chamber, admin_user, outsider):
    assert [c["slug"] for c in api.as_user(admin_user).get("/api/v1/chambers/").json()["results"]] == ["sz-optical"]
    assert [c["slug"] for c in api.as_user(outsider).get("/api/v1/chambers/").json()["results"]] == ["zj-sichuan"]


def test_chamber_list_for_an_api_key_is_its_chamber(api, chamber, other_chamber, api_key):
    _key, raw = api_key
    assert [c["slug"] for c in api.as_key(raw).get("/api/v1/chambers/").json()["results"]] == ["sz-optical"]


def test_chamber_list_needs_authentication(api, chamber):
    assert api.get("/api/v1/chambers/").status_code == 401


def test_chamber_detail_names_the_callers_capabilities(api, chamber, staff_readonly, representative):
    body = api.as_user(staff_readonly).get(api_url(chamber)).json()
    assert body["slug"] == "sz-optical"
    assert body["capabilities"] == ["branches.view", "evaluations.view", "events.view", "members.view", "money.view",
                                    "officers.view", "requests.view"]
    assert api.as_user(representative).get(api_url(chamber)).json()["capabilities"] == ["members.self_service"]


def test_chamber_detail_is_read_only(api, chamber, admin_user):
    assert api.as_user(admin_user).patch(api_url(chamber), {"name": "x"}, format="json").status_code == 405
