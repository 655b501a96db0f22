"""Reads of governing-body meetings: who is expected (the line-up), attendance, quorum,
resolutions, and the meeting section of the event page.

Who is expected (DOMAIN.md, "Officers"; members.selectors.COUNCIL_POSTS):

- a council meeting (理事会) expects the council: every 理事, and the officers who sit on the
  council by their post — 会长, 执行会长, 常务副会长, 副会长, 秘书长 and 常务理事 (they are all
  理事). Not expected: 名誉会长 and 高级顾问 (honorary, no vote), 监事长 / 监事 (the board of
  supervisors attends, it does not vote) and 副秘书长 (secretariat staff);
- a standing council meeting (常务理事会) expects 常务理事 and above (STANDING_COUNCIL_POSTS);
- a general assembly (会员大会) expects the members: the memberships active on the meeting
  date, and counts as present the distinct memberships with a checked-in registration.

The line-up is the one of the term in force on the meeting date (if the term has run out
and no new one was elected yet, the latest term that had started: officers serve until the
next 换届). Only positions held on that date count (starts_on ≤ date ≤ ends_on, or no end).
A person holding two posts is expected once, under the higher post in protocol order.

Quorum: the charters' rule "应到人数三分之二以上出席方为有效" — at least two thirds of those
expected, rounded up (10 → 7, 9 → 6). Officers represented by a proxy count as attending;
the page shows them separately.
"""
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from members.models import POST_ORDER, Membership, MembershipStatus, OfficerPosition, Term
from members.selectors import COUNCIL_POSTS, STANDING_COUNCIL_POSTS

from ..models import AttendanceStatus, Event, EventKind, GOVERNING_KINDS, MeetingAttendance, Registration, \
    RegistrationStatus, Resolution

EXPECTED_POSTS = {
    EventKind.COUNCIL: frozenset(COUNCIL_POSTS),
    EventKind.STANDING_COUNCIL: frozenset(STANDING_COUNCIL_POSTS),
}


def meeting_date(event):
    """The meeting's date in the chamber's time zone."""
    return timezone.localtime(event.starts_at).date()


def takes_officer_attendance(event):
    """Council and standing council meetings take attendance officer by officer."""
    return event.kind in EXPECTED_POSTS


def meeting_term(*, event):
    """The term whose line-up a meeting is held against (see the module docstring); one query."""
    on = meeting_date(event)
    started = list(Term.objects.filter(chamber_id=event.chamber_id, starts_on__lte=on).order_by(
        "-starts_on", "-ordinal"))
    return next((t for t in started if t.ends_on >= on), started[0] if started else None)


def meeting_expected_positions(*, event, term=None):
    """The officer positions expected at a council or standing council meeting, in protocol
    order, one per person; [] for other kinds. Two queries (term, positions), one if `term` given."""
    posts = EXPECTED_POSTS.get(event.kind)
    if posts is None:
        return []
    term = term or meeting_term(event=event)
    if term is None:
        return []
    on = meeting_date(event)
    positions = OfficerPosition.objects.filter(
        chamber_id=event.chamber_id, term=term, post__in=posts, starts_on__lte=on,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on)).select_related("person", "enterprise", "branch")
    ordered = sorted(positions, key=lambda p: (POST_ORDER.get(p.post, 99), p.person.name, p.pk))
    seen, lineup = set(), []
    for position in ordered:
        if position.person_id not in seen:
            seen.add(position.person_id)
            lineup.append(position)
    return lineup


@dataclass
class Quorum:
    """The quorum of a meeting: who was expected, who came, and whether two thirds did."""

    basis: str  # "officers" or "members"
    expected: int
    present: int
    proxies: int
    excused: int
    absent: int

    @property
    def required(self):
        """At least two thirds of those expected, rounded up."""
        return (2 * self.expected + 2) // 3

    @property
    def attending(self):
        return self.present + self.proxies

    @property
    def reached(self):
        return self.expected > 0 and self.attending >= self.required

    def as_dict(self):
        """For the API."""
        return {"basis": self.basis, "expected": self.expected, "present": self.present, "proxies": self.proxies,
                "excused": self.excused, "absent": self.absent, "required": self.required,
                "attending": self.attending, "reached": self.reached}


