"""The annual report's hand-entered data: the work-record register (list with year, kind and
title filters, create, change, delete) and a year's report inputs. Rules of the services
(a level for honours, no future dates, fields the kind does not use cleared), audit entries,
and who may do what: outsiders 404, branch roles 403, read-only staff read but never write."""
import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from chamber.annual.models import AnnualReport, WorkRecord
from chamber.annual.selectors import (
    annual_report_get,
    work_record_get,
    work_record_kind_counts,
    work_record_list,
    work_record_years,
)
from chamber.annual.services import (
    annual_report_inputs_save,
    work_record_create,
    work_record_delete,
    work_record_update,
)
from chamber.models import AuditEntry

TODAY = timezone.localdate()
YEAR = TODAY.year
LAST_YEAR = YEAR - 1


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _url(chamber, suffix=""):
    return "/c/{}/annual/{}".format(chamber.slug, suffix)


def _records(chamber):
    return _url(chamber, "records/")


def _make(chamber, n=1, **fields):
    """`n` work records of `chamber` straight in the table (kind honour by default)."""
    values = {"kind": "honour", "occurred_on": TODAY, "level": "provincial"}
    values.update(fields)
    title = values.pop("title", "荣誉")
    with scope(chamber=chamber):
        return [WorkRecord.objects.create(chamber=chamber, title=title if n == 1 else "{}{}".format(title, i),
                                          **values) for i in range(n)]


def _audit(chamber, target, action):
    with scope(chamber=chamber):
        return list(AuditEntry.objects.filter(chamber=chamber, target_type="chamber.workrecord",
                                              target_id=str(target.pk), action=action))


def _post_data(**changes):
    data = {"kind": "honour", "occurred_on": TODAY.isoformat(), "title": "全省“四好”商会", "level": "provincial",
            "body": "", "medium": "", "amount": "", "outcome": "省工商联授牌", "achieved": ""}
    data.update(changes)
    return data


@pytest.fixture
def other_record(other_chamber):
    return _make(other_chamber, title="别家商会的荣誉")[0]


# --- create, change, delete ------------------------------------------------------------

def test_creating_a_record_saves_it_audits_it_and_goes_back_to_the_list(chamber, secretary):
    response = client_for(secretary).post(_url(chamber, "records/new/"), _post_data(achieved="on"))
    assert response.status_code == 302
    assert response["Location"] == "{}?year={}".format(_records(chamber), YEAR)
    with scope(chamber=chamber):
        record = WorkRecord.objects.get(chamber=chamber)
    assert (record.kind, record.title, record.level, record.achieved) == ("honour", "全省“四好”商会", "provincial", True)
    assert record.created_by == secretary
    [entry] = _audit(chamber, record, "create")
    assert entry.actor == secretary and entry.changes["title"] == [None, "全省“四好”商会"]


def test_the_kind_in_the_address_is_chosen_in_advance(chamber, secretary):
    html = client_for(secretary).get(_url(chamber, "records/new/"), {"kind": "publicity"}).content.decode()
    assert '<option value="publicity" selected>' in html
    html = client_for(secretary).get(_url(chamber, "records/new/"), {"kind": "nonsense"}).content.decode()
    assert '<option value="honour" selected>' in html


def test_fields_the_kind_does_not_use_are_cleared(chamber, secretary):
    response = client_for(secretary).post(_url(chamber, "records/new/"), _post_data(
        kind="publicity", title="《新华日报》专题报道", level="national", body="cppcc", medium="newspaper",
        amount="5000"))
    assert response.status_code == 302
    with scope(chamber=chamber):
        record = WorkRecord.objects.get(chamber=chamber)
    assert (record.medium, record.level, record.body, record.amount) == ("newspaper", "", "", None)


def test_changing_a_record_audits_before_and_after_and_a_new_kind_clears_the_old_fields(chamber, admin_user):
    record = _make(chamber, kind="proposal", title="关于减税的提案", level="city", body="cppcc")[0]
    response = client_for(admin_user).post(_url(chamber, "records/{}/".format(record.pk)), _post_data(
        kind="investment", title="光纤预制棒扩产项目", level="city", body="cppcc", amount="12000000.50",
        outcome="已签约落地", achieved="on"))
    assert response.status_code == 302
    with scope(chamber=chamber):
        record.refresh_from_db()
    assert (record.kind, record.level, record.body, record.amount) == ("investment", "", "", Decimal("12000000.50"))
    [entry] = _audit(chamber, record, "update")
    assert entry.changes["title"] == ["关于减税的提案", "光纤预制棒扩产项目"]
    assert entry.changes["body"] == ["cppcc", ""] and entry.changes["amount"] == [None, "12000000.50"]


