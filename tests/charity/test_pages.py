"""Charity pages: who may see and do what, tenancy, the forms' round trips (a double submit
records once), the printable receipt, the totals tabs, the public honour roll and the
member page's section; query-count guards; no 500 on garbage."""
from decimal import Decimal

import pytest
from django.test import Client
from django_scopes import scope

from charity.models import Donation, DonationEntry, Programme

from .conftest import TODAY, YEAR, received


def page(chamber, path=""):
    return "/c/{}/charity/{}".format(chamber.slug, path)


@pytest.fixture
def posted(chamber, programme, donate, member):
    """A member's donation with one receipt; returns (donation, entry)."""
    donation = donate(programme, "1000", donor_kind="member", membership=member, received=received("400"))
    with scope(chamber=chamber):
        return donation, DonationEntry.objects.get(donation=donation)


def donation_form(**extra):
    body = {"donor_kind": "outside", "donor_name": "李女士", "form": "money", "amount": "800",
            "pledged_on": TODAY.isoformat(), "received_now": "on", "received_amount": "", "received_method": "cash",
            "idempotency_key": "form-key-1"}
    body.update(extra)
    return body


def read_paths(programme, donation, entry):
    return ["", "totals/", "totals/?by=donor", "{}/".format(programme.pk), "donations/{}/".format(donation.pk),
            "entries/{}/receipt/".format(entry.pk)]


def write_paths(programme, donation, entry):
    return ["new/", "{}/edit/".format(programme.pk), "{}/recipients/new/".format(programme.pk),
            "{}/donate/".format(programme.pk), "donations/{}/receipts/new/".format(donation.pk),
            "donations/{}/withdraw/".format(donation.pk), "entries/{}/reverse/".format(entry.pk)]


@pytest.mark.parametrize("who", ["admin_user", "treasurer", "secretary", "staff_readonly"])
def test_money_viewers_see_every_page(request, client_as, chamber, programme, posted, who):
    client = client_as(request.getfixturevalue(who))
    donation, entry = posted
    for path in read_paths(programme, donation, entry):
        assert client.get(page(chamber, path)).status_code == 200, path


@pytest.mark.parametrize("who", ["branch_secretary", "representative"])
def test_no_money_view_gets_403(request, client_as, chamber, programme, posted, who):
    client = client_as(request.getfixturevalue(who))
    donation, entry = posted
    for path in read_paths(programme, donation, entry) + write_paths(programme, donation, entry):
        assert client.get(page(chamber, path)).status_code == 403, path


def test_outsider_gets_404_on_every_page(client_as, chamber, programme, posted, outsider, other_chamber):
    client = client_as(outsider)
    donation, entry = posted
    for path in read_paths(programme, donation, entry) + write_paths(programme, donation, entry):
        assert client.get(page(chamber, path)).status_code == 404, path
        assert client.post(page(chamber, path), {}).status_code == 404, path
    # Our ids under their own chamber: not found.
    for path in read_paths(programme, donation, entry)[3:] + write_paths(programme, donation, entry)[1:]:
        assert client.get(page(other_chamber, path)).status_code == 404, path


@pytest.mark.parametrize("who, manage, money", [
    ("admin_user", 200, 200), ("treasurer", 200, 200), ("secretary", 200, 403), ("staff_readonly", 403, 403),
])
def test_who_may_open_the_write_pages(request, client_as, chamber, programme, posted, who, manage, money):
    client = client_as(request.getfixturevalue(who))
    donation, entry = posted
    for path in write_paths(programme, donation, entry)[:3]:
        assert client.get(page(chamber, path)).status_code == manage, path
    for path in write_paths(programme, donation, entry)[3:]:
        assert client.get(page(chamber, path)).status_code == money, path
    response = client.post(page(chamber, "{}/donate/".format(programme.pk)), donation_form())
    assert response.status_code == (302 if money == 200 else 403)