def required_for(expected):
    """Two thirds of `expected`, rounded up: the smallest attendance that makes a quorum."""
    return Quorum(basis="", expected=expected, present=0, proxies=0, excused=0, absent=0).required


def meeting_attendance_rows(*, event, lineup=None):
    """[(position, MeetingAttendance or None)] for the expected line-up, in protocol order.
    Three queries (term, positions, attendance), one if `lineup` given."""
    lineup = meeting_expected_positions(event=event) if lineup is None else lineup
    recorded = {a.position_id: a for a in MeetingAttendance.objects.filter(
        chamber_id=event.chamber_id, event=event, position_id__in=[p.pk for p in lineup])}
    return [(p, recorded.get(p.pk)) for p in lineup]


def _officer_quorum(rows):
    counts = {status: 0 for status in AttendanceStatus.values}
    for _position, attendance in rows:
        counts[attendance.status if attendance else AttendanceStatus.ABSENT] += 1
    return Quorum(basis="officers", expected=len(rows), present=counts[AttendanceStatus.PRESENT],
                  proxies=counts[AttendanceStatus.PROXY], excused=counts[AttendanceStatus.EXCUSED],
                  absent=counts[AttendanceStatus.ABSENT])


def _members_on(event):
    on = meeting_date(event)
    return Membership.objects.filter(chamber_id=event.chamber_id, status=MembershipStatus.ACTIVE).filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=on))


def _assembly_quorum(event):
    """Members expected and present at a general assembly: two queries."""
    members = _members_on(event)
    expected = members.count()
    present = Registration.objects.filter(
        chamber_id=event.chamber_id, event=event, status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=False,
        membership__in=members,
    ).values("membership_id").distinct().count()
    return Quorum(basis="members", expected=expected, present=present, proxies=0, excused=0,
                  absent=expected - present)


def quorum(event, *, rows=None):
    """The meeting's Quorum (None for events that are not governing-body meetings).
    Council kinds: three queries (or none with `rows`); general assembly: two."""
    if event.kind == EventKind.GENERAL_ASSEMBLY:
        return _assembly_quorum(event)
    if not takes_officer_attendance(event):
        return None
    return _officer_quorum(meeting_attendance_rows(event=event) if rows is None else rows)


def resolution_list(*, event):
    """The meeting's resolutions by number."""
    return Resolution.objects.filter(chamber_id=event.chamber_id, event=event).order_by("number", "pk")


def suggest_passed(votes_for, attending):
    """The default outcome of a vote: more than half of those attending voted for it."""
    return votes_for is not None and attending > 0 and votes_for * 2 > attending


def event_visible(*, chamber, access=None, capability=None):
    """The chamber's events a reader may see: all of them, or for a branch-limited user
    (a branch secretary) those organised by a branch of their subtree."""
    qs = Event.objects.filter(chamber=chamber)
    if access is not None and capability is not None:
        paths = access.branch_paths(capability)
        if paths is not None:
            match = Q(pk__in=[])
            for path in paths:
                match |= Q(organiser_branch__path__startswith=path)
            qs = qs.filter(match)
    return qs


def governing_event_list(*, chamber, access=None, capability=None):
    """The chamber's governing-body meetings (the API's `meetings`), newest first."""
    return event_visible(chamber=chamber, access=access, capability=capability).filter(
        kind__in=GOVERNING_KINDS).order_by("-starts_at", "-pk")


def meeting_context(event):
    """The meeting section of the event page: quorum and resolutions. Nothing (no query)
    for events that are not governing-body meetings; four queries for a council meeting
    (term, positions, attendance, resolutions), three for a general assembly."""
    if event.kind not in GOVERNING_KINDS:
        return {}
    return {"meeting_quorum": quorum(event), "meeting_resolutions": list(resolution_list(event=event)),
            "meeting_has_minutes": bool(event.minutes.strip())}


__all__ = [
    "EXPECTED_POSTS", "Quorum", "meeting_date", "takes_officer_attendance", "meeting_term",
    "meeting_expected_positions", "meeting_attendance_rows", "quorum", "required_for", "resolution_list",
    "suggest_passed", "event_visible", "governing_event_list", "meeting_context",
]
