"""A campaign's results: sheet totals from the score entries (exact, Decimal), the group
result (mean of reviewers rounded once, or the consensus sheet), veto, bonus cap, the
grade through the whole path (boundaries 79.99 / 80 / 89.99 / 90, prerequisites) and the
ranking with ties."""
import datetime

import pytest
from django_scopes import scope

from evaluations.models import CampaignStage, ResultMode, ScoreSheet, SheetKind, Submission
from evaluations.results import campaign_compute_results, reference_date

from .campaign_helpers import D, S, add_sheet, hold, make_group, make_submission, set_stage


@pytest.fixture
def scoring(campaign, federation, fed_branches, fed_reviewers):
    """The campaign at the decision stage with a working group of the three reviewers."""
    set_stage(campaign, CampaignStage.DECISION)
    campaign.group = make_group(campaign, members=fed_reviewers)
    return campaign


def scored(campaign, branch, totals, reviewers, *, applied_level=None, vetoes=(), bonus="0"):
    """A scored submission of `branch` with one reviewer sheet per total."""
    s = make_submission(campaign, branch=branch, group=campaign.group, applied_level=applied_level)
    for i, (total, reviewer) in enumerate(zip(totals, reviewers)):
        add_sheet(s, reviewer=reviewer, total=total, veto=i not in vetoes, bonus=bonus)
    return s


def reload(submission):
    with scope(chamber=submission.chamber_id):
        return Submission.objects.get(pk=submission.pk)


def compute(campaign):
    with scope(chamber=campaign.chamber_id):
        return campaign_compute_results(campaign)


def three_stars(campaign, branch, days=400):
    on = reference_date(campaign)
    return hold(campaign.version.scheme, level=3, awarded_on=on - datetime.timedelta(days=days), branch=branch)


def test_sheet_totals_are_exact_decimals(scoring, fed_branches, fed_reviewers):
    s = scored(scoring, fed_branches["fuzimiao"], ["85.33", "85.33", "85.34"], fed_reviewers, bonus="2.5")
    summary = compute(scoring)
    with scope(chamber=scoring.chamber_id):
        sheets = list(ScoreSheet.objects.filter(submission=s).order_by("pk"))
    assert [(x.base_total, x.bonus_total, x.total) for x in sheets] == [
        (D("85.33"), D("2.50"), D("87.83")), (D("85.33"), D("2.50"), D("87.83")), (D("85.34"), D("2.50"), D("87.84"))]
    # (87.83 + 87.83 + 87.84) / 3 = 87.8333… → 87.83, exactly, not a float near it.
    assert reload(s).result_total == D("87.83")
    assert summary.sheets == 3 and summary.submissions == 1


def test_mean_is_rounded_half_up_once(scoring, fed_branches, fed_reviewers):
    # 89.99 + 90 + 90 = 269.99; / 3 = 89.99666… → 90.00: five stars' threshold reached.
    up = scored(scoring, fed_branches["fuzimiao"], ["89.99", "90", "90"], fed_reviewers)
    # 80.01 + 80 + 80 = 240.01; / 3 = 80.00333… → 80.00.
    down = scored(scoring, fed_branches["jiangdong"], ["80.01", "80", "80"], fed_reviewers)
    # 0.005 exactly: 80.005 rounds up to 80.01 (two sheets 80.00 and 80.01).
    half = scored(scoring, fed_branches["catering"], ["80", "80.01"], fed_reviewers)
    compute(scoring)
    assert reload(up).result_total == D("90.00")
    assert reload(down).result_total == D("80.00")
    assert reload(half).result_total == D("80.01")


def test_unsubmitted_sheets_and_sheets_of_reviewers_outside_the_group_do_not_count(
        scoring, fed_branches, fed_reviewers, make_user):
    s = scored(scoring, fed_branches["fuzimiao"], ["90", "90"], fed_reviewers[:2])
    add_sheet(s, reviewer=fed_reviewers[2], total="10", submitted=False)
    outsider_reviewer = make_user("moved-away")
    add_sheet(s, reviewer=outsider_reviewer, total="20")  # once in the group, moved since
    compute(scoring)
    assert reload(s).result_total == D("90.00")


def test_bonus_is_capped(scoring, fed_branches, fed_reviewers):
    s = scored(scoring, fed_branches["fuzimiao"], ["70"], fed_reviewers, bonus="10")
    compute(scoring)
    with scope(chamber=scoring.chamber_id):
        sheet = ScoreSheet.objects.get(submission=s)
    assert (sheet.base_total, sheet.bonus_total, sheet.total) == (D("70.00"), D("5.00"), D("75.00"))
    assert reload(s).result_total == D("75.00")


def test_a_veto_fails_the_subject_whatever_its_points(scoring, fed_branches, fed_reviewers):
    three_stars(scoring, fed_branches["fuzimiao"])
    s = scored(scoring, fed_branches["fuzimiao"], ["95", "95", "95"], fed_reviewers, vetoes=[1])
    other = scored(scoring, fed_branches["jiangdong"], ["60", "60", "60"], fed_reviewers)
    compute(scoring)
    s, other = reload(s), reload(other)
    assert s.vetoed is True and s.grade_level is None and s.grade_label == ""
    assert s.ranking is None  # vetoed subjects come last, unranked
    assert other.ranking == 1