def test_the_form_of_a_record_shows_its_values(chamber, secretary):
    record = _make(chamber, kind="publicity", title="电视专访", level="", medium="tv")[0]
    html = client_for(secretary).get(_url(chamber, "records/{}/".format(record.pk))).content.decode()
    assert 'value="电视专访"' in html and '<option value="tv" selected>' in html
    # The script that hides the unused fields gets its map; the fields are there without it.
    assert 'id="work-record-kind-fields"' in html and 'id="field-level"' in html


def test_deleting_asks_first_then_deletes_and_audits(chamber, secretary):
    record = _make(chamber, title="年度经济分析报告", kind="analysis_report", level="")[0]
    client = client_for(secretary)
    url = _url(chamber, "records/{}/delete/".format(record.pk))
    page = client.get(url)
    assert page.status_code == 200 and "年度经济分析报告" in page.content.decode()
    with scope(chamber=chamber):
        assert WorkRecord.objects.filter(pk=record.pk).exists()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "{}?year={}".format(_records(chamber), YEAR)
    with scope(chamber=chamber):
        assert not WorkRecord.objects.filter(pk=record.pk).exists()
    [entry] = _audit(chamber, record, "delete")
    assert entry.changes["title"] == ["年度经济分析报告", None]


def test_after_saving_a_local_next_is_followed_and_a_foreign_one_ignored(chamber, secretary):
    client = client_for(secretary)
    back = _records(chamber) + "?kind=honour&page=2"
    response = client.post(_url(chamber, "records/new/"), _post_data(next=back))
    assert response["Location"] == back
    response = client.post(_url(chamber, "records/new/"), _post_data(next="https://evil.example/"))
    assert response["Location"] == "{}?year={}".format(_records(chamber), YEAR)


# --- validation --------------------------------------------------------------------------

