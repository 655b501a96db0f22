"""Officers by term: who may open what, the line-up, a new term, posts, rotating chairs, liaison."""
import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from chamber.models import AuditEntry
from members.models import Liaison, Membership, OfficerPosition, Post, RotatingChair, Term
from members.officers import liaison_assign, officer_appoint, rotating_chair_add, term_create
from members.services import person_create

D = datetime.date
TODAY = timezone.localdate()


def url(chamber, name, **kwargs):
    return reverse(f"members:{name}", kwargs={"chamber": chamber.slug, **kwargs})


@pytest.fixture
def cast(chamber, member):
    """A current term (ordinal 8) with a president (for the member's enterprise), two vice
    presidents and a council member; an earlier term 7."""
    with scope(chamber=chamber):
        people = {n: person_create(chamber=chamber, actor=None, name=n) for n in ("王会长", "李副会长", "赵副会长", "钱理事")}
        earlier = term_create(chamber=chamber, actor=None, ordinal=7, starts_on=TODAY.replace(year=TODAY.year - 6),
                              ends_on=TODAY.replace(year=TODAY.year - 1) - datetime.timedelta(days=1))
        term = term_create(chamber=chamber, actor=None, ordinal=8, starts_on=TODAY.replace(year=TODAY.year - 1),
                           ends_on=TODAY.replace(year=TODAY.year + 4), name="第八届理事会")
        old_president = officer_appoint(term=earlier, actor=None, person=people["钱理事"], post=Post.PRESIDENT)
        positions = {
            "president": officer_appoint(term=term, actor=None, person=people["王会长"], post=Post.PRESIDENT,
                                         enterprise=member.enterprise),
            "vp1": officer_appoint(term=term, actor=None, person=people["李副会长"], post=Post.VICE_PRESIDENT),
            "vp2": officer_appoint(term=term, actor=None, person=people["赵副会长"], post=Post.VICE_PRESIDENT),
            "council": officer_appoint(term=term, actor=None, person=people["钱理事"], post=Post.COUNCIL_MEMBER),
        }
    return {"term": term, "earlier": earlier, "people": people, "positions": positions, "old_president": old_president}


@pytest.fixture
def foreign(other_chamber):
    """Another chamber's term, post, rotating chair period and liaison assignment."""
    with scope(chamber=other_chamber):
        term = term_create(chamber=other_chamber, actor=None, ordinal=1, starts_on=D(2020, 1, 1), ends_on=D(2030, 12, 31))
        person = person_create(chamber=other_chamber, actor=None, name="外会长")
        position = officer_appoint(term=term, actor=None, person=person, post=Post.PRESIDENT)
        chair = rotating_chair_add(term=term, actor=None, position=position, starts_on=D(2021, 1, 1), ends_on=D(2021, 2, 28))
        liaison = liaison_assign(officer=position, membership=chamber_member(other_chamber), actor=None)
    return {"term": term, "position": position, "chair": chair, "liaison": liaison, "person": person}


def _all_urls(chamber, cast):
    term, pos = cast["term"].pk, cast["positions"]["vp1"].pk
    with scope(chamber=chamber):
        chair = rotating_chair_add(term=cast["term"], actor=None, position=cast["positions"]["vp1"],
                                   starts_on=cast["term"].starts_on, ends_on=cast["term"].starts_on + datetime.timedelta(days=59))
        liaison = Liaison.objects.create(chamber=chamber, officer=cast["positions"]["vp1"],
                                         membership=chamber_member(chamber))
    return [
        url(chamber, "officers"), url(chamber, "officers_term_new"), url(chamber, "officers_term_edit", term=term),
        url(chamber, "officers_appoint", term=term), url(chamber, "officers_end", pk=pos),
        url(chamber, "officers_rotating_chair", term=term), url(chamber, "officers_liaison", term=term),
        url(chamber, "officers_rotating_chair_remove", pk=chair.pk), url(chamber, "officers_liaison_remove", pk=liaison.pk),
    ]


def chamber_member(chamber):
    return Membership.objects.filter(chamber=chamber).first()


# --- Who may open what ------------------------------------------------------------------------

def test_anonymous_is_sent_to_log_in(client, chamber, cast):
    for u in _all_urls(chamber, cast):
        response = client.get(u)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), u