def test_record_a_donation_twice_with_one_key_records_once(client_as, chamber, programme, treasurer):
    client = client_as(treasurer)
    first = client.post(page(chamber, "{}/donate/".format(programme.pk)), donation_form())
    second = client.post(page(chamber, "{}/donate/".format(programme.pk)), donation_form())
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    with scope(chamber=chamber):
        donation = Donation.objects.get(chamber=chamber)
        assert (donation.amount, donation.settled_amount) == (Decimal("800.00"), Decimal("800.00"))
    detail = client.get(first["Location"])
    assert "JZ-{}-00001".format(YEAR) in detail.content.decode()


def test_donation_form_errors_stay_on_the_form(client_as, chamber, programme, treasurer, other_chamber):
    from members.models import Membership
    with scope(chamber=other_chamber):
        theirs = Membership.objects.get(chamber=other_chamber)
    client = client_as(treasurer)
    for body in (donation_form(donor_kind="member", membership=theirs.pk), donation_form(form="goods"),
                 donation_form(amount="abc"), donation_form(received_amount="9999"), donation_form(donor_name=""),
                 donation_form(pledged_on="2999-01-01"), donation_form(donor_kind="alien")):
        body["idempotency_key"] = ""
        response = client.post(page(chamber, "{}/donate/".format(programme.pk)), body)
        assert response.status_code == 200, body
        assert "is-invalid" in response.content.decode() or "alert-danger" in response.content.decode()
    with scope(chamber=chamber):
        assert not Donation.objects.filter(chamber=chamber).exists()


def test_receipt_withdrawal_and_reversal_pages(client_as, chamber, posted, treasurer):
    donation, entry = posted
    client = client_as(treasurer)
    too_much = client.post(page(chamber, "donations/{}/receipts/new/".format(donation.pk)),
                           {"amount": "700", "received_on": TODAY.isoformat(), "method": "cash", "idempotency_key": "a"})
    assert too_much.status_code == 200 and "600.00" in too_much.content.decode()
    ok = client.post(page(chamber, "donations/{}/receipts/new/".format(donation.pk)),
                     {"amount": "100", "received_on": TODAY.isoformat(), "method": "cash", "idempotency_key": "b"})
    assert ok.status_code == 302
    no_reason = client.post(page(chamber, "donations/{}/withdraw/".format(donation.pk)), {"amount": "100", "reason": ""})
    assert no_reason.status_code == 200
    assert client.post(page(chamber, "donations/{}/withdraw/".format(donation.pk)),
                       {"amount": "100", "reason": "资金紧张", "idempotency_key": "c"}).status_code == 302
    confirm = client.get(page(chamber, "entries/{}/reverse/".format(entry.pk)))
    assert confirm.status_code == 200 and "reason" in confirm.content.decode()
    assert client.post(page(chamber, "entries/{}/reverse/".format(entry.pk)), {"reason": ""}).status_code == 200
    assert client.post(page(chamber, "entries/{}/reverse/".format(entry.pk)),
                       {"reason": "录错金额", "idempotency_key": "d"}).status_code == 302
    again = client.post(page(chamber, "entries/{}/reverse/".format(entry.pk)), {"reason": "再冲", "idempotency_key": "e"})
    assert again.status_code == 200
    with scope(chamber=chamber):
        donation.refresh_from_db()
    assert (donation.settled_amount, donation.written_off_amount) == (Decimal("100.00"), Decimal("100.00"))


def test_printable_receipt(client_as, chamber, posted, staff_readonly):
    donation, entry = posted
    body = client_as(staff_readonly).get(page(chamber, "entries/{}/receipt/".format(entry.pk))).content.decode()
    assert entry.number in body and "肆佰元整" in body and "苏州光电缆有限公司" in body and chamber.name in body
    assert "@media print" in body


