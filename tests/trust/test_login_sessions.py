"""Sessions: an idle timeout, a bounded life, cookies that scripts and other sites cannot use."""
import time

import pytest
from django.test import Client, override_settings

from chamber.security.sessions import LAST_ACTIVITY_KEY

PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.django_db


def set_last_activity(client, seconds_ago):
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds_ago
    session.save()


@override_settings(SESSION_IDLE_TIMEOUT=1800)
def test_idle_session_ends_after_the_timeout(secretary):
    client = Client()
    client.force_login(secretary)
    assert client.get("/c/sz-optical/", follow=True).status_code == 200
    assert LAST_ACTIVITY_KEY in client.session
    set_last_activity(client, 1801)
    response = client.get("/c/sz-optical/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/c/sz-optical/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "30 分钟无操作" in page


@override_settings(SESSION_IDLE_TIMEOUT=1800)
def test_activity_within_the_timeout_keeps_the_session(secretary):
    client = Client()
    client.force_login(secretary)
    client.get("/c/sz-optical/")
    set_last_activity(client, 1700)
    assert client.get("/c/sz-optical/", follow=True).status_code == 200
    # The request moved the mark forward: another 1700 s later it is still alive.
    assert int(time.time()) - client.session[LAST_ACTIVITY_KEY] < 5


@override_settings(SESSION_IDLE_TIMEOUT=1800)
def test_idle_api_session_gets_json_401(secretary):
    client = Client()
    client.force_login(secretary)
    client.get("/api/v1/chambers/")
    set_last_activity(client, 4000)
    response = client.get("/api/v1/chambers/")
    assert response.status_code == 401
    assert "无操作" in response.json()["detail"]


def test_session_cookie_flags(secretary):
    client = Client()
    response = client.post("/accounts/login/", {"username": secretary.username, "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # Ends with the browser: no lasting expiry on the cookie.
    assert not cookie["max-age"] and not cookie["expires"]
    # The server side ends it after SESSION_COOKIE_AGE (8 hours by default) at the latest.
    assert 0 < client.session.get_expiry_age() <= 8 * 3600
    csrf = client.get("/accounts/login/").cookies.get("csrftoken") or client.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
