"""The charity API: roles, tenancy (outsiders 404, another chamber's ids 404), idempotent money
POSTs, totals, query-count guards and clear 400s on garbage."""

import pytest
from django_scopes import scope

from charity.models import Donation, DonationEntry

from .conftest import TODAY, YEAR, received

BASE = "/api/v1/chambers/{slug}/charity/"


def url(chamber, path=""):
    return BASE.format(slug=chamber.slug) + path


def new_donation(prog, **extra):
    body = {"programme": prog.pk, "donor_kind": "outside", "donor_name": "李女士", "form": "money",
            "amount": "1000.00", "pledged_on": TODAY.isoformat()}
    body.update(extra)
    return body


def new_programme(name="敬老助残"):
    return {"name": name, "kind": "elder_care", "starts_on": TODAY.isoformat(), "goal_amount": "5000.00"}


# --- roles ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, programmes, money", [
    ("admin_user", 201, 201), ("treasurer", 201, 201), ("secretary", 201, 403), ("staff_readonly", 403, 403),
])
def test_who_may_write(request, api, chamber, programme, who, programmes, money):
    client = api.as_user(request.getfixturevalue(who))
    assert client.post(url(chamber, "programmes/"), new_programme(), format="json").status_code == programmes
    assert client.post(url(chamber, "donations/"), new_donation(programme), format="json").status_code == money
    assert client.get(url(chamber, "donations/")).status_code == 200


@pytest.mark.parametrize("who", ["branch_secretary", "representative", "reviewer"])
def test_no_money_view_no_charity(request, api, chamber, programme, who):
    client = api.as_user(request.getfixturevalue(who))
    for path in ("programmes/", "donations/", "totals/", "programmes/{}/".format(programme.pk)):
        assert client.get(url(chamber, path)).status_code == 403
    assert client.post(url(chamber, "donations/"), new_donation(programme), format="json").status_code == 403


def test_secretary_is_refused_every_money_post(api, chamber, programme, donate, secretary):
    donation = donate(programme, "500", received=received("100"))
    with scope(chamber=chamber):
        entry = DonationEntry.objects.get(donation=donation)
    client = api.as_user(secretary)
    for path, body in (
        ("donations/{}/receipts/".format(donation.pk), {"amount": "10", "received_on": TODAY.isoformat(), "method": "cash"}),
        ("donations/{}/withdrawals/".format(donation.pk), {"amount": "10", "reason": "x"}),
        ("entries/{}/reverse/".format(entry.pk), {"reason": "x"}),
    ):
        assert client.post(url(chamber, path), body, format="json").status_code == 403
    assert client.post(url(chamber, "programmes/{}/recipients/".format(programme.pk)),
                       {"name": "某村", "kind": "village"}, format="json").status_code == 201


def test_outsider_gets_404_everywhere(api, chamber, programme, donate, outsider, other_chamber, other_programme):
    donation = donate(programme, "500", received=received("100"))
    with scope(chamber=chamber):
        entry = DonationEntry.objects.get(donation=donation)
    client = api.as_user(outsider)
    paths = ("programmes/", "programmes/{}/".format(programme.pk), "programmes/{}/recipients/".format(programme.pk),
             "donations/", "donations/{}/".format(donation.pk), "entries/{}/".format(entry.pk), "totals/")
    for path in paths:
        assert client.get(url(chamber, path)).status_code == 404, path
    assert client.post(url(chamber, "donations/"), new_donation(programme), format="json").status_code == 404
    assert client.post(url(chamber, "entries/{}/reverse/".format(entry.pk)), {"reason": "x"},
                       format="json").status_code == 404
    # Their own chamber's URL with our ids: not found either.
    assert client.get(url(other_chamber, "donations/{}/".format(donation.pk))).status_code == 404
    assert client.get(url(other_chamber, "programmes/{}/".format(programme.pk))).status_code == 404
    assert client.post(url(other_chamber, "donations/{}/receipts/".format(donation.pk)),
                       {"amount": "1", "received_on": TODAY.isoformat(), "method": "cash"}, format="json").status_code == 404


def test_another_chambers_ids_in_a_body_do_not_exist(api, chamber, programme, other_chamber, other_programme, treasurer):
    from members.models import Membership
    with scope(chamber=other_chamber):
        theirs = Membership.objects.get(chamber=other_chamber)
    client = api.as_user(treasurer)
    response = client.post(url(chamber, "donations/"), new_donation(other_programme), format="json")
    assert response.status_code == 400 and "programme" in response.json()
    response = client.post(url(chamber, "donations/"), new_donation(programme, donor_kind="member", membership=theirs.pk),
                           format="json")
    assert response.status_code == 400 and "membership" in response.json()


# --- recording money --------------------------------------------------------------------------

