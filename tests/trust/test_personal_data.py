"""Personal data (PIPL): ID numbers encrypted at rest with a digest for uniqueness and
look-ups, masking by capability on pages and in the API, consent history, anonymisation."""
import datetime
import hashlib
import hmac
import io
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from chamber.crypto import id_number_digest
from chamber.models import AuditEntry
from chamber.validators import mask_id_number, mask_mobile
from members.models import (
    ConsentAction,
    ConsentBasis,
    MembershipKind,
    MembershipStatus,
    Person,
    PersonConsent,
    Post,
    Rank,
    RepresentativePost,
)
from members.officers import officer_appoint, term_create
from members.privacy import anonymise_people, consent_record, people_to_anonymise
from members.services import contact_add, membership_create, person_create, person_update

from ..factories import make_id_number

ID = make_id_number(41)
OTHER_ID = make_id_number(42)
MOBILE = "13912345678"
OLD_KEY = "dGVzdHMtb25seS1pZC1udW1iZXIta2V5LTAwMDAwMDE="  # chamber/settings/test.py
NEW_KEY = "dGVzdHMtb25seS1pZC1udW1iZXIta2V5LTAwMDAwMDI="


def client_as(user):
    client = Client()
    client.force_login(user)
    return client


def raw_row(person):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_number_digest FROM members_person WHERE id = %s", [person.pk])
        return cursor.fetchone()


@pytest.fixture
def individual(chamber):
    """An active individual member with an ID number and a mobile."""
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="刘个人", mobile=MOBILE, id_number=ID)
        return membership_create(chamber=chamber, actor=None, kind=MembershipKind.INDIVIDUAL, person=person,
                                 rank=Rank.objects.get(chamber=chamber, code="member"),
                                 status=MembershipStatus.ACTIVE, joined_on=datetime.date(2020, 1, 1))


# --- Encryption at rest ---------------------------------------------------------------------

def test_the_column_holds_ciphertext_and_code_sees_the_number(chamber):
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="张三", id_number=ID.lower())
        stored, digest = raw_row(person)
        assert ID not in stored and stored.startswith("gAAAAA")  # a Fernet token
        assert digest == hmac.new(b"tests-only-id-digest", ID.encode(), hashlib.sha256).hexdigest()
        assert Person.objects.get(pk=person.pk).id_number == ID  # normalised, decrypted
        assert list(Person.objects.filter(pk=person.pk).values_list("id_number", flat=True)) == [ID]
        # Two encryptions of the same number differ: the column reveals no equal numbers.
        again = person_create(chamber=chamber, actor=None, name="李四", id_number=OTHER_ID)
        assert raw_row(again)[0] != stored
        # No number, no ciphertext: blank stays blank.
        blank = person_create(chamber=chamber, actor=None, name="王五")
        assert raw_row(blank) == ("", "")


def test_one_id_number_per_chamber_by_digest(chamber, other_chamber):
    with scope(chamber=chamber):
        person_create(chamber=chamber, actor=None, name="张三", id_number=ID)
        with pytest.raises(ValidationError) as caught:
            person_create(chamber=chamber, actor=None, name="张三二", id_number=ID)
        assert "id_number" in caught.value.message_dict
        # The database constraint holds too, for writes that skip the service.
        with pytest.raises(IntegrityError), transaction.atomic():
            Person.objects.bulk_create([Person(chamber=chamber, name="绕过", id_number=ID)])
    with scope(chamber=other_chamber):
        assert person_create(chamber=other_chamber, actor=None, name="张三", id_number=ID).pk


def test_lookups_go_through_the_digest(chamber):
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="张三", id_number=ID)
        assert list(Person.objects.with_id_number(chamber, ID)) == [person]
        assert not Person.objects.with_id_number(chamber, OTHER_ID).exists()
        assert person in Person.objects.filter(chamber=chamber).exclude(id_number="")
        # Comparing the encrypted column with a number could never match: it refuses.
        with pytest.raises(FieldError):
            Person.objects.filter(id_number=ID).exists()
        with pytest.raises(FieldError):
            Person.objects.filter(id_number__startswith="3201").exists()
        # A changed number moves the digest along.
        person_update(person=person, actor=None, id_number=OTHER_ID)
        assert list(Person.objects.with_id_number(chamber, OTHER_ID)) == [person]
        assert raw_row(person)[1] == id_number_digest(OTHER_ID)