def test_consensus_mode_takes_the_consensus_sheet(scoring, fed_branches, fed_reviewers):
    scoring.result_mode = ResultMode.CONSENSUS
    with scope(chamber=scoring.chamber_id):
        scoring.save(update_fields=["result_mode"])
    s = scored(scoring, fed_branches["fuzimiao"], ["60", "60"], fed_reviewers)
    add_sheet(s, kind=SheetKind.CONSENSUS, total="82.5")
    no_consensus = scored(scoring, fed_branches["jiangdong"], ["99"], fed_reviewers)
    compute(scoring)
    assert reload(s).result_total == D("82.50")
    assert reload(no_consensus).result_total is None


@pytest.mark.parametrize("total, held, level", [
    ("79.99", 3, None),   # just short of four stars
    ("80", 3, 4),         # four stars' boundary
    ("89.99", 4, 4),      # just short of five, even holding four
    ("90", 4, 5),         # five stars' boundary with four stars held a year
    ("90", 3, 4),         # five reached, but only three held: four stars
    ("95", None, None),   # nothing held: no prerequisite met
])
def test_grade_boundaries_through_the_full_path(scoring, fed_branches, fed_reviewers, total, held, level):
    branch = fed_branches["fuzimiao"]
    if held:
        hold(scoring.version.scheme, level=held, awarded_on=reference_date(scoring) - datetime.timedelta(days=365),
             branch=branch)
    s = scored(scoring, branch, [total] * 3, fed_reviewers)
    compute(scoring)
    s = reload(s)
    assert s.result_total == D(total).quantize(D("0.01"))
    assert s.grade_level == level
    assert s.grade_label == {None: "", 4: "四星级", 5: "五星级"}[level]


def test_prerequisite_held_364_days_is_not_enough_365_is(scoring, fed_branches, fed_reviewers):
    on = reference_date(scoring)
    short = fed_branches["fuzimiao"]
    enough = fed_branches["jiangdong"]
    hold(scoring.version.scheme, level=3, awarded_on=on - datetime.timedelta(days=364), branch=short)
    hold(scoring.version.scheme, level=3, awarded_on=on - datetime.timedelta(days=365), branch=enough)
    a = scored(scoring, short, ["85"] * 3, fed_reviewers)
    b = scored(scoring, enough, ["85"] * 3, fed_reviewers)
    compute(scoring)
    assert reload(a).grade_level is None
    assert reload(b).grade_level == 4


def test_applied_level_caps_the_grade_and_prerequisites_can_be_off(scoring, fed_branches, fed_reviewers):
    hold(scoring.version.scheme, level=4, awarded_on=reference_date(scoring) - datetime.timedelta(days=400),
         branch=fed_branches["fuzimiao"])
    capped = scored(scoring, fed_branches["fuzimiao"], ["95"] * 3, fed_reviewers, applied_level=4)
    scoring.enforce_prerequisites = False
    with scope(chamber=scoring.chamber_id):
        scoring.save(update_fields=["enforce_prerequisites"])
    free = scored(scoring, fed_branches["jiangdong"], ["95"] * 3, fed_reviewers)
    compute(scoring)
    assert reload(capped).grade_level == 4
    assert reload(free).grade_level == 5


def test_ties_share_a_rank_and_the_next_rank_is_skipped(scoring, fed_branches, fed_reviewers, affiliate):
    a = scored(scoring, fed_branches["fuzimiao"], ["88"] * 3, fed_reviewers)
    b = scored(scoring, fed_branches["jiangdong"], ["88"] * 3, fed_reviewers)
    c = scored(scoring, fed_branches["catering"], ["91"] * 3, fed_reviewers)
    d = make_submission(scoring, chamber=affiliate, group=scoring.group)
    for reviewer in fed_reviewers:
        add_sheet(d, reviewer=reviewer, total="70")
    withdrawn = make_submission(scoring, branch=fed_branches["qinhuai"], status=S.WITHDRAWN)
    compute(scoring)
    assert [reload(x).ranking for x in (c, a, b, d, withdrawn)] == [1, 2, 2, 4, None]


def test_decided_submissions_keep_their_grade_but_are_ranked(scoring, fed_branches, fed_reviewers):
    decided = scored(scoring, fed_branches["fuzimiao"], ["70"] * 3, fed_reviewers)
    with scope(chamber=scoring.chamber_id):
        Submission.objects.filter(pk=decided.pk).update(status=S.DECIDED, result_total=D("70"), grade_level=4,
                                                        grade_label="四星级")
    other = scored(scoring, fed_branches["jiangdong"], ["75"] * 3, fed_reviewers)
    compute(scoring)
    decided = reload(decided)
    assert (decided.grade_level, decided.grade_label, decided.ranking) == (4, "四星级", 2)
    assert reload(other).ranking == 1


def test_recomputing_an_unchanged_campaign_writes_nothing(scoring, fed_branches, fed_reviewers):
    scored(scoring, fed_branches["fuzimiao"], ["88"] * 3, fed_reviewers)
    first = compute(scoring)
    again = compute(scoring)
    assert (first.sheets_changed, first.submissions_changed) == (3, 1)
    assert (again.sheets_changed, again.submissions_changed) == (0, 0)


def test_a_fixed_number_of_queries_whatever_the_size(scoring, fed_branches, fed_reviewers, django_assert_num_queries):
    scored(scoring, fed_branches["fuzimiao"], ["88"] * 3, fed_reviewers)
    compute(scoring)
    # Leaves, grade rules, submitted sheets, the aggregate, the group members, the
    # submissions, the held ratings; nothing changed, so no writes.
    with django_assert_num_queries(7):
        compute(scoring)
    for key in ("jiangdong", "catering", "qinhuai"):
        scored(scoring, fed_branches[key], ["77"] * 3, fed_reviewers)
    compute(scoring)
    with django_assert_num_queries(7):
        compute(scoring)
