"""Walk-in check-in and invitations with a large chamber: the forms accept any current member,
but list only the first 50 matches of `?member_q=` (and the chosen or invited ones) with a note."""
import datetime
import re

import pytest
from django.test import Client
from django.utils import translation
from django_scopes import scope

from events.models import EventInvitation, Registration
from members.models import Enterprise, Membership, MembershipKind, MembershipStatus, Rank

from ...factories import make_uscc
from .conftest import make_event

pytestmark = pytest.mark.django_db

NOTE = "Only the first 50 members are listed; search to narrow the list."


def many_members(chamber, n=60):
    """n active members 批量企业000 … (bulk, as a large chamber's roster)."""
    with scope(chamber=chamber):
        rank = Rank.objects.get(chamber=chamber, code="member")
        enterprises = Enterprise.objects.bulk_create([
            Enterprise(chamber=chamber, name=f"批量企业{i:03d}", uscc=make_uscc(880000 + i)) for i in range(n)])
        return Membership.objects.bulk_create([
            Membership(chamber=chamber, kind=MembershipKind.ENTERPRISE, enterprise=e, name=e.name, rank=rank,
                       status=MembershipStatus.ACTIVE, joined_on=datetime.date(2020, 1, 1)) for e in enterprises])


def note(response):
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return translation.gettext(NOTE)


def options(html, name):
    """The values offered by the <select name=...> or the checkboxes named so."""
    select = re.search(r'<select name="{}"[^>]*>(.*?)</select>'.format(name), html, re.S)
    if select:
        return re.findall(r'<option value="([^"]*)"', select.group(1))
    return re.findall(r'type="checkbox" name="{}" value="([^"]*)"'.format(name), html)


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_walk_in_lists_50_members_searches_and_accepts_any(admin_client, chamber, event, admin_user, other_chamber):
    members = many_members(chamber)
    page_url = f"/c/{chamber.slug}/events/{event.pk}/check-in/"
    walk_in_url = f"/c/{chamber.slug}/events/{event.pk}/check-in/walk-in/"
    response = admin_client.get(page_url)
    html = response.content.decode()
    shown = [v for v in options(html, "membership") if v]
    assert len(shown) == 50 and note(response) in html and 'name="member_q"' in html
    assert str(members[-1].pk) not in shown
    # A search narrows the list; the walk-in form keeps it when posted.
    response = admin_client.get(page_url + "?member_q=企业059")
    html = response.content.decode()
    assert [v for v in options(html, "membership") if v] == [str(members[-1].pk)]
    assert note(response) not in html and "walk-in/?member_q=" in html
    # A member not listed is accepted.
    response = admin_client.post(walk_in_url, {"attendee_name": "散客甲", "membership": members[-1].pk})
    assert response.status_code == 302
    with scope(chamber=chamber):
        assert Registration.objects.get(event=event, attendee_name="散客甲").membership_id == members[-1].pk
    # Another chamber's member is a form error; the posted one stays listed when valid.
    foreign = many_members(other_chamber, 1)[0]
    response = admin_client.post(walk_in_url, {"attendee_name": "散客乙", "membership": foreign.pk})
    assert response.status_code == 400 and "membership" in response.context["walk_in_form"].errors
    response = admin_client.post(walk_in_url + "?member_q=企业001", {"attendee_name": "", "membership": members[58].pk})
    shown = options(response.content.decode(), "membership")
    assert response.status_code == 400 and str(members[58].pk) in shown and str(members[1].pk) in shown


def test_invitations_list_50_members_keep_the_invited_and_accept_any(admin_client, chamber, admin_user, other_chamber):
    event = make_event(chamber, admin_user, audience="invited")
    members = many_members(chamber)
    page_url = f"/c/{chamber.slug}/events/{event.pk}/invitations/"
    response = admin_client.get(page_url)
    html = response.content.decode()
    assert len(options(html, "memberships")) == 50 and note(response) in html
    # Invite two members the first page does not show.
    response = admin_client.post(page_url, {"memberships": [members[58].pk, members[59].pk]})
    assert response.status_code == 302
    with scope(chamber=chamber):
        assert set(EventInvitation.objects.filter(event=event).values_list("membership_id", flat=True)) == {
            members[58].pk, members[59].pk}
    # The invited are always listed (ticked), whatever the search, so saving keeps them.
    response = admin_client.get(page_url + "?member_q=企业003")
    html = response.content.decode()
    shown = options(html, "memberships")
    assert sorted(shown) == sorted([str(members[3].pk), str(members[58].pk), str(members[59].pk)])
    assert note(response) not in html
    assert len(re.findall(r'type="checkbox" name="memberships" value="\d+"[^>]*checked', html)) == 2
    # Another chamber's member is refused, and the ticked ones stay listed on the re-displayed form.
    foreign = many_members(other_chamber, 1)[0]
    response = admin_client.post(page_url + "?member_q=企业003", {"memberships": [members[10].pk, foreign.pk]})
    assert response.status_code == 200 and "memberships" in response.context["form"].errors
    assert str(members[10].pk) in options(response.content.decode(), "memberships")
    with scope(chamber=chamber):
        assert EventInvitation.objects.filter(event=event).count() == 2


def test_garbage_search_and_ids_are_form_errors_never_a_500(admin_client, chamber, admin_user):
    event = make_event(chamber, admin_user, audience="invited")
    page_url = f"/c/{chamber.slug}/events/{event.pk}/invitations/?member_q=%00x"
    for value in ("99999999999999999999", "²", "1;drop"):
        response = admin_client.post(page_url, {"memberships": [value]})
        assert response.status_code == 200 and "memberships" in response.context["form"].errors
        response = admin_client.post(f"/c/{chamber.slug}/events/{event.pk}/check-in/walk-in/?member_q=%00",
                                     {"attendee_name": "x", "membership": value})
        assert response.status_code == 400 and "membership" in response.context["walk_in_form"].errors
