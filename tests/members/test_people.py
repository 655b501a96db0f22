"""People: birth date and gender from the ID number, normalised mobiles, no ID in the log."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from chamber.models import AuditEntry
from members.models import Person
from members.services import person_create, person_update
from tests.factories import make_id_number


def test_birth_date_and_gender_come_from_the_id_number(in_chamber):
    man = person_create(chamber=in_chamber, actor=None, name="张三", id_number="320505198001011239")
    assert man.birth_date == datetime.date(1980, 1, 1)
    assert man.gender == "male"  # 17th digit 3 is odd
    woman = person_create(chamber=in_chamber, actor=None, name="李四", id_number="11010519491231002x")
    assert woman.id_number == "11010519491231002X"
    assert woman.birth_date == datetime.date(1949, 12, 31)
    assert woman.gender == "female"  # 17th digit 2 is even
    woman.refresh_from_db()
    assert woman.birth_date == datetime.date(1949, 12, 31)


def test_matching_birth_date_is_accepted_conflicting_one_refused(in_chamber):
    person_create(chamber=in_chamber, actor=None, name="张三", id_number="320505198001011239",
                  birth_date=datetime.date(1980, 1, 1))
    with pytest.raises(ValidationError) as exc:
        person_create(chamber=in_chamber, actor=None, name="王五", id_number="440308199901101512",
                      birth_date=datetime.date(1999, 1, 11))
    assert "birth_date" in exc.value.message_dict
    assert Person.objects.count() == 1


def test_wrong_id_check_character_is_refused(in_chamber):
    with pytest.raises(ValidationError) as exc:
        person_create(chamber=in_chamber, actor=None, name="张三", id_number="320505198001011238")
    assert "id_number" in exc.value.message_dict
    assert Person.objects.count() == 0


def test_same_id_number_twice_in_a_chamber_is_refused(in_chamber):
    number = make_id_number()
    person_create(chamber=in_chamber, actor=None, name="张三", id_number=number)
    with pytest.raises(ValidationError) as exc:
        person_create(chamber=in_chamber, actor=None, name="张三", id_number=number.lower())
    assert "id_number" in exc.value.message_dict


@pytest.mark.parametrize("raw", ["+86 138 1234 5678", "0086-13812345678", "138 1234 5678"])
def test_mobiles_are_normalised(in_chamber, raw):
    p = person_create(chamber=in_chamber, actor=None, name="张三", mobile=raw)
    p.refresh_from_db()
    assert p.mobile == "13812345678"


def test_bad_mobile_is_refused_with_its_key(in_chamber):
    with pytest.raises(ValidationError) as exc:
        person_create(chamber=in_chamber, actor=None, name="张三", mobile="12812345678")
    assert "mobile" in exc.value.message_dict


def test_person_without_id_keeps_what_was_given(in_chamber):
    p = person_create(chamber=in_chamber, actor=None, name="赵六", gender="female", birth_date=datetime.date(1990, 2, 3))
    assert (p.gender, p.birth_date, p.id_number) == ("female", datetime.date(1990, 2, 3), "")
    assert p.name_initials == "zl"


def test_id_number_never_appears_in_the_audit_log(in_chamber):
    p = person_create(chamber=in_chamber, actor=None, name="张三", id_number="320505198001011239")
    person_update(person=p, actor=None, id_number="440308199901101512", birth_date=None)
    logged = " ".join(str(e.changes) for e in AuditEntry.objects.filter(target_type="members.person"))
    assert "320505198001011239" not in logged
    assert "440308199901101512" not in logged
    p.refresh_from_db()
    assert p.birth_date == datetime.date(1999, 1, 10)


def test_person_update_refuses_unknown_fields(in_chamber):
    p = person_create(chamber=in_chamber, actor=None, name="张三")
    with pytest.raises(ValidationError) as exc:
        person_update(person=p, actor=None, chamber_id=1)
    assert "chamber_id" in exc.value.message_dict


def test_correcting_an_id_number_rederives_birth_date_and_gender(in_chamber):
    """The birth date and gender were derived from the old number, not typed: they follow it."""
    p = person_create(chamber=in_chamber, actor=None, name="张三", id_number="320505198001011239")
    person_update(person=p, actor=None, id_number="11010519491231002X")
    p.refresh_from_db()
    assert (p.birth_date, p.gender) == (datetime.date(1949, 12, 31), "female")


def test_typed_birth_date_must_still_match_a_new_id_number(in_chamber):
    p = person_create(chamber=in_chamber, actor=None, name="张三", id_number="320505198001011239")
    with pytest.raises(ValidationError) as exc:
        person_update(person=p, actor=None, id_number="11010519491231002X", birth_date=datetime.date(1980, 1, 1))
    assert "birth_date" in exc.value.message_dict


def test_removing_an_id_number_keeps_birth_date_and_gender(in_chamber):
    p = person_create(chamber=in_chamber, actor=None, name="张三", id_number="320505198001011239")
    person_update(person=p, actor=None, id_number="")
    p.refresh_from_db()
    assert (p.id_number, p.birth_date, p.gender) == ("", datetime.date(1980, 1, 1), "male")


def test_contact_add_logs_changes_only(chamber, member):
    from django_scopes import scope

    from chamber.models import AuditEntry
    from members.models import Contact
    from members.services import contact_add, person_create

    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="钱经理")
        logged = lambda: AuditEntry.objects.filter(action="contact", target_id=str(member.enterprise.pk)).count()  # noqa: E731
        contact_add(enterprise=member.enterprise, person=person, actor=None, title="经理")
        assert logged() == 1
        contact_add(enterprise=member.enterprise, person=person, actor=None, title="经理")
        assert logged() == 1  # the same again changes nothing
        contact_add(enterprise=member.enterprise, person=person, actor=None, title="总经理", is_primary=True)
        assert logged() == 2
        latest = AuditEntry.objects.filter(action="contact").first()
        assert latest.changes["contact"] == ["钱经理 经理", "钱经理 总经理"]
        assert Contact.objects.get(enterprise=member.enterprise, person=person).is_primary