def test_outsider_gets_404_everywhere(client_as, chamber, cast, outsider):
    client = client_as(outsider)
    for u in _all_urls(chamber, cast):
        assert client.get(u).status_code == 404, u
        assert client.post(u, {"ends_on": "2026-01-01"}).status_code == 404, u


def test_another_chambers_records_are_404_under_my_chamber(client_as, chamber, admin_user, cast, foreign):
    client = client_as(admin_user)
    term = foreign["term"].pk
    assert client.get(url(chamber, "officers") + f"?term={term}").status_code == 404
    for u in (url(chamber, "officers_term_edit", term=term), url(chamber, "officers_appoint", term=term),
              url(chamber, "officers_rotating_chair", term=term), url(chamber, "officers_liaison", term=term),
              url(chamber, "officers_end", pk=foreign["position"].pk)):
        assert client.get(u).status_code == 404, u
        assert client.post(u, {"ends_on": "2026-01-01", "ordinal": 2}).status_code == 404, u
    assert client.post(url(chamber, "officers_rotating_chair_remove", pk=foreign["chair"].pk)).status_code == 404
    assert client.post(url(chamber, "officers_liaison_remove", pk=foreign["liaison"].pk)).status_code == 404
    with scope(chamber=foreign["term"].chamber):
        assert RotatingChair.objects.filter(pk=foreign["chair"].pk).exists()
        assert Liaison.objects.filter(pk=foreign["liaison"].pk).exists()
        assert OfficerPosition.objects.get(pk=foreign["position"].pk).ends_on is None


@pytest.mark.parametrize("user_fixture", ["reviewer", "representative"])
def test_roles_without_officer_access_get_403(request, client_as, chamber, cast, user_fixture):
    client = client_as(request.getfixturevalue(user_fixture))
    for u in _all_urls(chamber, cast):
        assert client.get(u).status_code in (403, 405), u
        assert client.post(u, {}).status_code == 403, u


@pytest.mark.parametrize("user_fixture", ["staff_readonly", "branch_secretary"])
def test_readers_see_the_lists_but_cannot_write(request, client_as, chamber, cast, user_fixture):
    client = client_as(request.getfixturevalue(user_fixture))
    urls = _all_urls(chamber, cast)
    readable = {url(chamber, "officers"), urls[5], urls[6]}
    for u in urls:
        if u in readable:
            response = client.get(u)
            assert response.status_code == 200, u
            assert response.context.get("can_change") is False, u
        elif "remove" not in u:
            assert client.get(u).status_code == 403, u
        assert client.post(u, {"ends_on": TODAY.isoformat(), "ordinal": 9, "starts_on": "2030-01-01",
                               "name": "x"}).status_code == 403, u
    with scope(chamber=chamber):
        assert Term.objects.count() == 2
        assert RotatingChair.objects.count() == 1 and Liaison.objects.count() == 1
        assert not OfficerPosition.objects.filter(ends_on__isnull=False).exists()
    html = client.get(url(chamber, "officers")).content.decode()
    assert 'data-action="end"' not in html


# --- The line-up ------------------------------------------------------------------------------

def test_current_term_lineup_in_protocol_order_with_details(client_as, chamber, admin_user, cast, member):
    response = client_as(admin_user).get(url(chamber, "officers"))
    assert response.status_code == 200
    assert response.context["term"].pk == cast["term"].pk
    assert [post for post, _label, _ in response.context["lineup"]] == [Post.PRESIDENT, Post.VICE_PRESIDENT, Post.COUNCIL_MEMBER]
    html = response.content.decode()
    assert html.index('data-post="president"') < html.index('data-post="vice_president"') < html.index('data-post="council_member"')
    president = html[html.index(f'data-position-id="{cast["positions"]["president"].pk}"'):]
    assert "王会长" in president[:600] and member.enterprise.name in president[:600]


def test_charter_warnings_are_shown(client_as, chamber, admin_user, cast):
    # President and two vice presidents are all on the standing council; the council is
    # four people, so the standing council is more than a third of it.
    html = client_as(admin_user).get(url(chamber, "officers")).content.decode()
    assert html.count("data-charter-warning") == 1


