"""Fixtures for the API tests: a person with a contact post, a term with an officer, annual
figures, the other chamber's rows and API key, and a URL helper."""
import datetime

import pytest
from django_scopes import scope

from chamber.services import api_key_create
from members.models import Body, Honour, Level, Post, Rank, RepresentativePost
from members.officers import officer_appoint, term_create
from members.services import annual_figures_set, contact_add, enterprise_create, person_create

from ..factories import make_id_number, make_mobile, make_uscc


def api_url(chamber, path=""):
    slug = chamber if isinstance(chamber, str) else chamber.slug
    return f"/api/v1/chambers/{slug}/{path}"


@pytest.fixture
def url(chamber):
    """url("members/") -> /api/v1/chambers/sz-optical/members/"""
    return lambda path="": api_url(chamber, path)


@pytest.fixture
def person(chamber):
    """张伟, with a mobile, an ID number, a CPPCC post and an honour."""
    with scope(chamber=chamber):
        p = person_create(chamber=chamber, actor=None, name="张伟", mobile=make_mobile(12345678),
                          id_number=make_id_number(7))
        RepresentativePost.objects.create(chamber=chamber, person=p, body=Body.CPPCC, level=Level.CITY, term="第十四届")
        Honour.objects.create(chamber=chamber, person=p, name="优秀民营企业家", level=Level.PROVINCIAL, year=2022)
    return p


@pytest.fixture
def contact(chamber, member, person):
    with scope(chamber=chamber):
        return contact_add(enterprise=member.enterprise, person=person, actor=None, title="总经理", is_primary=True)


@pytest.fixture
def figures(chamber, member):
    with scope(chamber=chamber):
        return annual_figures_set(enterprise=member.enterprise, actor=None, year=2024, revenue=1_000_000, employees=80)


@pytest.fixture
def term(chamber):
    with scope(chamber=chamber):
        return term_create(chamber=chamber, actor=None, ordinal=8, name="第八届理事会",
                           starts_on=datetime.date(2023, 1, 1), ends_on=datetime.date(2027, 12, 31))


@pytest.fixture
def officer(chamber, term, person, member):
    with scope(chamber=chamber):
        return officer_appoint(term=term, actor=None, person=person, post=Post.PRESIDENT, enterprise=member.enterprise)


@pytest.fixture
def other_api_key(other_chamber):
    with scope(chamber=other_chamber):
        return api_key_create(chamber=other_chamber, actor=None, name="their roster sync")


@pytest.fixture
def foreign(other_chamber):
    """Rows of the other chamber, to smuggle into this chamber's requests."""
    from branches.services import branch_create
    from members.models import Enterprise

    with scope(chamber=other_chamber):
        return {
            "branch": branch_create(chamber=other_chamber, actor=None, name="成都分会", kind="branch"),
            "rank": Rank.objects.get(chamber=other_chamber, code="member"),
            "enterprise": Enterprise.objects.get(chamber=other_chamber),
            "spare_enterprise": enterprise_create(chamber=other_chamber, actor=None, name="杭州火锅有限公司",
                                                  uscc=make_uscc(900002, "330100")),
            "person": person_create(chamber=other_chamber, actor=None, name="李四"),
            "term": term_create(chamber=other_chamber, actor=None, ordinal=3, starts_on=datetime.date(2022, 1, 1),
                                ends_on=datetime.date(2026, 12, 31)),
        }
