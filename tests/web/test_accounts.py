"""Accounts: log in, password change and reset by email, the language kept per user."""
import re

from django.core import mail
from django.test import Client

from chamber.models import UserPreference

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "jade rabbit moon cake 2026"


def test_login_form_is_styled_and_keeps_the_username_on_error(client, make_user):
    make_user("alice")
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="form-control' in html
    assert 'value="alice"' in html
    assert "alert-danger" in html


def test_password_change(client_as, make_user):
    user = make_user("alice")
    client = client_as(user)
    response = client.post("/accounts/password_change/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_refuses_a_wrong_old_password(client_as, make_user):
    user = make_user("alice")
    response = client_as(user).post("/accounts/password_change/", {
        "old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_by_email_round_trip(client, make_user):
    make_user("alice", email="alice@example.com")
    response = client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    assert "商会管理平台" in mail.outbox[0].subject + mail.outbox[0].body

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(form_page.redirect_chain[-1][0],
                           {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert Client().login(username="alice", password=NEW_PASSWORD)
    # Used once, the link is dead.
    assert not client.get(link, follow=True).context["validlink"]


def test_password_reset_does_not_reveal_unknown_addresses(client, db):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_language_choice_is_kept_on_the_account(client_as, make_user):
    user = make_user("alice")
    response = client_as(user).post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert UserPreference.objects.get(user=user).language == "en"
    # Another device: a fresh log in, no language cookie, still English.
    other_device = Client()
    other_device.login(username="alice", password=PASSWORD)
    assert '<html lang="en">' in other_device.get("/").content.decode()


def test_chinese_is_the_default(client, db):
    assert '<html lang="zh-hans">' in client.get("/accounts/login/").content.decode()


def test_unknown_language_is_ignored(client_as, make_user):
    user = make_user("alice")
    client_as(user).post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert not UserPreference.objects.filter(user=user).exists()


def test_language_switch_needs_post(client, db):
    assert client.get("/i18n/setlang/?language=en").status_code == 405

