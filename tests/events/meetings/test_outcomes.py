"""Outcomes: recording them (Decimal amounts, clear errors) and the year's totals for the
annual report, where a figure never recorded is None and not 0."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope

from chamber.models import AuditEntry
from events.models import EventKind, EventStatus, Registration
from events.selectors.outcomes import outcome_context, outcome_totals
from events.services.outcomes import outcome_set

from .conftest import MEETING_DAY, make_event

YEAR = MEETING_DAY.year


def test_outcome_set_records_and_changes(chamber, admin_user):
    with scope(chamber=chamber):
        event = make_event(chamber, kind=EventKind.INVESTMENT_PROMOTION, title="招商推介会")
        outcome = outcome_set(event=event, actor=admin_user, participants=120, deals_signed=3,
                              deals_amount="25000000.50", scope="domestic", summary=" 签约三个项目 ")
        assert outcome.deals_amount == Decimal("25000000.50") and outcome.summary == "签约三个项目"
        assert outcome.people_trained is None
        outcome_set(event=event, actor=admin_user, participants=130)
        outcome.refresh_from_db()
        assert outcome.participants == 130 and outcome.deals_signed == 3
        assert AuditEntry.objects.filter(chamber=chamber, action="outcome").count() == 2


@pytest.mark.parametrize("fields, field", [
    ({"participants": -1}, "participants"),
    ({"participants": "abc"}, "participants"),
    ({"participants": 2.5}, "participants"),
    ({"deals_amount": "-5"}, "deals_amount"),
    ({"deals_amount": 1.5, "deals_signed": 1}, "deals_amount"),
    ({"deals_amount": "1.234", "deals_signed": 1}, "deals_amount"),
    ({"deals_amount": "1000"}, "deals_signed"),
    ({"scope": "mars"}, "scope"),
    ({"participants": 10, "people_trained": 11}, "people_trained"),
])
def test_outcome_errors_name_the_field(chamber, admin_user, fields, field):
    with scope(chamber=chamber):
        event = make_event(chamber, kind=EventKind.TRAINING)
        with pytest.raises(ValidationError) as error:
            outcome_set(event=event, actor=admin_user, **fields)
        assert field in error.value.message_dict


def test_no_outcome_for_drafts_cancelled_or_future_events(chamber, admin_user):
    with scope(chamber=chamber):
        future = timezone.localdate() + datetime.timedelta(days=3)
        for event in (make_event(chamber, status=EventStatus.DRAFT), make_event(chamber, status=EventStatus.CANCELLED),
                      make_event(chamber, status=EventStatus.OPEN, day=future)):
            with pytest.raises(ValidationError):
                outcome_set(event=event, actor=admin_user, participants=1)


def test_outcome_context_suggests_the_checked_in_count(chamber, admin_user, django_assert_num_queries):
    with scope(chamber=chamber):
        event = make_event(chamber, kind=EventKind.TRAINING)
        Registration.objects.create(chamber=chamber, event=event, attendee_name="甲", checked_in_at=event.starts_at)
        Registration.objects.create(chamber=chamber, event=event, attendee_name="乙")
        Registration.objects.create(chamber=chamber, event=event, attendee_name="丙", status="cancelled",
                                    checked_in_at=event.starts_at)
        # 2 queries: the outcome, the checked-in count.
        with django_assert_num_queries(2):
            context = outcome_context(event)
        assert context == {"outcome": None, "outcome_checked_in": 1}


def test_totals_keep_unrecorded_figures_apart_from_zero(chamber, other_chamber, admin_user, django_assert_num_queries):
    with scope(chamber=chamber):
        training = make_event(chamber, kind=EventKind.TRAINING, title="财税培训班")
        outcome_set(event=training, actor=admin_user, participants=50, people_trained=48)
        seminar = make_event(chamber, kind=EventKind.SEMINAR, title="研讨会")
        outcome_set(event=seminar, actor=admin_user, participants=0)  # recorded: nobody trained is not "0 trained"
        make_event(chamber, kind=EventKind.TRAINING, title="无记录培训")  # held, no outcome
        tour = make_event(chamber, kind=EventKind.STUDY_TOUR_ABROAD, title="赴德考察")
        outcome_set(event=tour, actor=admin_user, deals_signed=2, deals_amount="3000000", scope="abroad")
        promo = make_event(chamber, kind=EventKind.INVESTMENT_PROMOTION, title="招商会")
        outcome_set(event=promo, actor=admin_user, participants=200, deals_signed=5, deals_amount="12000000.25")
        dialogue = make_event(chamber, kind=EventKind.GOVERNMENT_DIALOGUE, title="政企座谈")
        outcome_set(event=dialogue, actor=admin_user, participants=30)
        make_event(chamber, kind=EventKind.TRAINING, status=EventStatus.CANCELLED, title="取消")
        make_event(chamber, kind=EventKind.TRAINING, status=EventStatus.DRAFT, title="草稿")
        make_event(chamber, kind=EventKind.TRAINING, day=datetime.date(YEAR - 3, 6, 1), title="往年")
    with scope(chamber=other_chamber):
        other = make_event(other_chamber, kind=EventKind.TRAINING)
        outcome_set(event=other, actor=None, participants=999)
    with scope(chamber=chamber):
        # 1 query: held events of the year grouped by kind and scope.
        with django_assert_num_queries(1):
            totals = outcome_totals(chamber=chamber, year=YEAR)
    rows = {row["key"]: row for row in totals["by_kind"]}
    assert list(rows) == [EventKind.SEMINAR, EventKind.TRAINING, EventKind.STUDY_TOUR_ABROAD,
                          EventKind.INVESTMENT_PROMOTION, EventKind.GOVERNMENT_DIALOGUE]
    assert rows[EventKind.TRAINING]["events"] == 2 and rows[EventKind.TRAINING]["with_outcome"] == 1
    assert rows[EventKind.TRAINING]["people_trained"] == 48 and rows[EventKind.TRAINING]["people_trained_recorded"] == 1
    assert rows[EventKind.SEMINAR]["participants"] == 0 and rows[EventKind.SEMINAR]["people_trained"] is None
    assert rows[EventKind.GOVERNMENT_DIALOGUE]["deals_amount"] is None
    trainings = totals["trainings"]
    assert (trainings["events"], trainings["people_trained"], trainings["participants"]) == (3, 48, 50)
    assert totals["dialogues"]["events"] == 1 and totals["dialogues"]["participants"] == 30
    scopes = {row["key"]: row for row in totals["scopes"]}
    assert scopes["abroad"]["deals_signed"] == 2 and scopes["abroad"]["deals_amount"] == Decimal("3000000")
    assert scopes["domestic"]["deals_signed"] == 5 and scopes["domestic"]["deals_amount"] == Decimal("12000000.25")
    total = totals["total"]
    assert total["events"] == 6 and total["participants"] == 280 and total["deals_amount"] == Decimal("15000000.25")
    assert total["participants_recorded"] == 4


def test_totals_of_an_empty_year_are_none(chamber):
    with scope(chamber=chamber):
        totals = outcome_totals(chamber=chamber, year=1999)
    assert totals["by_kind"] == [] and totals["total"]["events"] == 0
    assert totals["total"]["participants"] is None and totals["trainings"]["people_trained"] is None
