"""Lockout after repeated failed log-ins (django-axes): web, admin and the API token endpoint.

Axes is off in the test settings (Client.login() authenticates without a request); these
tests turn it on. The lock is per username and address: 5 failures, 15 minutes.
"""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.test import Client, override_settings
from rest_framework.test import APIClient

PASSWORD = "correct horse battery staple"
LOCKED_TEXT = "登录失败次数过多"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5,
                           AXES_COOLOFF_TIME=timedelta(minutes=15)):
        yield


def web_login(client, username, password, path="/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def test_web_login_locks_after_five_failures_and_refuses_the_right_password(make_user):
    make_user("alice")
    client = Client()
    for _ in range(4):
        response = web_login(client, "alice", "wrong")
        assert response.status_code == 200
    response = web_login(client, "alice", "wrong")
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_TEXT in html and "15" in html
    # Locked: the right password does not get in either.
    response = web_login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lock_ends_after_the_cool_off(make_user):
    make_user("alice")
    client = Client()
    for _ in range(5):
        web_login(client, "alice", "wrong")
    assert web_login(client, "alice", PASSWORD).status_code == 429
    # 16 minutes later (the attempts are dated back instead of moving the clock).
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    response = web_login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_an_operator_can_unlock(make_user):
    make_user("alice")
    client = Client()
    for _ in range(5):
        web_login(client, "alice", "wrong")
    assert reset(username="alice") == 1
    assert web_login(client, "alice", PASSWORD).status_code == 302


def test_lock_is_per_username_and_address(make_user):
    make_user("alice")
    make_user("bob")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        web_login(attacker, "alice", "wrong")
    # The same user from the office's address, and another user from the attacker's: not locked.
    assert web_login(Client(REMOTE_ADDR="198.51.100.1"), "alice", PASSWORD).status_code == 302
    assert web_login(attacker, "bob", PASSWORD).status_code == 302


def test_success_before_the_limit_clears_the_failures(make_user):
    make_user("alice")
    client = Client()
    for _ in range(4):
        web_login(client, "alice", "wrong")
    assert web_login(client, "alice", PASSWORD).status_code == 302
    client = Client()
    for _ in range(4):
        assert web_login(client, "alice", "wrong").status_code == 200


def test_admin_login_is_covered(make_user):
    make_user("root", is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(5):
        response = web_login(client, "root", "wrong", path="/admin/login/")
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert web_login(client, "root", PASSWORD, path="/admin/login/").status_code == 429


def test_api_token_endpoint_locks_with_a_json_message(make_user):
    make_user("alice")
    client = APIClient()
    for _ in range(4):
        response = client.post("/api/v1/auth/token/", {"username": "alice", "password": "wrong"}, format="json")
        assert response.status_code == 400
    response = client.post("/api/v1/auth/token/", {"username": "alice", "password": "wrong"}, format="json")
    assert response.status_code == 429
    assert LOCKED_TEXT in response.json()["detail"]
    response = client.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert "token" not in response.json()
    reset(username="alice")
    response = client.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json()["token"]


def test_failures_on_the_web_and_the_api_add_up(make_user):
    make_user("alice")
    for _ in range(3):
        web_login(Client(), "alice", "wrong")
    client = APIClient()
    for _ in range(2):
        response = client.post("/api/v1/auth/token/", {"username": "alice", "password": "wrong"}, format="json")
    assert response.status_code == 429
