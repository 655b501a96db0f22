"""The dues API: roles, isolation, idempotent money POSTs, query counts, garbage input."""
import datetime

import pytest
from django_scopes import scope

from members.models import DuesEntry, DuesInvoice, FeeSchedule, Rank

from ..api.conftest import api_url
from .conftest import YEAR

PAYMENT = {"amount": "5000.00", "paid_on": str(datetime.date(YEAR, 1, 10)), "method": "bank_transfer",
           "reference": "TX-9"}


def _client(api, user):
    return api.as_user(user)


@pytest.mark.parametrize("who", ["treasurer", "admin_user"])
def test_money_writers_record_a_payment(api, invoice, who, request):
    client = _client(api, request.getfixturevalue(who))
    answer = client.post(api_url("sz-optical", f"dues/invoices/{invoice.pk}/payments/"), PAYMENT, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["number"] == f"SJ-{YEAR}-00001"
    assert answer.json()["amount"] == "5000.00"
    detail = client.get(api_url("sz-optical", f"dues/invoices/{invoice.pk}/")).json()
    assert detail["outstanding"] == "15000.00"
    assert [e["kind"] for e in detail["entries"]] == ["settlement"]


@pytest.mark.parametrize("who, read, write", [
    ("secretary", 200, 403), ("staff_readonly", 200, 403), ("branch_secretary", 403, 403),
    ("representative", 403, 403), ("outsider", 404, 404), ("reviewer", 403, 403),
])
def test_roles_and_isolation(api, invoice, who, read, write, request):
    client = _client(api, request.getfixturevalue(who))
    with scope(chamber=invoice.chamber):
        rank = Rank.objects.get(chamber=invoice.chamber, code="member")
        entry = DuesEntry.objects.create  # noqa: F841 (only the URLs below matter)
    base = "dues/"
    for path in ("schedules/", "invoices/", f"invoices/{invoice.pk}/", "invoices/arrears/", f"invoices/totals/?year={YEAR}"):
        assert client.get(api_url("sz-optical", base + path)).status_code == read, path
    writes = [
        ("schedules/", {"year": YEAR, "due_on": f"{YEAR}-03-31", "grace_days": 30,
                        "rates": [{"rank": rank.pk, "amount": "100.00"}]}),
        ("invoices/generate/", {"year": YEAR}),
        (f"invoices/{invoice.pk}/payments/", PAYMENT),
        (f"invoices/{invoice.pk}/waivers/", {"amount": "10.00", "reason": "减免"}),
    ]
    for path, body in writes:
        assert client.post(api_url("sz-optical", base + path), body, format="json").status_code == write, path
    with scope(chamber=invoice.chamber):
        assert not DuesEntry.objects.filter(invoice=invoice).exists()


def test_another_chambers_invoice_and_entry_are_not_found(api, invoice, foreign_invoice, treasurer, outsider):
    with scope(chamber=foreign_invoice.chamber):
        from members.dues.services import dues_payment_record

        foreign_entry = dues_payment_record(invoice=foreign_invoice, actor=outsider, amount="10",
                                            paid_on=datetime.date(YEAR, 1, 2), method="cash")
    client = _client(api, treasurer)
    assert client.get(api_url("sz-optical", f"dues/invoices/{foreign_invoice.pk}/")).status_code == 404
    assert client.post(api_url("sz-optical", f"dues/invoices/{foreign_invoice.pk}/payments/"), PAYMENT,
                       format="json").status_code == 404
    assert client.post(api_url("sz-optical", f"dues/entries/{foreign_entry.pk}/reverse/"), {"reason": "x"},
                       format="json").status_code == 404
    assert client.get(api_url("sz-optical", f"dues/invoices/?rank=999999")).status_code == 400


def test_a_payment_sent_twice_with_one_key_records_once(api, invoice, treasurer):
    client = _client(api, treasurer)
    url = api_url("sz-optical", f"dues/invoices/{invoice.pk}/payments/")
    first = client.post(url, PAYMENT, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    again = client.post(url, PAYMENT, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other_body = client.post(url, {**PAYMENT, "amount": "1.00"}, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert other_body.status_code == 422
    with scope(chamber=invoice.chamber):
        assert DuesEntry.objects.filter(invoice=invoice).count() == 1


def test_generation_reversal_and_waiver_are_idempotent(api, invoice, treasurer):
    client = _client(api, treasurer)
    gen = [client.post(api_url("sz-optical", "dues/invoices/generate/"), {"year": YEAR}, format="json",
                       HTTP_IDEMPOTENCY_KEY="gen-1") for _ in range(2)]
    assert gen[0].json() == gen[1].json() and gen[0].json()["existing"] == 1
    waiver = client.post(api_url("sz-optical", f"dues/invoices/{invoice.pk}/waivers/"),
                         {"amount": "100.00", "reason": "减免"}, format="json", HTTP_IDEMPOTENCY_KEY="w-1")
    assert waiver.status_code == 201
    url = api_url("sz-optical", f"dues/entries/{waiver.json()['id']}/reverse/")
    answers = [client.post(url, {"reason": "录错"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1") for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert client.post(url, {"reason": "再来"}, format="json").status_code == 400  # already reversed
    with scope(chamber=invoice.chamber):
        invoice.refresh_from_db()
        assert invoice.written_off_amount == 0
        assert DuesEntry.objects.filter(invoice=invoice).count() == 2


@pytest.mark.parametrize("body", [
    {**PAYMENT, "amount": "abc"}, {**PAYMENT, "amount": "1.234"}, {**PAYMENT, "amount": "-5"},
    {**PAYMENT, "amount": 5000.5}, {k: v for k, v in PAYMENT.items() if k != "method"},
    {**PAYMENT, "method": "goods"}, {**PAYMENT, "paid_on": str(datetime.date.today() + datetime.timedelta(days=3))},
    {**PAYMENT, "amount": "20000.01"}, {**PAYMENT, "paid_on": "yesterday"}, {},
])
def test_garbage_is_refused_with_400(api, invoice, treasurer, body):
    answer = _client(api, treasurer).post(api_url("sz-optical", f"dues/invoices/{invoice.pk}/payments/"), body,
                                          format="json")
    assert answer.status_code == 400, answer.content
    with scope(chamber=invoice.chamber):
        assert not DuesEntry.objects.filter(invoice=invoice).exists()


def test_garbage_filters_and_years_are_400(api, invoice, treasurer):
    client = _client(api, treasurer)
    assert client.get(api_url("sz-optical", "dues/invoices/?year=abc")).status_code == 400
    assert client.get(api_url("sz-optical", "dues/invoices/totals/")).status_code == 400
    assert client.post(api_url("sz-optical", "dues/invoices/generate/"), {"year": "x"}, format="json").status_code == 400
    assert client.post(api_url("sz-optical", "dues/invoices/generate/"), {"year": 2099},
                       format="json").status_code == 400  # no schedule


def test_schedule_is_created_then_updated(api, chamber, treasurer):
    client = _client(api, treasurer)
    with scope(chamber=chamber):
        rank = Rank.objects.get(chamber=chamber, code="member")
    body = {"year": YEAR, "due_on": f"{YEAR}-03-31", "grace_days": 30, "rates": [{"rank": rank.pk, "amount": "2000.00"}]}
    assert client.post(api_url("sz-optical", "dues/schedules/"), body, format="json").status_code == 201
    body["rates"][0]["amount"] = "2500.00"
    again = client.post(api_url("sz-optical", "dues/schedules/"), body, format="json")
    assert again.status_code == 200
    assert again.json()["rates"] == [{"rank": rank.pk, "rank_name": "会员单位", "amount": "2500.00"}]
    with scope(chamber=chamber):
        assert FeeSchedule.objects.filter(chamber=chamber).count() == 1


def test_totals_add_up(api, invoice, treasurer):
    client = _client(api, treasurer)
    client.post(api_url("sz-optical", f"dues/invoices/{invoice.pk}/payments/"), PAYMENT, format="json")
    totals = client.get(api_url("sz-optical", f"dues/invoices/totals/?year={YEAR}")).json()
    assert (totals["invoiced"], totals["paid"], totals["outstanding"]) == ("20000.00", "5000.00", "15000.00")
    assert totals["counts"]["partial"] == 1


def test_lists_cost_a_fixed_number_of_queries(api, chamber, member, admin_user, treasurer, django_assert_num_queries):
    from .conftest import add_member, set_schedule
    from members.dues.services import dues_invoices_generate

    for n in range(6):
        add_member(chamber, f"查询企业{n}", 600000 + n)
    set_schedule(chamber, admin_user)
    with scope(chamber=chamber):
        dues_invoices_generate(chamber=chamber, actor=admin_user, year=YEAR)
        assert DuesInvoice.objects.filter(chamber=chamber).count() == 7
    client = _client(api, treasurer)
    client.get(api_url("sz-optical", "dues/invoices/"))  # warm the token and session caches
    # chamber, token (+ user), roles; then the count and the page of invoices (+ member).
    for path in ("dues/invoices/", "dues/invoices/arrears/", "dues/invoices/?page_size=2", "dues/invoices/?status=unpaid"):
        with django_assert_num_queries(5):
            answer = client.get(api_url("sz-optical", path))
        assert answer.status_code == 200
