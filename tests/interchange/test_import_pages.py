"""The import pages: who may open them, upload → preview → import → undo through the
browser's requests, the templates, and query-count guards."""
import io

import openpyxl
import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from branches.models import Branch
from chamber.interchange.importing import import_upload
from chamber.interchange.models import ImportBatch, ImportStatus

from .import_fixtures import *  # noqa: F401,F403
from .import_fixtures import TEST_KIND, access_of, upload, xlsx_bytes

HEADER = ["分会名称*", "编码", "成立日期", "联系手机"]
MIXED = [HEADER,
         ["光学分会", "OPT", "2020-01-31", "13800138000"],
         ["镜头分会", "LENS", "2020-13-45", ""],
         ["激光分会", "", "", "1380013"]]


def url(chamber, name, **kwargs):
    return reverse("imports:" + name, kwargs={"chamber": chamber.slug, **kwargs})


def make_batch(chamber, user, rows=MIXED):
    with scope(chamber=chamber):
        return import_upload(chamber=chamber, actor=user, access=access_of(chamber, user), kind=TEST_KIND,
                             file=upload(xlsx_bytes(rows)))


def batch_of(pk):
    with scopes_disabled():
        return ImportBatch.objects.get(pk=pk)


def branch_names(chamber):
    with scopes_disabled():
        return set(Branch.objects.filter(chamber=chamber).values_list("name", flat=True))


@pytest.fixture
def batch(test_kind, chamber, admin_user):
    return make_batch(chamber, admin_user)


def pages(chamber, batch):
    """(method, url) of every import page."""
    return [
        ("get", url(chamber, "list")),
        ("get", url(chamber, "template", kind=TEST_KIND, fmt="xlsx")),
        ("get", url(chamber, "template", kind=TEST_KIND, fmt="csv")),
        ("get", url(chamber, "upload", kind=TEST_KIND)),
        ("post", url(chamber, "upload", kind=TEST_KIND)),
        ("get", url(chamber, "batch", pk=batch.pk)),
        ("post", url(chamber, "batch", pk=batch.pk)),
        ("get", url(chamber, "progress", pk=batch.pk)),
        ("post", url(chamber, "commit", pk=batch.pk)),
        ("post", url(chamber, "undo", pk=batch.pk)),
        ("post", url(chamber, "discard", pk=batch.pk)),
    ]


def test_outsider_gets_404_on_every_page(client, chamber, batch, outsider):
    client.force_login(outsider)
    for method, address in pages(chamber, batch):
        assert getattr(client, method)(address).status_code == 404, address


@pytest.mark.parametrize("who", ["staff_readonly", "branch_secretary", "treasurer"])
def test_insiders_who_may_not_import_get_403_on_every_page(client, chamber, batch, who, request):
    client.force_login(request.getfixturevalue(who))
    for method, address in pages(chamber, batch):
        if who == "treasurer" and address == url(chamber, "list"):
            continue  # a treasurer may import donations (MONEY_RECORD): the list is theirs
        assert getattr(client, method)(address).status_code == 403, address
    assert batch_of(batch.pk).status == ImportStatus.CHECKED


def test_anonymous_is_sent_to_log_in(client, chamber, batch):
    response = client.get(url(chamber, "batch", pk=batch.pk))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_batch_of_another_chamber_is_404(client, test_kind, chamber, other_chamber, outsider, admin_user):
    theirs = make_batch(other_chamber, outsider)
    client.force_login(admin_user)
    assert client.get(url(chamber, "batch", pk=theirs.pk)).status_code == 404


