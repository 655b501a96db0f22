"""The appointment and liaison forms with a large chamber: any person, enterprise or current member
of the chamber validates, but the selects list only the first 50 matches of a search (GET) and
the chosen one, with a note when the list is cut."""
import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope

from members.models import (
    Enterprise,
    Liaison,
    Membership,
    MembershipKind,
    MembershipStatus,
    OfficerPosition,
    Person,
    Post,
    Rank,
)
from members.officers import officer_appoint, term_create
from members.services import person_create
from tests.factories import make_mobile, make_uscc

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MEMBERS_NOTE = "Only the first 50 members are listed; search to narrow the list."
SEARCH_NOTE = "Showing the first %(n)s; type more to narrow the search."


def url(chamber, name, **kwargs):
    return reverse(f"members:{name}", kwargs={"chamber": chamber.slug, **kwargs})


def translated(response, text):
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return translation.gettext(text)


def options(html, name):
    select = re.search(r'<select name="{}"[^>]*>(.*?)</select>'.format(name), html, re.S)
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(1)) if v]


def crowd(chamber, n=60, start=0):
    """n people 批量人员000 …, n enterprises 批量企业000 … and their active memberships."""
    with scope(chamber=chamber):
        rank = Rank.objects.get(chamber=chamber, code="member")
        people = Person.objects.bulk_create([
            Person(chamber=chamber, name=f"批量人员{i:03d}", mobile=make_mobile(6660000 + i))
            for i in range(start, start + n)])
        enterprises = Enterprise.objects.bulk_create([
            Enterprise(chamber=chamber, name=f"批量企业{i:03d}", uscc=make_uscc(660000 + i))
            for i in range(start, start + n)])
        members = Membership.objects.bulk_create([
            Membership(chamber=chamber, kind=MembershipKind.ENTERPRISE, enterprise=e, name=e.name, rank=rank,
                       status=MembershipStatus.ACTIVE, joined_on=datetime.date(2020, 1, 1)) for e in enterprises])
    return {"people": people, "enterprises": enterprises, "members": members}


@pytest.fixture
def term(chamber):
    with scope(chamber=chamber):
        term = term_create(chamber=chamber, actor=None, ordinal=8, starts_on=TODAY.replace(year=TODAY.year - 1),
                           ends_on=TODAY.replace(year=TODAY.year + 4))
        president = person_create(chamber=chamber, actor=None, name="王会长")
        term.president = officer_appoint(term=term, actor=None, person=president, post=Post.PRESIDENT)
    return term


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_appoint_lists_50_people_and_enterprises_searches_and_accepts_any(admin_client, chamber, term,
                                                                          other_chamber):
    rows = crowd(chamber)
    page_url = url(chamber, "officers_appoint", term=term.pk)
    response = admin_client.get(page_url)
    html = response.content.decode()
    assert len(options(html, "person")) == 50 and len(options(html, "enterprise")) == 50
    assert translated(response, SEARCH_NOTE) % {"n": 50} in html
    assert 'name="person_q"' in html and 'name="enterprise_q"' in html
    # Searches narrow each list (a person by name or mobile, an enterprise by name).
    response = admin_client.get(page_url + "?person_q=人员059&enterprise_q=企业058")
    html = response.content.decode()
    assert options(html, "person") == [str(rows["people"][59].pk)]
    assert options(html, "enterprise") == [str(rows["enterprises"][58].pk)]
    assert translated(response, SEARCH_NOTE) % {"n": 50} not in html
    response = admin_client.get(page_url + "?person_q=" + make_mobile(6660057))
    assert options(response.content.decode(), "person") == [str(rows["people"][57].pk)]
    # Posting a person and an enterprise not listed works.
    response = admin_client.post(page_url, {"person": rows["people"][59].pk, "post": Post.VICE_PRESIDENT,
                                            "enterprise": rows["enterprises"][59].pk})
    assert response.status_code == 302
    with scope(chamber=chamber):
        position = OfficerPosition.objects.get(term=term, person=rows["people"][59])
        assert position.enterprise_id == rows["enterprises"][59].pk
    # Another chamber's person is refused; on the re-displayed form the chosen enterprise stays listed.
    foreign = crowd(other_chamber, 1, start=100)
    response = admin_client.post(page_url + "?person_q=人员001", {
        "person": foreign["people"][0].pk, "post": Post.VICE_PRESIDENT, "enterprise": rows["enterprises"][55].pk})
    assert response.status_code == 200 and "person" in response.context["form"].errors
    html = response.content.decode()
    assert options(html, "person") == [str(rows["people"][1].pk)]
    assert str(rows["enterprises"][55].pk) in options(html, "enterprise")


def test_liaison_lists_50_members_searches_and_accepts_any(admin_client, chamber, term, other_chamber):
    rows = crowd(chamber)
    page_url = url(chamber, "officers_liaison", term=term.pk)
    response = admin_client.get(page_url)
    html = response.content.decode()
    assert len(options(html, "membership")) == 50 and translated(response, MEMBERS_NOTE) in html
    response = admin_client.get(page_url + "?member_q=企业042")
    html = response.content.decode()
    assert options(html, "membership") == [str(rows["members"][42].pk)]
    assert translated(response, MEMBERS_NOTE) not in html
    # A member not listed is accepted.
    response = admin_client.post(page_url, {"officer": term.president.pk, "membership": rows["members"][59].pk})
    assert response.status_code == 302
    with scope(chamber=chamber):
        assert Liaison.objects.filter(officer=term.president, membership=rows["members"][59]).exists()
    # Another chamber's member is a form error.
    foreign = crowd(other_chamber, 1, start=100)
    response = admin_client.post(page_url, {"officer": term.president.pk, "membership": foreign["members"][0].pk})
    assert response.status_code == 200 and "membership" in response.context["form"].errors
