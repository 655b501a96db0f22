"""At 375 px wide every page fits the screen; the whole app can be used from the keyboard."""
import pytest
from playwright.sync_api import expect


PAGES = ["dashboard/", "members/", "members/{member}/", "members/{member}/edit/", "members/new/",
         "branches/", "members/officers/", "members/approvals/", "members/dues/", "members/dues/invoices/",
         "charity/", "charity/totals/", "events/", "events/new/", "events/requests/", "events/visits/",
         "events/outcomes/", "events/calendar/", "reminders/", "reminders/settings/", "/inbox/",
         "/inbox/preferences/", "imports/", "imports/members/upload/", "exports/"]


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 375, "height": 740})
    return page


def test_pages_fit_a_phone_screen(phone, log_in, chamber, member, secretary):
    log_in(phone, "sally")
    for template in PAGES:
        path = template.format(member=member.pk)
        # Paths starting with / lie outside the chamber (the inbox).
        url = phone.base_url + path if path.startswith("/") else f"{phone.base_url}/c/{chamber.slug}/{path}"
        response = phone.goto(url)
        assert response.status == 200, path
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the phone"


def test_phone_menu_opens_from_its_button(phone, log_in, chamber, member, secretary):
    log_in(phone, "sally")
    phone.goto(f"{phone.base_url}/c/{chamber.slug}/dashboard/")
    members_link = phone.locator("#chamber-menu").get_by_role("link", name="会员", exact=True)
    expect(members_link).to_be_hidden()
    phone.locator('button[aria-controls="chamber-menu"]').click()
    expect(members_link).to_be_visible()
    members_link.click()
    expect(phone).to_have_url(f"{phone.base_url}/c/{chamber.slug}/members/")


def test_portal_fits_a_phone_screen(phone, log_in, chamber, member, representative):
    log_in(phone, "remy")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_log_in_and_reach_the_member_list_by_keyboard_alone(page, chamber, member, secretary):
    page.goto(f"{page.base_url}/accounts/login/")
    # The username field has focus on arrival; Tab moves to the password, Enter submits.
    page.keyboard.type("sally")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery staple")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{page.base_url}/c/{chamber.slug}/**")
    # The first Tab on a page reaches the skip link, which jumps to the content.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "会员":
            break
    else:
        pytest.fail("the menu's member link cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{page.base_url}/c/{chamber.slug}/members/")
    expect(page.locator("#roster-results")).to_contain_text("苏州光电缆有限公司")


EVALUATION_PAGES = ["", "campaigns/{campaign}/", "campaigns/{campaign}/subjects/", "campaigns/{campaign}/assignment/",
                    "campaigns/{campaign}/ranking/", "ratings/", "schemes/", "schemes/versions/{version}/",
                    "submissions/{submission}/"]


def test_evaluation_pages_fit_a_phone_screen(phone, log_in, federation, fed_branches, campaign, fed_admin):
    from tests.evaluations.review_helpers import make_submission

    submission = make_submission(campaign, branch=fed_branches["jiangdong"])
    log_in(phone, fed_admin.username)
    for template in EVALUATION_PAGES:
        path = template.format(campaign=campaign.pk, version=campaign.version_id, submission=submission.pk)
        response = phone.goto(f"{phone.base_url}/c/{federation.slug}/evaluations/{path}")
        assert response.status == 200, path
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"evaluations/{path} is {overflow}px wider than the phone"
