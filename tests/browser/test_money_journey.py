"""The treasurer at work: finds a member in arrears, is stopped from overpaying, records a
partial payment and prints its receipt, reverses a mistaken entry; then records a donation
received at once. Every page in Chinese, every figure as the ledger says."""
import datetime
from decimal import Decimal

from django.urls import reverse
from django_scopes import scope

from members.dues.services import dues_invoices_generate, fee_schedule_set
from members.models import DuesInvoice, Rank


def test_treasurer_records_and_reverses_a_dues_payment(page, log_in, chamber, member, treasurer):
    year = datetime.date.today().year
    with scope(chamber=chamber):
        fee_schedule_set(chamber=chamber, actor=None, year=year, due_on=datetime.date(year, 1, 31), grace_days=365,
                         rates={rank: Decimal("20000") for rank in Rank.objects.filter(chamber=chamber)})
        dues_invoices_generate(chamber=chamber, actor=None, year=year)
        invoice = DuesInvoice.objects.get(membership=member, year=year)

    log_in(page, treasurer.username)
    page.goto(page.base_url + reverse("members:dues", kwargs={"chamber": chamber.slug}))
    page.get_by_role("link", name=invoice.number).first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("缴费通知单") or invoice.number in page.locator("h1").inner_text()

    pay = page.locator("form[action$='/pay/']")
    pay.locator("input[name=amount]").fill("25000")
    pay.locator("select[name=method]").select_option("bank_transfer")
    pay.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "未作任何记录" in page.content()
    assert page.locator("[data-outstanding]").get_attribute("data-outstanding") == "20000.00"

    pay = page.locator("form[action$='/pay/']")
    pay.locator("input[name=amount]").fill("8000")
    pay.locator("select[name=method]").select_option("wechat_pay")
    pay.locator("input[name=reference]").fill("4200001234202611240001")
    pay.locator("button[type=submit]").click()
    page.wait_for_load_state()
    receipt_number = "SJ-{}-00001".format(datetime.date.today().year)
    assert receipt_number in page.content()
    assert page.locator("[data-outstanding]").get_attribute("data-outstanding") == "12000.00"

    page.get_by_role("link", name="收据").first.click()
    page.wait_for_load_state()
    assert "捌仟元整" in page.content() and member.enterprise.name in page.content()

    page.go_back()
    page.get_by_role("link", name="冲正").first.click()
    page.wait_for_load_state()
    page.locator("textarea[name=reason]").fill("金额录入错误")
    page.locator("#main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-outstanding]").get_attribute("data-outstanding") == "20000.00"
    assert page.locator("tr[data-reversed=true]").count() == 1


def test_treasurer_records_a_donation_received_at_once(page, log_in, chamber, member, treasurer):
    from charity.services import programme_create

    with scope(chamber=chamber):
        programme = programme_create(chamber=chamber, actor=None, name="河南水灾救助", kind="disaster_relief",
                                     starts_on=datetime.date.today() - datetime.timedelta(days=10),
                                     goal_amount="100000")
    log_in(page, treasurer.username)
    page.goto(page.base_url + reverse("charity:donation_create", kwargs={"chamber": chamber.slug, "pk": programme.pk}))
    form = page.locator("#main form").last
    form.locator("input[name=donor_kind][value=member]").check()
    form.locator("select[name=membership]").select_option(str(member.pk))
    form.locator("input[name=amount]").fill("50000")
    form.locator("input[name=received_amount]").fill("50000")
    form.locator("select[name=received_method]").select_option("bank_transfer")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    content = page.content()
    assert "JZ-{}-00001".format(datetime.date.today().year) in content
    assert member.enterprise.name in content

    page.goto(page.base_url + reverse("charity:programmes", kwargs={"chamber": chamber.slug}))
    assert "50,000.00" in page.content()
