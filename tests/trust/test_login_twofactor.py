"""Two-factor sign-in (TOTP): required for chamber administrators, reviewers and staff.

TWO_FACTOR_REQUIRED is off in the test settings (and for `make run`); on here.
"""
import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

PASSWORD = "correct horse battery staple"
SETUP = "/accounts/2fa/setup/"
VERIFY = "/accounts/2fa/verify/"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_on")]


@pytest.fixture
def two_factor_on():
    with override_settings(TWO_FACTOR_REQUIRED=True):
        yield


def code_for(device):
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                    drift=device.drift)).zfill(device.digits)


def wrong_code_for(device):
    right = code_for(device)
    return "123456" if right != "123456" else "654321"


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def confirmed_device(user):
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


@pytest.mark.parametrize("who", ["admin_user", "reviewer"])
def test_admin_and_reviewer_are_sent_to_set_up(request, who, chamber):
    client = logged_in(request.getfixturevalue(who))
    response = client.get("/c/sz-optical/")
    assert response.status_code == 302
    assert response["Location"] == SETUP + "?next=/c/sz-optical/"
    # Any page, not only the start page.
    assert client.get("/inbox/").status_code == 302


def test_staff_need_it_for_the_admin(make_user):
    client = logged_in(make_user("root", is_staff=True, is_superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


@pytest.mark.parametrize("who", ["secretary", "treasurer", "staff_readonly"])
def test_other_roles_are_not_asked(request, who, chamber):
    response = logged_in(request.getfixturevalue(who)).get("/c/sz-optical/", follow=True)
    assert response.status_code == 200
    assert not any("/2fa/" in url for url, _ in response.redirect_chain)


def test_off_by_setting(admin_user):
    with override_settings(TWO_FACTOR_REQUIRED=False):
        assert logged_in(admin_user).get("/c/sz-optical/", follow=True).status_code == 200


def test_enrolment_with_a_real_code(admin_user):
    client = logged_in(admin_user)
    page = client.get(SETUP + "?next=/c/sz-optical/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "cdn" not in html.lower()
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    key = re.search(r'data-testid="totp-key">([A-Z2-7 ]+)<', html).group(1)
    assert key.replace(" ", "") and len(key.replace(" ", "")) >= 32
    # Reloading the page keeps the same key (a scan before the reload stays valid).
    assert key in client.get(SETUP).content.decode()

    response = client.post(SETUP, {"token": code_for(device), "next": "/c/sz-optical/"})
    assert response.status_code == 200
    codes = re.findall(r'<li class="col">(\w+)</li>', response.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/c/sz-optical/", follow=True).status_code == 200


def test_enrolment_refuses_a_wrong_code(admin_user):
    client = logged_in(admin_user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=admin_user)
    response = client.post(SETUP, {"token": wrong_code_for(device)})
    assert response.status_code == 200
    assert "验证码错误或已过期" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/c/sz-optical/").status_code == 302


def test_user_with_a_device_is_asked_for_the_code(reviewer):
    device = confirmed_device(reviewer)
    client = logged_in(reviewer)
    response = client.get("/c/sz-optical/")
    assert response["Location"] == VERIFY + "?next=/c/sz-optical/"
    # Set-up is not a way around: it sends to verification too.
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"token": code_for(device), "next": "/c/sz-optical/"})
    assert response.status_code == 302
    assert response["Location"] == "/c/sz-optical/"
    assert client.get("/c/sz-optical/", follow=True).status_code == 200


def test_wrong_code_is_refused(reviewer):
    device = confirmed_device(reviewer)
    client = logged_in(reviewer)
    response = client.post(VERIFY, {"token": wrong_code_for(device), "next": "/c/sz-optical/"})
    assert response.status_code == 200
    assert "验证码错误或已过期" in response.content.decode()
    assert client.get("/c/sz-optical/").status_code == 302


def test_next_cannot_leave_the_site(reviewer):
    device = confirmed_device(reviewer)
    response = logged_in(reviewer).post(VERIFY, {"token": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_backup_code_works_once(reviewer):
    confirmed_device(reviewer)
    from chamber.security.services import backup_codes_issue
    code = backup_codes_issue(user=reviewer)[0]
    assert logged_in(reviewer).post(VERIFY, {"token": code})["Location"] == "/"
    response = logged_in(reviewer).post(VERIFY, {"token": code})
    assert response.status_code == 200


def test_logout_and_static_stay_open(admin_user):
    client = logged_in(admin_user)
    assert client.get("/static/css/app.css").status_code in (200, 404)
    response = client.post("/accounts/logout/")
    assert response.status_code in (200, 302)
    assert "_auth_user_id" not in client.session


def test_htmx_requests_get_a_full_page_redirect(admin_user):
    response = logged_in(admin_user).get("/c/sz-optical/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(SETUP)


def test_session_api_calls_need_the_verified_session(admin_user):
    client = APIClient()
    client.force_login(admin_user)
    response = client.get("/api/v1/chambers/")
    assert response.status_code == 403
    assert "双重验证" in response.json()["detail"]


def test_user_token_is_a_machine_credential(admin_user, api):
    # Issued only with a code (below), after the authenticator; once issued, used without one.
    confirmed_device(admin_user)
    assert api.as_user(admin_user).get("/api/v1/chambers/").status_code == 200


def test_token_endpoint_wants_the_code(admin_user, secretary):
    client = APIClient()
    body = {"username": admin_user.username, "password": PASSWORD}
    response = client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 403  # no authenticator yet
    device = confirmed_device(admin_user)
    response = client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "otp" in response.json()
    response = client.post("/api/v1/auth/token/", {**body, "otp": code_for(device)}, format="json")
    assert response.status_code == 200 and response.json()["token"]
    # A secretary needs no code.
    response = client.post("/api/v1/auth/token/", {"username": secretary.username, "password": PASSWORD},
                           format="json")
    assert response.status_code == 200


def test_a_token_from_before_two_factor_is_refused_until_renewed(admin_user):
    from rest_framework.authtoken.models import Token

    old = Token.objects.create(user=admin_user)  # issued while two-factor was off
    device = confirmed_device(admin_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + old.key)
    response = client.get("/api/v1/chambers/")
    assert response.status_code in (401, 403) and "双重验证" in response.json()["detail"]
    body = {"username": admin_user.username, "password": PASSWORD, "otp": code_for(device)}
    new = APIClient().post("/api/v1/auth/token/", body, format="json").json()["token"]
    assert new != old.key and not Token.objects.filter(key=old.key).exists()
    client.credentials(HTTP_AUTHORIZATION="Token " + new)
    assert client.get("/api/v1/chambers/").status_code == 200


def test_operator_reset_command(reviewer):
    confirmed_device(reviewer)
    from chamber.security.services import backup_codes_issue
    backup_codes_issue(user=reviewer)
    call_command("twofactor_reset", reviewer.username)
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert not StaticDevice.objects.filter(user=reviewer).exists()
    assert logged_in(reviewer).get("/c/sz-optical/")["Location"].startswith(SETUP)
