"""The member page (/c/<chamber>/members/<pk>/): every section, a fixed number of queries,
masked personal numbers, and who may open it."""
import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from chamber.validators import mask_id_number
from members.models import (
    Body,
    Honour,
    Level,
    Membership,
    MembershipKind,
    MembershipStatus,
    OfficerPosition,
    Post,
    Rank,
    RepresentativePost,
    Term,
)
from members.services import (
    annual_figures_set,
    contact_add,
    enterprise_create,
    enterprise_update,
    membership_change_rank,
    membership_create,
    person_create,
)
from tests.factories import make_id_number, make_uscc

SECTIONS = ("profile", "membership", "contacts", "history", "officers", "figures", "audit",
            "events", "requests", "dues", "donations")
ID_NUMBER = make_id_number(7, born=datetime.date(1970, 1, 2))


def detail_url(chamber, pk):
    return reverse("members:detail", kwargs={"chamber": chamber.slug, "pk": pk})


def _add_contact(chamber, enterprise, actor, n, primary=False):
    person = person_create(chamber=chamber, actor=actor, name=f"联系人{n}", mobile=f"1391234{n:04d}",
                           id_number=make_id_number(100 + n))
    contact_add(enterprise=enterprise, person=person, actor=actor, title="经理", is_primary=primary)
    RepresentativePost.objects.create(chamber=chamber, person=person, body=Body.CPPCC, level=Level.CITY, term=f"第{n}届")
    Honour.objects.create(chamber=chamber, person=person, name=f"荣誉{n}", level=Level.CITY, year=2020)
    return person


@pytest.fixture
def rich_member(chamber, member, secretary):
    """The fixture member with a contact (posts, honours), an officer post, figures, a rank
    change and a profile change."""
    with scope(chamber=chamber):
        enterprise = member.enterprise
        person = person_create(chamber=chamber, actor=secretary, name="张光明", mobile="13912345678", id_number=ID_NUMBER)
        contact_add(enterprise=enterprise, person=person, actor=secretary, title="董事长", is_primary=True)
        RepresentativePost.objects.create(chamber=chamber, person=person, body=Body.PEOPLES_CONGRESS,
                                          level=Level.PROVINCIAL, term="第十四届")
        Honour.objects.create(chamber=chamber, person=person, name="优秀民营企业家", level=Level.CITY, year=2021)
        term = Term.objects.create(chamber=chamber, ordinal=8, name="第八届理事会", starts_on=datetime.date(2022, 1, 1),
                                   ends_on=datetime.date(2026, 12, 31))
        OfficerPosition.objects.create(chamber=chamber, term=term, person=person, enterprise=enterprise,
                                       post=Post.VICE_PRESIDENT, starts_on=datetime.date(2022, 1, 1))
        annual_figures_set(enterprise=enterprise, actor=secretary, year=2024, revenue=Decimal("123456789.00"),
                           tax_paid=Decimal("1234567.80"), employees=321)
        membership_change_rank(membership=member, actor=secretary, rank=Rank.objects.get(chamber=chamber, code="president"),
                               reason="换届选举")
        enterprise_update(enterprise=enterprise, actor=secretary, address="苏州市吴中区光电路1号")
    return member


@pytest.fixture
def outside_member(chamber, branch_display):
    """A member in the display branch: outside the branch secretary's reach."""
    with scope(chamber=chamber):
        e = enterprise_create(chamber=chamber, actor=None, name="苏州显示科技有限公司", uscc=make_uscc(100002))
        return membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e,
                                 rank=Rank.objects.get(chamber=chamber, code="member"), branches=[branch_display],
                                 status=MembershipStatus.ACTIVE)


def _section(html, name):
    match = re.search(rf'<section[^>]*id="section-{name}".*?</section>', html, re.S)
    assert match, f"section-{name} missing"
    return match.group(0)