def test_bulk_create_fills_the_digest(chamber):
    with scope(chamber=chamber):
        made = Person.objects.bulk_create([Person(chamber=chamber, name="批量", id_number=ID)])
        assert raw_row(made[0])[1] == id_number_digest(ID)


def test_keys_rotate_without_losing_data(chamber, settings):
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="张三", id_number=ID)
        before = raw_row(person)
        settings.ID_NUMBER_KEYS = [NEW_KEY, OLD_KEY]
        assert Person.objects.get(pk=person.pk).id_number == ID  # old rows still open
        out = io.StringIO()
        call_command("rotate_id_numbers", stdout=out)
        assert "1 ID numbers re-encrypted" in out.getvalue()
        after = raw_row(person)
        assert after[0] != before[0] and after[1] == before[1]  # digest key unchanged
        settings.ID_NUMBER_KEYS = [NEW_KEY]  # the old key retired
        assert Person.objects.get(pk=person.pk).id_number == ID


def test_the_migration_encrypts_plain_numbers(chamber):
    """The data step of 0012 on a row still holding a plain number (as before the upgrade)."""
    migration = __import__("members.migrations.0012_personal_data_encryption", fromlist=["x"])
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="张三", id_number=ID)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_person SET id_number = %s, id_number_digest = '' WHERE id = %s", [ID, person.pk])
    editor = SimpleNamespace(connection=connection)  # the steps use only its connection
    migration.encrypt_id_numbers(django_apps, editor)
    stored, digest = raw_row(person)
    assert stored.startswith("gAAAAA") and digest == id_number_digest(ID)
    migration.encrypt_id_numbers(django_apps, editor)  # a second run leaves tokens alone
    assert raw_row(person)[0] == stored
    migration.decrypt_id_numbers(django_apps, editor)  # and back
    assert raw_row(person) == (ID, "")


# --- Masking by capability ------------------------------------------------------------------

def test_member_page_masks_the_id_number_without_personal_data(chamber, individual, secretary, staff_readonly,
                                                               branch_secretary):
    url = reverse("members:detail", kwargs={"chamber": chamber.slug, "pk": individual.pk})
    full = client_as(secretary).get(url).content.decode()
    assert ID in full and MOBILE in full
    masked = client_as(staff_readonly).get(url).content.decode()
    assert ID not in masked and mask_id_number(ID) in masked
    assert MOBILE in masked  # roster readers see mobiles


def test_contacts_on_the_member_page_are_masked_for_a_branch_secretary(chamber, member, branch_secretary, admin_user):
    with scope(chamber=chamber):
        boss = person_create(chamber=chamber, actor=None, name="张伟", mobile=MOBILE, id_number=ID)
        contact_add(enterprise=member.enterprise, person=boss, actor=None, title="总经理", is_primary=True)
    url = reverse("members:detail", kwargs={"chamber": chamber.slug, "pk": member.pk})
    page = client_as(branch_secretary).get(url).content.decode()
    assert ID not in page and mask_id_number(ID) in page
    assert ID in client_as(admin_user).get(url).content.decode()


def test_person_api_masks_without_personal_data(api, chamber, individual, staff_readonly, admin_user):
    url = "/api/v1/chambers/{}/people/{}/".format(chamber.slug, individual.person_id)
    data = api.as_user(staff_readonly).get(url).json()
    assert data["id_number"] == mask_id_number(ID) and data["birth_date"] is None
    assert data["mobile"] == MOBILE
    data = api.as_user(admin_user).get(url).json()
    assert data["id_number"] == ID and data["birth_date"] == "1975-06-15"


def test_contacts_api_masks_mobiles_for_a_representative(api, chamber, member, representative, secretary):
    with scope(chamber=chamber):
        boss = person_create(chamber=chamber, actor=None, name="张伟", mobile=MOBILE)
        contact_add(enterprise=member.enterprise, person=boss, actor=None, is_primary=True)
    path = "/api/v1/chambers/{}/enterprises/{}/contacts/".format(chamber.slug, member.enterprise_id)
    assert [c["mobile"] for c in api.as_user(representative).get(path).json()["results"]] == [mask_mobile(MOBILE)]
    assert [c["mobile"] for c in api.as_user(secretary).get(path).json()["results"]] == [MOBILE]


# --- Consent --------------------------------------------------------------------------------

