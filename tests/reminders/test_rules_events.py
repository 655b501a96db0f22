"""Event and member-request reminders (events/reminders.py): registrants one day before, one
reminder per user and event, requests past their due date to whoever handles them, nobody
else, other chambers untouched, a second scan adds nothing, fixed query counts."""
import datetime

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from chamber.models import RoleKind
from chamber.reminders.models import Delivery, ReminderRule, ReminderSettings
from events.models import EventStatus, RegistrationStatus
from events.reminders import event_soon, request_overdue
from events.services.events import event_set_status
from events.services.registrations import registration_create
from events.services.requests import request_move
from members.models import Membership, Post
from members.officers import officer_appoint, term_create
from members.services import person_create

from ..factories import user_with_role
from .fixtures_g import *  # noqa: F401,F403  (the fixtures)
from .fixtures_g import START, START_DAY, add_contact, add_member, deliveries, make_event, raise_request, register, scan

SOON, OVERDUE = ReminderRule.EVENT_SOON, ReminderRule.REQUEST_OVERDUE


def days(n):
    return datetime.timedelta(days=n)


# --- Events -----------------------------------------------------------------------------------

@pytest.fixture
def event(chamber, admin_user):
    return make_event(chamber, admin_user)


def test_registrants_are_reminded_the_day_before_once_per_user(chamber, event, member, representative,
                                                                display_member, make_user):
    paula = make_user("paula")
    register(chamber, event, member, add_contact(chamber, member, "王有号", user=paula))
    first = register(chamber, event, member, add_contact(chamber, member, "王一"))
    register(chamber, event, member, add_contact(chamber, member, "王二"))
    theirs = register(chamber, event, display_member, add_contact(chamber, display_member, "赵六"))
    for today in (START_DAY - days(2), START_DAY, START_DAY + days(1)):
        assert scan(chamber, today, SOON) == 0
    # paula at her own login; remy once for 王一 and 王二 (no logins); dora for 赵六.
    assert scan(chamber, START_DAY - days(1), SOON) == 3
    occasion = "{}/1".format(START_DAY.isoformat())
    sent = deliveries(chamber, SOON)
    assert set(sent) == {(name, str(event.pk), occasion) for name in ("paula", "remy", "dora")}
    to_remy = sent[("remy", str(event.pk), occasion)]
    assert "王一" in to_remy.body and "王二" in to_remy.body and "王有号" not in to_remy.body
    assert event.title in to_remy.title and START.strftime("%H:%M") in to_remy.title
    # The representative's link is the portal's entry pass of the first registration.
    assert to_remy.link == "/c/{}/events/portal/{}/registrations/{}/pass/".format(
        chamber.slug, member.enterprise_id, first.pk)
    assert sent[("dora", str(event.pk), occasion)].link.endswith("/registrations/{}/pass/".format(theirs.pk))
    assert scan(chamber, START_DAY - days(1), SOON) == 0


def test_a_login_that_is_not_a_representative_gets_the_staff_pass(chamber, event, member, secretary):
    registration = register(chamber, event, member, add_contact(chamber, member, "秘书长", user=secretary))
    scan(chamber, START_DAY - days(1), SOON)
    (delivery,) = deliveries(chamber, SOON).values()
    assert delivery.recipient == secretary
    assert delivery.link == "/c/{}/events/{}/registrations/{}/pass/".format(chamber.slug, event.pk, registration.pk)


def test_cancelled_events_waitlisted_and_unreachable_registrants_are_not_reminded(chamber, admin_user, member,
                                                                                   representative):
    full = make_event(chamber, admin_user, title="满员活动", capacity=1)
    register(chamber, full, member, add_contact(chamber, member, "王一"))
    waiting = register(chamber, full, member, add_contact(chamber, member, "王三"))
    assert waiting.status == RegistrationStatus.WAITLISTED
    with scope(chamber=chamber):
        registration_create(event=full, actor=None, attendee_name="来宾", walk_in=True)  # no member, no login
    cancelled = make_event(chamber, admin_user, title="取消的活动")
    register(chamber, cancelled, member, add_contact(chamber, member, "王二"))
    with scope(chamber=chamber):
        event_set_status(event=cancelled, actor=admin_user, status=EventStatus.CANCELLED, reason="台风")
    assert scan(chamber, START_DAY - days(1), SOON) == 1
    sent = deliveries(chamber, SOON)
    assert {(key[0], key[1]) for key in sent} == {("remy", str(full.pk))}
    assert "王一" in next(iter(sent.values())).body and "王三" not in next(iter(sent.values())).body


def test_closed_events_are_reminded_and_lead_days_differ_per_event_date(chamber, admin_user, member, representative):
    closed = make_event(chamber, admin_user, status=EventStatus.OPEN, starts_at=START + days(6))
    register(chamber, closed, member, add_contact(chamber, member, "王一"))
    with scope(chamber=chamber):
        event_set_status(event=closed, actor=admin_user, status=EventStatus.CLOSED)
        ReminderSettings.objects.create(chamber=chamber, lead_days={SOON: [7, 1]})
    assert scan(chamber, START_DAY - days(1), SOON) == 1
    occasion = "{}/7".format((START_DAY + days(6)).isoformat())
    assert set(deliveries(chamber, SOON)) == {("remy", str(closed.pk), occasion)}