def test_past_term_is_chosen_with_the_selector(client_as, chamber, admin_user, cast):
    client = client_as(admin_user)
    html = client.get(url(chamber, "officers")).content.decode()
    assert f'<option value="{cast["earlier"].pk}"' in html
    response = client.get(url(chamber, "officers") + f"?term={cast['earlier'].pk}")
    assert response.context["term"].pk == cast["earlier"].pk
    assert f'data-position-id="{cast["old_president"].pk}"' in response.content.decode()
    assert client.get(url(chamber, "officers") + "?term=abc").status_code == 404


def test_empty_chamber_page_invites_a_first_term(client_as, chamber, admin_user):
    response = client_as(admin_user).get(url(chamber, "officers"))
    assert response.status_code == 200 and response.context["term"] is None
    assert url(chamber, "officers_term_new") in response.content.decode()


def test_officers_page_runs_a_fixed_number_of_queries(client_as, chamber, admin_user, cast, django_assert_num_queries):
    client = client_as(admin_user)
    page = url(chamber, "officers")
    client.get(page)

    # session, chamber, user, roles; the terms; the current term; rotating chairs; the
    # line-up with person, enterprise, branch and term; the warnings' positions and the
    # earlier presidents (earlier terms as a subquery); the layout's chamber switcher (2): 12.
    def count():
        with django_assert_num_queries(13):
            assert client.get(page).status_code == 200

    count()
    with scope(chamber=chamber):
        for i in range(12):
            person = person_create(chamber=chamber, actor=None, name=f"理事{i}")
            officer_appoint(term=cast["term"], actor=None, person=person, post=Post.COUNCIL_MEMBER)
    count()


# --- Terms ------------------------------------------------------------------------------------