def test_secretariat_records_consent_on_the_person_form(chamber, secretary):
    url = reverse("members:person_create", kwargs={"chamber": chamber.slug})
    response = client_as(secretary).post(url, {"person-name": "赵六", "person-mobile": MOBILE,
                                                     "person-consent": "on"})
    assert response.status_code == 302
    with scope(chamber=chamber):
        person = Person.objects.get(chamber=chamber, name="赵六")
        row = PersonConsent.objects.get(person=person)
        assert (row.action, row.basis, row.recorded_by, row.text_version) == (
            ConsentAction.GIVEN, ConsentBasis.RECORDED, secretary, "2026-1")
        assert AuditEntry.objects.filter(chamber=chamber, action="consent").exists()
        # Unticked on a later edit: nothing is withdrawn, nothing added.
        client_as(secretary).post(reverse("members:person_edit", kwargs={"chamber": chamber.slug, "pk": person.pk}),
                                  {"person-name": "赵六", "person-mobile": MOBILE})
        assert PersonConsent.objects.filter(person=person).count() == 1


def test_consent_shows_on_the_member_page_and_in_the_api(api, chamber, individual, secretary, staff_readonly):
    url = reverse("members:detail", kwargs={"chamber": chamber.slug, "pk": individual.pk})
    assert 'data-consent="none"' in client_as(staff_readonly).get(url).content.decode()
    with scope(chamber=chamber):
        consent_record(person=individual.person, actor=secretary)
        # Recording the same state again adds no row.
        consent_record(person=individual.person, actor=secretary)
        assert PersonConsent.objects.filter(person=individual.person).count() == 1
    assert 'data-consent="given"' in client_as(staff_readonly).get(url).content.decode()
    api_url = "/api/v1/chambers/{}/people/{}/".format(chamber.slug, individual.person_id)
    data = api.as_user(staff_readonly).get(api_url).json()
    assert data["consent"]["action"] == "given" and data["consent"]["basis"] == "recorded"
    listed = api.as_user(staff_readonly).get("/api/v1/chambers/{}/people/".format(chamber.slug)).json()
    assert [p["consent"]["action"] for p in listed["results"] if p["id"] == individual.person_id] == ["given"]
    # Read-only: a write naming it changes nothing.
    api.as_user(secretary).patch(api_url, {"consent": {"action": "withdrawn"}}, format="json")
    with scope(chamber=chamber):
        assert PersonConsent.objects.filter(person=individual.person).count() == 1


def test_representative_gives_and_withdraws_consent_in_the_portal(chamber, representative, member, outsider):
    with scope(chamber=chamber):
        own = person_create(chamber=chamber, actor=None, name="任代表", mobile=MOBILE, id_number=ID,
                            user=representative)
    url = reverse("members:portal_consent", kwargs={"chamber": chamber.slug})
    client = client_as(representative)
    page = client.get(url).content.decode()
    assert mask_mobile(MOBILE) in page and mask_id_number(ID) in page and ID not in page
    assert client.post(url, {"action": "given"}).status_code == 302
    assert client.post(url, {"action": "withdrawn"}).status_code == 302
    with scope(chamber=chamber):
        history = list(PersonConsent.objects.filter(person=own).order_by("pk").values_list("action", "basis"))
    assert history == [("given", "self"), ("withdrawn", "self")]
    assert client_as(outsider).get(url).status_code == 404


# --- Anonymisation --------------------------------------------------------------------------

@pytest.fixture
def old_term(chamber):
    with scope(chamber=chamber):
        return term_create(chamber=chamber, actor=None, ordinal=3, starts_on=datetime.date(2010, 1, 1),
                           ends_on=datetime.date(2014, 12, 31))


@pytest.fixture
def current_term(chamber):
    today = datetime.date.today()
    with scope(chamber=chamber):
        return term_create(chamber=chamber, actor=None, ordinal=9, starts_on=today.replace(year=today.year - 1),
                           ends_on=today.replace(year=today.year + 4))


