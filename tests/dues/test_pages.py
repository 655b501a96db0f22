"""Dues pages: roles, isolation, double submits, garbage input, query counts, the member page
section, the portal's dues and donations, the receipt and the lapse run."""
import datetime

import pytest
from django.urls import reverse
from django_scopes import scope

from chamber.idempotency import form_idempotency_key
from members.dues.services import dues_invoices_generate, dues_payment_record
from members.models import DuesEntry, DuesInvoice, MembershipStatus

from .conftest import YEAR, add_member, set_schedule

PAID_ON = datetime.date(YEAR, 1, 10)


def page(name, **kwargs):
    return reverse("members:" + name, kwargs={"chamber": "sz-optical", **kwargs})


def payment_body(**extra):
    return {"amount": "5000", "paid_on": str(PAID_ON), "method": "bank_transfer", "reference": "TX-1",
            "idempotency_key": form_idempotency_key(), **extra}


@pytest.fixture
def payment(chamber, invoice, treasurer):
    with scope(chamber=chamber):
        return dues_payment_record(invoice=invoice, actor=treasurer, amount="1234.50", paid_on=PAID_ON, method="alipay",
                                   reference="2026011022001")


def read_pages(invoice, payment):
    return [page("dues"), page("dues") + "?year=abc&branch=x&page=zz", page("dues_invoices"),
            page("dues_invoices") + "?year=all&status=nonsense&rank=-1", page("dues_invoice", pk=invoice.pk),
            page("dues_lapse"), page("dues_receipt", pk=payment.pk)]


def form_pages(invoice, payment):
    return [page("dues_schedule", year=YEAR), page("dues_generate", year=YEAR), page("dues_reverse", pk=payment.pk)]


@pytest.mark.parametrize("who, read, write", [
    ("treasurer", 200, 302), ("admin_user", 200, 302), ("secretary", 200, 403), ("staff_readonly", 200, 403),
    ("branch_secretary", 403, 403), ("representative", 403, 403), ("outsider", 404, 404),
])
def test_roles_on_every_page(client_as, invoice, payment, who, read, write, request):
    client = client_as(request.getfixturevalue(who))
    for url in read_pages(invoice, payment):
        assert client.get(url).status_code == read, url
    for url in form_pages(invoice, payment):
        assert client.get(url).status_code == (200 if write == 302 else write), url
    answer = client.post(page("dues_pay", pk=invoice.pk), payment_body())
    assert answer.status_code == write
    with scope(chamber=invoice.chamber):
        assert DuesEntry.objects.filter(invoice=invoice).count() == (2 if write == 302 else 1)


def test_write_buttons_are_hidden_from_readers(client_as, invoice, payment, staff_readonly, treasurer):
    readonly = client_as(staff_readonly).get(page("dues_invoice", pk=invoice.pk)).content.decode()
    writer = client_as(treasurer).get(page("dues_invoice", pk=invoice.pk)).content.decode()
    for marker in (page("dues_pay", pk=invoice.pk), page("dues_reverse", pk=payment.pk)):
        assert marker not in readonly and marker in writer
    overview = client_as(staff_readonly).get(page("dues")).content.decode()
    assert page("dues_generate", year=YEAR) not in overview


def test_another_chambers_invoice_and_entry_are_404(client_as, invoice, foreign_invoice, treasurer, outsider):
    with scope(chamber=foreign_invoice.chamber):
        entry = dues_payment_record(invoice=foreign_invoice, actor=outsider, amount="10", paid_on=PAID_ON, method="cash")
    client = client_as(treasurer)
    for url in (page("dues_invoice", pk=foreign_invoice.pk), page("dues_receipt", pk=entry.pk),
                page("dues_reverse", pk=entry.pk)):
        assert client.get(url).status_code == 404
    assert client.post(page("dues_pay", pk=foreign_invoice.pk), payment_body()).status_code == 404
    assert client.post(page("dues_reverse", pk=entry.pk), {"reason": "x", "idempotency_key": "k"}).status_code == 404


def test_a_double_submitted_payment_records_once(client_as, invoice, treasurer):
    client = client_as(treasurer)
    body = payment_body()
    first = client.post(page("dues_pay", pk=invoice.pk), body)
    second = client.post(page("dues_pay", pk=invoice.pk), body)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == page("dues_invoice", pk=invoice.pk)
    with scope(chamber=invoice.chamber):
        assert DuesEntry.objects.filter(invoice=invoice).count() == 1


@pytest.mark.parametrize("extra", [
    {"amount": "abc"}, {"amount": "1.234"}, {"amount": "-5"}, {"amount": "0"}, {"method": ""}, {"method": "goods"},
    {"paid_on": str(datetime.date.today() + datetime.timedelta(days=3))}, {"amount": "20000.01"}, {"paid_on": "x"},
])
def test_garbage_payments_show_an_error_and_save_nothing(client_as, invoice, treasurer, extra):
    answer = client_as(treasurer).post(page("dues_pay", pk=invoice.pk), payment_body(**extra))
    assert answer.status_code == 200
    assert "is-invalid" in answer.content.decode() or "alert-danger" in answer.content.decode()
    with scope(chamber=invoice.chamber):
        assert not DuesEntry.objects.filter(invoice=invoice).exists()


