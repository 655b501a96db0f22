"""The roster exports: the member list (headers, a row's values in .xlsx and CSV, the list
page's filters and the reader's branch reach carried over, formulas neutralised, mobiles
masked without PERSONAL_DATA, a bounded number of queries) and a term's officers."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from chamber.interchange.exporting import export_kind_spec
from chamber.interchange.models import ExportRecord, ExportStatus
from members.models import Post
from members.officers import officer_appoint, term_create

from .export_fixtures import *  # noqa: F401,F403
from .export_fixtures import ID_NUMBER, MOBILE, csv_rows, export_url, fetch, xlsx_rows

pytestmark = pytest.mark.django_db

MEMBER_HEADERS = ("会员编号", "会员名称", "会员类型", "统一社会信用代码", "法定代表人", "会员等级", "所属分会", "会员状态",
                  "入会日期", "主要联系人", "联系人职务", "联系人手机", "行业代码", "地区代码", "地址")


def by_number(rows):
    return {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}


def test_member_roster_xlsx_headers_values_and_record(client_as, chamber, roster, admin_user):
    response = fetch(client_as(admin_user), export_url(chamber, "members", format="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows, sheet = xlsx_rows(response)
    assert rows[0] == MEMBER_HEADERS
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    members = by_number(rows)
    assert set(members) == {"GD-001", "GD-002", "GD-003", "GD-004"}
    first = members["GD-001"]
    assert first["会员名称"] == "苏州光电缆有限公司" and first["会员类型"] == "企业会员"
    assert first["统一社会信用代码"] == roster["member"].enterprise.uscc
    assert first["会员等级"] == "副会长单位" and first["所属分会"] == "光纤预制棒专委会"
    assert first["会员状态"] == "正常" and first["入会日期"] == datetime.datetime(2015, 5, 20)
    assert (first["主要联系人"], first["联系人职务"], first["联系人手机"]) == ("张伟", "总经理", MOBILE)
    assert first["行业代码"] == "C3831"
    individual = members["GD-004"]
    assert individual["会员名称"] == "刘个人" and individual["联系人手机"] == "13800001111"
    # A name a spreadsheet would run stays text.
    formula_row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "GD-002")
    assert formula_row[1].value.startswith("=cmd") and formula_row[1].data_type == "s"
    assert formula_row[4].value == "@李四" and formula_row[4].data_type == "s"
    with scope(chamber=chamber):
        record = ExportRecord.objects.get(chamber=chamber)
    assert (record.kind, record.title, record.row_count, record.status, record.file_format, record.created_by) == (
        "members", str(export_kind_spec("members").title), 4, ExportStatus.READY, "xlsx", admin_user)
    assert not record.in_background and record.finished_at is not None


def test_member_roster_csv_has_bom_and_quoted_formulas(client_as, chamber, roster, admin_user):
    response = fetch(client_as(admin_user), export_url(chamber, "members", format="csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8" and response.streaming
    has_bom, rows = csv_rows(response)
    assert has_bom and tuple(rows[0]) == MEMBER_HEADERS
    members = by_number(rows)
    assert members["GD-002"]["会员名称"].startswith("'=cmd")
    assert members["GD-002"]["法定代表人"] == "'@李四"
    assert members["GD-001"]["入会日期"] == "2015-05-20" and members["GD-001"]["联系人手机"] == MOBILE


@pytest.mark.parametrize("query, expected", [
    ({"status": "lapsed"}, {"GD-003"}),
    ({"q": "停缴"}, {"GD-003"}),
    ({"kind": "individual"}, {"GD-004"}),
    ({"joined_from": "2020-01-01", "ordering": "-joined_on"}, {"GD-002", "GD-004"}),
    ({"status": "nonsense"}, {"GD-001", "GD-002", "GD-003", "GD-004"}),  # ignored, as on the page
])
def test_member_roster_filters_are_the_list_pages(client_as, chamber, roster, admin_user, query, expected):
    rows, _sheet = xlsx_rows(fetch(client_as(admin_user), export_url(chamber, "members", format="xlsx", **query)))
    assert set(by_number(rows)) == expected
    with scope(chamber=chamber):
        record = ExportRecord.objects.get(chamber=chamber)
    assert record.row_count == len(expected)
    assert record.filters == query


def test_member_roster_branch_filter_order_and_reach(client_as, chamber, roster, admin_user, branches,
                                                    branch_secretary):
    query = {"branch": branches["display"].pk, "ordering": "-member_number"}
    rows, _sheet = xlsx_rows(fetch(client_as(admin_user), export_url(chamber, "members", format="xlsx", **query)))
    assert [row[0] for row in rows[1:]] == ["GD-004", "GD-002"]
    # A branch secretary (at 光缆分会) exports only the members within their branches.
    rows, _sheet = xlsx_rows(fetch(client_as(branch_secretary), export_url(chamber, "members", format="xlsx")))
    assert set(by_number(rows)) == {"GD-001", "GD-003"}


def test_mobiles_masked_without_personal_data(client_as, chamber, roster, staff_readonly):
    rows, _sheet = xlsx_rows(fetch(client_as(staff_readonly), export_url(chamber, "members", format="xlsx")))
    members = by_number(rows)
    assert members["GD-001"]["联系人手机"] == "139****5678"
    assert members["GD-004"]["联系人手机"] == "138****1111"
    _bom, csv_data = csv_rows(fetch(client_as(staff_readonly), export_url(chamber, "members", format="csv")))
    assert MOBILE not in str(csv_data) and "139****5678" in str(csv_data)


def test_member_export_runs_a_bounded_number_of_queries(client_as, chamber, roster, admin_user, branches):
    client = client_as(admin_user)
    url = export_url(chamber, "members", format="csv")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            b"".join(response.streaming_content)
        return len(captured)

    before = queries()
    from members.models import MembershipKind, MembershipStatus, Rank
    from members.services import contact_add, enterprise_create, membership_create, person_create

    from ..factories import make_uscc

    with scope(chamber=chamber):
        rank = Rank.objects.get(chamber=chamber, code="member")
        for n in range(6):
            enterprise = enterprise_create(chamber=chamber, actor=None, name="新会员{}有限公司".format(n),
                                           uscc=make_uscc(300000 + n))
            contact_add(enterprise=enterprise, person=person_create(chamber=chamber, actor=None, name="联系人{}".format(n)),
                        actor=None, is_primary=True)
            membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=enterprise,
                              rank=rank, branches=[branches["display"], branches["cable"]],
                              status=MembershipStatus.ACTIVE)
    # session, user, chamber, roles; branches and ranks (the filter form's choices); count;
    # the record; the ids; one chunk's members, branches and contacts (three queries a chunk
    # of 2,000 members, whatever is in them); the audit entry of the export.
    assert before == 13
    assert queries() == before


def test_officers_of_a_term_with_id_numbers_masked_without_personal_data(client_as, chamber, roster, admin_user,
                                                                         staff_readonly, branches):
    today = datetime.date.today()
    with scope(chamber=chamber):
        old = term_create(chamber=chamber, actor=None, ordinal=7, starts_on=datetime.date(2015, 1, 1),
                          ends_on=datetime.date(2019, 12, 31))
        term = term_create(chamber=chamber, actor=None, ordinal=8, starts_on=today.replace(year=today.year - 2),
                           ends_on=today.replace(year=today.year + 3))
        officer_appoint(term=term, actor=None, person=roster["boss"], post=Post.VICE_PRESIDENT,
                        enterprise=roster["member"].enterprise, branch=branches["cable"])
        officer_appoint(term=term, actor=None, person=roster["individual"].person, post=Post.PRESIDENT)
        officer_appoint(term=old, actor=None, person=roster["boss"], post=Post.COUNCIL_MEMBER)
    rows, _sheet = xlsx_rows(fetch(client_as(admin_user), export_url(chamber, "officers", format="xlsx")))
    assert rows[0] == ("职务", "姓名", "单位", "所属分会", "任职起始", "任职截止", "手机", "身份证号码")
    # The current term, in protocol order: the president first.
    assert [row[:2] for row in rows[1:]] == [("会长", "刘个人"), ("副会长", "张伟")]
    assert rows[2][2:4] == ("苏州光电缆有限公司", "光缆分会") and rows[2][6:] == (MOBILE, ID_NUMBER)
    masked, _sheet = xlsx_rows(fetch(client_as(staff_readonly), export_url(chamber, "officers", format="xlsx")))
    assert masked[2][6] == "139****5678" and masked[2][7] == ID_NUMBER[:6] + "********" + ID_NUMBER[14:]
    earlier, _sheet = xlsx_rows(fetch(client_as(admin_user),
                                      export_url(chamber, "officers", format="xlsx", term=old.pk)))
    assert [row[:2] for row in earlier[1:]] == [("理事", "张伟")]
    with scope(chamber=chamber):
        assert ExportRecord.objects.filter(kind="officers").first().title == "{}（{}）".format(export_kind_spec("officers").title, old)