def test_anonymise_people_whose_posts_ended_long_ago(chamber, member, old_term, current_term):
    with scope(chamber=chamber):
        gone = person_create(chamber=chamber, actor=None, name="钱老", mobile=MOBILE, id_number=ID,
                             email="qian@example.com", consent=True)
        officer_appoint(term=old_term, actor=None, person=gone, post=Post.VICE_PRESIDENT)
        serving = person_create(chamber=chamber, actor=None, name="孙现任")
        officer_appoint(term=old_term, actor=None, person=serving, post=Post.COUNCIL_MEMBER)
        officer_appoint(term=current_term, actor=None, person=serving, post=Post.PRESIDENT)
        still_contact = person_create(chamber=chamber, actor=None, name="周联系", id_number=OTHER_ID)
        officer_appoint(term=old_term, actor=None, person=still_contact, post=Post.SUPERVISOR)
        contact_add(enterprise=member.enterprise, person=still_contact, actor=None)
        deputy = person_create(chamber=chamber, actor=None, name="吴代表")
        RepresentativePost.objects.create(chamber=chamber, person=deputy, body="npc", level="city", term="第十四届",
                                          started_year=2017, ended_year=datetime.date.today().year - 1)
        assert set(people_to_anonymise(chamber=chamber, years=5)) == {gone}

        assert anonymise_people(chamber=chamber, years=5, dry_run=True) == (1, 0)
        assert Person.objects.get(pk=gone.pk).name == "钱老"

    out = io.StringIO()
    call_command("anonymise_people", "--years", "5", "--chamber", chamber.slug, stdout=out)
    assert "1 people anonymised of 1 found" in out.getvalue()
    with scope(chamber=chamber):
        gone = Person.objects.get(pk=gone.pk)
        assert gone.name == "已匿名{}".format(gone.pk) and gone.anonymised_at is not None
        assert (gone.mobile, gone.email, gone.id_number, gone.birth_date, gone.gender) == ("", "", "", None, "")
        assert raw_row(gone) == ("", "")
        assert list(PersonConsent.objects.filter(person=gone).values_list("action", flat=True)) == ["withdrawn"]
        assert AuditEntry.objects.filter(chamber=chamber, action="anonymise", target_id=str(gone.pk)).count() == 1
        assert gone.officer_positions.count() == 1  # the line-up of the old term keeps its row
        for kept in (serving, still_contact, deputy):
            assert Person.objects.get(pk=kept.pk).anonymised_at is None
        # The ID number is free again in this chamber.
        assert person_create(chamber=chamber, actor=None, name="新人", id_number=ID).pk
    # Idempotent: nothing more to do.
    out = io.StringIO()
    call_command("anonymise_people", "--years", "5", stdout=out)
    assert "0 people anonymised of 0 found" in out.getvalue()


def test_anonymise_dry_run_and_retention_setting(chamber, old_term, settings):
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="郑旧", id_number=ID)
        officer_appoint(term=old_term, actor=None, person=person, post=Post.SUPERVISOR)
    settings.PERSONAL_DATA_RETENTION_YEARS = 50  # the term ended 2014: within 50 years
    out = io.StringIO()
    call_command("anonymise_people", "--dry-run", stdout=out)
    assert "0 people would be anonymised (retention 50 years)" in out.getvalue()
    out = io.StringIO()
    call_command("anonymise_people", "--dry-run", "--years", "5", stdout=out)
    assert "1 people would be anonymised" in out.getvalue()
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).anonymised_at is None


def test_anonymise_keeps_who_still_takes_part_and_blanks_the_copies(chamber, old_term, admin_user):
    from events.models import Registration
    from events.services.events import event_create

    def event_on(day):
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
        return event_create(chamber=chamber, actor=admin_user, title="活动{}".format(day), kind="training",
                            starts_at=start, ends_at=start + datetime.timedelta(hours=2), place="会议室")

    with scope(chamber=chamber):
        active = person_create(chamber=chamber, actor=None, name="冯活跃")
        officer_appoint(term=old_term, actor=None, person=active, post=Post.SUPERVISOR)
        Registration.objects.create(chamber=chamber, event=event_on(datetime.date.today() - datetime.timedelta(days=30)),
                                    person=active, attendee_name="冯活跃", attendee_mobile=MOBILE)
        gone = person_create(chamber=chamber, actor=None, name="陈旧人", mobile=MOBILE)
        officer_appoint(term=old_term, actor=None, person=gone, post=Post.SUPERVISOR)
        old = Registration.objects.create(chamber=chamber, event=event_on(datetime.date(2013, 5, 8)), person=gone,
                                          attendee_name="陈旧人", attendee_mobile=MOBILE)
        assert set(people_to_anonymise(chamber=chamber, years=5)) == {gone}
        assert anonymise_people(chamber=chamber, years=5) == (1, 1)
        old.refresh_from_db()
        assert (old.attendee_name, old.attendee_mobile) == ("已匿名{}".format(gone.pk), "")
        assert Person.objects.get(pk=active.pk).anonymised_at is None
