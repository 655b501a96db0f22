"""On the day: the secretary checks people in on a phone by typing the code from their entry
pass (a second check-in says so, a wrong code is refused), adds a walk-in; then moves a
member's request to resolved with a note."""
import datetime

from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from events.models import Registration
from events.services.events import event_create, event_set_status
from events.services.registrations import registration_create
from events.services.requests import request_create


def test_secretary_checks_people_in_on_a_phone(page, log_in, chamber, member, secretary):
    start = timezone.now() - datetime.timedelta(minutes=30)
    with scope(chamber=chamber):
        event = event_create(chamber=chamber, actor=None, title="企业高管培训班", kind="training", starts_at=start,
                             ends_at=start + datetime.timedelta(hours=4), capacity=30)
        event = event_set_status(event=event, actor=None, status="open")
        registration = registration_create(event=event, actor=None, membership=member, attendee_name="张光明")

    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, secretary.username)
    checkin = page.base_url + reverse("events:checkin", kwargs={"chamber": chamber.slug, "pk": event.pk})
    page.goto(checkin)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    def check_in(code):
        page.locator("#checkin-form input[name=code]").fill(code)
        page.locator("#checkin-form button[type=submit]").click()
        page.wait_for_load_state()
        return page.locator("#checkin-result")

    assert check_in("WRONGCODE1").get_attribute("data-result") == "error"
    result = check_in(registration.code.lower())  # typed in lower case: still found
    assert result.get_attribute("data-result") == "ok" and "张光明" in result.inner_text()
    assert check_in(registration.code).get_attribute("data-result") == "already"

    page.locator("details summary").first.click()
    walk_in = page.locator(f"form[action$='/check-in/walk-in/']")
    walk_in.locator("input[name=attendee_name]").fill("李临时")
    walk_in.locator("button[type=submit]").click()
    page.wait_for_load_state()
    with scope(chamber=chamber):
        assert Registration.objects.get(event=event, attendee_name="李临时").checked_in_at is not None
        assert Registration.objects.get(pk=registration.pk).checked_in_at is not None


def test_secretary_resolves_a_request_with_a_note(page, log_in, chamber, member, secretary):
    with scope(chamber=chamber):
        request = request_create(chamber=chamber, actor=None, membership=member, category="financing",
                                 title="流动资金贷款续贷困难", description="银行收紧授信，希望协调续贷。")
    log_in(page, secretary.username)
    page.goto(page.base_url + reverse("events:requests", kwargs={"chamber": chamber.slug}))
    page.get_by_role("link", name="流动资金贷款续贷困难").first.click()
    page.wait_for_load_state()
    move = page.locator("form[action$='/move/']")
    move.locator("select[name=status]").select_option("resolved")
    move.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "必填" in page.content()  # a move needs its note
    with scope(chamber=chamber):
        request.refresh_from_db()
        assert request.status == "new"
    move = page.locator("form[action$='/move/']")
    move.locator("select[name=status]").select_option("resolved")
    move.locator("textarea[name=note]").fill("协调银行续贷500万元。")
    move.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "协调银行续贷500万元。" in page.content()
    with scope(chamber=chamber):
        request.refresh_from_db()
        assert request.status == "resolved" and request.closed_on == timezone.localdate()