def test_waive_reverse_and_receipt(client_as, invoice, payment, treasurer):
    client = client_as(treasurer)
    assert client.post(page("dues_waive", pk=invoice.pk),
                       {"amount": "100", "reason": "", "idempotency_key": "w"}).status_code == 200  # reason required
    assert client.post(page("dues_waive", pk=invoice.pk),
                       {"amount": "100", "reason": "困难减免", "idempotency_key": "w"}).status_code == 302
    assert client.post(page("dues_reverse", pk=payment.pk), {"reason": "", "idempotency_key": "r"}).status_code == 200
    assert client.post(page("dues_reverse", pk=payment.pk), {"reason": "录错", "idempotency_key": "r"}).status_code == 302
    with scope(chamber=invoice.chamber):
        invoice.refresh_from_db()
        assert invoice.outstanding == invoice.amount - 100
    receipt = client.get(page("dues_receipt", pk=payment.pk)).content.decode()
    assert payment.number in receipt and "壹仟贰佰叁拾肆元伍角整" in receipt
    detail = client.get(page("dues_invoice", pk=invoice.pk)).content.decode()
    assert 'data-reversed="true"' in detail


def test_schedule_generate_and_lapse_through_the_pages(client_as, chamber, member, second_member, treasurer):
    client = client_as(treasurer)
    form = {"due_on": f"{YEAR - 1}-03-31", "grace_days": "30", "note": ""}
    with scope(chamber=chamber):
        from members.models import Rank

        form.update({f"rate_{rank.pk}": "1000" for rank in Rank.objects.filter(chamber=chamber)})
    assert client.post(page("dues_schedule", year=YEAR - 1), form).status_code == 302
    confirm = client.get(page("dues_generate", year=YEAR - 1)).content.decode()
    assert 'data-would-create="2"' in confirm
    body = {"year": YEAR - 1, "idempotency_key": "gen"}
    assert client.post(page("dues_generate", year=YEAR - 1), body).status_code == 302
    assert client.post(page("dues_generate", year=YEAR - 1), body).status_code == 302
    with scope(chamber=chamber):
        assert DuesInvoice.objects.filter(chamber=chamber, year=YEAR - 1).count() == 2
    preview = client.get(page("dues_lapse")).content.decode()
    assert f'data-member="{member.pk}"' in preview
    assert client.post(page("dues_lapse"), {"idempotency_key": "lapse"}).status_code == 302
    with scope(chamber=chamber):
        member.refresh_from_db()
        assert member.status == MembershipStatus.LAPSED


def test_lists_and_overview_cost_a_fixed_number_of_queries(client_as, chamber, member, admin_user, treasurer,
                                                           django_assert_num_queries):
    set_schedule(chamber, admin_user, year=YEAR - 1, due_on=datetime.date(YEAR - 1, 3, 31))
    client = client_as(treasurer)
    # Every page: session, chamber, user, roles; the layout's chamber switcher (2); the filter
    # form's branches and ranks (2); the year switcher (1).
    # The invoice list adds: count, page of invoices (+ member) → 11.
    # The overview adds: count, page of arrears (+ member), totals (1 aggregate), schedule + rates (2),
    # the generation preview (schedule, 2 counts) → 17.
    expected = {page("dues") + f"?year={YEAR - 1}": 18, page("dues_invoices") + "?year=all": 12}
    for size in (1, 9):
        for n in range(size):
            add_member(chamber, f"页面企业{size}-{n}", 700000 + size * 100 + n)
        with scope(chamber=chamber):
            dues_invoices_generate(chamber=chamber, actor=admin_user, year=YEAR - 1)
        for url, count in expected.items():
            with django_assert_num_queries(count):
                assert client.get(url).status_code == 200


def test_member_page_shows_dues_to_money_readers_only(client_as, invoice, staff_readonly, branch_secretary):
    url = reverse("members:detail", kwargs={"chamber": "sz-optical", "pk": invoice.membership_id})
    shown = client_as(staff_readonly).get(url).content.decode()
    assert 'id="section-dues"' in shown and invoice.number in shown
    assert '<section class="card h-100 member-section" id="section-dues"' in shown  # the real section, no placeholder
    hidden = client_as(branch_secretary).get(url).content.decode()
    assert 'id="section-dues"' not in hidden


def test_portal_shows_the_enterprise_its_own_dues(client_as, invoice, payment, representative, foreign_invoice):
    answer = client_as(representative).get(page("portal"))
    assert answer.status_code == 200
    content = answer.content.decode()
    assert 'id="dues-donations"' in content and invoice.number in content
    assert foreign_invoice.number not in content or foreign_invoice.number == invoice.number
