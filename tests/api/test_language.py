"""Bad input is answered in the user's language: Simplified Chinese unless they ask for English.

Needs the compiled catalogue (make test runs compilemessages first); without it Django
falls back to the English msgids and the Chinese assertions fail, which is the point.
"""
from django_scopes import scope

from members.models import Membership, Rank
from tests.factories import make_uscc


def _bad_uscc_body(chamber):
    with scope(chamber=chamber):
        rank = Rank.objects.get(chamber=chamber, code="member")
    good = make_uscc(424242)
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    return {"kind": "enterprise", "rank": rank.pk, "status": "active",
            "new_enterprise": {"name": "苏州错码科技有限公司", "uscc": wrong_check}}


def _count(chamber):
    with scope(chamber=chamber):
        return Membership.objects.count()


def test_field_error_in_chinese_by_default(api, chamber, admin_user):
    before = _count(chamber)
    response = api.as_user(admin_user).post(
        f"/api/v1/chambers/{chamber.slug}/members/", _bad_uscc_body(chamber), format="json"
    )
    assert response.status_code == 400
    message = str(response.json())
    assert "统一社会信用代码的校验位不正确" in message
    assert _count(chamber) == before


def test_field_error_in_english_on_request(api, chamber, admin_user):
    response = api.as_user(admin_user).post(
        f"/api/v1/chambers/{chamber.slug}/members/", _bad_uscc_body(chamber), format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "check character of this unified social credit code is wrong" in str(response.json())


def test_login_page_is_chinese_by_default(client, db):
    assert "登录" in client.get("/accounts/login/").content.decode()