@pytest.mark.parametrize("changes, field, message", [
    ({"occurred_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, "occurred_on", "日期不能晚于今天"),
    ({"level": ""}, "level", "请选择荣誉的级别"),
    ({"kind": "proposal", "body": ""}, "body", "请选择提案或议案的报送对象"),
    ({"kind": "publicity", "medium": ""}, "medium", "请选择文章刊发的媒体"),
    ({"kind": "investment", "amount": "-1"}, "amount", "金额不能为负数"),
    ({"title": "   "}, "title", "请填写标题"),
])
def test_wrong_input_is_explained_in_chinese_and_nothing_is_saved(chamber, secretary, changes, field, message):
    response = client_for(secretary).post(_url(chamber, "records/new/"), _post_data(**changes),
                                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_{}_error"'.format(field) in html
    assert message in html
    with scope(chamber=chamber):
        assert not WorkRecord.objects.filter(chamber=chamber).exists()
        assert not AuditEntry.objects.filter(chamber=chamber, target_type="chamber.workrecord").exists()


def test_the_services_hold_the_rules_for_every_caller(chamber, secretary):
    with scope(chamber=chamber):
        with pytest.raises(ValidationError) as error:
            work_record_create(chamber=chamber, actor=secretary, kind="investment", title="项目",
                               occurred_on=TODAY + datetime.timedelta(days=1), amount=Decimal("-5"))
        assert set(error.value.message_dict) == {"occurred_on", "amount"}
        with pytest.raises(ValidationError) as error:
            work_record_create(chamber=chamber, actor=secretary, kind="weather", title="x", occurred_on=TODAY)
        assert set(error.value.message_dict) == {"kind"}
        record = work_record_create(chamber=chamber, actor=secretary, kind="honour", title=" 先进商会 ",
                                    occurred_on=TODAY, level="national", medium="tv", amount=Decimal("3"))
        assert (record.title, record.medium, record.amount) == ("先进商会", "", None)
        with pytest.raises(ValidationError) as error:
            work_record_update(record=record, actor=secretary, level="")
        assert set(error.value.message_dict) == {"level"}
        record.refresh_from_db()
        assert record.level == "national"
        # Nothing changed: no save, no audit entry.
        work_record_update(record=record, actor=secretary, title="先进商会")
        assert not _audit(chamber, record, "update")
        work_record_delete(record=record, actor=secretary)
        assert not WorkRecord.objects.filter(chamber=chamber).exists()


# --- the list ----------------------------------------------------------------------------

def test_the_list_shows_this_year_by_default_and_another_year_on_request(chamber, staff_readonly):
    now = _make(chamber, title="今年的荣誉")[0]
    old = _make(chamber, title="去年的荣誉", occurred_on=datetime.date(LAST_YEAR, 5, 1))[0]
    client = client_for(staff_readonly)
    html = client.get(_records(chamber)).content.decode()
    assert 'data-record="{}"'.format(now.pk) in html and 'data-record="{}"'.format(old.pk) not in html
    # The picker offers the years with records, this year included.
    assert '<option value="{}" selected>'.format(YEAR) in html and '<option value="{}">'.format(LAST_YEAR) in html
    html = client.get(_records(chamber), {"year": LAST_YEAR}).content.decode()
    assert 'data-record="{}"'.format(old.pk) in html and 'data-record="{}"'.format(now.pk) not in html
    # A year out of range falls back to this year rather than failing.
    html = client.get(_records(chamber), {"year": "99999"}).content.decode()
    assert 'data-record="{}"'.format(now.pk) in html


def test_the_list_is_newest_first_and_counts_each_kind_of_the_year(chamber, staff_readonly):
    earlier = _make(chamber, title="一月的报告", kind="research_report", level="",
                    occurred_on=datetime.date(LAST_YEAR, 1, 10))[0]
    later = _make(chamber, title="六月的报告", kind="research_report", level="",
                  occurred_on=datetime.date(LAST_YEAR, 6, 10))[0]
    _make(chamber, 2, title="宣传", kind="publicity", level="", medium="online",
          occurred_on=datetime.date(LAST_YEAR, 3, 1))
    _make(chamber, title="今年的报告", kind="research_report", level="")  # another year: not counted
    html = client_for(staff_readonly).get(_records(chamber), {"year": LAST_YEAR}).content.decode()
    assert html.index('data-record="{}"'.format(later.pk)) < html.index('data-record="{}"'.format(earlier.pk))
    counts = html[html.index('id="kind-counts"'):html.index("</ul>", html.index('id="kind-counts"'))]
    assert 'data-kind-count="research_report">' in counts
    for kind, n in (("research_report", 2), ("publicity", 2), ("honour", 0), ("all", 4)):
        chunk = counts[counts.index('data-kind-count="{}"'.format(kind)):]
        assert '<span class="badge text-bg-light">{}</span>'.format(n) in chunk[:chunk.index("</a>")]


def test_the_list_filters_by_kind_and_searches_chinese_titles(chamber, staff_readonly):
    honour = _make(chamber, title="全省“四好”商会")[0]
    proposal = _make(chamber, title="关于支持民营企业融资的提案", kind="proposal", body="cppcc")[0]
    publicity = _make(chamber, title="商会四好经验在电视台播出", kind="publicity", level="", medium="tv")[0]
    client = client_for(staff_readonly)
    html = client.get(_records(chamber), {"kind": "proposal"}).content.decode()
    assert 'data-record="{}"'.format(proposal.pk) in html and 'data-record="{}"'.format(honour.pk) not in html
    html = client.get(_records(chamber), {"q": "四好"}).content.decode()
    assert 'data-record="{}"'.format(honour.pk) in html and 'data-record="{}"'.format(publicity.pk) in html
    assert 'data-record="{}"'.format(proposal.pk) not in html
    html = client.get(_records(chamber), {"q": "四好", "kind": "publicity"}).content.decode()
    assert 'data-record="{}"'.format(publicity.pk) in html and 'data-record="{}"'.format(honour.pk) not in html
    assert 'data-empty="true"' in client.get(_records(chamber), {"q": "没有这个"}).content.decode()


def test_the_list_has_pages_of_fifty(chamber, staff_readonly):
    _make(chamber, 51)
    client = client_for(staff_readonly)
    assert client.get(_records(chamber)).content.decode().count("data-record=") == 50
    assert client.get(_records(chamber), {"page": 2}).content.decode().count("data-record=") == 1


def test_the_list_runs_a_fixed_number_of_queries(chamber, secretary, django_assert_num_queries):
    client = client_for(secretary)
    _make(chamber, 3)
    client.get(_records(chamber))  # warm the caches of the first request
    # session, chamber, user, roles (access); the page's own four: the counts per kind, the
    # years for the picker, the page's count and its rows; the layout's three: the user's
    # chambers (ids, then rows) for the switcher, the inbox count.
    with django_assert_num_queries(11):
        assert client.get(_records(chamber)).status_code == 200
    _make(chamber, 30, kind="publicity", level="", medium="radio")
    _make(chamber, 5, kind="investment", level="", amount=Decimal("100"), occurred_on=datetime.date(LAST_YEAR, 2, 1))
    with django_assert_num_queries(11):
        assert client.get(_records(chamber)).status_code == 200


def test_managers_see_the_add_button_with_the_kind_and_readers_do_not(chamber, secretary, staff_readonly):
    _make(chamber)
    html = client_for(secretary).get(_records(chamber), {"kind": "proposal"}).content.decode()
    assert 'id="record-add"' in html and "records/new/?kind=proposal" in html
    html = client_for(staff_readonly).get(_records(chamber)).content.decode()
    assert 'id="record-add"' not in html and "/delete/" not in html and "records/new/" not in html


# --- report inputs -----------------------------------------------------------------------

def _inputs(chamber, year=YEAR):
    return _url(chamber, "{}/inputs/".format(year))


def test_showing_the_inputs_creates_nothing(chamber, secretary):
    response = client_for(secretary).get(_inputs(chamber))
    assert response.status_code == 200 and 'data-report="none"' in response.content.decode()
    with scope(chamber=chamber):
        assert not AnnualReport.objects.filter(chamber=chamber).exists()


def test_saving_the_inputs_creates_the_row_once_then_updates_it(chamber, secretary):
    _make(chamber, title="调研", kind="research_report", level="")
    client = client_for(secretary)
    page = client.get(_inputs(chamber)).content.decode()
    # Each kind is offered with its number of records of the year (research report: 1).
    assert re.search(r'for="id_none_confirmed_1">[^<]*\b1\b', page)
    assert re.search(r'for="id_none_confirmed_0">[^<]*\b0\b', page) and 'value="investment"' in page
    response = client.post(_inputs(chamber), {"summary": "  本年度商会工作稳步推进。 ", "above_size_enterprises": "420",
                                              "none_confirmed": ["publicity", "honour"]})
    assert response.status_code == 302
    assert response["Location"] == _url(chamber, "{}/".format(YEAR))
    with scope(chamber=chamber):
        report = AnnualReport.objects.get(chamber=chamber, year=YEAR)
    assert (report.summary, report.above_size_enterprises) == ("本年度商会工作稳步推进。", 420)
    assert report.none_confirmed == ["honour", "publicity"]  # in the kinds' order
    assert report.updated_by == secretary
    with scope(chamber=chamber):
        [created] = AuditEntry.objects.filter(chamber=chamber, target_type="chamber.annualreport", action="create")
    assert created.changes["above_size_enterprises"] == [None, 420]

    html = client.get(_inputs(chamber)).content.decode()
    assert "本年度商会工作稳步推进。" in html and 'value="420"' in html and 'data-report="{}"'.format(report.pk) in html
    response = client.post(_inputs(chamber), {"summary": "本年度商会工作稳步推进。", "above_size_enterprises": "",
                                              "none_confirmed": ["honour"]})
    assert response.status_code == 302
    with scope(chamber=chamber):
        assert AnnualReport.objects.filter(chamber=chamber).count() == 1
        report.refresh_from_db()
        [updated] = AuditEntry.objects.filter(chamber=chamber, target_type="chamber.annualreport", action="update")
    assert (report.above_size_enterprises, report.none_confirmed) == (None, ["honour"])
    assert updated.changes == {"above_size_enterprises": [420, None],
                               "none_confirmed": [["honour", "publicity"], ["honour"]]}


def test_wrong_inputs_are_refused_and_nothing_is_created(chamber, secretary):
    response = client_for(secretary).post(_inputs(chamber), {"summary": "", "above_size_enterprises": "-3",
                                                             "none_confirmed": ["weather"]},
                                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_above_size_enterprises_error"' in html
    assert "企业数不能为负数" in html and 'id="id_none_confirmed_error"' in html
    with scope(chamber=chamber):
        assert not AnnualReport.objects.filter(chamber=chamber).exists()


@pytest.mark.parametrize("year", [1999, 2101])
def test_a_year_out_of_range_is_not_found(chamber, secretary, year):
    assert client_for(secretary).get(_inputs(chamber, year)).status_code == 404
    assert client_for(secretary).post(_inputs(chamber, year), {"summary": "x"}).status_code == 404


def test_the_inputs_service_and_selectors(chamber, other_chamber, secretary):
    with scope(chamber=chamber):
        assert annual_report_get(chamber=chamber, year=YEAR) is None
        with pytest.raises(ValidationError) as error:
            annual_report_inputs_save(chamber=chamber, year=1990, actor=secretary, summary="",
                                      above_size_enterprises=None, none_confirmed=["nothing"])
        assert set(error.value.message_dict) == {"year", "none_confirmed"}
        report = annual_report_inputs_save(chamber=chamber, year=YEAR, actor=secretary, summary="",
                                           above_size_enterprises=None, none_confirmed=[])
        again = annual_report_inputs_save(chamber=chamber, year=YEAR, actor=secretary, summary="",
                                          above_size_enterprises=None, none_confirmed=[])
        assert again.pk == report.pk == annual_report_get(chamber=chamber, year=YEAR).pk
        # Saving the same inputs again changes nothing and writes no second entry.
        assert AuditEntry.objects.filter(chamber=chamber, target_type="chamber.annualreport").count() == 1
        record = _make(chamber, title="甲", occurred_on=datetime.date(LAST_YEAR, 3, 3))[0]
        assert work_record_years(chamber=chamber) == [YEAR, LAST_YEAR]
        assert work_record_kind_counts(chamber=chamber, year=LAST_YEAR)["honour"] == 1
        assert work_record_kind_counts(chamber=chamber, year=YEAR) == dict.fromkeys(
            ["honour", "research_report", "proposal", "analysis_report", "publicity", "investment"], 0)
        assert list(work_record_list(chamber=chamber, year=LAST_YEAR, q="甲")) == [record]
    other = _make(other_chamber, title="乙")[0]
    with scope(chamber=chamber):
        assert work_record_get(chamber=chamber, pk=other.pk) is None
        assert work_record_get(chamber=chamber, pk=record.pk) == record


# --- who may do what --------------------------------------------------------------------

def _pages(chamber, pk):
    return [_records(chamber), _url(chamber, "records/new/"), _url(chamber, "records/{}/".format(pk)),
            _url(chamber, "records/{}/delete/".format(pk)), _inputs(chamber)]


def test_an_outsider_finds_nothing(chamber, outsider):
    record = _make(chamber)[0]
    client = client_for(outsider)
    for url in _pages(chamber, record.pk):
        assert client.get(url).status_code == 404, url
        assert client.post(url, _post_data()).status_code == 404, url
    with scope(chamber=chamber):
        assert WorkRecord.objects.get(pk=record.pk).title == "荣誉"


def test_another_chambers_record_is_not_found(chamber, secretary, other_record):
    client = client_for(secretary)
    for suffix in ("records/{}/", "records/{}/delete/"):
        url = _url(chamber, suffix.format(other_record.pk))
        assert client.get(url).status_code == 404
        assert client.post(url, _post_data()).status_code == 404
    with scope(chamber=other_record.chamber):
        other_record.refresh_from_db()
    assert other_record.title == "别家商会的荣誉"


def test_a_branch_secretary_is_refused(chamber, branch_secretary):
    record = _make(chamber)[0]
    client = client_for(branch_secretary)
    for url in _pages(chamber, record.pk):
        assert client.get(url).status_code == 403, url
        assert client.post(url, _post_data()).status_code == 403, url


def test_read_only_staff_read_the_list_but_write_nothing(chamber, staff_readonly):
    record = _make(chamber)[0]
    client = client_for(staff_readonly)
    assert client.get(_records(chamber)).status_code == 200
    for url in _pages(chamber, record.pk)[1:]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, _post_data(summary="x")).status_code == 403, url
    with scope(chamber=chamber):
        assert WorkRecord.objects.filter(chamber=chamber).count() == 1
        assert not AnnualReport.objects.filter(chamber=chamber).exists()
