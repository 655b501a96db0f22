"""People over the API: ID numbers masked unless the reader may see personal data, posts
and honours shown, bad identifiers refused with the field's name."""
import pytest
from django_scopes import scope

from chamber.models import AuditEntry
from chamber.validators import mask_id_number
from members.models import Person

from ..factories import make_id_number


def test_admin_sees_the_id_number_and_birth_date(api, url, admin_user, person):
    body = api.as_user(admin_user).get(url(f"people/{person.pk}/")).json()
    assert body["id_number"] == person.id_number
    assert body["birth_date"] == "1975-06-15" and body["gender"] == "male"
    assert body["mobile"] == "13912345678"
    assert body["representative_posts"] == [{
        "id": body["representative_posts"][0]["id"], "body": "cppcc", "body_label": body["representative_posts"][0]["body_label"],
        "level": "city", "level_label": body["representative_posts"][0]["level_label"], "term": "第十四届",
        "started_year": None, "ended_year": None}]
    assert [(h["name"], h["year"], h["level"]) for h in body["honours"]] == [("优秀民营企业家", 2022, "provincial")]


@pytest.mark.parametrize("reader", ["staff_readonly", "api_key"])
def test_id_number_is_masked_without_personal_data(api, url, request, person, reader):
    if reader == "api_key":
        client = api.as_key(request.getfixturevalue("api_key")[1])
    else:
        client = api.as_user(request.getfixturevalue(reader))
    body = client.get(url(f"people/{person.pk}/")).json()
    assert body["id_number"] == person.id_number[:6] + "********" + person.id_number[14:]
    assert body["birth_date"] is None  # it is the masked part of the ID number
    assert body["mobile"] == "13912345678"  # mobiles are shown to roster readers
    listed = client.get(url("people/")).json()["results"]
    assert [p["id_number"] for p in listed] == [body["id_number"]]


def test_create_and_patch_are_audited_without_the_id_number_in_clear(api, url, chamber, admin_user):
    client = api.as_user(admin_user)
    id_number = make_id_number(31, male=False)
    response = client.post(url("people/"), {"name": " 刘洋 ", "mobile": "+86 137-0000-2222", "id_number": id_number.lower(),
                                            "political_affiliation": "non_party"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["mobile"], body["id_number"], body["gender"]) == ("刘洋", "13700002222", id_number, "female")
    response = client.patch(url(f"people/{body['id']}/"), {"email": "liuyang@example.cn", "id_number": make_id_number(32)},
                            format="json")
    assert response.status_code == 200, response.json()
    with scope(chamber=chamber):
        entry = AuditEntry.objects.get(target_type="members.person", target_id=str(body["id"]), action="update")
    assert entry.actor == admin_user and entry.changes["id_number"] == [mask_id_number(id_number), mask_id_number(make_id_number(32))]


@pytest.mark.parametrize("body, field", [
    ({"name": "手机错", "mobile": "1391234567"}, "mobile"),
    ({"name": "手机错", "mobile": "12912345678"}, "mobile"),
    ({"name": "证号错", "id_number": make_id_number(40)[:17] + ("0" if make_id_number(40)[17] != "0" else "1")}, "id_number"),
    ({"name": "证号错", "id_number": "32010219751315001X"}, "id_number"),
    ({"name": "x" * 61}, "name"),
    ({"name": "空\x00字符"}, "name"),
    ({"name": ""}, "name"),
    ({"name": "邮箱错", "email": "not-an-email"}, "email"),
    ({"name": "性别错", "gender": "other"}, "gender"),
    ({"name": "生日不符", "id_number": make_id_number(41), "birth_date": "1980-01-01"}, "birth_date"),
])
def test_bad_input_is_400_with_the_field_name(api, url, chamber, admin_user, body, field):
    with scope(chamber=chamber):
        before = Person.objects.count()
    response = api.as_user(admin_user).post(url("people/"), body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {field}
    with scope(chamber=chamber):
        assert Person.objects.count() == before


def test_wrong_id_check_character_has_its_own_code(api, url, admin_user):
    good = make_id_number(42)
    response = api.as_user(admin_user).post(url("people/"), {"name": "王五", "id_number": good[:17] + ("0" if good[17] != "0" else "1")},
                                            format="json")
    assert response.data["id_number"][0].code == "id_check"


def test_duplicate_id_number_is_400(api, url, admin_user, person):
    response = api.as_user(admin_user).post(url("people/"), {"name": "冒名", "id_number": person.id_number}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"id_number"}


def test_branch_secretary_sees_people_of_their_members_only(api, url, chamber, branch_secretary, contact):
    from members.services import person_create

    with scope(chamber=chamber):
        person_create(chamber=chamber, actor=None, name="无关人员")
    names = [p["name"] for p in api.as_user(branch_secretary).get(url("people/")).json()["results"]]
    assert names == ["张伟"]


def test_branch_secretary_cannot_create_people_outside_reach(api, url, chamber, branch_secretary, branches):
    with scope(chamber=chamber):
        before = Person.objects.count()
    response = api.as_user(branch_secretary).post(url("people/"), {"name": "游离人员"}, format="json")
    assert response.status_code == 403
    with scope(chamber=chamber):
        assert Person.objects.count() == before