def test_list_page_shows_kinds_and_past_imports(client, chamber, batch, admin_user, django_assert_num_queries):
    for _ in range(3):
        make_batch(chamber, admin_user)
    client.force_login(admin_user)
    client.get(url(chamber, "list"))  # warm the session
    # session, chamber, user, roles (4); page count, the page's batches with users (2);
    # the layout's chamber switcher (2) and unread inbox count (1)
    with django_assert_num_queries(9):
        response = client.get(url(chamber, "list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-kind="{}"'.format(TEST_KIND) in html
    assert html.count("data-batch=") == 4 and "roster.xlsx" in html


def test_upload_page_shows_the_options_and_keeps_a_bad_file_with_its_reason(client, test_kind, chamber, admin_user):
    client.force_login(admin_user)
    response = client.get(url(chamber, "upload", kind=TEST_KIND))
    assert response.status_code == 200 and 'name="parent"' in response.content.decode()
    for name, content in (("roster.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
                          ("roster.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
                          ("roster.xlsx", xlsx_bytes(MIXED)[:300])):
        response = client.post(url(chamber, "upload", kind=TEST_KIND), {"file": upload(content, name)})
        assert response.status_code == 200
        assert response.context["form"].errors["file"]
    with scopes_disabled():
        assert not ImportBatch.objects.exists()


def test_upload_then_preview_shows_each_error_by_row_and_cell(client, test_kind, chamber, admin_user,
                                                             django_assert_num_queries):
    client.force_login(admin_user)
    response = client.post(url(chamber, "upload", kind=TEST_KIND), {"file": upload(xlsx_bytes(MIXED))})
    assert response.status_code == 302
    with scopes_disabled():
        batch = ImportBatch.objects.get()
    assert response["Location"] == url(chamber, "batch", pk=batch.pk)
    # session, chamber, user, roles (4); the batch with its users (1); page count, page rows (2);
    # the layout's chamber switcher (2) and unread inbox count (1)
    with django_assert_num_queries(10):
        response = client.get(url(chamber, "batch", pk=batch.pk))
    html = response.content.decode()
    # Errors first: only row 3 is listed, with the cell's header, value and message.
    assert response.context["show"] == "errors" and [r.number for r in response.context["rows"]] == [3]
    assert '<tr data-row="3"' in html and "成立日期" in html and "2020-13-45" in html and "data-error" in html
    assert 'data-count="errors">1<' in html and 'data-count="warnings">1<' in html
    warnings = client.get(url(chamber, "batch", pk=batch.pk), {"show": "warnings"}).content.decode()
    assert '<tr data-row="4"' in warnings and "手机号码不是11位。" in warnings and "1380013" in warnings
    everything = client.get(url(chamber, "batch", pk=batch.pk), {"show": "all"}).context["rows"]
    assert [r.number for r in everything] == [2, 3, 4]
    # Import all is offered but disabled while a row has errors; import only the 2 valid rows is offered.
    assert 'data-mode="all" disabled' in html and 'data-mode="valid"' in html


def test_preview_is_paginated(client, test_kind, chamber, admin_user):
    rows = [HEADER] + [["分会{}".format(i), "", "", ""] for i in range(60)]
    batch = make_batch(chamber, admin_user, rows)
    client.force_login(admin_user)
    first = client.get(url(chamber, "batch", pk=batch.pk))
    assert first.context["show"] == "all" and len(first.context["rows"]) == 50
    second = client.get(url(chamber, "batch", pk=batch.pk), {"page": 2})
    assert [r.number for r in second.context["rows"]] == list(range(52, 62))


def test_import_all_refused_with_errors_then_valid_rows_then_undo(client, chamber, batch, admin_user):
    client.force_login(admin_user)
    response = client.post(url(chamber, "commit", pk=batch.pk), {"mode": "all"}, follow=True)
    assert batch_of(batch.pk).status == ImportStatus.CHECKED and "光学分会" not in branch_names(chamber)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]

    client.post(url(chamber, "commit", pk=batch.pk), {"mode": "valid"})
    assert batch_of(batch.pk).status == ImportStatus.IMPORTED
    assert {"光学分会", "激光分会"} <= branch_names(chamber) and "镜头分会" not in branch_names(chamber)
    # A second click imports nothing more.
    client.post(url(chamber, "commit", pk=batch.pk), {"mode": "valid"})
    with scopes_disabled():
        assert Branch.objects.filter(chamber=chamber, name="光学分会").count() == 1
    html = client.get(url(chamber, "batch", pk=batch.pk)).content.decode()
    assert 'data-count="imported">2<' in html and url(chamber, "undo", pk=batch.pk) in html

    client.post(url(chamber, "undo", pk=batch.pk))
    assert batch_of(batch.pk).status == ImportStatus.UNDONE and "光学分会" not in branch_names(chamber)
    html = client.get(url(chamber, "batch", pk=batch.pk)).content.decode()
    assert url(chamber, "undo", pk=batch.pk) not in html and 'data-count="imported">2<' in html


def test_a_failed_import_shows_why(client, chamber, batch, admin_user):
    with scopes_disabled():
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.FAILED, failure="第3行：已有同名分会")
    client.force_login(admin_user)
    html = client.get(url(chamber, "batch", pk=batch.pk)).content.decode()
    assert 'id="import-failure"' in html and "第3行：已有同名分会" in html
    assert url(chamber, "discard", pk=batch.pk) in html and url(chamber, "commit", pk=batch.pk) not in html


def test_mapping_step(client, test_kind, chamber, admin_user):
    batch = make_batch(chamber, admin_user, [["单位", "编码"], ["光学分会", "OPT"]])
    client.force_login(admin_user)
    html = client.get(url(chamber, "batch", pk=batch.pk)).content.decode()
    assert 'id="import-mapping"' in html and 'name="col_0"' in html
    response = client.post(url(chamber, "batch", pk=batch.pk), {"col_0": "code", "col_1": "code"})
    assert response.status_code == 200 and response.context["mapping_form"].errors
    assert batch_of(batch.pk).status == ImportStatus.MAPPING
    response = client.post(url(chamber, "batch", pk=batch.pk), {"col_0": "name", "col_1": "code"})
    assert response.status_code == 302 and batch_of(batch.pk).status == ImportStatus.CHECKED


def test_progress_fragment_while_running_and_refresh_when_done(client, chamber, batch, admin_user):
    client.force_login(admin_user)
    with scopes_disabled():
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING, progress_done=1)
    response = client.get(url(chamber, "progress", pk=batch.pk), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'hx-trigger="every 1s"' in html and 'data-done="1"' in html
    page = client.get(url(chamber, "batch", pk=batch.pk)).content.decode()
    assert 'id="import-progress"' in page
    with scopes_disabled():
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKED)
    response = client.get(url(chamber, "progress", pk=batch.pk), HTTP_HX_REQUEST="true")
    assert response.headers.get("HX-Refresh") == "true"
    assert client.get(url(chamber, "progress", pk=batch.pk)).status_code == 302  # without htmx: the page


def test_discard_from_the_page(client, chamber, batch, admin_user):
    client.force_login(admin_user)
    response = client.post(url(chamber, "discard", pk=batch.pk))
    assert response.status_code == 302 and batch_of(batch.pk).status == ImportStatus.DISCARDED


def test_templates(client, test_kind, chamber, admin_user):
    client.force_login(admin_user)
    response = client.get(url(chamber, "template", kind=TEST_KIND, fmt="xlsx"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["导入数据", "填写说明"]
    assert [c.value for c in workbook["导入数据"][1]] == ["分会名称*", "编码", "成立日期", "联系手机", "是否启用"]
    assert workbook["填写说明"]["A2"].value == "分会名称" and workbook["填写说明"]["D2"].value == "光学分会"
    lists = workbook["导入数据"].data_validations.dataValidation
    assert [v.formula1 for v in lists] == ['"是,否"'] and str(lists[0].sqref).startswith("E2")
    response = client.get(url(chamber, "template", kind=TEST_KIND, fmt="csv"))
    assert response.content.startswith(b"\xef\xbb\xbf") and "分会名称*" in response.content.decode("utf-8-sig")
    assert client.get(url(chamber, "template", kind=TEST_KIND, fmt="pdf")).status_code == 404
    # The template reads back with every column recognised.
    batch = make_batch(chamber, admin_user, [[c.value for c in workbook["导入数据"][1]], ["光学分会", "", "", "", "是"]])
    assert batch.status == ImportStatus.CHECKED