def _term_data(**changes):
    start = TODAY.replace(year=TODAY.year + 4) + datetime.timedelta(days=1)
    data = {"ordinal": 9, "name": "第九届理事会", "starts_on": start.isoformat(),
            "ends_on": start.replace(year=start.year + 5).isoformat(), "elected_on": "", "carry_over": "on"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_new_term_carries_posts_over_then_opens_it(client_as, chamber, admin_user, cast):
    client = client_as(admin_user)
    page = client.get(url(chamber, "officers_term_new"))
    assert page.context["form"].initial["ordinal"] == 9
    response = client.post(url(chamber, "officers_term_new"), _term_data())
    with scope(chamber=chamber):
        new = Term.objects.get(ordinal=9)
        carried = list(OfficerPosition.objects.filter(term=new).values_list("person__name", "post"))
    assert response.status_code == 302 and response["Location"] == url(chamber, "officers") + f"?term={new.pk}"
    assert sorted(carried) == sorted([("王会长", "president"), ("李副会长", "vice_president"),
                                      ("赵副会长", "vice_president"), ("钱理事", "council_member")])


def test_new_term_without_carry_over(client_as, chamber, admin_user, cast):
    response = client_as(admin_user).post(url(chamber, "officers_term_new"), _term_data(carry_over=None))
    assert response.status_code == 302
    with scope(chamber=chamber):
        assert not OfficerPosition.objects.filter(term__ordinal=9).exists()


def test_new_term_errors_keep_input_and_save_nothing(client_as, chamber, admin_user, cast):
    client = client_as(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # A number that goes backwards: the service refuses it.
    response = client.post(url(chamber, "officers_term_new"), _term_data(ordinal=8, name="重复的届"))
    assert response.status_code == 200
    assert response.context["form"].errors["ordinal"] == ["The new term must come after term 8."]
    assert 'value="重复的届"' in response.content.decode()
    # Dates the wrong way round: the form refuses them.
    response = client.post(url(chamber, "officers_term_new"), _term_data(ends_on="2000-01-01"))
    assert response.status_code == 200 and "ends_on" in response.context["form"].errors
    with scope(chamber=chamber):
        assert Term.objects.count() == 2


def test_edit_term(client_as, chamber, admin_user, cast):
    client = client_as(admin_user)
    term = cast["term"]
    assert client.get(url(chamber, "officers_term_edit", term=term.pk)).context["form"].initial["ordinal"] == 8
    data = {"ordinal": 8, "name": "第八届理事会（修订）", "starts_on": term.starts_on.isoformat(),
            "ends_on": term.ends_on.isoformat(), "elected_on": term.starts_on.isoformat()}
    assert client.post(url(chamber, "officers_term_edit", term=term.pk), data).status_code == 302
    with scope(chamber=chamber):
        term.refresh_from_db()
        assert term.name == "第八届理事会（修订）" and term.elected_on == term.starts_on
        assert AuditEntry.objects.filter(action="update", target_type="members.term", target_id=str(term.pk)).exists()
    # Taking the number of another term is refused.
    response = client.post(url(chamber, "officers_term_edit", term=term.pk), {**data, "ordinal": 7})
    assert response.status_code == 200 and "ordinal" in response.context["form"].errors


# --- Posts ------------------------------------------------------------------------------------

def test_appoint_and_end_a_post(client_as, chamber, admin_user, cast, member, branch_cable):
    client = client_as(admin_user)
    term = cast["term"]
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="孙秘书长")
    response = client.post(url(chamber, "officers_appoint", term=term.pk), {
        "person": person.pk, "post": Post.SECRETARY_GENERAL, "enterprise": member.enterprise.pk,
        "branch": branch_cable.pk, "starts_on": "", "ends_on": "",
    })
    assert response.status_code == 302
    with scope(chamber=chamber):
        position = OfficerPosition.objects.get(person=person)
    assert (position.term_id, position.post, position.starts_on, position.branch_id) == (
        term.pk, Post.SECRETARY_GENERAL, term.starts_on, branch_cable.pk)
    html = client.get(url(chamber, "officers")).content.decode()
    assert 'data-post="secretary_general"' in html and f'data-position-id="{position.pk}"' in html

    # Ending it before it started: refused, shown on the form, nothing saved.
    end_url = url(chamber, "officers_end", pk=position.pk)
    assert client.get(end_url).status_code == 200
    response = client.post(end_url, {"ends_on": "2000-01-01", "reason": "辞职"})
    assert response.status_code == 200 and "ends_on" in response.context["form"].errors
    with scope(chamber=chamber):
        position.refresh_from_db()
        assert position.ends_on is None
    response = client.post(end_url, {"ends_on": TODAY.isoformat(), "reason": "辞职"})
    assert response.status_code == 302 and response["Location"] == url(chamber, "officers") + f"?term={term.pk}"
    with scope(chamber=chamber):
        position.refresh_from_db()
        assert position.ends_on == TODAY
        assert AuditEntry.objects.get(action="end post", target_id=str(position.pk)).reason == "辞职"


def test_appoint_refuses_people_of_another_chamber_and_keeps_input(client_as, chamber, admin_user, cast, foreign):
    response = client_as(admin_user).post(url(chamber, "officers_appoint", term=cast["term"].pk), {
        "person": foreign["person"].pk, "post": Post.PRESIDENT, "starts_on": "2025-02-03",
    })
    assert response.status_code == 200 and "person" in response.context["form"].errors
    assert 'value="2025-02-03"' in response.content.decode()
    with scope(chamber=chamber):
        assert OfficerPosition.objects.filter(term=cast["term"]).count() == 4


# --- Rotating chair ---------------------------------------------------------------------------

def test_rotating_chair_schedule(client_as, chamber, admin_user, cast):
    client = client_as(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    term, vp1, vp2 = cast["term"], cast["positions"]["vp1"], cast["positions"]["vp2"]
    page_url = url(chamber, "officers_rotating_chair", term=term.pk)
    # Only presidents and vice presidents are offered.
    choices = {pk for pk, _ in client.get(page_url).context["form"].fields["position"].choices if pk}
    assert {int(str(pk)) for pk in choices} == {cast["positions"][k].pk for k in ("president", "vp1", "vp2")}
    now_from, now_until = TODAY - datetime.timedelta(days=10), TODAY + datetime.timedelta(days=50)
    assert client.post(page_url, {"position": vp1.pk, "starts_on": now_from.isoformat(),
                                  "ends_on": now_until.isoformat()}).status_code == 302
    later = now_until + datetime.timedelta(days=1)
    assert client.post(page_url, {"position": vp2.pk, "starts_on": later.isoformat(),
                                  "ends_on": (later + datetime.timedelta(days=60)).isoformat()}).status_code == 302
    # Overlapping: refused with the service's message, kept on the form.
    response = client.post(page_url, {"position": vp2.pk, "starts_on": TODAY.isoformat(),
                                      "ends_on": (TODAY + datetime.timedelta(days=5)).isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"] == ["This period overlaps another rotating chair period."]
    # A council member cannot hold the chair.
    response = client.post(page_url, {"position": cast["positions"]["council"].pk, "starts_on": "2027-01-01",
                                      "ends_on": "2027-02-01"})
    assert "position" in response.context["form"].errors
    with scope(chamber=chamber):
        chairs = list(RotatingChair.objects.filter(term=term).order_by("starts_on"))
    assert [c.position_id for c in chairs] == [vp1.pk, vp2.pk]
    html = client.get(page_url).content.decode()
    current = html[html.index(f'data-chair-id="{chairs[0].pk}"'):].split(">", 1)[0]
    assert "data-current" in current
    assert "data-current" not in html[html.index(f'data-chair-id="{chairs[1].pk}"'):].split(">", 1)[0]
    # The line-up page names the chair of the day.
    assert f'data-current-chair="{chairs[0].pk}"' in client.get(url(chamber, "officers")).content.decode()
    # Removing a period.
    response = client.post(url(chamber, "officers_rotating_chair_remove", pk=chairs[1].pk))
    assert response.status_code == 302 and response["Location"] == page_url
    with scope(chamber=chamber):
        assert list(RotatingChair.objects.filter(term=term)) == [chairs[0]]


# --- Liaison ----------------------------------------------------------------------------------

def test_liaison_assign_list_remove(client_as, chamber, admin_user, cast, member, foreign):
    client = client_as(admin_user)
    page_url = url(chamber, "officers_liaison", term=cast["term"].pk)
    president = cast["positions"]["president"]
    response = client.post(page_url, {"officer": president.pk, "membership": member.pk})
    assert response.status_code == 302 and response["Location"] == page_url
    with scope(chamber=chamber):
        liaison = Liaison.objects.get(officer=president, membership=member)
    html = client.get(page_url).content.decode()
    assert f'data-liaison-id="{liaison.pk}"' in html and member.enterprise.name in html
    # A member of another chamber, or an officer of another term, is not a valid choice.
    with scope(chamber=foreign["term"].chamber):
        foreign_member = chamber_member(foreign["term"].chamber)
    response = client.post(page_url, {"officer": president.pk, "membership": foreign_member.pk})
    assert response.status_code == 200 and "membership" in response.context["form"].errors
    response = client.post(page_url, {"officer": cast["old_president"].pk, "membership": member.pk})
    assert response.status_code == 200 and "officer" in response.context["form"].errors
    # Remove.
    response = client.post(url(chamber, "officers_liaison_remove", pk=liaison.pk))
    assert response.status_code == 302
    with scope(chamber=chamber):
        assert not Liaison.objects.filter(pk=liaison.pk).exists()


def test_garbage_input_is_a_form_error_never_a_500(client_as, chamber, admin_user, cast):
    client = client_as(admin_user)
    term = cast["term"].pk
    response = client.post(url(chamber, "officers_appoint", term=term), {"person": "x", "post": "emperor", "starts_on": "2025-13-01"})
    assert response.status_code == 200 and {"person", "post", "starts_on"} <= set(response.context["form"].errors)
    response = client.post(url(chamber, "officers_term_new"), _term_data(ordinal="100000", starts_on="tomorrow"))
    assert response.status_code == 200 and {"ordinal", "starts_on"} <= set(response.context["form"].errors)
    response = client.post(url(chamber, "officers_end", pk=cast["positions"]["vp1"].pk), {"ends_on": ""})
    assert response.status_code == 200 and "ends_on" in response.context["form"].errors
    response = client.post(url(chamber, "officers_rotating_chair", term=term), {"position": "", "starts_on": "x"})
    assert response.status_code == 200
    response = client.post(url(chamber, "officers_liaison", term=term), {"officer": "1;drop", "membership": ""})
    assert response.status_code == 200
    assert client.get(url(chamber, "officers") + "?term=99999999999999999999").status_code == 404
