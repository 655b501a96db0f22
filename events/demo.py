"""Demo events, meetings and member services for one chamber (`seed_demo`).

Through the services, so the demo obeys the same rules as users do: a council meeting held
last month with its attendance, quorum and two resolutions; a training class held with
check-ins and its outcome; an investment promotion with deals signed; an open seminar,
full, with a waiting list; visits with requests in every status and a typical case.
Idempotent: when the chamber has the demo council meeting, nothing is done again.
"""
import datetime
from decimal import Decimal

from django.utils import timezone

from members.models import Membership, MembershipStatus, Term

from .models import AttendanceStatus, Event, MemberRequest, RequestStatus
from .selectors.meetings import meeting_expected_positions
from .services.events import event_create, event_set_status
from .services.meetings import meeting_attendance_set, meeting_minutes_set, resolution_create
from .services.outcomes import outcome_set
from .services.registrations import registration_check_in, registration_create
from .services.requests import request_mark_typical, request_move
from .services.visits import visit_record

COUNCIL = "第{n}届理事会第三次会议"


def _event(chamber, actor, *, title, kind, days, hours=3, capacity=None, place="商会会议室", agenda=""):
    start = (timezone.localtime() + datetime.timedelta(days=days)).replace(hour=9, minute=30, second=0, microsecond=0)
    event = event_create(chamber=chamber, actor=actor, title=title, kind=kind, starts_at=start,
                         ends_at=start + datetime.timedelta(hours=hours), place=place, capacity=capacity,
                         agenda=agenda)
    return event_set_status(event=event, actor=actor, status="open")


def _hold(event, actor, members, check_in_every=1):
    for index, membership in enumerate(members):
        registration = registration_create(event=event, actor=actor, membership=membership,
                                           attendee_name=membership.name[:20] + "代表")
        if index % check_in_every == 0:
            registration_check_in(event=event, code=registration.code, actor=actor)
    event_set_status(event=event, actor=actor, status="held")


def seed_events(*, chamber, actor):
    """Seed `chamber`'s demo events and requests (call inside scope(chamber=chamber)); safe to run twice."""
    term = Term.objects.filter(chamber=chamber).order_by("-ordinal").first()
    council_title = COUNCIL.format(n=term.ordinal if term else 1)
    if Event.objects.filter(chamber=chamber, title=council_title).exists():
        return
    members = list(Membership.objects.filter(chamber=chamber, status=MembershipStatus.ACTIVE).order_by("name", "pk")[:12])
    if not members:
        return

    council = _event(chamber, actor, title=council_title, kind="council", days=-30,
                     agenda="一、审议年度工作报告\n二、审议财务收支情况\n三、审议吸收新会员事项")
    council = event_set_status(event=council, actor=actor, status="held")
    lineup = list(meeting_expected_positions(event=council))
    if lineup:
        statuses = {}
        for index, position in enumerate(lineup):
            status = AttendanceStatus.ABSENT if index % 7 == 6 else (
                AttendanceStatus.PROXY if index % 5 == 4 else AttendanceStatus.PRESENT)
            statuses[position.pk] = (status, "委托代理人" if status == AttendanceStatus.PROXY else "", "")
        meeting_attendance_set(event=council, actor=actor, statuses=statuses)
        present = sum(1 for s, _p, _n in statuses.values() if s != AttendanceStatus.ABSENT)
        resolution_create(event=council, actor=actor, title="关于审议通过年度工作报告的决议", votes_for=present)
        resolution_create(event=council, actor=actor, title="关于吸收新会员的决议", votes_for=max(present - 1, 0),
                          abstentions=1 if present else None)
        meeting_minutes_set(event=council, actor=actor, minutes="会议由会长主持，应到理事过三分之二，会议有效。")

    training = _event(chamber, actor, title="企业高管数字化转型培训班", kind="training", days=-20, hours=6)
    _hold(training, actor, members[:8], check_in_every=1)
    outcome_set(event=training, actor=actor, participants=8, people_trained=8, summary="邀请专家授课，学员结业。")

    promotion = _event(chamber, actor, title="长三角光电产业招商推介会", kind="investment_promotion", days=-10)
    _hold(promotion, actor, members[:6], check_in_every=2)
    outcome_set(event=promotion, actor=actor, participants=60, deals_signed=3, deals_amount=Decimal("128000000.00"),
                scope="domestic", summary="现场签约项目3个。")

    seminar = _event(chamber, actor, title="民营经济政策宣讲会", kind="policy_briefing", days=14, capacity=5)
    for membership in members[:7]:  # two more than the seats: a waiting list
        registration_create(event=seminar, actor=actor, membership=membership,
                            attendee_name=membership.name[:20] + "代表")

    today = timezone.localdate()
    visit_record(chamber=chamber, actor=actor, membership=members[0], visited_on=today - datetime.timedelta(days=40),
                 visitors="秘书长、会员服务部", notes="了解企业生产经营情况。", requests=[
                     {"category": "financing", "title": "流动资金贷款续贷困难", "description": "银行收紧授信，希望协调续贷。"},
                     {"category": "labour", "title": "技术工人招聘难", "description": "希望对接职业院校。"},
                 ])
    visit_record(chamber=chamber, actor=actor, membership=members[1], visited_on=today - datetime.timedelta(days=12),
                 visitors="副会长、秘书处", requests=[
                     {"category": "land", "title": "扩建用地指标", "description": "申请新增工业用地。",
                      "due_on": today + datetime.timedelta(days=5)},
                 ])
    requests = {r.title: r for r in MemberRequest.objects.filter(chamber=chamber)}
    loan = requests["流动资金贷款续贷困难"]
    request_move(request=loan, actor=actor, status=RequestStatus.IN_PROGRESS, note="已联系合作银行。")
    request_move(request=loan, actor=actor, status=RequestStatus.RESOLVED, note="协调银行续贷500万元。")
    request_mark_typical(request=loan, actor=actor, is_typical=True,
                         summary="商会牵头银企对接，帮助企业续贷500万元，缓解资金压力。")
    request_move(request=requests["技术工人招聘难"], actor=actor, status=RequestStatus.IN_PROGRESS,
                 note="已联系两所职业院校。")
