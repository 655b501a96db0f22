"""Charity fixtures: two programmes, a recipient, an officer, an outside donor's donations, and
a helper that records a donation through the service (inside the chamber's scope)."""
import datetime

import pytest
from django.utils import timezone
from django_scopes import scope

from charity.services import donation_record, programme_create, recipient_add
from members.models import Post
from members.officers import officer_appoint, term_create
from members.services import person_create

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def programme(chamber, admin_user):
    """A disaster-relief drive with a goal, its honour roll public."""
    with scope(chamber=chamber):
        return programme_create(chamber=chamber, actor=admin_user, name="河南水灾救助", kind="disaster_relief",
                                goal_amount="100000", starts_on=datetime.date(YEAR, 1, 1), honour_roll_public=True)


@pytest.fixture
def fund(chamber, admin_user):
    """An education fund whose honour roll stays private."""
    with scope(chamber=chamber):
        return programme_create(chamber=chamber, actor=admin_user, name="助学基金", kind="education", form="fund",
                                starts_on=datetime.date(YEAR - 1, 9, 1))


@pytest.fixture
def recipient(chamber, programme, admin_user):
    with scope(chamber=chamber):
        return recipient_add(programme=programme, actor=admin_user, name="新乡市红旗区", kind="area")


@pytest.fixture
def officer_person(chamber, member, branch_display):
    """王建国, vice-president of the current term for the display branch."""
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="王建国")
        term = term_create(chamber=chamber, actor=None, ordinal=8, starts_on=datetime.date(YEAR - 2, 1, 1),
                           ends_on=datetime.date(YEAR + 3, 12, 31))
        officer_appoint(term=term, actor=None, person=person, post=Post.VICE_PRESIDENT, branch=branch_display)
    return person


@pytest.fixture
def other_programme(other_chamber, outsider):
    with scope(chamber=other_chamber):
        return programme_create(chamber=other_chamber, actor=outsider, name="川渝助学", kind="education",
                                starts_on=datetime.date(YEAR, 1, 1), honour_roll_public=True)


@pytest.fixture
def donate(chamber, treasurer):
    """donate(programme, amount, **kwargs) -> Donation (an outside donor unless told otherwise)."""

    def make(programme, amount, **kwargs):
        kwargs.setdefault("donor_kind", "outside")
        kwargs.setdefault("donor_name", "爱心企业家陈先生")
        kwargs.setdefault("form", "money")
        kwargs.setdefault("pledged_on", TODAY)
        with scope(chamber=programme.chamber):
            return donation_record(programme=programme, actor=treasurer, amount=amount, **kwargs)

    return make


def received(amount, method="bank_transfer", on=None, reference=""):
    return {"amount": amount, "method": method, "on": on or TODAY, "reference": reference}


# The page tests' signed-in clients (tests/web/conftest.py's fixture, shared here).
from ..web.conftest import client_as  # noqa: E402,F401
