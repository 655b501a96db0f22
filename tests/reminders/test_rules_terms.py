"""The term-end reminder: the chamber's admins and secretariat hear of a term ending on
exactly its lead days (180 and 60 days before), once, in their language; other chambers
and other staff do not."""
import datetime

import pytest
from django.urls import reverse
from django_scopes import scope

from chamber.models import UserPreference
from chamber.reminders.models import ReminderRule
from members.models import Term
from members.reminders import term_end_reminders

from .fixtures_f import days_before, deliveries, deliveries_elsewhere, scan

TERM_END = ReminderRule.TERM_END
ENDS = datetime.date(2026, 9, 30)


def make_term(chamber, ordinal, ends_on, name="第八届理事会"):
    with scope(chamber=chamber):
        return Term.objects.create(chamber=chamber, ordinal=ordinal, name=name, starts_on=datetime.date(2021, 10, 1),
                                   ends_on=ends_on)


@pytest.fixture
def staff(admin_user, secretary, staff_readonly, branch_secretary, treasurer, outsider):
    """Everyone: only the admin and the secretary run the chamber (outsider: the other chamber's admin)."""
    return {"admin": admin_user, "secretary": secretary}


@pytest.fixture
def term(chamber, other_chamber, staff):
    make_term(other_chamber, 3, ENDS, name="第三届理事会")  # the same day, elsewhere
    return make_term(chamber, 8, ENDS)


def test_term_end_reminds_admins_and_secretariat_on_exactly_the_lead_days(chamber, term):
    assert scan(chamber, days_before(ENDS, 179), TERM_END) == 0
    assert scan(chamber, days_before(ENDS, 181), TERM_END) == 0
    assert scan(chamber, days_before(ENDS, 180), TERM_END) == 2
    rows = deliveries(chamber, TERM_END)
    assert {(row.recipient.username, row.subject_type, row.subject_id, row.occasion) for row in rows} == {
        ("alice", "members.term", str(term.pk), "2026-09-30/180"),
        ("sally", "members.term", str(term.pk), "2026-09-30/180"),
    }
    assert {row.link for row in rows} == {
        reverse("members:officers", kwargs={"chamber": chamber.slug}) + "?term={}".format(term.pk)}
    assert scan(chamber, days_before(ENDS, 60), TERM_END) == 2
    assert {row.occasion for row in deliveries(chamber, TERM_END)} == {"2026-09-30/180", "2026-09-30/60"}


def test_a_second_scan_adds_nothing(chamber, term):
    assert scan(chamber, days_before(ENDS, 180), TERM_END) == 2
    assert scan(chamber, days_before(ENDS, 180), TERM_END) == 0
    assert len(deliveries(chamber, TERM_END)) == 2


def test_other_chambers_are_untouched(chamber, other_chamber, term, outsider):
    scan(chamber, days_before(ENDS, 180), TERM_END)
    assert deliveries_elsewhere(chamber) == 0
    assert scan(other_chamber, days_before(ENDS, 180), TERM_END) == 1
    assert [row.recipient.username for row in deliveries(other_chamber, TERM_END)] == ["charlie"]
    assert len(deliveries(chamber, TERM_END)) == 2


def test_an_inactive_account_is_not_reminded(chamber, term, admin_user):
    admin_user.is_active = False
    admin_user.save(update_fields=["is_active"])
    scan(chamber, days_before(ENDS, 180), TERM_END)
    assert [row.recipient.username for row in deliveries(chamber, TERM_END)] == ["sally"]


def test_each_recipient_reads_it_in_their_language(chamber, term, admin_user):
    UserPreference.objects.create(user=admin_user, language="en")
    scan(chamber, days_before(ENDS, 180), TERM_END)
    rows = {row.recipient.username: row for row in deliveries(chamber, TERM_END)}
    assert rows["alice"].language == "en"
    assert rows["alice"].title == "The term “第八届理事会” ends on Sept. 30, 2026"
    assert rows["sally"].language == "zh-hans" and "2026年9月30日" in rows["sally"].title


def test_a_term_without_a_name_is_called_by_its_ordinal(chamber, staff, admin_user):
    UserPreference.objects.create(user=admin_user, language="en")
    make_term(chamber, 9, ENDS, name="")
    scan(chamber, days_before(ENDS, 60), TERM_END)
    rows = {row.recipient.username: row for row in deliveries(chamber, TERM_END)}
    assert "“Term 9”" in rows["alice"].title
    assert "“第9届”" in rows["sally"].title


def test_the_term_rule_runs_two_queries(chamber, term, django_assert_num_queries):
    today = days_before(ENDS, 180)
    with scope(chamber=chamber), django_assert_num_queries(2):  # the terms; the roles
        assert len(list(term_end_reminders(chamber, today, [180, 60]))) == 2
    with scope(chamber=chamber), django_assert_num_queries(1):  # nothing ends: no roles read
        assert list(term_end_reminders(chamber, days_before(ENDS, 100), [180, 60])) == []
