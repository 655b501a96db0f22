"""Fixtures of the evaluations tests (imported by tests/conftest.py).

- `federation` 南京市工商业联合会 with its own sub-chambers as branches: 秦淮片区 ⊃
  夫子庙街道商会, 鼓楼片区 ⊃ 江东街道商会, and the industry chamber 餐饮商会;
- `affiliate` 江宁区商会, a chamber supervised by the federation, with `affiliate_admin`;
- the federation's people: `fed_admin`, `fed_secretary`, `fed_readonly`, `fed_reviewers`
  (three users with the reviewer role), `street_secretary` (branch secretary at 夫子庙);
- `star_version`: a small star-rating rubric built row by row (so these fixtures do not
  depend on the services under test): 会务 40 (graded 20/15/0, points 20), 硬件 30
  (yes/no 10, points 20), 发展 30 (points 30), a veto item and a bonus item (cap 5);
  four stars ≥ 80 after three stars held 365 days, five stars ≥ 90 after four held 365;
- `campaign`: the 2026 star rating on that version, at the application stage.
"""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from branches.services import branch_create
from chamber.models import ChamberKind, RoleKind
from chamber.services import chamber_create
from evaluations.models import (
    Campaign,
    CampaignStage,
    GradeRule,
    Indicator,
    Scheme,
    SchemeKind,
    SchemeVersion,
    ScoringMode,
)

from .factories import user_with_role


@pytest.fixture
def federation(db):
    with scopes_disabled():
        return chamber_create(actor=None, name="南京市工商业联合会", short_name="南京市工商联", slug="nj-fed",
                              kind=ChamberKind.FEDERATION, division_code="320100")


@pytest.fixture
def fed_branches(federation):
    with scope(chamber=federation):
        qinhuai = branch_create(chamber=federation, actor=None, name="秦淮片区", kind="branch", code="QH")
        fuzimiao = branch_create(chamber=federation, actor=None, name="夫子庙街道商会", kind="township", parent=qinhuai)
        gulou = branch_create(chamber=federation, actor=None, name="鼓楼片区", kind="branch", code="GL")
        jiangdong = branch_create(chamber=federation, actor=None, name="江东街道商会", kind="township", parent=gulou)
        catering = branch_create(chamber=federation, actor=None, name="餐饮商会", kind="industry", code="CY")
    return {"qinhuai": qinhuai, "fuzimiao": fuzimiao, "gulou": gulou, "jiangdong": jiangdong, "catering": catering}


@pytest.fixture
def affiliate(federation):
    with scopes_disabled():
        return chamber_create(actor=None, name="南京市江宁区商会", short_name="江宁商会", slug="jn-chamber",
                              kind=ChamberKind.TOWNSHIP, division_code="320115", supervising_federation=federation)


@pytest.fixture
def affiliate_admin(make_user, affiliate):
    return user_with_role(make_user, affiliate, "jiang", RoleKind.CHAMBER_ADMIN)


@pytest.fixture
def fed_admin(make_user, federation):
    return user_with_role(make_user, federation, "feng", RoleKind.CHAMBER_ADMIN)


@pytest.fixture
def fed_secretary(make_user, federation):
    return user_with_role(make_user, federation, "fiona", RoleKind.SECRETARIAT)


@pytest.fixture
def fed_readonly(make_user, federation):
    return user_with_role(make_user, federation, "fred", RoleKind.SECRETARIAT_READONLY)


@pytest.fixture
def fed_reviewers(make_user, federation):
    return [user_with_role(make_user, federation, name, RoleKind.REVIEWER) for name in ("wang", "li", "zhao")]


@pytest.fixture
def street_secretary(make_user, federation, fed_branches):
    return user_with_role(make_user, federation, "sun", RoleKind.BRANCH_SECRETARY, branch=fed_branches["fuzimiao"])


def make_indicator(version, title, max_points, *, parent=None, position=1, code="", **fields):
    """One indicator row with its sort key and depth worked out as the services do."""
    key = "{:03d}".format(position)
    return Indicator.objects.create(
        chamber_id=version.chamber_id, version=version, parent=parent, position=position, code=code, title=title,
        max_points=Decimal(max_points), sort_key=f"{parent.sort_key}.{key}" if parent else key,
        depth=parent.depth + 1 if parent else 1, **fields,
    )


@pytest.fixture
def star_version(federation):
    with scope(chamber=federation):
        scheme = Scheme.objects.create(chamber=federation, kind=SchemeKind.STAR_RATING, name="星级基层商会考评")
        version = SchemeVersion.objects.create(chamber=federation, scheme=scheme, label="2026",
                                               max_points=Decimal("100"), bonus_cap=Decimal("5"), validity_months=36)
        affairs = make_indicator(version, "会务", 40, position=1, code="1")
        make_indicator(version, "会员大会按期召开", 20, parent=affairs, position=1, code="1.1",
                       mode=ScoringMode.GRADED, options=["20", "15", "0"], evidence_required="会议纪要")
        make_indicator(version, "会员台帐完整", 20, parent=affairs, position=2, code="1.2")
        facilities = make_indicator(version, "硬件", 30, position=2, code="2")
        make_indicator(version, "有独立办公场所", 10, parent=facilities, position=1, code="2.1", mode=ScoringMode.YES_NO)
        make_indicator(version, "有专职人员和经费", 20, parent=facilities, position=2, code="2.2")
        development = make_indicator(version, "发展", 30, position=3, code="3")
        make_indicator(version, "促进地方经济社会发展", 30, parent=development, position=1, code="3.1")
        make_indicator(version, "无违法违纪行为", 0, position=4, code="4", mode=ScoringMode.YES_NO, is_veto=True)
        make_indicator(version, "创新工作加分", 10, position=5, code="5", is_bonus=True)
        GradeRule.objects.create(chamber=federation, version=version, code="four_star", label="四星级", level=4,
                                 min_total=Decimal("80"), requires_level=3, requires_held_days=365)
        GradeRule.objects.create(chamber=federation, version=version, code="five_star", label="五星级", level=5,
                                 min_total=Decimal("90"), requires_level=4, requires_held_days=365)
    return version


@pytest.fixture
def campaign(federation, star_version):
    today = timezone.localdate()
    with scope(chamber=federation):
        SchemeVersion.objects.filter(pk=star_version.pk).update(frozen_at=timezone.now())
        star_version.refresh_from_db()
        return Campaign.objects.create(
            chamber=federation, name="2026年度星级基层商会考评", year=2026, version=star_version,
            stage=CampaignStage.APPLICATION, applications_close=today + datetime.timedelta(days=14),
            self_assessment_due=today + datetime.timedelta(days=30),
            preliminary_review_due=today + datetime.timedelta(days=45),
            inspection_due=today + datetime.timedelta(days=75), decision_due=today + datetime.timedelta(days=90),
        )
