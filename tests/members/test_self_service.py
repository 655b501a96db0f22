"""Member representatives edit their own enterprise, and only some of its fields."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from chamber.models import AuditEntry, Role, RoleKind
from members.models import Enterprise
from members.services import (
    enterprise_create,
    enterprise_self_service_update,
    member_representative_grant,
    member_representative_revoke,
)


def test_representative_changes_address_and_employees(chamber, member, representative):
    enterprise = member.enterprise
    with scope(chamber=chamber):
        enterprise_self_service_update(enterprise=enterprise, user=representative, address="苏州工业园区星湖街1号",
                                       employees=321)
        enterprise.refresh_from_db()
        assert (enterprise.address, enterprise.employees) == ("苏州工业园区星湖街1号", 321)
        entry = AuditEntry.objects.filter(target_type="members.enterprise", target_id=str(enterprise.pk),
                                          action="update").get()
    assert entry.actor == representative
    assert entry.changes == {"address": ["", "苏州工业园区星湖街1号"], "employees": [None, 321]}
    assert entry.reason


@pytest.mark.parametrize("field,value", [("name", "改名有限公司"), ("uscc", "91350100M000100Y43")])
def test_representative_may_not_change_name_or_uscc(chamber, member, representative, field, value):
    enterprise = member.enterprise
    with scope(chamber=chamber):
        before = Enterprise.objects.filter(pk=enterprise.pk).values(field).get()
        with pytest.raises(ValidationError) as exc:
            enterprise_self_service_update(enterprise=enterprise, user=representative, address="x", **{field: value})
        assert field in exc.value.message_dict
        assert Enterprise.objects.filter(pk=enterprise.pk).values(field).get() == before
        assert Enterprise.objects.get(pk=enterprise.pk).address == ""  # nothing else was saved either


def test_user_without_the_object_permission_is_denied(chamber, member, make_user, admin_user):
    stranger = make_user("stranger")
    with scope(chamber=chamber):
        for user in (stranger, admin_user):  # a chamber role is not a grant on the enterprise
            with pytest.raises(PermissionDenied):
                enterprise_self_service_update(enterprise=member.enterprise, user=user, employees=1)
        assert Enterprise.objects.get(pk=member.enterprise_id).employees is None


def test_representative_of_one_enterprise_cannot_edit_another(chamber, member, representative):
    with scope(chamber=chamber):
        other = enterprise_create(chamber=chamber, actor=None, name="别家公司")
        with pytest.raises(PermissionDenied):
            enterprise_self_service_update(enterprise=other, user=representative, employees=1)


def test_grant_gives_role_and_object_permission_on_that_enterprise_only(chamber, member, make_user, admin_user):
    user = make_user("newrep")
    with scope(chamber=chamber):
        other = enterprise_create(chamber=chamber, actor=None, name="别家公司")
        assert not user.has_perm("members.change_enterprise", member.enterprise)
        member_representative_grant(enterprise=member.enterprise, user=user, actor=admin_user)
        assert Role.objects.filter(chamber=chamber, user=user, kind=RoleKind.MEMBER_REPRESENTATIVE,
                                   branch__isnull=True).count() == 1
        assert AuditEntry.objects.filter(action="grant representative", actor=admin_user).exists()
    fresh = type(user).objects.get(pk=user.pk)
    assert fresh.has_perm("members.change_enterprise", member.enterprise)
    assert not fresh.has_perm("members.change_enterprise", other)
    assert not fresh.has_perm("members.change_enterprise")  # no global permission


def test_granting_twice_keeps_one_role(chamber, member, make_user):
    user = make_user("twice")
    with scope(chamber=chamber):
        member_representative_grant(enterprise=member.enterprise, user=user, actor=None)
        member_representative_grant(enterprise=member.enterprise, user=user, actor=None)
        assert Role.objects.filter(user=user).count() == 1


def test_revoke_removes_the_object_permission(chamber, member, representative):
    with scope(chamber=chamber):
        member_representative_revoke(enterprise=member.enterprise, user=representative, actor=None)
        with pytest.raises(PermissionDenied):
            enterprise_self_service_update(enterprise=member.enterprise, user=type(representative).objects.get(
                pk=representative.pk), employees=1)


def test_revoking_the_last_enterprise_ends_the_representative_role(chamber, member, representative):
    from chamber.access import access_for_user

    with scope(chamber=chamber):
        second = enterprise_create(chamber=chamber, actor=None, name="第二家公司")
        member_representative_grant(enterprise=second, user=representative, actor=None)
        member_representative_revoke(enterprise=member.enterprise, user=representative, actor=None)
        assert access_for_user(chamber, representative).is_insider  # still represents `second`
        member_representative_revoke(enterprise=second, user=representative, actor=None)
        assert not Role.objects.filter(user=representative, kind=RoleKind.MEMBER_REPRESENTATIVE).exists()
        assert not access_for_user(chamber, representative).is_insider


def test_granting_a_representative_twice_logs_once(chamber, member, make_user):
    from django_scopes import scope

    from chamber.models import AuditEntry
    from members.services import member_representative_grant

    user = make_user("twice")
    with scope(chamber=chamber):
        member_representative_grant(enterprise=member.enterprise, user=user, actor=None)
        member_representative_grant(enterprise=member.enterprise, user=user, actor=None)
        entries = AuditEntry.objects.filter(action="grant representative", target_id=str(member.enterprise.pk))
        assert entries.count() == 1
        assert user.has_perm("members.change_enterprise", member.enterprise)
