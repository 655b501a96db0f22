"""Who may export what, background exports (built by the task, then downloaded), the export
log (who, what, rows; admins see everyone's), downloads by their creator or an admin only,
the daily cleanup, and the log's query count."""
import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scope

from chamber.interchange.exporting import export_build, export_files_cleanup, export_kinds
from chamber.interchange.models import ExportRecord, ExportStatus

from .export_fixtures import *  # noqa: F401,F403
from .export_fixtures import csv_rows, export_url, fetch, xlsx_rows

pytestmark = pytest.mark.django_db

# For each list, an insider who cannot see it (its page answers them 403).
WITHOUT_CAPABILITY = {
    "members": "representative", "officers": "representative", "events": "treasurer", "attendance": "treasurer",
    "requests": "treasurer", "donations": "branch_secretary", "dues_invoices": "branch_secretary",
    "dues_arrears": "branch_secretary", "ratings": "treasurer", "audit": "secretary",
}


def log_url(chamber, suffix=""):
    return "/c/{}/exports/{}".format(chamber.slug, suffix)


def background_export(client, chamber, settings, django_capture_on_commit_callbacks, **params):
    """Export the members list with the background threshold lowered to 2 rows; the task
    runs (eagerly) when the request's transaction commits."""
    settings.EXPORT_BACKGROUND_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(export_url(chamber, "members", **params))
    assert response.status_code == 302 and response["Location"] == log_url(chamber)
    with scope(chamber=chamber):
        return ExportRecord.objects.order_by("-pk").first()


def test_every_kind_is_registered_and_answers_404_to_outsiders_and_403_without_the_capability(
        request, client_as, chamber, outsider, member):
    assert set(export_kinds()) == set(WITHOUT_CAPABILITY)
    for kind, who in WITHOUT_CAPABILITY.items():
        assert client_as(outsider).get(export_url(chamber, kind)).status_code == 404, kind
        assert client_as(request.getfixturevalue(who)).get(export_url(chamber, kind)).status_code == 403, kind
    assert client_as(outsider).get(log_url(chamber)).status_code == 404
    with scope(chamber=chamber):
        assert not ExportRecord.objects.exists()


def test_unknown_list_is_404_and_a_bad_format_a_message(client_as, chamber, roster, admin_user):
    client = client_as(admin_user)
    assert client.get(export_url(chamber, "nothing")).status_code == 404
    response = client.get(export_url(chamber, "members", format="pdf"), follow=True)
    assert response.redirect_chain[-1][0] == log_url(chamber)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    with scope(chamber=chamber):
        assert not ExportRecord.objects.exists()
    anonymous = client_as(admin_user)
    anonymous.logout()
    assert anonymous.get(export_url(chamber, "members")).status_code == 302


def test_background_export_built_by_the_task_then_downloaded(client_as, chamber, roster, admin_user, secretary,
                                                             settings, export_media,
                                                             django_capture_on_commit_callbacks):
    client = client_as(secretary)
    record = background_export(client, chamber, settings, django_capture_on_commit_callbacks, format="xlsx",
                               status="active")
    assert record.in_background and record.status == ExportStatus.READY and record.row_count == 3
    assert record.filters == {"status": "active"} and record.created_by == secretary
    assert record.file and record.finished_at is not None and record.downloaded_at is None
    page = client.get(log_url(chamber)).content.decode()
    download = log_url(chamber, "{}/download/".format(record.pk))
    assert 'data-download="{}"'.format(record.pk) in page and download in page
    response = fetch(client, download)
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "private, no-store"
    rows, _sheet = xlsx_rows(response)
    assert sorted(row[0] for row in rows[1:]) == ["GD-001", "GD-002", "GD-004"]
    with scope(chamber=chamber):
        record.refresh_from_db()
    assert record.downloaded_at is not None
    # The chamber admin may download it too; nobody else.
    assert client_as(admin_user).get(download).status_code == 200


