"""A reviewer scores an assigned subject on site: the sheet refuses a deduction without a
reason, then takes the fixed sheet, totals it and locks it."""
from django.urls import reverse
from django_scopes import scope

from evaluations.assignment import group_create, reviewer_add, reviewer_set_group, submission_assign_group
from evaluations.models import CampaignStage, SubmissionStatus
from tests.evaluations.review_helpers import leaves, make_submission, set_stage


def test_reviewer_scores_a_subject_and_submits_the_sheet(page, log_in, federation, fed_branches, campaign,
                                                          fed_admin, fed_reviewers):
    reviewer = fed_reviewers[0]
    set_stage(campaign, CampaignStage.INSPECTION)
    submission = make_submission(campaign, branch=fed_branches["jiangdong"], status=SubmissionStatus.PASSED)
    with scope(chamber=federation):
        group = group_create(campaign, actor=fed_admin, name="第一工作组")
        reviewer_set_group(reviewer_add(campaign, actor=fed_admin, user=reviewer), actor=fed_admin, group=group)
        submission_assign_group(submission, actor=fed_admin, group=group, reason="按片区交叉分组")
    rubric = leaves(campaign.version)

    log_in(page, reviewer.username)
    page.goto(page.base_url + reverse("evaluations:reviews", kwargs={"chamber": federation.slug}))
    page.get_by_role("link", name="江东街道商会").click()
    page.wait_for_load_state()

    def row(code):
        return page.locator(f'tr[data-indicator="{rubric[code].pk}"]')

    row("1.1").locator("select").select_option("15")  # a deduction, still without its reason
    row("1.2").locator("input[type=number]").fill("20")
    row("2.1").get_by_label("是").check()
    row("2.2").locator("input[type=number]").fill("18")
    row("2.2").locator("input[type=text]").fill("专职人员只有一名")
    row("3.1").locator("input[type=number]").fill("30")
    row("4").get_by_label("是").check()
    row("5").locator("input[type=number]").fill("3")
    row("5").locator("input[type=text]").fill("创新工作一项")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state()

    error = page.locator(f'[data-error-for="{rubric["1.1"].pk}"]')
    assert error.inner_text() == "请填写扣分理由。"
    # Nothing was saved: the other scores are still in the form, the sheet still open.
    assert row("2.2").locator("input[type=number]").input_value() == "18"
    assert page.locator("[data-read-only]").count() == 0

    row("1.1").locator("input[type=text]").fill("会员大会纪要缺一次")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-read-only]").is_visible()
    # 15 + 20 + 10 + 18 + 30 and a bonus of 3 (cap 5).
    assert page.locator(".sheet-totals").get_attribute("data-total") == "96.00"

    page.goto(page.base_url + reverse("evaluations:reviews", kwargs={"chamber": federation.slug}))
    assert page.locator("[data-sheet-state]").first.get_attribute("data-sheet-state") == "submitted"
