"""Event and registration services: validation, audience, capacity and waiting list,
walk-ins, check-in and status moves."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from events.models import EventStatus, Registration, RegistrationStatus
from events.services.events import event_set_status, event_update, invitation_set
from events.services.registrations import registration_cancel, registration_check_in
from members.models import Post
from members.officers import officer_appoint, term_create

from .conftest import START, make_event, register


def access_for_user(chamber, user):
    from chamber.access import access_for_user as resolve

    with scope(chamber=chamber):
        return resolve(chamber, user)

pytestmark = pytest.mark.django_db


def test_event_must_end_after_it_starts(chamber, admin_user):
    with pytest.raises(ValidationError) as error:
        make_event(chamber, admin_user, ends_at=START - datetime.timedelta(hours=1))
    assert "ends_at" in error.value.message_dict


def test_branch_audience_needs_a_branch_of_this_chamber(chamber, admin_user, other_chamber):
    from branches.models import Branch
    from django_scopes import scopes_disabled

    with pytest.raises(ValidationError) as error:
        make_event(chamber, admin_user, audience="branch")
    assert "audience_branch" in error.value.message_dict
    with scopes_disabled():
        from branches.services import branch_create
        foreign = branch_create(chamber=other_chamber, actor=None, name="成都分会", kind="branch")
    with pytest.raises(ValidationError):
        make_event(chamber, admin_user, audience="branch", audience_branch=foreign)
    assert Branch.objects is not None


def test_branch_secretary_organises_only_within_reach(chamber, branch_secretary, branches):
    access = access_for_user(chamber, branch_secretary)
    with pytest.raises(ValidationError) as error:
        make_event(chamber, branch_secretary, access=access)  # the chamber itself: not theirs
    assert "organiser_branch" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_event(chamber, branch_secretary, access=access, organiser_branch=branches["display"])
    event = make_event(chamber, branch_secretary, access=access, organiser_branch=branches["cable_sub"])
    assert event.organiser_branch == branches["cable_sub"]


def test_status_moves(chamber, admin_user):
    event = make_event(chamber, admin_user, status=EventStatus.DRAFT)
    with scope(chamber=chamber):
        with pytest.raises(ValidationError):
            event_set_status(event=event, actor=admin_user, status="held")
        event = event_set_status(event=event, actor=admin_user, status="open")
        event = event_set_status(event=event, actor=admin_user, status="closed")
        with pytest.raises(ValidationError):
            event_set_status(event=event, actor=admin_user, status="open")
        with pytest.raises(ValidationError) as error:
            event_set_status(event=event, actor=admin_user, status="cancelled")
        assert "reason" in error.value.message_dict
        event = event_set_status(event=event, actor=admin_user, status="held")
        with pytest.raises(ValidationError):
            event_set_status(event=event, actor=admin_user, status="cancelled", reason="下雨")


def test_capacity_then_waitlist_then_move_up_on_cancel(chamber, member, event, people, admin_user):
    regs = [register(chamber, event, admin_user, membership=member, person=p) for p in people]
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    with scope(chamber=chamber):
        cancelled = registration_cancel(registration=regs[0], actor=admin_user)
        assert [r.pk for r in cancelled.promoted] == [regs[2].pk]
        statuses = dict(Registration.objects.filter(event=event).values_list("pk", "status"))
        with pytest.raises(ValidationError):
            registration_cancel(registration=regs[0], actor=admin_user)
        # Cancelling from the waiting list frees no seat: nobody moves up.
        assert registration_cancel(registration=regs[3], actor=admin_user).promoted == []
    assert statuses[regs[2].pk] == "confirmed" and statuses[regs[3].pk] == "waitlisted"


def test_larger_capacity_moves_the_waiting_list_up(chamber, member, event, people, admin_user):
    regs = [register(chamber, event, admin_user, membership=member, person=p) for p in people[:3]]
    with scope(chamber=chamber):
        event_update(event=event, actor=admin_user, capacity=3)
        assert Registration.objects.get(pk=regs[2].pk).status == "confirmed"


def test_one_live_registration_per_person(chamber, member, event, people, admin_user):
    first = register(chamber, event, admin_user, membership=member, person=people[0])
    with pytest.raises(ValidationError):
        register(chamber, event, admin_user, membership=member, person=people[0])
    with scope(chamber=chamber):
        registration_cancel(registration=first, actor=admin_user)
    assert register(chamber, event, admin_user, membership=member, person=people[0]).status == "confirmed"


def test_person_must_belong_to_the_member(chamber, member, second_member, event, admin_user):
    with pytest.raises(ValidationError) as error:
        register(chamber, event, admin_user, membership=member, person=second_member.contact_person)
    assert "person" in error.value.message_dict


def test_branch_audience(chamber, member, second_member, branches, admin_user, people):
    event = make_event(chamber, admin_user, audience="branch", audience_branch=branches["cable"])
    assert register(chamber, event, admin_user, membership=member, person=people[0]).status == "confirmed"
    with pytest.raises(ValidationError) as error:
        register(chamber, event, admin_user, membership=second_member, person=second_member.contact_person)
    assert "membership" in error.value.message_dict


def test_invited_audience(chamber, member, second_member, admin_user, people):
    event = make_event(chamber, admin_user, audience="invited")
    with pytest.raises(ValidationError):
        register(chamber, event, admin_user, membership=member, person=people[0])
    with scope(chamber=chamber):
        invitation_set(event=event, actor=admin_user, memberships=[member])
    assert register(chamber, event, admin_user, membership=member, person=people[0]).status == "confirmed"


def test_officers_audience(chamber, member, admin_user, people):
    with scope(chamber=chamber):
        today = datetime.date.today()
        term = term_create(chamber=chamber, actor=None, ordinal=8, starts_on=today.replace(year=today.year - 1),
                           ends_on=today.replace(year=today.year + 3))
        officer_appoint(term=term, actor=None, person=people[1], post=Post.VICE_PRESIDENT, enterprise=member.enterprise)
    event = make_event(chamber, admin_user, audience="officers")
    with pytest.raises(ValidationError):
        register(chamber, event, admin_user, membership=member, person=people[0])
    assert register(chamber, event, admin_user, membership=member, person=people[1]).status == "confirmed"


def test_inactive_member_is_not_in_all_members_audience(chamber, member, event, admin_user, people):
    with scope(chamber=chamber):
        type(member).objects.filter(pk=member.pk).update(status="suspended")
        member.refresh_from_db()
    with pytest.raises(ValidationError):
        register(chamber, event, admin_user, membership=member, person=people[0])


def test_draft_refuses_and_closed_admits_only_staff(chamber, member, admin_user, people, representative):
    draft = make_event(chamber, admin_user, status=EventStatus.DRAFT)
    with pytest.raises(ValidationError):
        register(chamber, draft, admin_user, membership=member, person=people[0])
    closed = make_event(chamber, admin_user, status=EventStatus.CLOSED)
    assert register(chamber, closed, admin_user, membership=member, person=people[0]).status == "confirmed"
    with pytest.raises(ValidationError):
        register(chamber, closed, representative, membership=member, person=people[1], self_service=True)


def test_self_service_only_for_own_enterprise(chamber, member, second_member, event, representative, people):
    mine = register(chamber, event, representative, membership=member, person=people[0], self_service=True)
    assert mine.status == "confirmed"
    with pytest.raises(PermissionDenied):
        register(chamber, event, representative, membership=second_member, person=second_member.contact_person,
                 self_service=True)


def test_walk_in_beyond_capacity_is_checked_in(chamber, member, event, people, admin_user):
    for p in people[:2]:
        register(chamber, event, admin_user, membership=member, person=p)
    walk_in = register(chamber, event, admin_user, attendee_name="临时来宾", attendee_mobile="13900000000", walk_in=True)
    assert walk_in.status == "confirmed" and walk_in.checked_in_at is not None
    with scope(chamber=chamber):
        assert Registration.objects.filter(event=event, status="confirmed").count() == 3


def test_check_in_cases(chamber, member, event, people, admin_user, other_chamber):
    ok = register(chamber, event, admin_user, membership=member, person=people[0])
    register(chamber, event, admin_user, membership=member, person=people[1])
    waiting = register(chamber, event, admin_user, membership=member, person=people[2])
    other = make_event(chamber, admin_user, title="另一活动")
    elsewhere = register(chamber, other, admin_user, membership=member, person=people[0])
    with scope(chamber=chamber):
        done = registration_check_in(event=event, code=" {}-{} ".format(ok.code[:5], ok.code[5:].lower()),
                                     actor=admin_user)
        assert done.pk == ok.pk and not done.already_checked_in and done.checked_in_at
        again = registration_check_in(event=event, code=ok.code, actor=admin_user)
        assert again.already_checked_in and again.checked_in_at == done.checked_in_at
        for code, text in [("ZZZZZZZZZZ", "ZZZZZZZZZZ"), (elsewhere.code, "另一活动"), (waiting.code, "王三")]:
            with pytest.raises(ValidationError) as error:
                registration_check_in(event=event, code=code, actor=admin_user)
            assert text in error.value.message_dict["code"][0]
        cancelled = registration_cancel(registration=Registration.objects.get(pk=waiting.pk), actor=admin_user)
        with pytest.raises(ValidationError):
            registration_check_in(event=event, code=cancelled.code, actor=admin_user)
        with pytest.raises(ValidationError):
            registration_cancel(registration=Registration.objects.get(pk=ok.pk), actor=admin_user)


def test_check_in_refuses_another_chambers_code(chamber, other_chamber, event, admin_user, outsider):
    from django_scopes import scopes_disabled

    from events.services.registrations import registration_create as create

    theirs = make_event(other_chamber, outsider)
    with scopes_disabled():
        foreign = create(event=theirs, actor=outsider, attendee_name="外人")
    with scope(chamber=chamber), pytest.raises(ValidationError):
        registration_check_in(event=event, code=foreign.code, actor=admin_user)


def test_branch_secretary_cannot_manage_chamber_events(chamber, event, branch_secretary, member, people):
    access = access_for_user(chamber, branch_secretary)
    with scope(chamber=chamber):
        with pytest.raises(PermissionDenied):
            event_update(event=event, actor=branch_secretary, access=access, title="改")
    with pytest.raises(PermissionDenied):
        register(chamber, event, branch_secretary, membership=member, person=people[0], access=access)
