"""The ratings register: awards with their validity, superseding, recording by hand,
revoking, the list of ratings expiring within 90 days, a subject's history, and a
subject chamber reading its own ratings across the wall."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from chamber.models import AuditEntry
from evaluations.campaigns import campaign_advance
from evaluations.grading import HeldRating
from evaluations.models import CampaignStage, Rating, RatingStatus, Submission
from evaluations.ratings import (
    held_ratings_for,
    rating_expiring_list,
    rating_history,
    rating_list_for_subject_chamber,
    rating_record,
    rating_register,
    rating_revoke,
)

from .campaign_helpers import D, S, hold, make_submission, set_stage

DAY = datetime.timedelta(days=1)
AWARD_DAY = datetime.date(2026, 12, 20)


def close_campaign(campaign, actor, on=AWARD_DAY):
    set_stage(campaign, CampaignStage.PUBLICATION, objection_until=on - DAY)
    with scope(chamber=campaign.chamber_id):
        campaign_advance(campaign, actor=actor, comment="年终大会授牌", today=on)


def test_award_creates_ratings_valid_three_years(federation, campaign, fed_admin, fed_branches, affiliate):
    four = make_submission(campaign, branch=fed_branches["fuzimiao"], status=S.PUBLISHED, result_total=D("86.5"),
                           grade_level=4, grade_label="四星级")
    five = make_submission(campaign, chamber=affiliate, status=S.PUBLISHED, result_total=D("93"), grade_level=5,
                           grade_label="五星级")
    close_campaign(campaign, fed_admin)
    with scope(chamber=federation):
        ratings = {r.submission_id: r for r in Rating.objects.filter(campaign=campaign)}
        statuses = set(Submission.objects.filter(campaign=campaign).values_list("status", flat=True))
    assert statuses == {S.AWARDED}
    r4, r5 = ratings[four.pk], ratings[five.pk]
    assert (r4.level, r4.grade_label, r4.total, r4.subject_branch_id) == (4, "四星级", D("86.50"), fed_branches["fuzimiao"].pk)
    assert (r5.level, r5.subject_chamber_id, r5.version_id) == (5, affiliate.pk, campaign.version_id)
    assert r4.awarded_on == r5.awarded_on == AWARD_DAY
    assert r4.valid_until == r5.valid_until == datetime.date(2029, 12, 19)
    assert r4.status == RatingStatus.ACTIVE and r4.awarded_by == federation.name


def test_an_award_supersedes_the_subjects_older_rating_of_the_scheme_only(federation, campaign, fed_admin,
                                                                         fed_branches, star_version):
    from evaluations.models import Scheme, SchemeKind

    branch = fed_branches["fuzimiao"]
    district = hold(star_version.scheme, level=3, branch=branch, awarded_on=datetime.date(2024, 11, 1))
    neighbour = hold(star_version.scheme, level=3, branch=fed_branches["jiangdong"], awarded_on=datetime.date(2024, 11, 1))
    with scope(chamber=federation):
        four_good = Scheme.objects.create(chamber=federation, kind=SchemeKind.FOUR_GOOD, name="四好商会")
    other_scheme = hold(four_good, level=1, branch=branch, awarded_on=datetime.date(2025, 1, 1), label="四好商会")
    make_submission(campaign, branch=branch, status=S.PUBLISHED, result_total=D("85"), grade_level=4,
                    grade_label="四星级")
    close_campaign(campaign, fed_admin)
    for rating, status in ((district, RatingStatus.SUPERSEDED), (neighbour, RatingStatus.ACTIVE),
                           (other_scheme, RatingStatus.ACTIVE)):
        with scope(chamber=federation):
            rating.refresh_from_db()
        assert rating.status == status, rating


def test_record_by_hand_supersedes_older_and_keeps_older_as_history(federation, star_version, fed_admin,
                                                                     fed_branches):
    branch = fed_branches["fuzimiao"]
    with scope(chamber=federation):
        first = rating_record(chamber=federation, actor=fed_admin, scheme=star_version.scheme, branch=branch, level=3,
                              grade_label="三星级", awarded_on=datetime.date(2023, 12, 1), awarded_by="秦淮区工商联")
        second = rating_record(chamber=federation, actor=fed_admin, scheme=star_version.scheme, branch=branch,
                               level=4, awarded_on=datetime.date(2025, 12, 1))
        # Recorded late: an older grade than the one held goes straight into the history.
        late = rating_record(chamber=federation, actor=fed_admin, scheme=star_version.scheme, branch=branch,
                             level=3, grade_label="三星级", awarded_on=datetime.date(2020, 12, 1))
        first.refresh_from_db()
        assert AuditEntry.objects.filter(target_type="evaluations.rating", action="record").count() == 3
    assert second.grade_label == "四星级"  # the scheme's own name for level 4
    assert second.valid_until == datetime.date(2028, 11, 30)  # the version's 36 months
    assert [r.status for r in (first, second, late)] == [RatingStatus.SUPERSEDED, RatingStatus.ACTIVE,
                                                          RatingStatus.SUPERSEDED]


def test_record_refuses_foreign_subjects_and_unknown_labels(federation, star_version, fed_admin, fed_branches,
                                                            other_chamber):
    with scope(chamber=federation):
        with pytest.raises(ValidationError) as info:
            rating_record(chamber=federation, actor=fed_admin, scheme=star_version.scheme,
                          subject_chamber=other_chamber, level=3, grade_label="三星级",
                          awarded_on=datetime.date(2025, 1, 1))
        assert "subject" in info.value.message_dict
        with pytest.raises(ValidationError) as info:
            rating_record(chamber=federation, actor=fed_admin, scheme=star_version.scheme,
                          branch=fed_branches["fuzimiao"], level=3, awarded_on=datetime.date(2025, 1, 1))
        assert "grade_label" in info.value.message_dict  # the star version has no level-3 rule
        with pytest.raises(ValidationError) as info:
            rating_record(chamber=federation, actor=fed_admin, scheme=star_version.scheme,
                          branch=fed_branches["fuzimiao"], level=3, grade_label="三星级",
                          awarded_on=datetime.date(2025, 1, 1), valid_until=datetime.date(2024, 1, 1))
        assert "valid_until" in info.value.message_dict
        assert not Rating.objects.exists()


def test_revoke_needs_a_reason_and_a_held_rating(federation, star_version, fed_admin, fed_branches):
    rating = hold(star_version.scheme, level=4, branch=fed_branches["fuzimiao"], awarded_on=datetime.date(2025, 1, 1))
    with scope(chamber=federation):
        with pytest.raises(ValidationError) as info:
            rating_revoke(rating=rating, actor=fed_admin, reason="  ")
        assert "reason" in info.value.message_dict
        rating_revoke(rating=rating, actor=fed_admin, reason="会长涉嫌违法，一票否决")
        rating.refresh_from_db()
        with pytest.raises(ValidationError):
            rating_revoke(rating=rating, actor=fed_admin, reason="再次撤销")
    assert (rating.status, rating.revoked_reason) == (RatingStatus.REVOKED, "会长涉嫌违法，一票否决")


def test_expiring_list_covers_the_next_90_days(federation, star_version, fed_branches, affiliate):
    today = datetime.date(2026, 6, 1)
    scheme = star_version.scheme
    day90 = hold(scheme, level=4, branch=fed_branches["fuzimiao"], awarded_on=datetime.date(2023, 8, 30),
                 valid_until=today + datetime.timedelta(days=90))
    hold(scheme, level=4, branch=fed_branches["jiangdong"], awarded_on=datetime.date(2023, 9, 1),
         valid_until=today + datetime.timedelta(days=91))
    day0 = hold(scheme, level=5, chamber=affiliate, awarded_on=datetime.date(2023, 6, 1), valid_until=today)
    hold(scheme, level=4, branch=fed_branches["catering"], awarded_on=datetime.date(2023, 1, 1),
         valid_until=today - DAY)  # expired already
    hold(scheme, level=4, branch=fed_branches["qinhuai"], awarded_on=datetime.date(2023, 8, 1),
         valid_until=today + datetime.timedelta(days=10), status=RatingStatus.REVOKED)
    with scope(chamber=federation):
        expiring = list(rating_expiring_list(chamber=federation, today=today))
    assert expiring == [day0, day90]  # soonest first


def test_register_filters(federation, star_version, fed_branches, affiliate):
    scheme = star_version.scheme
    a = hold(scheme, level=4, branch=fed_branches["fuzimiao"], awarded_on=datetime.date(2025, 1, 1))
    b = hold(scheme, level=5, chamber=affiliate, awarded_on=datetime.date(2025, 2, 1))
    c = hold(scheme, level=4, branch=fed_branches["jiangdong"], awarded_on=datetime.date(2024, 2, 1),
             status=RatingStatus.SUPERSEDED)
    with scope(chamber=federation):
        assert list(rating_register(chamber=federation)) == [b, a, c]
        assert list(rating_register(chamber=federation, level=4)) == [a, c]
        assert list(rating_register(chamber=federation, status=RatingStatus.ACTIVE)) == [b, a]
        assert list(rating_register(chamber=federation, subject="江宁")) == [b]
        assert list(rating_register(chamber=federation, scheme=scheme)) == [b, a, c]


def test_history_of_one_subject(federation, star_version, fed_branches, affiliate):
    scheme = star_version.scheme
    old = hold(scheme, level=3, branch=fed_branches["fuzimiao"], awarded_on=datetime.date(2020, 1, 1),
               status=RatingStatus.SUPERSEDED)
    new = hold(scheme, level=4, branch=fed_branches["fuzimiao"], awarded_on=datetime.date(2024, 1, 1))
    hold(scheme, level=4, branch=fed_branches["jiangdong"], awarded_on=datetime.date(2024, 1, 1))
    theirs = hold(scheme, level=5, chamber=affiliate, awarded_on=datetime.date(2024, 1, 1))
    with scope(chamber=federation):
        assert list(rating_history(chamber=federation, branch=fed_branches["fuzimiao"])) == [new, old]
        assert list(rating_history(chamber=federation, subject_chamber=affiliate)) == [theirs]


def test_held_ratings_for_prerequisites(federation, star_version, fed_branches):
    scheme = star_version.scheme
    hold(scheme, level=3, branch=fed_branches["fuzimiao"], awarded_on=datetime.date(2024, 1, 1),
         valid_until=datetime.date(2026, 12, 31))
    hold(scheme, level=4, branch=fed_branches["fuzimiao"], awarded_on=datetime.date(2023, 1, 1),
         status=RatingStatus.REVOKED)
    with scope(chamber=federation):
        held = held_ratings_for(scheme=scheme, branch=fed_branches["fuzimiao"])
    assert held == [HeldRating(level=3, awarded_on=datetime.date(2024, 1, 1), valid_until=datetime.date(2026, 12, 31))]


def test_a_subject_chamber_reads_its_own_ratings_across_the_wall(federation, star_version, affiliate, fed_branches,
                                                                 other_chamber):
    mine = hold(star_version.scheme, level=4, chamber=affiliate, awarded_on=datetime.date(2025, 1, 1))
    hold(star_version.scheme, level=4, branch=fed_branches["fuzimiao"], awarded_on=datetime.date(2025, 1, 1))
    with scope(chamber=affiliate):
        assert list(rating_list_for_subject_chamber(chamber=affiliate)) == [mine]
    with scope(chamber=other_chamber):
        assert list(rating_list_for_subject_chamber(chamber=other_chamber)) == []
