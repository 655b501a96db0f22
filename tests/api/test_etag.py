"""ETag / If-None-Match on the API's GET responses: 304 with no body while the copy is
current, a new tag after a change; HTML pages and writes are left alone."""
from django_scopes import scope

from members.models import Rank
from members.services import membership_change_rank


def test_etag_then_if_none_match_is_304_until_something_changes(api, url, api_key, chamber, member):
    client = api.as_key(api_key[1])
    first = client.get(url("members/"))
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    vary = {v.strip().lower() for v in first["Vary"].split(",")}
    assert {"authorization", "accept-language"} <= vary

    again = client.get(url("members/"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and "Authorization" in again["Vary"]

    with scope(chamber=chamber):
        membership_change_rank(membership=member, actor=None, rank=Rank.objects.get(chamber=chamber, code="council"),
                               reason="换届调整")
    changed = client.get(url("members/"), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["results"][0]["rank"]["code"] == "council"
    assert changed["ETag"] != etag


def test_the_change_feed_and_detail_have_etags_too(api, url, api_key, member):
    client = api.as_key(api_key[1])
    for path in ("members/changes/", f"members/{member.pk}/"):
        etag = client.get(url(path))["ETag"]
        assert client.get(url(path), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_tag_depends_on_the_language(api, url, api_key, member):
    """Labels are translated: an English copy is not a Chinese one."""
    client = api.as_key(api_key[1])
    chinese = client.get(url("members/"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = client.get(url("members/"), HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=chinese["ETag"])
    assert english.status_code == 200 and english["ETag"] != chinese["ETag"]


def test_errors_writes_and_html_pages_get_no_etag(api, url, api_key, admin_user, chamber, member, client):
    keyed = api.as_key(api_key[1])
    missing = keyed.get(url("members/999999/"))
    assert missing.status_code == 404 and not missing.has_header("ETag")
    written = api.as_user(admin_user).post(url("members/"), {}, format="json")
    assert written.status_code == 400 and not written.has_header("ETag")
    client.force_login(admin_user)
    page = client.get(f"/c/{chamber.slug}/dashboard/")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert not page.has_header("ETag")
    docs = client.get("/api/v1/docs/")  # Swagger UI: HTML under /api/v1/
    assert docs.status_code == 200 and not docs.has_header("ETag")


def test_the_schema_hook_documents_etags_and_rate_limits_everywhere(db):
    """chamber.api.conditional.conditional_get_schema_hook, as SPECTACULAR_SETTINGS runs it."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    from chamber.api.conditional import conditional_get_schema_hook

    schema = conditional_get_schema_hook(SchemaGenerator().get_schema(request=None, public=True), None, None, True)
    validate_schema(schema)
    listing = schema["paths"]["/api/v1/chambers/{chamber}/members/"]["get"]
    assert "If-None-Match" in {p["name"] for p in listing["parameters"]}
    assert "ETag" in listing["responses"]["200"]["headers"] and "304" in listing["responses"]
    assert "Retry-After" in listing["responses"]["429"]["headers"]
    admission = schema["paths"]["/api/v1/chambers/{chamber}/members/"]["post"]
    assert "304" not in admission["responses"] and "429" in admission["responses"]
    feed = schema["paths"]["/api/v1/chambers/{chamber}/members/changes/"]["get"]
    assert [p["name"] for p in feed["parameters"]].count("If-None-Match") == 1