def test_detail_shows_every_section(client_as, chamber, rich_member, secretary):
    response = client_as(secretary).get(detail_url(chamber, rich_member.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for name in SECTIONS:
        _section(html, name)
    assert 'data-placeholder="true"' not in html  # every module's section is real now
    assert "苏州光电缆有限公司" in _section(html, "profile")
    assert "9132050000100001" in _section(html, "profile")
    membership = _section(html, "membership")
    assert "光纤预制棒专委会" in membership and "GD-001" in membership
    contacts = _section(html, "contacts")
    assert "张光明" in contacts and "董事长" in contacts and 'data-primary="true"' in contacts
    assert "第十四届" in contacts and "优秀民营企业家" in contacts
    # The secretariat may see personal data: numbers in full.
    assert ID_NUMBER in contacts and "13912345678" in contacts
    history = _section(html, "history")
    assert 'data-change="rank"' in history and "换届选举" in history and "会长单位" in history
    assert f'data-actor="{secretary.pk}"' in history
    officers = _section(html, "officers")
    assert "第八届理事会" in officers and "张光明" in officers
    figures = _section(html, "figures")
    # 123,456,789 yuan shown in 万元, the exact amount in the title.
    assert 'data-year="2024"' in figures and "12,345.68" in figures and "¥123,456,789.00" in figures
    audit = _section(html, "audit")
    assert "苏州市吴中区光电路1号" in audit and 'data-action="update"' in audit and 'data-action="contact"' in audit
    assert 'data-action="edit"' in html  # the secretariat may edit


def test_detail_runs_a_fixed_number_of_queries(client_as, chamber, rich_member, secretary, django_assert_num_queries):
    client = client_as(secretary)
    url = detail_url(chamber, rich_member.pk)
    client.get(url)  # warm up: the session's first touch

    # session, the chamber (middleware), user, the user's roles (access), the member with
    # enterprise/person/rank, its branches, contacts with people, their representative
    # posts, their honours, officer posts, membership history, annual figures, audit
    # trail, the member's registrations with their events and counts, its requests and
    # their counts, dues invoices, donations and their totals (2), the chamber
    # switcher's two (the user's chambers), the people's consent states (1), and the one
    # insert that logs the secretary's view of their ID numbers in full (personal data).
    with django_assert_num_queries(25):
        assert client.get(url).status_code == 200

    # More contacts, posts, honours, figures, history rows, registrations, requests and
    # donations cost no further query; invoices add one, for their entries, however many.
    with scope(chamber=chamber):
        for n in range(3):
            _add_contact(chamber, rich_member.enterprise, secretary, n)
        for year in (2021, 2022, 2023):
            annual_figures_set(enterprise=rich_member.enterprise, actor=secretary, year=year, revenue=Decimal("1"))
        membership_change_rank(membership=Membership.objects.get(pk=rich_member.pk), actor=secretary,
                               rank=Rank.objects.get(chamber=chamber, code="council"), reason="调整")
        _add_money(chamber, Membership.objects.get(pk=rich_member.pk))
        _add_events_and_requests(chamber, Membership.objects.get(pk=rich_member.pk))
    with django_assert_num_queries(26):
        html = client.get(url).content.decode()
    assert html.count("data-contact=") == 4 and _section(html, "figures").count("data-year=") == 4
    assert "HF-{}-00001".format(datetime.date.today().year - 1) in _section(html, "dues")
    assert "河南水灾救助" in _section(html, "donations")
    assert "年度会员大会" in _section(html, "events") and "融资难" in _section(html, "requests")


def _add_events_and_requests(chamber, membership):
    """Two registrations at two events and two requests for the member."""
    from django.utils import timezone

    from events.services.events import event_create, event_set_status
    from events.services.registrations import registration_create
    from events.services.requests import request_create

    start = timezone.now() + datetime.timedelta(days=7)
    for n, title in enumerate(("年度会员大会", "政策宣讲会")):
        event = event_create(chamber=chamber, actor=None, title=title, kind="general_assembly" if n == 0 else "policy_briefing",
                             starts_at=start, ends_at=start + datetime.timedelta(hours=2))
        event_set_status(event=event, actor=None, status="open")
        registration_create(event=event, actor=None, membership=membership, attendee_name="张光明")
    for title in ("融资难", "用工难"):
        request_create(chamber=chamber, actor=None, membership=membership, category="financing", title=title,
                       description="需要协调")


def _add_money(chamber, membership):
    """Two years of invoices (one paid) and two donations for the member."""
    from charity.services import donation_record, programme_create
    from members.dues.services import dues_invoices_generate, dues_payment_record, fee_schedule_set

    today = datetime.date.today()
    rates = {rank: Decimal("5000") for rank in Rank.objects.filter(chamber=chamber)}
    for year in (today.year - 1, today.year):
        fee_schedule_set(chamber=chamber, actor=None, year=year, due_on=datetime.date(year, 3, 31), grace_days=90,
                         rates=rates)
        dues_invoices_generate(chamber=chamber, actor=None, year=year)
    invoice = membership.dues_invoices.get(year=today.year - 1)
    dues_payment_record(invoice=invoice, actor=None, amount="5000", paid_on=today, method="bank_transfer")
    programme = programme_create(chamber=chamber, actor=None, name="河南水灾救助", kind="disaster_relief",
                                 starts_on=datetime.date(today.year, 1, 1))
    for amount in ("10000", "2000"):
        donation_record(programme=programme, actor=None, donor_kind="member", membership=membership, form="money",
                        amount=amount, pledged_on=today)


def test_individual_member_page(client_as, chamber, branches, secretary):
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=secretary, name="李个人", mobile="13800001111", id_number=ID_NUMBER)
        RepresentativePost.objects.create(chamber=chamber, person=person, body=Body.CPPCC, level=Level.CITY, term="第九届")
        individual = membership_create(chamber=chamber, actor=secretary, kind=MembershipKind.INDIVIDUAL, person=person,
                                       rank=Rank.objects.get(chamber=chamber, code="member"))
    html = client_as(secretary).get(detail_url(chamber, individual.pk)).content.decode()
    assert "李个人" in _section(html, "profile") and ID_NUMBER in _section(html, "profile")
    assert "第九届" in _section(html, "contacts")
    assert 'id="section-figures"' not in html  # figures belong to enterprises
    assert 'data-action="contact-add"' not in html


@pytest.mark.parametrize("user_fixture", ["staff_readonly", "branch_secretary"])
def test_personal_numbers_are_masked_without_personal_data(request, client_as, chamber, rich_member, user_fixture):
    user = request.getfixturevalue(user_fixture)
    html = client_as(user).get(detail_url(chamber, rich_member.pk)).content.decode()
    contacts = _section(html, "contacts")
    assert ID_NUMBER not in html
    assert mask_id_number(ID_NUMBER) in contacts
    # Mobiles follow the API's rule (chamber.api.serializers.show_mobiles): roster readers see them.
    assert "13912345678" in contacts


def test_read_only_staff_see_no_edit_buttons(client_as, chamber, rich_member, staff_readonly):
    html = client_as(staff_readonly).get(detail_url(chamber, rich_member.pk)).content.decode()
    assert 'data-action="edit"' not in html and 'data-action="contact-remove"' not in html


def test_branch_secretary_sees_members_in_reach_only(client_as, chamber, member, outside_member, branch_secretary):
    client = client_as(branch_secretary)
    response = client.get(detail_url(chamber, member.pk))
    assert response.status_code == 200
    assert 'data-action="edit"' in response.content.decode()
    assert client.get(detail_url(chamber, outside_member.pk)).status_code == 404


def test_detail_isolation(client, client_as, chamber, other_chamber, member, outsider, reviewer, representative):
    url = detail_url(chamber, member.pk)
    assert client_as(outsider).get(url).status_code == 404
    assert client_as(reviewer).get(url).status_code == 403
    assert client_as(representative).get(url).status_code == 403  # self-service has its own portal
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    with scopes_disabled():
        foreign = Membership.objects.get(chamber=other_chamber)
    # Another chamber's member under this chamber's URL does not exist here.
    assert client_as(outsider).get(detail_url(chamber, foreign.pk)).status_code == 404


def test_another_chambers_member_is_404_for_insiders(client_as, chamber, other_chamber, admin_user):
    with scopes_disabled():
        foreign = Membership.objects.get(chamber=other_chamber)
    client = client_as(admin_user)
    assert client.get(detail_url(chamber, foreign.pk)).status_code == 404
    for name in ("edit", "contact_add"):
        assert client.get(reverse(f"members:{name}", kwargs={"chamber": chamber.slug, "pk": foreign.pk})).status_code == 404
