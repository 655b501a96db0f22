"""Meeting services: who is expected, idempotent preparation, attendance, quorum arithmetic,
resolutions with their vote check, minutes, and the audit trail."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from chamber.access import access_for_user
from chamber.models import AuditEntry
from events.models import AttendanceStatus, EventKind, EventStatus, MeetingAttendance, Registration
from events.selectors.meetings import meeting_expected_positions, quorum, required_for
from events.services.meetings import (
    meeting_attendance_prepare,
    meeting_attendance_set,
    meeting_minutes_set,
    resolution_create,
    resolution_delete,
    resolution_update,
)
from members.models import Post
from members.officers import officer_appoint, officer_end, term_create
from members.services import person_create

from .conftest import COUNCIL_EXPECTED, MEETING_DAY, STANDING_EXPECTED, make_event


def names(positions):
    return [p.person.name for p in positions]


def test_council_expects_council_members_and_above_in_protocol_order(chamber, council):
    with scope(chamber=chamber):
        expected = meeting_expected_positions(event=council)
    # Same post: by name (code point order, as officer_lineup does).
    assert names(expected) == ["会长", "执行", "常副", "副会", "秘书长", "常务", "理事乙", "理事甲"]
    assert len(expected) == COUNCIL_EXPECTED


def test_posts_left_out_of_the_council(chamber, council):
    with scope(chamber=chamber):
        posts = {p.post for p in meeting_expected_positions(event=council)}
    for post in (Post.HONORARY_PRESIDENT, Post.SENIOR_ADVISER, Post.SUPERVISOR, Post.CHIEF_SUPERVISOR,
                 Post.DEPUTY_SECRETARY_GENERAL):
        assert post not in posts


def test_standing_council_expects_standing_members_and_above(chamber, standing):
    with scope(chamber=chamber):
        expected = meeting_expected_positions(event=standing)
    assert len(expected) == STANDING_EXPECTED
    assert Post.COUNCIL_MEMBER not in {p.post for p in expected}


def test_positions_ended_or_not_begun_on_the_meeting_date_and_other_terms_are_left_out(chamber, term, lineup, council):
    with scope(chamber=chamber):
        officer_end(position=lineup["理事甲"], actor=None, ends_on=MEETING_DAY - datetime.timedelta(days=1))
        officer_end(position=lineup["理事乙"], actor=None, ends_on=MEETING_DAY)  # still in office that day
        later = person_create(chamber=chamber, actor=None, name="新理事")
        officer_appoint(term=term, actor=None, person=later, post=Post.COUNCIL_MEMBER,
                        starts_on=MEETING_DAY + datetime.timedelta(days=1))
        old = term_create(chamber=chamber, actor=None, ordinal=7, starts_on=datetime.date(2010, 1, 1),
                          ends_on=datetime.date(2014, 12, 31))
        officer_appoint(term=old, actor=None, person=person_create(chamber=chamber, actor=None, name="老理事"),
                        post=Post.COUNCIL_MEMBER)
        expected = names(meeting_expected_positions(event=council))
    assert "理事甲" not in expected and "理事乙" in expected
    assert "新理事" not in expected and "老理事" not in expected


def test_a_person_with_two_posts_is_expected_once_under_the_higher(chamber, term, lineup, council):
    with scope(chamber=chamber):
        officer_appoint(term=term, actor=None, person=lineup["副会"].person, post=Post.STANDING_COUNCIL_MEMBER)
        expected = meeting_expected_positions(event=council)
    assert names(expected).count("副会") == 1
    assert next(p for p in expected if p.person.name == "副会").post == Post.VICE_PRESIDENT


def test_an_overdue_term_still_holds_the_line_up(chamber, lineup, term):
    """No new term elected yet: the officers serve on until the next 换届."""
    with scope(chamber=chamber):
        term.ends_on = MEETING_DAY - datetime.timedelta(days=10)
        term.save()
        event = make_event(chamber)
        assert len(meeting_expected_positions(event=event)) == 8


def test_prepare_is_idempotent_and_adds_officers_appointed_since(chamber, term, council, admin_user):
    with scope(chamber=chamber):
        assert meeting_attendance_prepare(event=council, actor=admin_user) == 8
        assert meeting_attendance_prepare(event=council, actor=admin_user) == 0
        row = MeetingAttendance.objects.get(event=council, position__person__name="会长")
        meeting_attendance_set(event=council, actor=admin_user, statuses={row.position_id: ("present", "", "")})
        officer_appoint(term=term, actor=None, person=person_create(chamber=chamber, actor=None, name="增补理事"),
                        post=Post.COUNCIL_MEMBER, starts_on=MEETING_DAY - datetime.timedelta(days=5))
        assert meeting_attendance_prepare(event=council, actor=admin_user) == 1
        row.refresh_from_db()
        assert row.status == AttendanceStatus.PRESENT
        assert MeetingAttendance.objects.filter(event=council).count() == 9


def test_prepare_refuses_other_kinds_and_cancelled_meetings(chamber, lineup, admin_user):
    with scope(chamber=chamber):
        for event in (make_event(chamber, kind=EventKind.TRAINING),
                      make_event(chamber, kind=EventKind.GENERAL_ASSEMBLY),
                      make_event(chamber, status=EventStatus.CANCELLED)):
            with pytest.raises(ValidationError):
                meeting_attendance_prepare(event=event, actor=admin_user)


def set_statuses(event, actor, lineup, **by_name):
    statuses = {lineup[name].pk: value for name, value in by_name.items()}
    return meeting_attendance_set(event=event, actor=actor, statuses=statuses)


def test_attendance_and_quorum(chamber, lineup, council, admin_user):
    with scope(chamber=chamber):
        set_statuses(council, admin_user, lineup, 会长=("present", "", ""), 执行=("present", "", ""),
                     常副=("proxy", "张代表", "书面委托"), 副会=("excused", "", "出差"), 秘书长=("present", "", ""))
        q = quorum(council)
        assert (q.expected, q.present, q.proxies, q.excused, q.absent) == (8, 3, 1, 1, 3)
        assert q.required == 6 and q.attending == 4 and not q.reached
        set_statuses(council, admin_user, lineup, 常务=("present", "", ""), 理事甲=("present", "", ""))
        q = quorum(council)
        assert q.attending == 6 and q.reached
        proxy = MeetingAttendance.objects.get(event=council, position=lineup["常副"])
        assert proxy.proxy_name == "张代表" and proxy.note == "书面委托"
        assert AuditEntry.objects.filter(chamber=chamber, action="attendance").count() == 2


@pytest.mark.parametrize("expected, required", [(10, 7), (9, 6), (3, 2), (1, 1), (0, 0), (8, 6), (11, 8)])
def test_two_thirds_rounds_up(expected, required):
    assert required_for(expected) == required


def test_attendance_errors_are_clear(chamber, lineup, council, admin_user, other_chamber):
    with scope(chamber=chamber):
        with pytest.raises(ValidationError, match="proxy|代理"):
            set_statuses(council, admin_user, lineup, 会长=("proxy", "", ""))
        with pytest.raises(ValidationError):
            set_statuses(council, admin_user, lineup, 会长=("maybe", "", ""))
        with pytest.raises(ValidationError):  # not expected at a council meeting
            set_statuses(council, admin_user, lineup, 顾问=("present", "", ""))
        with pytest.raises(ValidationError):
            meeting_attendance_set(event=council, actor=admin_user, statuses={"abc": ("present", "", "")})
        set_statuses(council, admin_user, lineup, 会长=("present", "张代表", ""))
        assert MeetingAttendance.objects.get(event=council, position=lineup["会长"]).proxy_name == ""


def test_general_assembly_quorum_counts_checked_in_members(chamber, member, admin_user):
    from members.models import Membership

    with scope(chamber=chamber):
        event = make_event(chamber, kind=EventKind.GENERAL_ASSEMBLY, title="会员大会")
        q = quorum(event)
        assert (q.basis, q.expected, q.present, q.required, q.reached) == ("members", 1, 0, 1, False)
        for name in ("甲", "乙"):  # two people of one member count once
            Registration.objects.create(chamber=chamber, event=event, membership=member, attendee_name=name,
                                        checked_in_at=council_time(event))
        Registration.objects.create(chamber=chamber, event=event, attendee_name="嘉宾", checked_in_at=council_time(event))
        q = quorum(event)
        assert (q.present, q.absent, q.reached) == (1, 0, True)
        assert Membership.objects.filter(chamber=chamber).count() == 1


def council_time(event):
    return event.starts_at


def test_resolutions_are_numbered_checked_and_audited(chamber, lineup, council, admin_user):
    with scope(chamber=chamber):
        set_statuses(council, admin_user, lineup, 会长=("present", "", ""), 执行=("present", "", ""),
                     常副=("proxy", "某", ""), 副会=("present", "", ""))
        first = resolution_create(event=council, actor=admin_user, title="关于增补理事的决议", votes_for=3,
                                  votes_against=1, abstentions=0)
        assert first.number == 1 and first.passed  # 3 of 4 attending
        second = resolution_create(event=council, actor=admin_user, title="关于会费标准的决议", votes_for=2,
                                   votes_against=2)
        assert second.number == 2 and not second.passed  # 2 of 4 is not more than half
        overridden = resolution_create(event=council, actor=admin_user, title="举手表决", passed=True)
        assert overridden.passed and overridden.votes_for is None
        with pytest.raises(ValidationError) as error:
            resolution_create(event=council, actor=admin_user, title="票数过多", votes_for=4, votes_against=1)
        assert "votes_for" in error.value.message_dict
        with pytest.raises(ValidationError):
            resolution_create(event=council, actor=admin_user, title="  ")
        with pytest.raises(ValidationError):
            resolution_update(resolution=second, actor=admin_user, abstentions=1)
        resolution_update(resolution=second, actor=admin_user, votes_for=3, votes_against=1, passed=None)
        second.refresh_from_db()
        assert second.passed and second.votes_for == 3
        with pytest.raises(ValidationError):
            resolution_delete(resolution=first, actor=admin_user, reason=" ")
        resolution_delete(resolution=first, actor=admin_user, reason="重复录入")
        third = resolution_create(event=council, actor=admin_user, title="第四项")
        assert third.number == 4
        actions = list(AuditEntry.objects.filter(chamber=chamber, action__startswith="resolution").values_list(
            "action", flat=True))
        assert sorted(actions) == sorted(["resolution add"] * 4 + ["resolution change", "resolution delete"])


def test_resolutions_and_minutes_only_for_governing_meetings(chamber, admin_user):
    with scope(chamber=chamber):
        training = make_event(chamber, kind=EventKind.TRAINING, title="培训班")
        with pytest.raises(ValidationError):
            resolution_create(event=training, actor=admin_user, title="x")
        with pytest.raises(ValidationError):
            meeting_minutes_set(event=training, actor=admin_user, minutes="x")


def test_minutes_are_saved_and_audited(chamber, council, admin_user):
    with scope(chamber=chamber):
        meeting_minutes_set(event=council, actor=admin_user, minutes="  会议由会长主持。 ")
        meeting_minutes_set(event=council, actor=admin_user, minutes="会议由会长主持。")  # unchanged: no entry
        council.refresh_from_db()
        assert council.minutes == "会议由会长主持。"
        entries = AuditEntry.objects.filter(chamber=chamber, action="minutes")
        assert entries.count() == 1 and entries.get().changes["minutes"] == ["", "会议由会长主持。"]


def test_branch_secretary_writes_only_on_meetings_of_their_subtree(chamber, lineup, branch_secretary, branches):
    with scope(chamber=chamber):
        access = access_for_user(chamber, branch_secretary)
        chamber_meeting = make_event(chamber)
        with pytest.raises(PermissionDenied):
            resolution_create(event=chamber_meeting, actor=branch_secretary, title="x", access=access)
        own = make_event(chamber, organiser_branch=branches["cable_sub"])
        assert resolution_create(event=own, actor=branch_secretary, title="分会决议", access=access).number == 1
        with pytest.raises(PermissionDenied):
            meeting_minutes_set(event=make_event(chamber, organiser_branch=branches["display"]),
                                actor=branch_secretary, minutes="x", access=access)
