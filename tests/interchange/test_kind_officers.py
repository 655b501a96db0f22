"""The officers import kind (members/imports/officers.py)."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django_scopes import scope

from branches.services import branch_create
from members.models import Enterprise, Liaison, OfficerPosition, Person, Post
from members.officers import liaison_assign, term_create
from members.services import enterprise_create, person_create

from ..factories import make_id_number, make_uscc
from . import kind_fixtures
from .kind_fixtures import (
    apply_rows,
    batch_rows,
    check_row,
    check_rows,
    import_commit_as,
    import_file,
    import_undo_as,
    undo_rows,
)

kind_media = kind_fixtures.kind_media  # uploaded files in a temporary folder (a fixture)
KIND = "officers"


@pytest.fixture
def term(chamber):
    with scope(chamber=chamber):
        return term_create(chamber=chamber, actor=None, ordinal=8, name="第八届理事会",
                           starts_on=datetime.date(2023, 1, 1), ends_on=datetime.date(2027, 12, 31))


@pytest.fixture
def known_person(chamber):
    with scope(chamber=chamber):
        return person_create(chamber=chamber, actor=None, name="王建国", id_number=make_id_number(41), mobile="13900000041")


def officer_row(**values):
    row = {"term": "第八届", "post": "副会长", "name": "王建国", "id_number": make_id_number(41)}
    row.update(values)
    return row


def positions(chamber):
    with scope(chamber=chamber):
        return OfficerPosition.objects.filter(chamber=chamber).count(), Person.objects.filter(chamber=chamber).count()


def test_clean_rows_pass(chamber, term, known_person, member, branches):
    rows = [officer_row(), officer_row(id_number="", mobile="13900000041", post="常务副会长"),
            officer_row(term="8", post="会长", uscc=member.enterprise.uscc, branch="显示分会"),
            officer_row(term="第八届理事会", post="秘书长", enterprise="苏州光电缆有限公司", starts_on="2024-01-01",
                        ends_on="2025-12-31")]
    for result in check_rows(KIND, chamber, rows):
        assert result.errors == {} and result.warnings == {}


@pytest.mark.parametrize("term_text", ["8", "第8届", "八", "第八届", "第八届理事会"])
def test_term_by_number_or_name(chamber, term, known_person, term_text):
    assert check_row(KIND, chamber, officer_row(term=term_text)).errors == {}


def test_a_new_person_is_a_warning(chamber, term):
    result = check_row(KIND, chamber, officer_row(name="李新", id_number=make_id_number(77)))
    assert result.errors == {} and list(result.warnings) == ["name"]


@pytest.mark.parametrize("values, key", [
    ({"term": "第九届"}, "term"),
    ({"term": ""}, "term"),
    ({"post": "大会长"}, "post"),
    ({"id_number": "", "mobile": ""}, "id_number"),
    ({"name": "王建设"}, "id_number"),
    ({"mobile": "1390000"}, "mobile"),
    ({"uscc": make_uscc(999999)}, "uscc"),
    ({"enterprise": "不存在的企业"}, "enterprise"),
    ({"branch": "不存在的分会"}, "branch"),
    ({"starts_on": "2022-12-31"}, "starts_on"),
    ({"ends_on": "2028-01-01"}, "ends_on"),
    ({"starts_on": "2024-06-01", "ends_on": "2024-05-01"}, "ends_on"),
])
def test_errors_land_in_their_cell(chamber, term, known_person, branches, values, key):
    result = check_row(KIND, chamber, officer_row(**values))
    assert list(result.errors) == [key], result.errors


def test_messages_in_chinese(chamber, term):
    bad = make_id_number(41)[:17] + ("0" if make_id_number(41)[17] != "0" else "1")
    with translation.override("zh-hans"):
        result = check_row(KIND, chamber, officer_row(id_number=bad))
    assert result.errors["id_number"] == ["身份证号码的校验位不正确，请核对。"]


def test_ambiguous_enterprise_name(chamber, term, known_person):
    with scope(chamber=chamber):
        enterprise_create(chamber=chamber, actor=None, name="同名公司", uscc=make_uscc(700001))
        enterprise_create(chamber=chamber, actor=None, name="同名公司", uscc=make_uscc(700002))
    assert list(check_row(KIND, chamber, officer_row(enterprise="同名公司")).errors) == ["enterprise"]


def test_apply_and_undo(chamber, term, known_person, member, branches, admin_user):
    before = positions(chamber)
    rows = [officer_row(uscc=member.enterprise.uscc),
            officer_row(name="李新", id_number=make_id_number(77), post="监事长"),
            officer_row(name="李新", id_number=make_id_number(77), post="会长", branch="显示分会")]
    records = apply_rows(KIND, chamber, rows, admin_user)
    with scope(chamber=chamber):
        made = list(OfficerPosition.objects.filter(chamber=chamber).order_by("pk"))
        assert [(p.person.name, p.post) for p in made] == [
            ("王建国", Post.VICE_PRESIDENT), ("李新", Post.CHIEF_SUPERVISOR), ("李新", Post.PRESIDENT)]
        assert made[0].enterprise == member.enterprise and made[0].starts_on == term.starts_on
        assert made[2].branch == branches["display"]
        assert Person.objects.filter(chamber=chamber, name="李新").count() == 1  # found again for the third row
    assert positions(chamber) == (before[0] + 3, before[1] + 1)
    undo_rows(KIND, chamber, records, admin_user)
    assert positions(chamber) == before
    with scope(chamber=chamber):
        assert Person.objects.filter(pk=known_person.pk).exists()


def test_the_same_post_twice_is_an_error(chamber, term, known_person, admin_user):
    apply_rows(KIND, chamber, [officer_row()], admin_user)
    assert list(check_row(KIND, chamber, officer_row()).errors) == ["post"]


def test_undo_refused_when_a_position_was_used_since(chamber, term, known_person, member, admin_user):
    records = apply_rows(KIND, chamber, [officer_row(), officer_row(name="李新", id_number=make_id_number(77))],
                         admin_user)
    with scope(chamber=chamber):
        position = OfficerPosition.objects.get(chamber=chamber, person=known_person)
        liaison_assign(officer=position, membership=member, actor=None)
    before = positions(chamber)
    with pytest.raises(ValidationError) as caught:
        undo_rows(KIND, chamber, records, admin_user)
    assert "王建国" in caught.value.messages[0] and "李新" not in caught.value.messages[0]
    assert positions(chamber) == before
    with scope(chamber=chamber):
        assert Liaison.objects.filter(chamber=chamber).count() == 1


def test_tenant_safety(chamber, term, known_person, other_chamber):
    with scope(chamber=other_chamber):
        term_create(chamber=other_chamber, actor=None, ordinal=9, starts_on=datetime.date(2023, 1, 1),
                    ends_on=datetime.date(2027, 12, 31))
        branch_create(chamber=other_chamber, actor=None, name="川渝分会", kind="branch")
        other = Enterprise.objects.get(chamber=other_chamber)
        person_create(chamber=other_chamber, actor=None, name="外会人", id_number=make_id_number(88))
    assert list(check_row(KIND, chamber, officer_row(term="第九届")).errors) == ["term"]
    assert list(check_row(KIND, chamber, officer_row(branch="川渝分会")).errors) == ["branch"]
    assert list(check_row(KIND, chamber, officer_row(uscc=other.uscc)).errors) == ["uscc"]
    assert list(check_row(KIND, chamber, officer_row(enterprise=other.name)).errors) == ["enterprise"]
    # A person of the other chamber is not found here: the import would add one.
    result = check_row(KIND, chamber, officer_row(name="外会人", id_number=make_id_number(88)))
    assert result.errors == {} and list(result.warnings) == ["name"]


def test_file_end_to_end(kind_media, chamber, term, known_person, member, admin_user):
    headers = ["届别", "担任职务", "姓名", "身份证号码", "手机号", "信用代码", "开始日期"]
    rows = [["第八届", "副会长", "王建国", make_id_number(41), None, member.enterprise.uscc, "2023-01-01"],
            ["8", "秘书长", "李新", None, "13900000077", None, None],
            ["第九届", "理事", "张三", None, "13900000078", None, None]]
    before = positions(chamber)
    batch = import_file(chamber, admin_user, KIND, headers, rows)
    found = batch_rows(batch)
    assert batch.error_rows == 1 and list(found[4].errors) == ["term"] and list(found[3].warnings) == ["name"]
    assert import_commit_as(chamber, admin_user, batch, "valid").imported_rows == 2
    assert positions(chamber) == (before[0] + 2, before[1] + 1)
    assert import_undo_as(chamber, admin_user, batch).status == "undone"
    assert positions(chamber) == before
