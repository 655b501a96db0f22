"""Self-service changes: proposed by a representative, validated at once, applied at once or
after approval, decided exactly once (members/self_service.py)."""
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django_scopes import scope

from chamber.access import access_for_user
from chamber.models import AuditEntry
from members import self_service
from members.models import (
    AnnualFigures,
    Contact,
    Enterprise,
    MembershipKind,
    MembershipStatus,
    Person,
    Rank,
    SelfServiceChange,
    SelfServiceKind,
    SelfServiceStatus,
)
from members.selectors import self_service_change_list
from members.self_service import (
    self_service_approve,
    self_service_diff,
    self_service_propose,
    self_service_reject,
)
from members.services import (
    annual_figures_set,
    contact_add,
    enterprise_create,
    member_representative_grant,
    membership_create,
    person_create,
    person_update,
)


@pytest.fixture
def enterprise(chamber, member):
    with scope(chamber=chamber):
        return Enterprise.objects.get(pk=member.enterprise_id)


@pytest.fixture
def immediate(chamber):
    chamber.self_service_requires_approval = False
    chamber.save(update_fields=["self_service_requires_approval"])
    return chamber


@pytest.fixture
def contact(chamber, enterprise):
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="王经理", mobile="13912345678")
        return contact_add(enterprise=enterprise, person=person, actor=None, title="办公室主任")


def _propose(chamber, enterprise, user, kind, **kwargs):
    with scope(chamber=chamber):
        return self_service_propose(enterprise=enterprise, user=user, kind=kind, **kwargs)


def test_profile_proposal_waits_and_stores_only_what_changes(chamber, enterprise, representative):
    change = _propose(chamber, enterprise, representative, SelfServiceKind.PROFILE,
                      values={"address": "苏州工业园区星湖街1号", "employees": 120, "industry_code": "c3831",
                              "registered_capital": Decimal("500"), "website": "", "description": "",
                              "legal_representative": ""})
    assert change.status == SelfServiceStatus.PENDING
    # Stored normalised (as the staff service would save it); unchanged fields are left out.
    assert change.proposed == {"address": "苏州工业园区星湖街1号", "employees": 120, "registered_capital": "500.00"}
    assert change.before["address"] == "" and change.before["employees"] is None
    with scope(chamber=chamber):
        fresh = Enterprise.objects.get(pk=enterprise.pk)
    assert (fresh.address, fresh.employees) == ("", None)  # nothing applied yet


def test_nothing_changed_is_refused(chamber, enterprise, representative):
    with pytest.raises(ValidationError):
        _propose(chamber, enterprise, representative, SelfServiceKind.PROFILE, values={"address": ""})
    with scope(chamber=chamber):
        assert not SelfServiceChange.objects.exists()


def test_field_outside_the_self_service_list_is_refused(chamber, enterprise, representative):
    with pytest.raises(ValidationError) as exc:
        _propose(chamber, enterprise, representative, SelfServiceKind.PROFILE, values={"name": "改名有限公司"})
    assert "name" in exc.value.message_dict


def test_approval_applies_through_the_services_with_the_approver_as_actor(chamber, enterprise, representative, secretary):
    change = _propose(chamber, enterprise, representative, SelfServiceKind.PROFILE, values={"employees": 321})
    with scope(chamber=chamber):
        self_service_approve(change=change, actor=secretary)
        fresh = Enterprise.objects.get(pk=enterprise.pk)
        entry = AuditEntry.objects.get(target_type="members.enterprise", target_id=str(enterprise.pk), action="update")
        stored = SelfServiceChange.objects.get(pk=change.pk)
        decision = AuditEntry.objects.get(action="self-service approve")
    assert fresh.employees == 321
    assert entry.actor == secretary and entry.changes == {"employees": [None, 321]}
    assert f"#{change.pk}" in entry.reason
    assert (stored.status, stored.decided_by, stored.decided_at is not None) == ("approved", secretary, True)
    assert decision.actor == secretary and decision.target_id == str(change.pk)


def test_chamber_without_approval_applies_at_once_as_the_representative(immediate, enterprise, representative):
    change = _propose(immediate, enterprise, representative, SelfServiceKind.PROFILE, values={"address": "星湖街2号"})
    assert change.status == SelfServiceStatus.APPLIED and change.decided_at is not None
    with scope(chamber=immediate):
        assert Enterprise.objects.get(pk=enterprise.pk).address == "星湖街2号"
        entry = AuditEntry.objects.get(target_type="members.enterprise", action="update")
    assert entry.actor == representative and f"#{change.pk}" in entry.reason


