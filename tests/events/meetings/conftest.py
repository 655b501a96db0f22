"""Meeting fixtures: a term with a line-up of every post, governing-body meetings created
directly (the events services are another slice), and a helper for ordinary events."""
import datetime

import pytest
from django.utils import timezone
from django_scopes import scope

from events.models import Event, EventKind, EventStatus
from members.models import Post
from members.officers import officer_appoint, term_create
from members.services import person_create

from ...web.conftest import client_as  # noqa: F401  (the page tests sign in as the cast)

YEAR = timezone.localdate().year
MEETING_DAY = timezone.localdate() - datetime.timedelta(days=30)

# One officer per post, the council member post twice: 13 positions in all.
LINEUP = [
    ("名誉", Post.HONORARY_PRESIDENT), ("会长", Post.PRESIDENT), ("执行", Post.EXECUTIVE_PRESIDENT),
    ("常副", Post.STANDING_VICE_PRESIDENT), ("副会", Post.VICE_PRESIDENT), ("监事长", Post.CHIEF_SUPERVISOR),
    ("监事", Post.SUPERVISOR), ("秘书长", Post.SECRETARY_GENERAL), ("副秘", Post.DEPUTY_SECRETARY_GENERAL),
    ("常务", Post.STANDING_COUNCIL_MEMBER), ("理事甲", Post.COUNCIL_MEMBER), ("理事乙", Post.COUNCIL_MEMBER),
    ("顾问", Post.SENIOR_ADVISER),
]
COUNCIL_EXPECTED = 8  # president … secretary-general, the standing council member, two council members
STANDING_EXPECTED = 6


def at(day, hour=9):
    """An aware datetime on `day` at `hour` in the chamber's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def make_event(chamber, kind=EventKind.COUNCIL, day=MEETING_DAY, status=EventStatus.HELD, **extra):
    """An event created directly (not through the events services)."""
    with scope(chamber=chamber):
        return Event.objects.create(chamber=chamber, title=extra.pop("title", "第八届二次理事会"), kind=kind,
                                    starts_at=at(day), ends_at=at(day, 12), status=status, **extra)


@pytest.fixture
def term(chamber):
    with scope(chamber=chamber):
        return term_create(chamber=chamber, actor=None, ordinal=8, name="第八届理事会",
                           starts_on=datetime.date(YEAR - 2, 1, 1), ends_on=datetime.date(YEAR + 2, 12, 31))


@pytest.fixture
def lineup(chamber, term):
    """{name: OfficerPosition} for LINEUP."""
    with scope(chamber=chamber):
        positions = {}
        for name, post in LINEUP:
            person = person_create(chamber=chamber, actor=None, name=name)
            positions[name] = officer_appoint(term=term, actor=None, person=person, post=post)
        return positions


@pytest.fixture
def council(chamber, lineup):
    return make_event(chamber)


@pytest.fixture
def standing(chamber, lineup):
    return make_event(chamber, kind=EventKind.STANDING_COUNCIL, title="常务理事会")


@pytest.fixture
def other_event(other_chamber):
    return make_event(other_chamber, title="他会理事会")
