"""What a secretariat worker, a member representative and an outsider do, in a real browser."""
import re

import pytest
from django_scopes import scope
from playwright.sync_api import expect

from members.models import Membership, MembershipKind, MembershipStatus, Rank
from members.services import enterprise_create, membership_create
from tests.factories import make_uscc


@pytest.fixture
def second_member(chamber, branches):
    with scope(chamber=chamber):
        e = enterprise_create(chamber=chamber, actor=None, name="无锡显示面板有限公司", uscc=make_uscc(100002))
        return membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e,
                                 rank=Rank.objects.get(chamber=chamber, code="member"),
                                 branches=[branches["display"]], status=MembershipStatus.ACTIVE)


def test_secretary_logs_in_searches_and_opens_a_member(page, log_in, chamber, member, second_member, secretary):
    log_in(page, "sally")
    # One chamber: the start page leads straight into it.
    expect(page).to_have_url(re.compile(f"/c/{chamber.slug}/"))
    page.goto(f"{page.base_url}/c/{chamber.slug}/members/")
    results = page.locator("#roster-results")
    expect(results).to_contain_text("无锡显示面板有限公司")
    # Pinyin initials of 苏州光电缆有限公司, typed: the list narrows without a page load.
    page.locator("input[name=q]").press_sequentially("szgd", delay=30)
    expect(results).not_to_contain_text("无锡显示面板有限公司")
    expect(page).to_have_url(re.compile(r"q=szgd"))
    page.locator(f'#roster-results a[href="/c/{chamber.slug}/members/{member.pk}/"]').first.click()
    expect(page.locator("h1")).to_contain_text("苏州光电缆有限公司")


def test_another_chambers_page_is_the_404_page(page, log_in, chamber, other_chamber, secretary):
    log_in(page, "sally")
    response = page.goto(f"{page.base_url}/c/{other_chamber.slug}/members/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    assert other_chamber.name not in page.content()


def test_language_switch_to_english_and_back(page, log_in, chamber, member, secretary):
    log_in(page, "sally")
    page.goto(f"{page.base_url}/c/{chamber.slug}/members/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.select_option("#language-select", "en")
    page.locator(".language-form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(f"/c/{chamber.slug}/members/"))
    expect(page.locator("#chamber-menu")).to_contain_text("Members")
    page.select_option("#language-select", "zh-hans")
    page.locator(".language-form button[type=submit]").click()
    expect(page.locator("#chamber-menu")).to_contain_text("会员")


def test_representative_edits_the_profile_and_the_secretariat_approves(page, log_in, chamber, member, representative, secretary):
    address = "苏州市吴中区光电路88号"
    log_in(page, "remy")
    # A representative lands in their portal, and sees only that in the menu.
    expect(page).to_have_url(re.compile(f"/c/{chamber.slug}/members/portal/"))
    expect(page.locator("#chamber-menu a.nav-link")).to_have_count(1)
    page.locator(f'a[href$="/portal/{member.enterprise_id}/profile/"]').first.click()
    page.fill("input[name=address]", address)
    page.locator("#main form button[type=submit]").last.click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("[data-mode=approval]")).to_be_visible()

    # Log out through the user menu, and the secretary takes over.
    page.locator("button.user-name").click()
    page.locator(".logout-form button").click()
    log_in(page, "sally")
    page.goto(f"{page.base_url}/c/{chamber.slug}/members/approvals/")
    page.locator('#main a[href*="/members/approvals/"]').filter(has_text=re.compile(".+")).last.click()
    expect(page.locator("#main")).to_contain_text(address)
    page.locator("button[name=action][value=approve]").click()
    expect(page.locator(".messages")).to_be_visible()

    page.goto(f"{page.base_url}/c/{chamber.slug}/members/{member.pk}/")
    expect(page.locator("#main")).to_contain_text(address)
    with scope(chamber=chamber):
        member.enterprise.refresh_from_db()
        assert member.enterprise.address == address


def test_secretary_creates_a_member_fixes_a_wrong_uscc_then_edits_it(page, log_in, chamber, branches, secretary):
    good = make_uscc(100077)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    log_in(page, "sally")
    page.goto(f"{page.base_url}/c/{chamber.slug}/members/new/")
    page.fill("input[name=enterprise-name]", "苏州新光电子科技有限公司")
    page.fill("input[name=enterprise-uscc]", wrong)
    page.select_option("select[name=membership-rank]", label="理事单位")
    page.locator("#main form.member-form button[type=submit]").click()

    error = page.locator("#field-enterprise-uscc .invalid-feedback")
    expect(error).to_be_visible()
    expect(page.locator("input[name=enterprise-uscc]")).to_have_attribute("aria-invalid", "true")
    # What was typed is still there, and nothing was saved.
    expect(page.locator("input[name=enterprise-name]")).to_have_value("苏州新光电子科技有限公司")
    with scope(chamber=chamber):
        assert not Membership.objects.filter(chamber=chamber, name="苏州新光电子科技有限公司").exists()

    page.fill("input[name=enterprise-uscc]", good)
    page.locator("#main form.member-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("苏州新光电子科技有限公司")
    with scope(chamber=chamber):
        created = Membership.objects.get(chamber=chamber, name="苏州新光电子科技有限公司")
    expect(page).to_have_url(re.compile(f"/members/{created.pk}/$"))

    # Edit: a rank change needs a reason, and shows in the history with who made it.
    page.locator(f'#main a[href$="/members/{created.pk}/edit/"]').first.click()
    page.select_option("select[name=membership-rank]", label="常务理事单位")
    page.fill("input[name=membership-reason]", "换届后调整为常务理事单位")
    page.locator("#main form.member-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(f"/members/{created.pk}/$"))
    history = page.locator("#section-history")
    expect(history).to_contain_text("换届后调整为常务理事单位")
    expect(history).to_contain_text("常务理事单位")
    expect(history).to_contain_text("sally")
