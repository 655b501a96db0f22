"""Fixtures and helpers of the evaluation and term reminder tests (imported by those modules).

A fixed calendar: the scan runs on dates around `DUE`, so "14 days before" is exact
whatever day the suite runs. Around the federation of tests/evaluation_fixtures.py:
the affiliated chamber's secretariat and read-only staff, and branch secretaries above
夫子庙 (秦淮片区) and elsewhere (鼓楼片区, above 江东).
"""
import datetime
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from chamber.models import ChamberKind, RoleKind
from chamber.reminders.models import Delivery
from chamber.reminders.services import reminders_scan
from chamber.services import chamber_create
from evaluations.models import Campaign, Scheme, SchemeKind, SchemeVersion, Submission

from ..factories import user_with_role

# The fixtures, for `from .fixtures_f import *` in the test modules (helpers are imported by name).
__all__ = ["affiliate_secretary", "affiliate_readonly", "district_secretary", "gulou_secretary", "other_federation",
           "other_affiliate_admin"]

TODAY = datetime.date(2026, 4, 1)
DUE = TODAY + datetime.timedelta(days=14)


def days_before(date, n):
    return date - datetime.timedelta(days=n)


def scan(chamber, today, rule):
    """Run the scan of one rule in `chamber` on `today`; how many deliveries were new."""
    with scope(chamber=chamber):
        return reminders_scan(chamber=chamber, today=today, rules=[rule])


def deliveries(chamber, rule):
    """The chamber's deliveries of `rule`, with their recipients."""
    with scope(chamber=chamber):
        return list(Delivery.objects.filter(chamber=chamber, rule=rule).select_related("recipient").order_by("pk"))


def sent_to(rows):
    """{(recipient's username, subject id)} of delivery rows."""
    return {(row.recipient.username, row.subject_id) for row in rows}


def deliveries_elsewhere(chamber):
    """How many deliveries exist in chambers other than `chamber`."""
    with scopes_disabled():
        return Delivery.objects.exclude(chamber=chamber).count()


def timeline(campaign, stage, **dates):
    """Put `campaign` at `stage` with these timeline dates (written directly: the steps that
    lead there are not under test)."""
    with scope(chamber=campaign.chamber_id):
        Campaign.objects.filter(pk=campaign.pk).update(stage=stage, **dates)
        campaign.refresh_from_db()
    return campaign


def make_submission(campaign, status, *, chamber=None, branch=None, group=None):
    with scope(chamber=campaign.chamber_id):
        return Submission.objects.create(
            chamber_id=campaign.chamber_id, campaign=campaign, subject_chamber=chamber, subject_branch=branch,
            subject_name=(chamber or branch).name, status=status, group=group)


def make_campaign(federation, name, stage, *, due=DUE):
    """A campaign of `federation` on a scheme of its own, every deadline on `due`."""
    with scope(chamber=federation):
        scheme = Scheme.objects.create(chamber=federation, kind=SchemeKind.STAR_RATING, name=name)
        version = SchemeVersion.objects.create(chamber=federation, scheme=scheme, label="2026",
                                               max_points=Decimal("100"), bonus_cap=Decimal("5"), validity_months=36)
        return Campaign.objects.create(
            chamber=federation, name=name, year=2026, version=version, stage=stage, applications_close=due,
            self_assessment_due=due, preliminary_review_due=due, inspection_due=due, decision_due=due)


@pytest.fixture
def affiliate_secretary(make_user, affiliate):
    return user_with_role(make_user, affiliate, "jiang-sec", RoleKind.SECRETARIAT)


@pytest.fixture
def affiliate_readonly(make_user, affiliate):
    return user_with_role(make_user, affiliate, "jiang-ro", RoleKind.SECRETARIAT_READONLY)


@pytest.fixture
def district_secretary(make_user, federation, fed_branches):
    """Branch secretary at 秦淮片区, above 夫子庙."""
    return user_with_role(make_user, federation, "qin", RoleKind.BRANCH_SECRETARY, branch=fed_branches["qinhuai"])


@pytest.fixture
def gulou_secretary(make_user, federation, fed_branches):
    """Branch secretary at 鼓楼片区, above 江东 and nowhere near 夫子庙."""
    return user_with_role(make_user, federation, "gu", RoleKind.BRANCH_SECRETARY, branch=fed_branches["gulou"])


@pytest.fixture
def other_federation(db):
    with scopes_disabled():
        return chamber_create(actor=None, name="苏州市工商业联合会", slug="sz-fed", kind=ChamberKind.FEDERATION,
                              division_code="320500")


@pytest.fixture
def other_affiliate_admin(make_user, other_federation):
    """The admin of a chamber affiliated to the other federation."""
    with scopes_disabled():
        chamber = chamber_create(actor=None, name="苏州市吴江区商会", slug="wj-chamber", kind=ChamberKind.TOWNSHIP,
                                 division_code="320509", supervising_federation=other_federation)
    user = user_with_role(make_user, chamber, "wu", RoleKind.CHAMBER_ADMIN)
    user.subject_chamber = chamber
    return user
