"""The other lists' exports: events, an event's attendance and registrations, member
requests, donations, dues invoices and arrears, the ratings register. Each: its headers, a
row's values, the list page's filters carried over; amounts as numbers; mobiles masked."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from branches.services import branch_create
from charity.services import donation_record, programme_create
from chamber.interchange.models import ExportRecord
from evaluations.models import Scheme, SchemeKind
from evaluations.ratings import rating_record
from events.services.events import event_create, event_set_status
from events.services.registrations import registration_create
from events.services.requests import request_create
from members.dues.services import dues_invoices_generate, fee_schedule_set
from members.models import Rank

from .export_fixtures import *  # noqa: F401,F403
from .export_fixtures import csv_rows, export_url, fetch, xlsx_rows

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
START = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=10)


def make_event(chamber, actor, title, **fields):
    with scope(chamber=chamber):
        event = event_create(chamber=chamber, actor=actor, title=title, kind=fields.pop("kind", "policy_briefing"),
                             starts_at=fields.pop("starts_at", START), ends_at=START + datetime.timedelta(hours=3),
                             place="苏州国际博览中心", **fields)
        return event_set_status(event=event, actor=actor, status="open", reason="")


@pytest.fixture
def events(chamber, admin_user, roster):
    briefing = make_event(chamber, admin_user, "光通信产业政策宣讲会", capacity=50)
    make_event(chamber, admin_user, "=会员联谊会", kind="seminar")
    with scope(chamber=chamber):
        registration_create(event=briefing, actor=admin_user, membership=roster["member"], person=roster["boss"])
        registration_create(event=briefing, actor=admin_user, attendee_name="=HYPERLINK(1)",
                            attendee_mobile="13700001111", walk_in=True)
    return briefing


def test_events_list(client_as, chamber, events, admin_user):
    rows, _sheet = xlsx_rows(fetch(client_as(admin_user), export_url(chamber, "events", format="xlsx")))
    assert rows[0] == ("活动名称", "类型", "状态", "开始时间", "结束时间", "地点", "主办分会", "名额", "已确认报名", "候补",
                       "已签到")
    briefing = next(row for row in rows[1:] if row[0] == "光通信产业政策宣讲会")
    assert briefing[3] == timezone.localtime(START).replace(tzinfo=None)
    assert briefing[7:] == (50, 2, 0, 1)
    filtered, _sheet = xlsx_rows(fetch(client_as(admin_user), export_url(chamber, "events", format="xlsx",
                                                                         kind="seminar")))
    assert [row[0] for row in filtered[1:]] == ["=会员联谊会"]


def test_attendance_and_registrations(client_as, chamber, events, admin_user, staff_readonly):
    url = export_url(chamber, "attendance", format="xlsx", event=events.pk)
    rows, sheet = xlsx_rows(fetch(client_as(admin_user), url))
    assert rows[0][0] == events.title  # the event's title above the headers
    assert rows[1] == ("姓名", "会员", "手机", "状态", "现场登记", "报名时间", "签到时间", "签到码")
    assert len(rows) == 3 and rows[2][0] == "=HYPERLINK(1)" and sheet["A3"].data_type == "s"
    assert rows[2][2] == "13700001111" and rows[2][4] == "是" and isinstance(rows[2][6], datetime.datetime)
    has_bom, everyone = csv_rows(fetch(client_as(staff_readonly), export_url(chamber, "attendance", format="csv",
                                                                             event=events.pk, show="all")))
    assert has_bom and len(everyone) == 3
    assert everyone[1][:3] == ["张伟", "苏州光电缆有限公司", "139****5678"]  # masked: no PERSONAL_DATA
    assert everyone[2][0] == "'=HYPERLINK(1)"
    # The event page's own export URL goes through the framework, so it is recorded too.
    fetch(client_as(admin_user), "/c/{}/events/{}/attendance/?show=all".format(chamber.slug, events.pk))
    with scope(chamber=chamber):
        assert ExportRecord.objects.filter(kind="attendance").count() == 3
        mine = [r.filters for r in ExportRecord.objects.filter(kind="attendance", created_by=admin_user)]
    assert {"event": str(events.pk), "show": "all"} in mine


def test_attendance_of_an_unknown_event_is_404(client_as, chamber, admin_user, other_chamber, outsider):
    assert client_as(admin_user).get(export_url(chamber, "attendance", event=999999)).status_code == 404
    assert client_as(admin_user).get(export_url(chamber, "attendance")).status_code == 404


def test_requests(client_as, chamber, roster, admin_user):
    with scope(chamber=chamber):
        request_create(chamber=chamber, actor=admin_user, membership=roster["member"], category="financing",
                       title="流动资金贷款", description="需要500万", due_on=TODAY + datetime.timedelta(days=5))
        request_create(chamber=chamber, actor=admin_user, membership=roster["formula"], category="legal",
                       title="合同纠纷", description="咨询")
    rows, _sheet = xlsx_rows(fetch(client_as(admin_user), export_url(chamber, "requests", format="xlsx")))
    assert rows[0] == ("提出时间", "会员", "类别", "标题", "状态", "承办人", "办理期限", "办结日期", "会员评价", "典型案例")
    assert {row[3] for row in rows[1:]} == {"流动资金贷款", "合同纠纷"}
    loan = next(row for row in rows[1:] if row[3] == "流动资金贷款")
    assert loan[1] == "苏州光电缆有限公司" and loan[6] == datetime.datetime.combine(TODAY + datetime.timedelta(days=5),
                                                                                 datetime.time())
    legal, _sheet = xlsx_rows(fetch(client_as(admin_user), export_url(chamber, "requests", format="xlsx",
                                                                      category="legal", tab="all")))
    assert [row[3] for row in legal[1:]] == ["合同纠纷"]


def test_donations_with_amounts_as_numbers_and_the_programme_filter(client_as, chamber, admin_user, treasurer):
    with scope(chamber=chamber):
        relief = programme_create(chamber=chamber, actor=admin_user, name="河南水灾救助", kind="disaster_relief",
                                  starts_on=datetime.date(TODAY.year, 1, 1))
        school = programme_create(chamber=chamber, actor=admin_user, name="助学基金", kind="education",
                                  starts_on=datetime.date(TODAY.year, 1, 1))
        donation_record(programme=relief, actor=treasurer, donor_kind="outside", donor_name="爱心企业家陈先生",
                        form="money", amount=Decimal("5000.50"), pledged_on=TODAY,
                        received={"amount": Decimal("1000"), "method": "bank_transfer", "on": TODAY, "reference": ""})
        donation_record(programme=school, actor=treasurer, donor_kind="outside", donor_name="+王女士",
                        form="money", amount=Decimal("800"), pledged_on=TODAY)
    response = fetch(client_as(treasurer), export_url(chamber, "donations", format="xlsx", programme=relief.pk))
    rows, sheet = xlsx_rows(response)
    assert rows[0] == ("认捐日期", "项目", "捐赠方类型", "捐赠方", "会员", "分会", "形式", "物资", "认捐金额（元）",
                       "已到账（元）", "已撤回（元）", "未到账（元）", "指定受助方", "匿名", "备注")
    assert len(rows) == 2
    assert rows[1][1] == "河南水灾救助" and rows[1][3] == "爱心企业家陈先生"
    assert rows[1][8:12] == (5000.5, 1000, 0, 4000.5)
    assert sheet["I2"].data_type == "n" and sheet["I2"].number_format == "#,##0.00"
    _bom, everything = csv_rows(fetch(client_as(treasurer), export_url(chamber, "donations", format="csv")))
    assert len(everything) == 3 and "'+王女士" in [row[3] for row in everything]
    with scope(chamber=chamber):
        assert ExportRecord.objects.get(file_format="xlsx").title.endswith("（河南水灾救助）")
    assert client_as(treasurer).get(export_url(chamber, "donations", programme=999999)).status_code == 404


def test_dues_invoices_and_arrears(client_as, chamber, roster, admin_user, treasurer):
    with scope(chamber=chamber):
        ranks = {rank.code: rank for rank in Rank.objects.filter(chamber=chamber)}
        fee_schedule_set(chamber=chamber, actor=admin_user, year=TODAY.year, due_on=datetime.date(TODAY.year, 12, 31),
                         grace_days=90, rates={ranks["vice-president"]: "20000", ranks["member"]: "2000"})
        dues_invoices_generate(chamber=chamber, actor=admin_user, year=TODAY.year)
    rows, sheet = xlsx_rows(fetch(client_as(treasurer), export_url(chamber, "dues_invoices", format="xlsx",
                                                                   year=TODAY.year)))
    assert rows[0] == ("年度", "缴费通知单号", "会员", "会员编号", "开具时等级", "开具日期", "缴费截止日", "应缴金额（元）",
                       "已缴金额（元）", "减免金额（元）", "欠缴金额（元）", "状态")
    # Invoices go to active members: the member, =cmd 科技 and the individual (not the lapsed one).
    assert len(rows) == 4
    first = next(row for row in rows[1:] if row[3] == "GD-001")
    assert first[0] == TODAY.year and first[2] == "苏州光电缆有限公司" and first[7:11] == (20000, 0, 0, 20000)
    searched, _sheet = xlsx_rows(fetch(client_as(treasurer), export_url(chamber, "dues_invoices", format="xlsx",
                                                                        search="光电缆")))
    assert [row[3] for row in searched[1:]] == ["GD-001"]
    arrears, _sheet = xlsx_rows(fetch(client_as(treasurer), export_url(chamber, "dues_arrears", format="xlsx",
                                                                       year=TODAY.year, rank=ranks["member"].pk)))
    assert sorted(row[3] for row in arrears[1:]) == ["GD-002", "GD-004"]


def test_ratings_register(client_as, chamber, admin_user, staff_readonly):
    with scope(chamber=chamber):
        branches = {"display": branch_create(chamber=chamber, actor=None, name="吴江商会", kind="township"),
                    "cable": branch_create(chamber=chamber, actor=None, name="光缆园区商会", kind="park")}
        scheme = Scheme.objects.create(chamber=chamber, kind=SchemeKind.STAR_RATING, name="星级基层商会考评")
        rating_record(chamber=chamber, actor=admin_user, scheme=scheme, branch=branches["display"], level=3,
                      grade_label="三星级", awarded_on=datetime.date(2024, 12, 1), total=Decimal("85.5"),
                      awarded_by="区工商联")
        rating_record(chamber=chamber, actor=admin_user, scheme=scheme, branch=branches["cable"], level=2,
                      grade_label="二星级", awarded_on=datetime.date(2023, 6, 1))
    rows, _sheet = xlsx_rows(fetch(client_as(staff_readonly), export_url(chamber, "ratings", format="xlsx")))
    assert rows[0] == ("评定对象", "评定方案", "等级", "级别", "总分", "评定日期", "有效期至", "状态", "评定活动", "评定机构",
                       "备注")
    assert [row[0] for row in rows[1:]] == ["吴江商会", "光缆园区商会"]  # newest first, as the register
    assert rows[1][1:6] == ("星级基层商会考评", "三星级", 3, 85.5, datetime.datetime(2024, 12, 1))
    assert rows[1][9] == "区工商联"
    filtered, _sheet = xlsx_rows(fetch(client_as(staff_readonly), export_url(chamber, "ratings", format="xlsx",
                                                                             q="光缆", level="2")))
    assert [row[0] for row in filtered[1:]] == ["光缆园区商会"]
