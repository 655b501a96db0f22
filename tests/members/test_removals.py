"""Taking things back: a role, a contact, a liaison. Each leaves an audit entry saying what
went, and takes nothing else with it."""
import datetime

from django_scopes import scope

from chamber.access import access_for_user
from chamber.models import AuditEntry, Role, RoleKind
from chamber.services import role_grant, role_revoke
from members.models import Contact, Liaison, Post
from members.officers import liaison_assign, liaison_remove, officer_appoint, term_create
from members.services import contact_add, contact_remove, member_representative_grant, person_create


def test_role_revoke_ends_access_and_is_logged(chamber, make_user, member):
    user = make_user("temp")
    with scope(chamber=chamber):
        role = role_grant(chamber=chamber, user=user, kind=RoleKind.SECRETARIAT, actor=None)
        assert access_for_user(chamber, user).has("members.change")
        role_revoke(role=role, actor=None)
        assert not Role.objects.filter(pk=role.pk).exists()
        assert not access_for_user(chamber, user).is_insider
        entry = AuditEntry.objects.filter(action="revoke role").get()
        assert entry.changes["user"] == ["temp", None]


def test_contact_remove_keeps_the_person(chamber, member):
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="孙联络")
        contact = contact_add(enterprise=member.enterprise, person=person, actor=None, title="联络员")
        contact_remove(contact=contact, actor=None)
        assert not Contact.objects.filter(pk=contact.pk).exists()
        person.refresh_from_db()  # the person stays: they may be an officer or another contact
        latest = AuditEntry.objects.filter(action="contact").first()
        assert latest.changes["contact"] == ["孙联络 联络员", None]


def test_liaison_remove_is_logged_on_the_member(chamber, member):
    with scope(chamber=chamber):
        term = term_create(chamber=chamber, actor=None, ordinal=1, starts_on=datetime.date(2021, 1, 1),
                           ends_on=datetime.date(2026, 12, 31))
        officer = officer_appoint(term=term, actor=None, person=person_create(chamber=chamber, actor=None, name="周会长"),
                                  post=Post.PRESIDENT)
        liaison = liaison_assign(officer=officer, membership=member, actor=None)
        liaison_remove(liaison=liaison, actor=None)
        assert not Liaison.objects.filter(pk=liaison.pk).exists()
        latest = AuditEntry.objects.filter(action="liaison", target_id=str(member.pk)).first()
        assert latest.changes["liaison"][1] is None


def test_grant_reports_whether_anything_changed(chamber, member, make_user):
    user = make_user("rep")
    with scope(chamber=chamber):
        assert member_representative_grant(enterprise=member.enterprise, user=user, actor=None) is True
        assert member_representative_grant(enterprise=member.enterprise, user=user, actor=None) is False