def test_donation_received_at_once_then_receipt_withdrawal_and_reversal(api, chamber, programme, treasurer):
    client = api.as_user(treasurer)
    body = new_donation(programme, received={"amount": "400.00", "method": "wechat_pay", "reference": "WX1"})
    created = client.post(url(chamber, "donations/"), body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["amount"], data["received"], data["outstanding"]) == ("1000.00", "400.00", "600.00")
    assert data["entries"][0]["number"] == "JZ-{}-00001".format(YEAR)
    pk = data["id"]
    receipt = client.post(url(chamber, "donations/{}/receipts/".format(pk)),
                          {"amount": "100", "received_on": TODAY.isoformat(), "method": "cash"}, format="json")
    assert receipt.status_code == 201 and receipt.json()["number"] == "JZ-{}-00002".format(YEAR)
    too_much = client.post(url(chamber, "donations/{}/receipts/".format(pk)),
                           {"amount": "500.01", "received_on": TODAY.isoformat(), "method": "cash"}, format="json")
    assert too_much.status_code == 400 and "amount" in too_much.json()
    withdrawal = client.post(url(chamber, "donations/{}/withdrawals/".format(pk)), {"amount": "500", "reason": "资金困难"},
                             format="json")
    assert withdrawal.status_code == 201
    reversal = client.post(url(chamber, "entries/{}/reverse/".format(receipt.json()["id"])), {"reason": "误录"},
                           format="json")
    assert reversal.status_code == 201 and reversal.json()["amount"] == "-100.00"
    again = client.post(url(chamber, "entries/{}/reverse/".format(receipt.json()["id"])), {"reason": "误录"},
                        format="json")
    assert again.status_code == 400
    detail = client.get(url(chamber, "donations/{}/".format(pk))).json()
    assert (detail["received"], detail["withdrawn"], detail["outstanding"]) == ("400.00", "500.00", "100.00")
    assert [e["kind"] for e in detail["entries"]] == ["settlement", "settlement", "write_off", "reversal"]
    assert detail["entries"][1]["reversed_by"] == reversal.json()["id"]


def test_idempotency_key_replays_the_first_answer(api, chamber, programme, treasurer):
    client = api.as_user(treasurer)
    body = new_donation(programme)
    first = client.post(url(chamber, "donations/"), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post(url(chamber, "donations/"), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"
    with scope(chamber=chamber):
        assert Donation.objects.filter(chamber=chamber).count() == 1
    other = client.post(url(chamber, "donations/"), new_donation(programme, amount="2"), format="json",
                        HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    pk = first.json()["id"]
    receipt = {"amount": "10", "received_on": TODAY.isoformat(), "method": "cash"}
    r1 = client.post(url(chamber, "donations/{}/receipts/".format(pk)), receipt, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    r2 = client.post(url(chamber, "donations/{}/receipts/".format(pk)), receipt, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert r1.json()["number"] == r2.json()["number"] and r2["Idempotent-Replayed"] == "true"
    with scope(chamber=chamber):
        assert DonationEntry.objects.filter(chamber=chamber).count() == 1


@pytest.mark.parametrize("body", [
    {"amount": 100.5}, {"amount": "1.234"}, {"amount": "abc"}, {"amount": "-1"}, {"pledged_on": "yesterday"},
    {"donor_kind": "alien"}, {"form": "goods"}, {"programme": "x"}, {"programme": 999999},
    {"received": {"amount": "5000"}}, {"received": "yes"}, {"donor_name": ""}, {"recipient": 999999},
])
def test_garbage_gets_a_clear_400(api, chamber, programme, treasurer, body):
    response = api.as_user(treasurer).post(url(chamber, "donations/"), new_donation(programme, **body), format="json")
    assert response.status_code == 400, response.content
    assert response.json()


@pytest.mark.parametrize("query", ["year=abc", "programme=x", "branch=-1", "donor_kind=alien", "year=99999999999999"])
def test_garbage_filters_get_a_400(api, chamber, treasurer, query):
    assert api.as_user(treasurer).get(url(chamber, "donations/?" + query)).status_code == 400


def test_programme_write_errors_and_close(api, chamber, programme, admin_user):
    client = api.as_user(admin_user)
    assert client.post(url(chamber, "programmes/"), new_programme("河南水灾救助"), format="json").status_code == 400
    assert client.post(url(chamber, "programmes/"), dict(new_programme(), goal_amount="-5"), format="json").status_code == 400
    closed = client.patch(url(chamber, "programmes/{}/".format(programme.pk)), {"is_closed": True}, format="json")
    assert closed.status_code == 200 and closed.json()["is_closed"] is True
    assert client.post(url(chamber, "donations/"), new_donation(programme), format="json").status_code == 400
    assert client.delete(url(chamber, "programmes/{}/".format(programme.pk))).status_code == 405


# --- reads ----------------------------------------------------------------------------------------

def test_lists_and_totals(api, chamber, programme, fund, donate, staff_readonly, branch_display):
    donate(programme, "1000", received=received("250"))
    donate(fund, "300", donor_kind="branch", branch=branch_display)
    client = api.as_user(staff_readonly)
    programmes = client.get(url(chamber, "programmes/")).json()
    relief = next(p for p in programmes if p["id"] == programme.pk)
    assert (relief["pledged"], relief["received"], relief["outstanding"], relief["donation_count"]) == (
        "1000.00", "250.00", "750.00", 1)
    listed = client.get(url(chamber, "donations/?programme={}".format(fund.pk))).json()
    assert listed["count"] == 1 and listed["results"][0]["branch_name"] == "显示分会"
    for by in ("programme", "donor", "branch", "year"):
        totals = client.get(url(chamber, "totals/?by=" + by)).json()
        assert totals["total"]["pledged"] == "1300.00" and totals["total"]["received"] == "250.00", by
    assert client.get(url(chamber, "totals/?by=nonsense")).status_code == 400


def test_list_query_counts_do_not_grow(api, chamber, programme, fund, donate, treasurer, django_assert_num_queries):
    for n in range(6):
        donate(programme if n % 2 else fund, str(100 + n), received=received("50"))
    client = api.as_user(treasurer)
    client.get(url(chamber, "donations/"))  # warm the token and chamber lookups' caches
    # session/token auth, chamber, roles; count; the page (+ programme, branch, recipient, membership).
    with django_assert_num_queries(5):
        assert len(client.get(url(chamber, "donations/")).json()["results"]) == 6
    # auth, chamber, roles; programmes; one grouped sum over donations.
    with django_assert_num_queries(5):
        assert len(client.get(url(chamber, "programmes/")).json()) == 2
    with django_assert_num_queries(5):
        client.get(url(chamber, "totals/?by=programme"))