def test_rejection_needs_a_note_and_leaves_the_record_alone(chamber, enterprise, representative, secretary):
    change = _propose(chamber, enterprise, representative, SelfServiceKind.PROFILE, values={"employees": 9})
    with scope(chamber=chamber):
        with pytest.raises(ValidationError) as exc:
            self_service_reject(change=change, actor=secretary, note="  ")
        assert "note" in exc.value.message_dict
        assert SelfServiceChange.objects.get(pk=change.pk).status == "pending"
        self_service_reject(change=change, actor=secretary, note="人数与社保记录不符")
        stored = SelfServiceChange.objects.get(pk=change.pk)
        assert Enterprise.objects.get(pk=enterprise.pk).employees is None
        assert not AuditEntry.objects.filter(target_type="members.enterprise", action="update").exists()
    assert (stored.status, stored.decision_note, stored.decided_by) == ("rejected", "人数与社保记录不符", secretary)


def test_a_change_is_decided_only_once(chamber, enterprise, representative, secretary, admin_user):
    change = _propose(chamber, enterprise, representative, SelfServiceKind.FIGURES,
                      values={"year": 2024, "revenue": Decimal("100"), "tax_paid": None, "employees": 5})
    with scope(chamber=chamber):
        stale = SelfServiceChange.objects.get(pk=change.pk)  # as a second browser tab holds it
        self_service_approve(change=change, actor=secretary)
        for decide in (lambda: self_service_approve(change=stale, actor=admin_user),
                       lambda: self_service_reject(change=stale, actor=admin_user, note="不对")):
            with pytest.raises(ValidationError):
                decide()
        assert AnnualFigures.objects.filter(enterprise=enterprise).count() == 1
        assert AuditEntry.objects.filter(action="figures 2024").count() == 1
        assert SelfServiceChange.objects.get(pk=change.pk).decided_by == secretary


def test_invalid_mobile_is_refused_at_proposal_and_nothing_is_stored(chamber, enterprise, representative):
    with pytest.raises(ValidationError) as exc:
        _propose(chamber, enterprise, representative, SelfServiceKind.CONTACT_ADD,
                 values={"name": "李四", "mobile": "12345", "title": "", "is_primary": False})
    assert "mobile" in exc.value.message_dict
    with scope(chamber=chamber):
        assert not SelfServiceChange.objects.exists()
        assert not Person.objects.filter(name="李四").exists()


def test_contact_add_is_applied_on_approval(chamber, enterprise, representative, secretary):
    change = _propose(chamber, enterprise, representative, SelfServiceKind.CONTACT_ADD,
                      values={"name": " 李四 ", "mobile": "+86 139-0000-1111", "title": "财务", "is_primary": True})
    assert change.proposed == {"name": "李四", "mobile": "13900001111", "title": "财务", "is_primary": True}
    with scope(chamber=chamber):
        self_service_approve(change=change, actor=secretary)
        contact = Contact.objects.select_related("person").get(enterprise=enterprise)
        assert SelfServiceChange.objects.get(pk=change.pk).contact == contact
    assert (contact.person.name, contact.person.mobile, contact.title, contact.is_primary) == ("李四", "13900001111", "财务", True)


def test_changed_since_shows_in_the_diff_and_the_proposed_fields_still_apply(chamber, enterprise, representative,
                                                                              secretary, contact):
    change = _propose(chamber, enterprise, representative, SelfServiceKind.CONTACT_CHANGE, contact=contact,
                      values={"name": "王经理", "mobile": "13700000000", "title": "总经理", "is_primary": False})
    assert change.proposed == {"mobile": "13700000000", "title": "总经理"}
    with scope(chamber=chamber):
        person_update(person=contact.person, actor=secretary, mobile="13611112222", name="王大经理")
        rows = {row.field: row for row in self_service_diff(SelfServiceChange.objects.get(pk=change.pk))}
        assert set(rows) == {"mobile", "title"}
        assert (rows["mobile"].before, rows["mobile"].proposed, rows["mobile"].current) == (
            "13912345678", "13700000000", "13611112222")
        assert rows["mobile"].changed_since and not rows["title"].changed_since
        self_service_approve(change=change, actor=secretary)
        contact.refresh_from_db()
        contact.person.refresh_from_db()
    # The proposed fields win; the name staff changed meanwhile (not proposed) stays.
    assert (contact.person.mobile, contact.title, contact.person.name) == ("13700000000", "总经理", "王大经理")


def test_contact_removal_and_a_contact_gone_meanwhile(chamber, enterprise, representative, secretary, contact):
    first = _propose(chamber, enterprise, representative, SelfServiceKind.CONTACT_REMOVE, contact=contact)
    second = _propose(chamber, enterprise, representative, SelfServiceKind.CONTACT_REMOVE, contact=contact)
    assert first.before["name"] == "王经理" and first.proposed == {}
    with scope(chamber=chamber):
        self_service_approve(change=first, actor=secretary)
        assert not Contact.objects.filter(pk=contact.pk).exists()
        with pytest.raises(ValidationError):
            self_service_approve(change=SelfServiceChange.objects.get(pk=second.pk), actor=secretary)
        # The failed apply rolled its claim back: it can still be rejected.
        assert SelfServiceChange.objects.get(pk=second.pk).status == "pending"