def test_background_csv_export(client_as, chamber, roster, admin_user, settings, export_media,
                               django_capture_on_commit_callbacks):
    client = client_as(admin_user)
    record = background_export(client, chamber, settings, django_capture_on_commit_callbacks, format="csv")
    has_bom, rows = csv_rows(fetch(client, log_url(chamber, "{}/download/".format(record.pk))))
    assert has_bom and len(rows) == 5 and rows[0][0] == "会员编号"
    assert "'=cmd" in str(rows)


def test_another_user_cannot_see_or_download_someones_export(client_as, chamber, roster, admin_user, secretary,
                                                             staff_readonly, outsider, settings, export_media,
                                                             django_capture_on_commit_callbacks):
    record = background_export(client_as(admin_user), chamber, settings, django_capture_on_commit_callbacks)
    for suffix in ("{}/download/", "{}/status/"):
        url = log_url(chamber, suffix.format(record.pk))
        assert client_as(secretary).get(url).status_code == 404
        assert client_as(staff_readonly).get(url).status_code == 404
        assert client_as(outsider).get(url).status_code == 404
    assert 'data-export="{}"'.format(record.pk) not in client_as(secretary).get(log_url(chamber)).content.decode()
    with scope(chamber=chamber):
        assert ExportRecord.objects.get(pk=record.pk).downloaded_at is None


def test_a_creator_who_lost_the_capability_gets_403_on_download(client_as, chamber, roster, secretary, settings,
                                                                 export_media, django_capture_on_commit_callbacks):
    from chamber.models import Role

    record = background_export(client_as(secretary), chamber, settings, django_capture_on_commit_callbacks)
    with scope(chamber=chamber):
        Role.objects.filter(chamber=chamber, user=secretary).update(kind="member_representative")
    assert client_as(secretary).get(log_url(chamber, "{}/download/".format(record.pk))).status_code == 403


def test_build_fails_cleanly_and_runs_once(chamber, roster, representative, admin_user, export_media):
    with scope(chamber=chamber):
        refused = ExportRecord.objects.create(chamber=chamber, kind="members", title="会员名册", file_format="xlsx",
                                              status=ExportStatus.PENDING, in_background=True,
                                              created_by=representative)
        unknown = ExportRecord.objects.create(chamber=chamber, kind="gone", title="?", file_format="csv",
                                              status=ExportStatus.PENDING, in_background=True, created_by=admin_user)
        done = ExportRecord.objects.create(chamber=chamber, kind="members", title="会员名册", file_format="csv",
                                           status=ExportStatus.PENDING, in_background=True, created_by=admin_user)
    export_build(record_id=refused.pk)
    export_build(record_id=unknown.pk)
    assert export_build(record_id=done.pk) == done.pk
    assert export_build(record_id=done.pk) is None  # claimed already: not built twice
    assert export_build(record_id=999999) is None
    with scope(chamber=chamber):
        refused.refresh_from_db()
        unknown.refresh_from_db()
        done.refresh_from_db()
    assert refused.status == ExportStatus.FAILED and refused.failure and not refused.file
    assert unknown.status == ExportStatus.FAILED and "gone" in unknown.failure
    assert done.status == ExportStatus.READY and done.row_count == 4


def test_status_fragment_polls_while_waiting(client_as, chamber, admin_user):
    with scope(chamber=chamber):
        record = ExportRecord.objects.create(chamber=chamber, kind="members", title="会员名册", file_format="xlsx",
                                             status=ExportStatus.RUNNING, in_background=True, row_count=10,
                                             created_by=admin_user)
    url = log_url(chamber, "{}/status/".format(record.pk))
    waiting = client_as(admin_user).get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in waiting and 'data-status="running"' in waiting
    with scope(chamber=chamber):
        ExportRecord.objects.filter(pk=record.pk).update(status=ExportStatus.FAILED, failure="磁盘已满")
    failed = client_as(admin_user).get(url).content.decode()
    assert "hx-trigger" not in failed and "磁盘已满" in failed


