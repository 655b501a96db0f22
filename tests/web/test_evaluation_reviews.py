"""Review pages: the assignment board, My reviews, scoring sheets, the federation's view
of a submission's sheets, and the subject's self-assessment with evidence."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope

from evaluations.assignment import group_create, reviewer_add, reviewer_set_group, submission_assign_group
from evaluations.models import CampaignStage, Evidence, ScoreSheet, Submission
from evaluations.scoring import sheet_for_reviewer, sheet_save, sheet_submit
from tests.evaluations.review_helpers import (
    HTML,
    PDF,
    S,
    full_marks,
    leaves,
    make_affiliate,
    make_submission,
    set_stage,
)


def url(chamber, name, **kwargs):
    return reverse(f"evaluations:{name}", kwargs={"chamber": chamber.slug, **kwargs})


@pytest.fixture
def scene(federation, fed_branches, affiliate, campaign, fed_admin, fed_reviewers):
    """At the inspection: 第一组 (王, 李) has the affiliate, 第二组 (赵) has 夫子庙;
    江东 is eligible with no group."""
    wang, li, zhao = fed_reviewers
    subjects = {
        "affiliate": make_submission(campaign, chamber=affiliate),
        "fuzimiao": make_submission(campaign, branch=fed_branches["fuzimiao"]),
        "jiangdong": make_submission(campaign, branch=fed_branches["jiangdong"], status=S.SELF_ASSESSED),
    }
    with scope(chamber=federation):
        g1 = group_create(campaign, actor=fed_admin, name="第一组")
        g2 = group_create(campaign, actor=fed_admin, name="第二组")
        for user, group in ((wang, g1), (li, g1), (zhao, g2)):
            reviewer_set_group(reviewer_add(campaign, actor=fed_admin, user=user), actor=fed_admin, group=group)
        submission_assign_group(subjects["affiliate"], actor=fed_admin, group=g1, reason="安排")
        submission_assign_group(subjects["fuzimiao"], actor=fed_admin, group=g2, reason="安排")
    set_stage(campaign, CampaignStage.INSPECTION)
    return {"subjects": subjects, "groups": {"g1": g1, "g2": g2}}


def all_urls(federation, affiliate, campaign, scene):
    s = scene["subjects"]
    with scope(chamber=federation):
        sheet = sheet_for_reviewer(Submission.objects.get(pk=s["affiliate"].pk), campaign.reviewers.first().user)
    return [
        url(federation, "reviews"), url(federation, "assignment", pk=campaign.pk),
        url(federation, "sheet", pk=s["affiliate"].pk), url(federation, "consensus_sheet", pk=s["affiliate"].pk),
        url(federation, "submission_sheets", pk=s["affiliate"].pk),
        url(federation, "sheet_detail", pk=s["affiliate"].pk, sheet=sheet.pk),
        url(federation, "self_assessment", pk=s["fuzimiao"].pk), url(affiliate, "self_assessment", pk=s["affiliate"].pk),
    ]


# --- Who may open what -------------------------------------------------------------------------------

def test_anonymous_and_outsider(client, client_as, outsider, federation, affiliate, campaign, scene):
    urls = all_urls(federation, affiliate, campaign, scene)
    for u in urls:
        response = client.get(u)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), u
    them = client_as(outsider)
    for u in urls:
        assert them.get(u).status_code == 404, u
        assert them.post(u, {"action": "auto"}).status_code == 404, u
    s = scene["subjects"]
    assert them.post(url(affiliate, "evidence_upload", pk=s["affiliate"].pk), {}).status_code == 404


def test_read_only_staff_read_the_board_but_change_nothing(client_as, fed_readonly, federation, campaign, scene):
    c = client_as(fed_readonly)
    board = url(federation, "assignment", pk=campaign.pk)
    response = c.get(board)
    assert response.status_code == 200
    assert b'data-action="auto-assign"' not in response.content
    for action in ("auto", "add_group", "move"):
        assert c.post(board, {"action": action, "name": "第三组"}).status_code == 403
    sheets = url(federation, "submission_sheets", pk=scene["subjects"]["affiliate"].pk)
    assert c.get(sheets).status_code == 200
    assert c.post(sheets, {"sheet": 1, "reason": "x"}).status_code == 403
    # No reviewer role: no sheets, no "My reviews"; no apply role: no self-assessment.
    assert c.get(url(federation, "reviews")).status_code == 403
    assert c.get(url(federation, "sheet", pk=scene["subjects"]["affiliate"].pk)).status_code == 403
    assert c.get(url(federation, "self_assessment", pk=scene["subjects"]["fuzimiao"].pk)).status_code == 403


# --- The board ---------------------------------------------------------------------------------------

def test_board_shows_groups_loads_and_conflicts(client_as, fed_admin, federation, fed_branches, campaign, scene,
                                                fed_reviewers, django_assert_num_queries):
    with scope(chamber=federation):
        r = campaign.reviewers.get(user=fed_reviewers[2])
        r.home_branch = fed_branches["gulou"]  # 赵 is from 鼓楼片区 ⊃ 江东
        r.save()
    c = client_as(fed_admin)
    board = url(federation, "assignment", pk=campaign.pk)
    c.get(board)  # warm the session
    # session, chamber, user, roles, the chamber switcher (2); campaign; groups, reviewers,
    # submissions. (The add-reviewer form, with its three lists of choices, is drawn on request.)
    with django_assert_num_queries(11):
        response = c.get(board)
    html = response.content.decode()
    assert 'data-group="{}" data-load="1"'.format(scene["groups"]["g1"].pk) in html
    assert 'data-unassigned="1"' in html
    assert "鼓楼片区" in html and 'data-conflicts="{}"'.format(scene["subjects"]["jiangdong"].pk) in html


def test_auto_assign_and_manual_move_from_the_board(client_as, fed_admin, federation, campaign, scene):
    c = client_as(fed_admin)
    board = url(federation, "assignment", pk=campaign.pk)
    response = c.post(board, {"action": "auto"})
    assert response.status_code == 302
    jiangdong = scene["subjects"]["jiangdong"]
    with scope(chamber=federation):
        assert Submission.objects.get(pk=jiangdong.pk).group is not None
    # A move without a reason: refused, shown, nothing changed.
    g1, g2 = scene["groups"]["g1"], scene["groups"]["g2"]
    with scope(chamber=federation):
        before = Submission.objects.get(pk=jiangdong.pk).group_id
    target = g2 if before == g1.pk else g1
    response = c.post(board, {"action": "move", "submission": jiangdong.pk, "group": target.pk, "reason": ""})
    assert response.status_code == 200 and b"data-board-error" in response.content
    assert f'id="move-{jiangdong.pk}"'.encode() in response.content  # its form is open again
    with scope(chamber=federation):
        assert Submission.objects.get(pk=jiangdong.pk).group_id == before  # the refused move changed nothing
    response = c.post(board, {"action": "move", "submission": jiangdong.pk, "group": "", "reason": "待定"})
    assert response.status_code == 302
    with scope(chamber=federation):
        assert Submission.objects.get(pk=jiangdong.pk).group_id is None and before is not None
    # Another campaign's or chamber's ids are not valid choices.
    response = c.post(board, {"action": "move", "submission": 999999, "group": g1.pk, "reason": "x"})
    assert response.status_code == 200 and b"data-board-error" in response.content
    assert c.post(board, {"action": "nonsense"}).status_code == 400


def test_the_board_draws_a_move_form_only_for_the_subject_being_moved(client_as, fed_admin, federation, campaign,
                                                                      scene):
    c = client_as(fed_admin)
    board = url(federation, "assignment", pk=campaign.pk)
    fuzimiao = scene["subjects"]["fuzimiao"]
    html = c.get(board).content.decode()
    assert 'class="mt-1 move-subject"' not in html and f'href="?move={fuzimiao.pk}#move-{fuzimiao.pk}"' in html
    # Without JavaScript: the page with that one form open.
    html = c.get(board, {"move": fuzimiao.pk}).content.decode()
    assert html.count('class="mt-1 move-subject"') == 1 and f'id="move-{fuzimiao.pk}"' in html
    # With htmx: the form alone, the group it conflicts with marked.
    fragment = c.get(board, {"move": fuzimiao.pk}, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<div") and "<html" not in fragment
    assert c.get(board, {"move": 999999}, headers={"HX-Request": "true"}).status_code == 404
    assert c.get(board, {"move": "x"}).status_code == 200


def test_add_reviewer_and_group_from_the_board(client_as, fed_admin, federation, campaign, scene, make_user,
                                               affiliate):
    from tests.evaluations.review_helpers import grant

    newcomer = grant(make_user, federation, "qian")
    c = client_as(fed_admin)
    board = url(federation, "assignment", pk=campaign.pk)
    assert c.post(board, {"action": "add_group", "name": "第三组"}).status_code == 302
    assert 'name="home_branch"' not in c.get(board).content.decode()  # the form is drawn on request
    assert 'name="home_branch"' in c.get(board, {"add": "reviewer"}).content.decode()
    response = c.post(board, {"action": "add_reviewer", "user": newcomer.pk, "home_chamber": affiliate.pk,
                              "district_code": ""})
    assert response.status_code == 302
    with scope(chamber=federation):
        assert campaign.reviewers.get(user=newcomer).district_code == "320115"
        assert campaign.groups.filter(name="第三组").exists()
    # The same name twice: the error under the field.
    response = c.post(board, {"action": "add_group", "name": "第三组"})
    assert response.status_code == 200 and b"is-invalid" in response.content


# --- My reviews and the sheet ------------------------------------------------------------------------

def test_my_reviews_lists_only_my_assignments(client_as, fed_reviewers, federation, scene, django_assert_num_queries):
    wang, _li, zhao = fed_reviewers
    s = scene["subjects"]
    c = client_as(wang)
    c.get(url(federation, "reviews"))
    # session, chamber, user, roles, the chamber switcher (2); count, page (+ campaign,
    # group), my sheets on the page.
    with django_assert_num_queries(10):
        html = c.get(url(federation, "reviews")).content.decode()
    assert f'data-submission="{s["affiliate"].pk}"' in html and f'data-submission="{s["fuzimiao"].pk}"' not in html
    html = client_as(zhao).get(url(federation, "reviews")).content.decode()
    assert f'data-submission="{s["fuzimiao"].pk}"' in html and f'data-submission="{s["affiliate"].pk}"' not in html


def test_another_reviewers_submission_is_404(client_as, fed_reviewers, fed_admin, federation, scene):
    s = scene["subjects"]
    assert client_as(fed_reviewers[2]).get(url(federation, "sheet", pk=s["affiliate"].pk)).status_code == 404
    assert client_as(fed_reviewers[0]).get(url(federation, "sheet", pk=s["fuzimiao"].pk)).status_code == 404
    # The admin holds evaluations.review, but nothing is assigned to them.
    assert client_as(fed_admin).get(url(federation, "sheet", pk=s["affiliate"].pk)).status_code == 404
    assert client_as(fed_reviewers[0]).get(url(federation, "sheet", pk=999999)).status_code == 404


def test_scoring_on_the_sheet_page(client_as, fed_reviewers, federation, scene, star_version):
    wang, li, _zhao = fed_reviewers
    ind = leaves(star_version)
    s = scene["subjects"]["affiliate"]
    page = url(federation, "sheet", pk=s.pk)
    c = client_as(wang)
    html = c.get(page).content.decode()
    assert f'name="score-{ind["1.1"].pk}"' in html and "会议纪要" in html  # evidence required shown
    # Bad values: each indicator's error beside it; nothing saved.
    response = c.post(page, {f"score-{ind['1.1'].pk}": "17", f"reason-{ind['1.1'].pk}": "x",
                             f"score-{ind['3.1'].pk}": "25", "action": "save"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-error-for="{ind["1.1"].pk}"' in html and f'data-error-for="{ind["3.1"].pk}"' in html
    assert 'value="25"' in html  # what was typed comes back
    with scope(chamber=federation):
        assert not ScoreSheet.objects.get(reviewer=wang).entries.exists()
    # Full marks, submitted: read-only after.
    post = {f"score-{pk}": ("yes" if v is True else v) for pk, (v, _r) in full_marks(star_version).items()}
    post.update({f"reason-{pk}": r for pk, (_v, r) in full_marks(star_version).items()})
    assert c.post(page, {**post, "action": "submit"}).status_code == 302
    html = c.get(page).content.decode()
    assert "data-read-only" in html and 'data-total="100.00"' in html
    # Submitting without every score: saved, not submitted, the missing ones named.
    response = client_as(li).post(page, {f"score-{ind['1.1'].pk}": "20", "action": "submit"})
    assert b"data-sheet-error" in response.content
    with scope(chamber=federation):
        sheet = ScoreSheet.objects.get(reviewer=li)
        assert sheet.submitted_at is None and sheet.entries.count() == 1


def test_sheet_before_the_inspection_is_closed(client_as, fed_reviewers, federation, campaign, scene):
    set_stage(campaign, CampaignStage.PRELIMINARY_REVIEW)
    response = client_as(fed_reviewers[0]).get(url(federation, "sheet", pk=scene["subjects"]["affiliate"].pk))
    assert response.status_code == 200 and b"data-sheet-closed" in response.content


def test_manager_reopens_a_sheet(client_as, fed_admin, fed_reviewers, federation, campaign, scene, star_version):
    wang, li, _ = fed_reviewers
    with scope(chamber=federation):
        submission = Submission.objects.select_related("campaign__version").get(pk=scene["subjects"]["affiliate"].pk)
        for user in (wang, li):
            sheet = sheet_for_reviewer(submission, user)
            sheet_save(sheet, actor=user, scores=full_marks(star_version))
            sheet_submit(sheet, actor=user)
            submission.refresh_from_db()
    page = url(federation, "submission_sheets", pk=submission.pk)
    c = client_as(fed_admin)
    assert c.get(page).status_code == 200
    response = c.post(page, {"sheet": sheet.pk, "reason": ""})
    assert response.status_code == 200 and b"data-reopen-error" in response.content
    assert c.post(page, {"sheet": "x", "reason": "y"}).status_code == 404
    assert c.post(page, {"sheet": sheet.pk, "reason": "分数录错"}).status_code == 302
    with scope(chamber=federation):
        assert Submission.objects.get(pk=submission.pk).status == S.PASSED
    assert c.get(url(federation, "sheet_detail", pk=submission.pk, sheet=sheet.pk)).status_code == 200


# --- The subject's self-assessment -------------------------------------------------------------------

@pytest.fixture
def open_self(campaign, scene, federation):
    """The self-assessment stage, the affiliate's and 夫子庙's submissions eligible."""
    set_stage(campaign, CampaignStage.SELF_ASSESSMENT)
    with scope(chamber=federation):
        Submission.objects.filter(pk__in=[scene["subjects"]["affiliate"].pk, scene["subjects"]["fuzimiao"].pk]).update(
            status=S.ELIGIBLE)
    return scene


def test_affiliate_fills_its_self_assessment_from_its_workspace(client_as, affiliate_admin, affiliate, federation,
                                                                 open_self, star_version, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    s = open_self["subjects"]
    c = client_as(affiliate_admin)
    page = url(affiliate, "self_assessment", pk=s["affiliate"].pk)
    response = c.get(page)
    assert response.status_code == 200 and "会员大会按期召开" in response.content.decode()
    # Another subject's submission, or the federation's workspace: 404.
    assert c.get(url(affiliate, "self_assessment", pk=s["fuzimiao"].pk)).status_code == 404
    assert c.get(url(federation, "self_assessment", pk=s["affiliate"].pk)).status_code == 404
    # Evidence for an indicator, by content; a disguised page refused.
    ind = leaves(star_version)
    html = response.content.decode()
    assert 'data-evidence-missing-count="1"' in html and f'href="#indicator-{ind["1.1"].pk}"' in html
    upload = url(affiliate, "evidence_upload", pk=s["affiliate"].pk)
    response = c.post(upload, {"indicator": ind["1.1"].pk, "file": SimpleUploadedFile("纪要.pdf", PDF)})
    assert response.status_code == 302 and response["Location"].endswith(f"#indicator-{ind['1.1'].pk}")
    response = c.post(upload, {"indicator": ind["1.1"].pk, "file": SimpleUploadedFile("纪要2.pdf", HTML)})
    assert response.status_code == 400 and b"data-upload-error" in response.content
    html = c.get(page).content.decode()
    assert "纪要.pdf" in html
    # 1.1 asks for 会议纪要 and has it now; no other indicator of the rubric asks for evidence.
    assert "data-evidence-missing" not in html
    # Scores and submit.
    post = {f"score-{pk}": ("yes" if v is True else v) for pk, (v, _r) in full_marks(star_version).items()}
    post.update({f"reason-{pk}": r for pk, (_v, r) in full_marks(star_version).items()})
    assert c.post(page, {**post, "action": "submit"}).status_code == 302
    with scope(chamber=federation):
        submission = Submission.objects.get(pk=s["affiliate"].pk)
        assert submission.status == S.SELF_ASSESSED and submission.self_total == Decimal("100.00")
    html = c.get(page).content.decode()
    assert "data-read-only" in html and "upload-" not in html
    # Evidence can no longer be removed.
    with scope(chamber=federation):
        evidence = Evidence.objects.get(submission=submission)
    c.post(url(affiliate, "evidence_delete", pk=evidence.pk))
    with scope(chamber=federation):
        assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_branch_secretary_self_assesses_their_sub_chamber(client_as, street_secretary, federation, open_self,
                                                          star_version, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    s = open_self["subjects"]
    c = client_as(street_secretary)
    assert c.get(url(federation, "self_assessment", pk=s["fuzimiao"].pk)).status_code == 200
    assert c.get(url(federation, "self_assessment", pk=s["jiangdong"].pk)).status_code == 404
    assert c.get(url(federation, "self_assessment", pk=s["affiliate"].pk)).status_code == 404
    ind = leaves(star_version)
    upload = url(federation, "evidence_upload", pk=s["fuzimiao"].pk)
    assert c.post(upload, {"file": SimpleUploadedFile("章程.pdf", PDF)}).status_code == 302
    with scope(chamber=federation):
        evidence = Evidence.objects.get(submission_id=s["fuzimiao"].pk)
    assert evidence.indicator_id is None
    assert c.post(url(federation, "evidence_delete", pk=evidence.pk)).status_code == 302
    with scope(chamber=federation):
        assert not Evidence.objects.filter(pk=evidence.pk).exists()
    response = c.post(url(federation, "self_assessment", pk=s["fuzimiao"].pk),
                      {f"score-{ind['2.2'].pk}": "10", "action": "save"})
    assert b'data-error-for="%d"' % ind["2.2"].pk in response.content  # a deduction needs its reason


def test_another_affiliate_cannot_reach_this_one(client_as, make_user, federation, affiliate, open_self):
    from chamber.models import RoleKind
    from tests.evaluations.review_helpers import grant

    other = make_affiliate(federation, "other-aff", "320116")
    admin = grant(make_user, other, "liu", kind=RoleKind.CHAMBER_ADMIN)
    s = open_self["subjects"]
    c = client_as(admin)
    assert c.get(url(other, "self_assessment", pk=s["affiliate"].pk)).status_code == 404
    assert c.get(url(affiliate, "self_assessment", pk=s["affiliate"].pk)).status_code == 404


def test_consensus_sheet_page(client_as, fed_reviewers, federation, campaign, scene, star_version):
    from evaluations.models import Campaign, ResultMode

    wang, li, zhao = fed_reviewers
    with scope(chamber=federation):
        Campaign.objects.filter(pk=campaign.pk).update(result_mode=ResultMode.CONSENSUS)
    s = scene["subjects"]["affiliate"]
    # The reviewer's own sheet page sends to the group's sheet in a consensus campaign.
    response = client_as(wang).get(url(federation, "sheet", pk=s.pk))
    assert response.status_code == 302 and response["Location"] == url(federation, "consensus_sheet", pk=s.pk)
    assert client_as(zhao).get(url(federation, "consensus_sheet", pk=s.pk)).status_code == 404
    page = url(federation, "consensus_sheet", pk=s.pk)
    post = {f"score-{pk}": ("yes" if v is True else v) for pk, (v, _r) in full_marks(star_version).items()}
    post.update({f"reason-{pk}": r for pk, (_v, r) in full_marks(star_version).items()})
    assert client_as(wang).post(page, {**post, "action": "save"}).status_code == 302
    html = client_as(li).get(page).content.decode()  # the other member sees the same sheet
    assert 'data-total="100.00"' in html
    assert client_as(li).post(page, {"action": "submit"}).status_code == 302
    with scope(chamber=federation):
        assert Submission.objects.get(pk=s.pk).status == S.SCORED


def test_reviewer_sees_which_required_evidence_is_missing(client_as, fed_reviewers, federation, scene, star_version):
    html = client_as(fed_reviewers[0]).get(url(federation, "sheet", pk=scene["subjects"]["affiliate"].pk)).content.decode()
    ind = leaves(star_version)
    assert 'data-evidence-missing-count="1"' in html
    row = html[html.index(f'id="indicator-{ind["1.1"].pk}"'):]
    assert "data-evidence-missing" in row[:row.index("</tr>")]


def test_subjects_without_a_group_come_in_pages(client_as, fed_admin, federation, campaign, scene, monkeypatch):
    from evaluations.views import reviews

    monkeypatch.setattr(reviews, "UNASSIGNED_PER_PAGE", 1)
    for n in range(2):
        make_submission(campaign, chamber=make_affiliate(federation, f"page-{n}", "320102"), status=S.PASSED)
    c = client_as(fed_admin)
    board = url(federation, "assignment", pk=campaign.pk)
    first, second = c.get(board).content.decode(), c.get(board, {"page": 2}).content.decode()
    assert 'data-unassigned="3"' in first  # the count is of all of them
    listed = [html.split('id="unassigned-title"')[1].count("data-subject=") for html in (first, second)]
    assert listed == [1, 1] and 'rel="next"' in first
    assert c.get(board, {"page": "x"}).status_code == 200