def test_figures_proposal_validates_and_replaces_the_year(chamber, enterprise, representative, secretary):
    with scope(chamber=chamber):
        annual_figures_set(enterprise=enterprise, actor=None, year=2023, revenue=Decimal("10"), employees=3)
    with pytest.raises(ValidationError) as exc:
        _propose(chamber, enterprise, representative, SelfServiceKind.FIGURES,
                 values={"year": 1800, "revenue": Decimal("-1")})
    assert {"year", "revenue"} <= set(exc.value.message_dict)
    change = _propose(chamber, enterprise, representative, SelfServiceKind.FIGURES,
                      values={"year": 2023, "revenue": Decimal("20"), "tax_paid": None, "employees": 3})
    assert change.before == {"year": 2023, "revenue": "10.00", "tax_paid": None, "employees": 3}
    with scope(chamber=chamber):
        self_service_approve(change=change, actor=secretary)
        figures = AnnualFigures.objects.get(enterprise=enterprise, year=2023)
    assert (figures.revenue, figures.employees) == (Decimal("20"), 3)


def test_only_the_representative_of_that_enterprise_may_propose(chamber, enterprise, representative, admin_user, contact):
    with pytest.raises(PermissionDenied):
        _propose(chamber, enterprise, admin_user, SelfServiceKind.PROFILE, values={"employees": 1})
    with scope(chamber=chamber):
        other = enterprise_create(chamber=chamber, actor=None, name="别家公司")
        stranger_contact = contact_add(enterprise=other, person=contact.person, actor=None)
    with pytest.raises(PermissionDenied):
        _propose(chamber, other, representative, SelfServiceKind.PROFILE, values={"employees": 1})
    with pytest.raises(ValidationError) as exc:  # another enterprise's contact through one's own
        _propose(chamber, enterprise, representative, SelfServiceKind.CONTACT_REMOVE, contact=stranger_contact)
    assert "contact" in exc.value.message_dict


def test_branch_secretary_decides_only_within_reach(chamber, enterprise, representative, branch_secretary,
                                                   branch_display, make_user):
    with scope(chamber=chamber):
        far = enterprise_create(chamber=chamber, actor=None, name="显示科技有限公司")
        membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=far,
                          rank=Rank.objects.get(chamber=chamber, code="member"), branches=[branch_display],
                          status=MembershipStatus.ACTIVE)
        far_rep = make_user("far-rep")
        member_representative_grant(enterprise=far, user=far_rep, actor=None)
    near_change = _propose(chamber, enterprise, representative, SelfServiceKind.PROFILE, values={"employees": 7})
    far_change = _propose(chamber, far, far_rep, SelfServiceKind.PROFILE, values={"employees": 8})
    with scope(chamber=chamber):
        access = access_for_user(chamber, branch_secretary)
        assert [c.pk for c in self_service_change_list(chamber=chamber, status="pending", access=access)] == [near_change.pk]
        assert self_service_change_list(chamber=chamber, status="pending").count() == 2
        with pytest.raises(PermissionDenied):
            self_service_approve(change=far_change, actor=branch_secretary, access=access)
        self_service_approve(change=near_change, actor=branch_secretary, access=access)
        assert SelfServiceChange.objects.get(pk=far_change.pk).status == "pending"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_apply_exactly_once(chamber, enterprise, representative, secretary, admin_user,
                                                     monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so nothing would race")
    change = _propose(chamber, enterprise, representative, SelfServiceKind.FIGURES,
                      values={"year": 2024, "revenue": Decimal("100"), "tax_paid": None, "employees": 5})
    real_apply = self_service._apply

    def slow_apply(change, *, actor):
        time.sleep(0.3)  # hold the claimed row so the other approver's UPDATE has to wait on it
        return real_apply(change, actor=actor)

    monkeypatch.setattr(self_service, "_apply", slow_apply)
    barrier, outcomes = threading.Barrier(2), []

    def approve(actor):
        try:
            with scope(chamber=chamber):
                mine = SelfServiceChange.objects.get(pk=change.pk)
                barrier.wait()
                self_service_approve(change=mine, actor=actor)
            outcomes.append("applied")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(user,)) for user in (secretary, admin_user)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["applied", "refused"]
    with scope(chamber=chamber):
        assert AuditEntry.objects.filter(action="figures 2024").count() == 1
        assert AuditEntry.objects.filter(action="self-service approve").count() == 1
        assert AnnualFigures.objects.filter(enterprise=enterprise, year=2024).count() == 1