def test_cleanup_deletes_old_files_and_gives_up_stuck_exports(chamber, admin_user, export_media, settings):
    now = timezone.now()
    with scope(chamber=chamber):
        old = ExportRecord(chamber=chamber, kind="members", title="会员名册", file_format="csv", in_background=True,
                           status=ExportStatus.READY, row_count=1, created_by=admin_user,
                           finished_at=now - datetime.timedelta(days=settings.EXPORT_KEEP_DAYS + 1))
        old.file.save("old.csv", ContentFile(b"x"), save=True)
        fresh = ExportRecord(chamber=chamber, kind="members", title="会员名册", file_format="csv", in_background=True,
                             status=ExportStatus.READY, row_count=1, created_by=admin_user, finished_at=now)
        fresh.file.save("fresh.csv", ContentFile(b"x"), save=True)
        stuck = ExportRecord.objects.create(chamber=chamber, kind="members", title="会员名册", file_format="csv",
                                            in_background=True, status=ExportStatus.RUNNING, created_by=admin_user,
                                            created_at=now - datetime.timedelta(days=2))
        old_path = old.file.path
    assert export_files_cleanup() == 1
    assert export_files_cleanup() == 0  # idempotent
    with scope(chamber=chamber):
        old.refresh_from_db()
        fresh.refresh_from_db()
        stuck.refresh_from_db()
    assert not old.file and fresh.file and stuck.status == ExportStatus.FAILED
    import os

    assert not os.path.exists(old_path)


def test_log_shows_who_what_rows_and_admins_see_everyone(client_as, chamber, roster, admin_user, staff_readonly):
    fetch(client_as(staff_readonly), export_url(chamber, "members", format="csv", status="lapsed"))
    fetch(client_as(admin_user), export_url(chamber, "members", format="xlsx"))
    everyone = client_as(admin_user).get(log_url(chamber)).content.decode()
    assert everyone.count("<tr data-export=") == 2
    assert "bob" in everyone and "alice" in everyone  # who
    assert "status=lapsed" in everyone  # which filters
    assert ">1</td>" in everyone and ">4</td>" in everyone  # how many rows
    own = client_as(staff_readonly).get(log_url(chamber)).content.decode()
    assert own.count("<tr data-export=") == 1 and "status=lapsed" in own


def test_log_page_query_count(client_as, chamber, admin_user, staff_readonly, django_assert_num_queries):
    client = client_as(admin_user)
    with scope(chamber=chamber):
        for n in range(3):
            ExportRecord.objects.create(chamber=chamber, kind="members", title="会员名册", file_format="csv",
                                        row_count=n, created_by=staff_readonly if n % 2 else admin_user)
    client.get(log_url(chamber))  # warm caches (the layout's per-session lookups)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(log_url(chamber)).status_code == 200
        return len(captured)

    few = count()
    with scope(chamber=chamber):
        for n in range(20):
            ExportRecord.objects.create(chamber=chamber, kind="members", title="会员名册", file_format="xlsx",
                                        row_count=n, created_by=staff_readonly)
    # session, chamber, user, roles; the log's count and its page (who joined); the layout's
    # chamber switcher (the user's chambers: two) and the inbox's unread count.
    assert few == 9
    with django_assert_num_queries(9):
        assert client.get(log_url(chamber)).status_code == 200


def test_filters_kept_are_the_lists_own_without_format_page_or_empties():
    from django.http import QueryDict

    from chamber.interchange.exporting import clean_params

    query = QueryDict("format=csv&page=3&page_size=50&status=active&q=&branch=4&branch=5&" +
                      "&".join("k{}=v".format(n) for n in range(100)))
    kept = clean_params(query)
    assert kept["status"] == "active" and kept["branch"] == ["4", "5"]
    assert not {"format", "page", "page_size", "q"} & set(kept) and len(kept) == 30
    assert clean_params({"x": "a" * 500})["x"] == "a" * 200