def test_other_chambers_events_are_untouched(chamber, event, member, representative, other_chamber, outsider,
                                             make_user):
    foreign = make_event(other_chamber, outsider)
    with scope(chamber=other_chamber):
        foreign_member = Membership.objects.get(chamber=other_chamber)
    register(other_chamber, foreign, foreign_member, add_contact(other_chamber, foreign_member, "川一",
                                                                 user=make_user("olga")))
    register(chamber, event, member, add_contact(chamber, member, "王一"))
    assert scan(chamber, START_DAY - days(1), SOON) == 1
    with scopes_disabled():
        assert list(Delivery.objects.values_list("recipient__username", flat=True)) == ["remy"]


@pytest.mark.parametrize("registrations", [1, 10])
def test_event_rule_runs_a_fixed_number_of_queries(chamber, event, make_user, registrations,
                                                   django_assert_num_queries):
    for i in range(registrations):
        membership = add_member(chamber, "企业{}有限公司".format(i), representative=make_user("rep{}".format(i)))
        register(chamber, event, membership, add_contact(chamber, membership, "员工{}".format(i)))
    with scope(chamber=chamber):
        # The registrations with event, person and member; the representatives of those members.
        with django_assert_num_queries(2):
            due = list(event_soon(chamber, START_DAY - days(1), [1]))
        with django_assert_num_queries(1):
            assert list(event_soon(chamber, START_DAY - days(3), [1])) == []
    assert len(due) == registrations


# --- Member requests --------------------------------------------------------------------------

DUE_ON = timezone.localdate() + days(3)


@pytest.fixture
def officer_user(chamber, member, make_user):
    """oscar: the login of 王建国, vice-president serving in the current term."""
    user = make_user("oscar")
    year = timezone.localdate().year
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="王建国", user=user)
        term = term_create(chamber=chamber, actor=None, ordinal=8, starts_on=datetime.date(year - 2, 1, 1),
                           ends_on=datetime.date(year + 3, 12, 31))
        position = officer_appoint(term=term, actor=None, person=person, post=Post.VICE_PRESIDENT,
                                   enterprise=member.enterprise)
    user.position = position
    return user


def test_overdue_requests_go_to_assignee_officer_or_secretariat(chamber, member, admin_user, secretary, staff_readonly,
                                                               officer_user, make_user):
    assigned = raise_request(chamber, secretary, member, DUE_ON, assignee=admin_user)
    to_officer = raise_request(chamber, secretary, member, DUE_ON, assignee_officer=officer_user.position)
    nobody = raise_request(chamber, secretary, member, DUE_ON)
    user_with_role(make_user, chamber, "sam", RoleKind.SECRETARIAT)
    for today in (DUE_ON, DUE_ON + days(2), DUE_ON + days(6), DUE_ON + days(8)):
        assert scan(chamber, today, OVERDUE) == 0
    assert scan(chamber, DUE_ON + days(1), OVERDUE) == 4
    occasion = "{}/1".format(DUE_ON.isoformat())
    sent = deliveries(chamber, OVERDUE)
    assert set(sent) == {("alice", str(assigned.pk), occasion), ("oscar", str(to_officer.pk), occasion),
                         ("sally", str(nobody.pk), occasion), ("sam", str(nobody.pk), occasion)}
    assert sent[("alice", str(assigned.pk), occasion)].link == "/c/{}/events/requests/{}/".format(
        chamber.slug, assigned.pk)
    assert "流动资金贷款难" in sent[("alice", str(assigned.pk), occasion)].title
    assert scan(chamber, DUE_ON + days(1), OVERDUE) == 0
    assert scan(chamber, DUE_ON + days(7), OVERDUE) == 4


def test_closed_requests_and_other_chambers_are_not_reminded(chamber, member, secretary, other_chamber, outsider):
    resolved = raise_request(chamber, secretary, member, DUE_ON, assignee=secretary)
    open_one = raise_request(chamber, secretary, member, DUE_ON, assignee=secretary, title="用地审批慢")
    with scope(chamber=chamber):
        request_move(request=resolved, actor=secretary, status="resolved", note="已协调银行放款")
        request_move(request=open_one, actor=secretary, status="in_progress", note="已联系国土部门")
    with scope(chamber=other_chamber):
        foreign_member = Membership.objects.get(chamber=other_chamber)
    raise_request(other_chamber, outsider, foreign_member, DUE_ON, assignee=outsider)
    assert scan(chamber, DUE_ON + days(1), OVERDUE) == 1
    assert set(deliveries(chamber, OVERDUE)) == {("sally", str(open_one.pk), "{}/1".format(DUE_ON.isoformat()))}
    with scopes_disabled():
        assert not Delivery.objects.exclude(chamber=chamber).exists()


@pytest.mark.parametrize("requests", [1, 10])
def test_request_rule_runs_a_fixed_number_of_queries(chamber, member, secretary, admin_user, requests,
                                                     django_assert_num_queries):
    for _i in range(requests):
        raise_request(chamber, secretary, member, DUE_ON, assignee=admin_user)
        raise_request(chamber, secretary, member, DUE_ON)
    with scope(chamber=chamber):
        # The open requests with assignee and officer's login; the secretariat (once, when needed).
        with django_assert_num_queries(2):
            due = list(request_overdue(chamber, DUE_ON + days(7), [1, 7]))
        with django_assert_num_queries(1):
            assert list(request_overdue(chamber, DUE_ON + days(3), [1, 7])) == []
    assert len(due) == 2 * requests