def test_programme_create_close_and_publish(client_as, chamber, programme, secretary):
    client = client_as(secretary)
    dup = client.post(page(chamber, "new/"), {"name": "河南水灾救助", "kind": "education", "form": "drive",
                                              "starts_on": TODAY.isoformat()})
    assert dup.status_code == 200 and "is-invalid" in dup.content.decode()
    made = client.post(page(chamber, "new/"), {"name": "敬老月", "kind": "elder_care", "form": "drive",
                                               "starts_on": TODAY.isoformat(), "goal_amount": "1000"})
    assert made.status_code == 302
    assert client.post(page(chamber, "{}/close/".format(programme.pk))).status_code == 302
    assert client.post(page(chamber, "{}/private/".format(programme.pk))).status_code == 302
    assert client.post(page(chamber, "{}/nonsense/".format(programme.pk))).status_code == 404
    with scope(chamber=chamber):
        programme.refresh_from_db()
    assert programme.is_closed and not programme.honour_roll_public


@pytest.mark.parametrize("query", ["?year=abc", "?year=99999", "?donor_kind=x&page=zz", "?q=%00", "?page=-1"])
def test_garbage_queries_do_not_break_pages(client_as, chamber, programme, posted, treasurer, query):
    client = client_as(treasurer)
    for path in ("", "{}/".format(programme.pk), "totals/", "totals/?by=x&"):
        assert client.get(page(chamber, path) + query).status_code == 200


def test_query_counts_do_not_grow(client_as, chamber, programme, fund, donate, treasurer, django_assert_num_queries):
    for n in range(8):
        donate(programme if n % 2 else fund, str(100 + n), received=received("50"))
    client = client_as(treasurer)
    client.get(page(chamber))
    # session, chamber, user, roles, programmes, grouped sums, years; the layout's chamber menu (2)
    # and the inbox's unread count.
    with django_assert_num_queries(10):
        assert client.get(page(chamber)).status_code == 200
    # session, chamber, user, roles, the grouping's sums (programmes + sums; one; one; two), years, menu (2).
    for by, n in (("programme", 10), ("donor", 9), ("branch", 9), ("year", 10)):
        with django_assert_num_queries(n):
            assert client.get(page(chamber, "totals/?by=" + by)).status_code == 200
    # session, chamber, user, roles, programme, summary, count, page, recipients, honour roll (named,
    # anonymous), menu (2); the page's rows come with their joins (no query per row).
    with django_assert_num_queries(14):
        assert client.get(page(chamber, "{}/".format(programme.pk))).status_code == 200


# --- the public honour roll ------------------------------------------------------------------

def public(chamber, programme_pk):
    return "/public/{}/charity/{}/".format(chamber.slug, programme_pk)


def test_public_honour_roll(chamber, programme, fund, donate, member, other_chamber, other_programme):
    donate(programme, "1000", donor_kind="member", membership=member, received=received("1000"), note="私密备注")
    donate(programme, "777", donor_name="不愿留名的王先生", anonymous=True, received=received("777", reference="BANK-REF-1"))
    donate(programme, "500", donor_name="只认捐未到账")
    anonymous = Client()
    response = anonymous.get(public(chamber, programme.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "苏州光电缆有限公司" in body and "¥1,000.00" in body
    assert "王先生" not in body and "¥777.00" not in body and "BANK-REF-1" not in body and "私密备注" not in body
    assert "只认捐未到账" not in body
    assert "爱心人士" in body or "Caring donor" in body
    assert anonymous.get(public(chamber, fund.pk)).status_code == 404
    assert anonymous.get(public(chamber, other_programme.pk)).status_code == 404
    assert anonymous.get(public(chamber, 999999)).status_code == 404
    assert anonymous.get("/public/no-such-chamber/charity/{}/".format(programme.pk)).status_code == 404


# --- the member page ---------------------------------------------------------------------------

def test_member_page_shows_donations(client_as, chamber, posted, member, staff_readonly, branch_secretary):
    body = client_as(staff_readonly).get("/c/{}/members/{}/".format(chamber.slug, member.pk)).content.decode()
    assert 'id="section-donations"' in body and "河南水灾救助" in body and "¥400.00" in body
    hidden = client_as(branch_secretary).get("/c/{}/members/{}/".format(chamber.slug, member.pk)).content.decode()
    assert "河南水灾救助" not in hidden


def test_programme_ids_are_tenant_scoped(chamber, other_programme):
    with scope(chamber=chamber):
        assert not Programme.objects.filter(chamber=chamber, pk=other_programme.pk).exists()
