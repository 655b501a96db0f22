"""Officers: terms, appointments, the next term, rotating chairs, liaison, charter warnings."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from chamber.models import AuditEntry
from members.models import Liaison, OfficerPosition, Post, RotatingChair, Term
from members.officers import (
    liaison_assign,
    officer_appoint,
    officer_end,
    rotating_chair_add,
    term_create,
    term_start_next,
)
from members.selectors import term_charter_warnings
from members.services import person_create

D = datetime.date


@pytest.fixture
def people(in_chamber):
    """make(n) -> n new people of the chamber."""
    counter = iter(range(10_000))

    def make(n):
        return [person_create(chamber=in_chamber, actor=None, name=f"理事{next(counter)}") for _ in range(n)]

    return make


@pytest.fixture
def term(in_chamber):
    return term_create(chamber=in_chamber, actor=None, ordinal=8, starts_on=D(2020, 1, 1), ends_on=D(2024, 12, 31))


# --- Terms and appointments ------------------------------------------------------------------

def test_term_create_and_its_checks(in_chamber, term):
    assert str(term) and term.name
    assert AuditEntry.objects.filter(target_type="members.term", target_id=str(term.pk), action="create").exists()
    with pytest.raises(ValidationError) as exc:
        term_create(chamber=in_chamber, actor=None, ordinal=8, starts_on=D(2025, 1, 1), ends_on=D(2029, 12, 31))
    assert "ordinal" in exc.value.message_dict
    for ends in (D(2024, 12, 31), D(2025, 1, 1)):
        with pytest.raises(ValidationError) as exc:
            term_create(chamber=in_chamber, actor=None, ordinal=9, starts_on=D(2025, 1, 1), ends_on=ends)
        assert "ends_on" in exc.value.message_dict
    assert Term.objects.count() == 1


def test_same_ordinal_in_another_chamber_is_fine(chamber, other_chamber):
    for c in (chamber, other_chamber):
        with scope(chamber=c):
            term_create(chamber=c, actor=None, ordinal=1, starts_on=D(2020, 1, 1), ends_on=D(2024, 12, 31))


def test_appoint_defaults_to_the_term_start(term, people):
    (p,) = people(1)
    position = officer_appoint(term=term, actor=None, person=p, post=Post.PRESIDENT)
    assert position.starts_on == term.starts_on and position.ends_on is None
    with pytest.raises(ValidationError) as exc:
        officer_appoint(term=term, actor=None, person=p, post=Post.VICE_PRESIDENT, starts_on=D(2021, 1, 1),
                        ends_on=D(2020, 12, 31))
    assert "ends_on" in exc.value.message_dict
    with pytest.raises(ValidationError):
        officer_end(position=position, actor=None, ends_on=D(2019, 12, 31))


def test_appointing_records_of_another_chamber_is_refused(chamber, other_chamber):
    with scope(chamber=other_chamber):
        stranger = person_create(chamber=other_chamber, actor=None, name="外人")
        from members.models import Membership

        their_enterprise = Membership.objects.get().enterprise
        from branches.services import branch_create

        their_branch = branch_create(chamber=other_chamber, actor=None, name="外地分会", kind="branch")
    with scope(chamber=chamber):
        term = term_create(chamber=chamber, actor=None, ordinal=1, starts_on=D(2020, 1, 1), ends_on=D(2024, 12, 31))
        local = person_create(chamber=chamber, actor=None, name="本地人")
        for key, kwargs in (("person", {"person": stranger}),
                            ("enterprise", {"person": local, "enterprise": their_enterprise}),
                            ("branch", {"person": local, "branch": their_branch})):
            with pytest.raises(ValidationError) as exc:
                officer_appoint(term=term, actor=None, post=Post.VICE_PRESIDENT, **kwargs)
            assert key in exc.value.message_dict
        assert OfficerPosition.objects.count() == 0


# --- The next term ---------------------------------------------------------------------------

def test_next_term_carries_over_open_posts(in_chamber, term, people):
    president, vice, left_early, until_end = people(4)
    officer_appoint(term=term, actor=None, person=president, post=Post.PRESIDENT)
    officer_appoint(term=term, actor=None, person=vice, post=Post.VICE_PRESIDENT)
    officer_appoint(term=term, actor=None, person=left_early, post=Post.SECRETARY_GENERAL, ends_on=D(2022, 6, 30))
    officer_appoint(term=term, actor=None, person=until_end, post=Post.COUNCIL_MEMBER, ends_on=D(2024, 12, 31))

    nxt = term_start_next(chamber=in_chamber, actor=None, starts_on=D(2025, 1, 1), ends_on=D(2029, 12, 31))

    assert nxt.ordinal == 9
    carried = {(p.person_id, p.post): p for p in OfficerPosition.objects.filter(term=nxt)}
    assert set(carried) == {(president.pk, Post.PRESIDENT), (vice.pk, Post.VICE_PRESIDENT),
                            (until_end.pk, Post.COUNCIL_MEMBER)}
    for p in carried.values():
        assert (p.starts_on, p.ends_on, p.chamber_id) == (D(2025, 1, 1), None, in_chamber.pk)
    assert OfficerPosition.objects.filter(term=term).count() == 4  # the old line-up stays as it was


def test_next_term_without_carry_over_and_first_term(in_chamber, term, people):
    (p,) = people(1)
    officer_appoint(term=term, actor=None, person=p, post=Post.PRESIDENT)
    nxt = term_start_next(chamber=in_chamber, actor=None, starts_on=D(2025, 1, 1), ends_on=D(2029, 12, 31),
                          carry_over=False)
    assert not OfficerPosition.objects.filter(term=nxt).exists()


def test_first_term_is_number_one(chamber):
    with scope(chamber=chamber):
        first = term_start_next(chamber=chamber, actor=None, starts_on=D(2020, 1, 1), ends_on=D(2024, 12, 31))
    assert first.ordinal == 1


# --- Rotating chairs -------------------------------------------------------------------------

def test_rotating_chair_periods(term, people):
    a, b = (officer_appoint(term=term, actor=None, person=p, post=Post.EXECUTIVE_PRESIDENT) for p in people(2))
    rotating_chair_add(term=term, actor=None, position=a, starts_on=D(2021, 1, 1), ends_on=D(2021, 2, 28))
    rotating_chair_add(term=term, actor=None, position=b, starts_on=D(2021, 3, 1), ends_on=D(2021, 4, 30))  # adjacent
    overlapping = [
        (D(2021, 2, 28), D(2021, 3, 31)),  # shares one day
        (D(2020, 12, 1), D(2021, 1, 1)),
        (D(2021, 1, 15), D(2021, 1, 20)),  # inside
        (D(2020, 12, 1), D(2021, 6, 1)),   # around both
    ]
    for start, end in overlapping:
        with pytest.raises(ValidationError) as exc:
            rotating_chair_add(term=term, actor=None, position=b, starts_on=start, ends_on=end)
        assert "starts_on" in exc.value.message_dict, (start, end)
    assert RotatingChair.objects.count() == 2


@pytest.mark.parametrize("start,end", [(D(2019, 12, 1), D(2020, 1, 31)), (D(2024, 12, 1), D(2025, 1, 31))])
def test_rotating_chair_outside_the_term_is_refused(term, people, start, end):
    (p,) = people(1)
    position = officer_appoint(term=term, actor=None, person=p, post=Post.EXECUTIVE_PRESIDENT)
    with pytest.raises(ValidationError):
        rotating_chair_add(term=term, actor=None, position=position, starts_on=start, ends_on=end)
    assert RotatingChair.objects.count() == 0


def test_rotating_chair_needs_an_officer_of_that_term(in_chamber, term, people):
    (p,) = people(1)
    other_term = term_create(chamber=in_chamber, actor=None, ordinal=9, starts_on=D(2025, 1, 1), ends_on=D(2029, 12, 31))
    position = officer_appoint(term=other_term, actor=None, person=p, post=Post.EXECUTIVE_PRESIDENT)
    with pytest.raises(ValidationError) as exc:
        rotating_chair_add(term=term, actor=None, position=position, starts_on=D(2021, 1, 1), ends_on=D(2021, 2, 1))
    assert "position" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        rotating_chair_add(term=other_term, actor=None, position=position, starts_on=D(2025, 3, 1), ends_on=D(2025, 2, 1))
    assert "ends_on" in exc.value.message_dict


# --- Liaison -------------------------------------------------------------------------------

def test_liaison_assign_is_idempotent(in_chamber, term, people, member):
    (p,) = people(1)
    officer = officer_appoint(term=term, actor=None, person=p, post=Post.PRESIDENT)
    first = liaison_assign(officer=officer, membership=member, actor=None)
    second = liaison_assign(officer=officer, membership=member, actor=None)
    assert first.pk == second.pk
    assert Liaison.objects.count() == 1
    # Only the real assignment is in the log.
    assert AuditEntry.objects.filter(action="liaison", target_id=str(member.pk)).count() == 1


def test_liaison_with_a_member_of_another_chamber_is_refused(chamber, other_chamber):
    with scope(chamber=other_chamber):
        from members.models import Membership

        theirs = Membership.objects.get()
    with scope(chamber=chamber):
        term = term_create(chamber=chamber, actor=None, ordinal=1, starts_on=D(2020, 1, 1), ends_on=D(2024, 12, 31))
        p = person_create(chamber=chamber, actor=None, name="会长")
        officer = officer_appoint(term=term, actor=None, person=p, post=Post.PRESIDENT)
        with pytest.raises(ValidationError) as exc:
            liaison_assign(officer=officer, membership=theirs, actor=None)
        assert "membership" in exc.value.message_dict
        assert Liaison.objects.count() == 0


# --- Charter warnings ----------------------------------------------------------------------

def _line_up(term, people, standing, plain):
    """`standing` standing-council people (a president first) and `plain` ordinary council members."""
    standing_people = people(standing)
    officer_appoint(term=term, actor=None, person=standing_people[0], post=Post.PRESIDENT)
    for p in standing_people[1:]:
        officer_appoint(term=term, actor=None, person=p, post=Post.STANDING_COUNCIL_MEMBER)
    for p in people(plain):
        officer_appoint(term=term, actor=None, person=p, post=Post.COUNCIL_MEMBER)


def test_standing_council_of_exactly_a_third_is_fine(term, people):
    _line_up(term, people, standing=3, plain=6)  # 3 of 9
    assert term_charter_warnings(term=term) == []


def test_standing_council_over_a_third_warns(term, people):
    _line_up(term, people, standing=4, plain=6)  # 4 of 10
    warnings = term_charter_warnings(term=term)
    assert len(warnings) == 1
    assert "4" in warnings[0] and "10" in warnings[0]


def test_one_person_with_two_standing_posts_counts_once(term, people):
    _line_up(term, people, standing=3, plain=6)
    president = OfficerPosition.objects.get(term=term, post=Post.PRESIDENT).person
    officer_appoint(term=term, actor=None, person=president, post=Post.SECRETARY_GENERAL)
    assert term_charter_warnings(term=term) == []


def test_non_council_posts_do_not_count(term, people):
    _line_up(term, people, standing=3, plain=6)
    for p in people(3):
        officer_appoint(term=term, actor=None, person=p, post=Post.SENIOR_ADVISER)
    officer_appoint(term=term, actor=None, person=people(1)[0], post=Post.CHIEF_SUPERVISOR)
    assert term_charter_warnings(term=term) == []


def _about(person, warnings):
    """The warnings naming `person` (a lone president also trips the one-third rule)."""
    return [w for w in warnings if person.name in w]


def _terms(chamber, n):
    return [term_create(chamber=chamber, actor=None, ordinal=i, starts_on=D(2000 + 5 * i, 1, 1),
                        ends_on=D(2004 + 5 * i, 12, 31)) for i in range(1, n + 1)]


def test_third_consecutive_presidency_warns(in_chamber, people):
    t1, t2, t3 = _terms(in_chamber, 3)
    president, = people(1)
    for t in (t1, t2, t3):
        officer_appoint(term=t, actor=None, person=president, post=Post.PRESIDENT)
    assert _about(president, term_charter_warnings(term=t2)) == []  # second term: fine
    warnings = _about(president, term_charter_warnings(term=t3))
    assert len(warnings) == 1


def test_presidency_with_a_gap_does_not_warn(in_chamber, people):
    t1, t2, t3 = _terms(in_chamber, 3)
    president, someone_else = people(2)
    officer_appoint(term=t1, actor=None, person=president, post=Post.PRESIDENT)
    officer_appoint(term=t2, actor=None, person=someone_else, post=Post.PRESIDENT)
    officer_appoint(term=t2, actor=None, person=president, post=Post.VICE_PRESIDENT)
    officer_appoint(term=t3, actor=None, person=president, post=Post.PRESIDENT)
    assert _about(president, term_charter_warnings(term=t3)) == []
