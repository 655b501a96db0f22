"""The import services: upload → (mapping) → check → commit (all / valid) → undo, with a
test-only kind that makes branches (tests/interchange/import_fixtures.py)."""
import gzip

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from branches.models import Branch
from chamber.interchange import importing
from chamber.interchange.importing import (
    import_check,
    import_commit,
    import_discard,
    import_map,
    import_undo,
    import_upload,
    match_headers,
    normalise_header,
)
from chamber.interchange.kinds import RowResult
from chamber.interchange.models import ImportBatch, ImportMode, ImportRow, ImportStatus
from chamber.models import AuditEntry

from .import_fixtures import *  # noqa: F401,F403
from .import_fixtures import TEST_KIND, access_of, csv_bytes, upload, xlsx_bytes

HEADER = ["分会名称*", "编码", "成立日期", "联系手机"]
CLEAN = [HEADER, ["光学分会", "OPT", "2020-01-31", "13800138000"], ["镜头分会", "LENS", "", ""]]
# Row 3: bad date; row 4: a warning only; rows 5 and 6 repeat a code.
MIXED = [HEADER,
         ["光学分会", "OPT", "2020-01-31", "13800138000"],
         ["镜头分会", "LENS", "2020-13-45", ""],
         ["激光分会", "", "", "1380013"],
         ["光纤分会", "FIB", "", ""],
         ["光缆分会二部", "FIB", "", ""]]


def go(chamber, user, rows, *, name="roster.xlsx", options=None, data=None):
    with scope(chamber=chamber):
        return import_upload(chamber=chamber, actor=user, access=access_of(chamber, user), kind=TEST_KIND,
                             file=upload(data if data is not None else xlsx_bytes(rows), name), options=options)


def rows_of(batch):
    with scopes_disabled():
        return {r.number: r for r in ImportRow.objects.filter(batch=batch)}


def count(queryset_of):
    """Counts outside a request: the test looks across the scope on purpose."""
    with scopes_disabled():
        return queryset_of().count()


def branch_names(chamber):
    with scope(chamber=chamber):
        return set(Branch.objects.filter(chamber=chamber).values_list("name", flat=True))


def test_header_normalisation():
    assert normalise_header(" 分会名称 * ") == normalise_header("分会名称（必填）") == "分会名称"
    assert normalise_header("*分会　名称") == "分会名称"  # full-width space and a leading star
    assert normalise_header("ＣＯＤＥ") == "code"


def test_headers_match_by_header_or_alias(test_kind):
    mapping = match_headers(test_kind, ["名称", "Code", "", "手机", "名称"])
    # The second 名称 would fill a column already taken: left for the user to decide.
    assert mapping == {"0": "name", "1": "code", "2": "", "3": "mobile"}


def test_clean_file_is_checked_in_the_request(test_kind, chamber, admin_user):
    batch = go(chamber, admin_user, CLEAN)
    assert batch.status == ImportStatus.CHECKED and batch.file_format == "xlsx"
    assert (batch.total_rows, batch.error_rows, batch.warning_rows, batch.progress_done) == (2, 0, 0, 2)
    assert rows_of(batch)[2].values == {"name": "光学分会", "code": "OPT", "founded": "2020-01-31",
                                        "mobile": "13800138000"}
    assert "光学分会" not in branch_names(chamber)  # nothing imported before the commit


def test_errors_and_warnings_per_row_and_cell(test_kind, chamber, admin_user):
    batch = go(chamber, admin_user, MIXED)
    rows = rows_of(batch)
    assert (batch.total_rows, batch.error_rows, batch.warning_rows) == (5, 3, 1)
    assert rows[2].status == "valid" and rows[2].errors == {}
    assert list(rows[3].errors) == ["founded"] and rows[3].status == "error"
    assert rows[4].status == "warning" and rows[4].warnings == {"mobile": ["手机号码不是11位。"]}
    # Repeats within the file: both rows get the error, each naming the other.
    assert "6" in rows[5].errors["code"][0] and "5" in rows[6].errors["code"][0]


def test_csv_in_gbk_is_read_and_its_encoding_kept(test_kind, chamber, admin_user):
    batch = go(chamber, admin_user, None, name="roster.csv", data=csv_bytes(CLEAN, "gbk"))
    assert (batch.status, batch.file_format, batch.encoding) == ("checked", "csv", "gb18030")
    assert rows_of(batch)[3].values["name"] == "镜头分会"


def test_unreadable_file_keeps_nothing(test_kind, chamber, admin_user):
    with pytest.raises(ValidationError):
        go(chamber, admin_user, None, data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with pytest.raises(ValidationError):
        go(chamber, admin_user, [HEADER])  # a header but no rows
    assert count(ImportBatch.objects.all) == 0 and count(ImportRow.objects.all) == 0


def test_unknown_header_goes_to_the_mapping_step(test_kind, chamber, admin_user):
    batch = go(chamber, admin_user, [["单位", "编码", "备注"], ["光学分会", "OPT", "x"]])
    assert batch.status == ImportStatus.MAPPING and rows_of(batch) == {}
    access = access_of(chamber, admin_user)
    with scope(chamber=chamber):
        with pytest.raises(ValidationError):  # one column of the import for two of the file
            import_map(batch=batch, actor=admin_user, access=access, mapping={"0": "name", "1": "name", "2": ""})
        with pytest.raises(ValidationError):  # the required name left out
            import_map(batch=batch, actor=admin_user, access=access, mapping={"0": "", "1": "code", "2": ""})
        batch = import_map(batch=batch, actor=admin_user, access=access, mapping={"0": "name", "1": "code", "2": ""})
    assert batch.status == ImportStatus.CHECKED
    assert rows_of(batch)[2].values == {"name": "光学分会", "code": "OPT"}


def test_import_all_is_refused_while_rows_have_errors(test_kind, chamber, admin_user):
    batch = go(chamber, admin_user, MIXED)
    with scope(chamber=chamber), pytest.raises(ValidationError):
        import_commit(batch=batch, actor=admin_user, access=access_of(chamber, admin_user), mode=ImportMode.ALL)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED and "光学分会" not in branch_names(chamber)


def test_import_only_the_valid_rows(test_kind, chamber, admin_user):
    batch = go(chamber, admin_user, MIXED)
    with scope(chamber=chamber):
        batch = import_commit(batch=batch, actor=admin_user, access=access_of(chamber, admin_user),
                              mode=ImportMode.VALID)
    assert batch.status == ImportStatus.IMPORTED and batch.imported_rows == 2
    assert batch.imported_by == admin_user and batch.imported_at
    assert {"光学分会", "激光分会"} <= branch_names(chamber)
    assert not {"镜头分会", "光纤分会", "光缆分会二部"} & branch_names(chamber)
    rows = rows_of(batch)
    assert rows[2].status == "imported" and rows[2].undo[0]["branch"]
    assert rows[3].status == "skipped" and rows[3].undo == []
    assert count(lambda: AuditEntry.objects.filter(action="import", target_id=str(batch.pk))) == 1


def test_import_all_of_a_clean_file_then_undo(test_kind, chamber, admin_user):
    before = branch_names(chamber)
    batch = go(chamber, admin_user, CLEAN)
    access = access_of(chamber, admin_user)
    with scope(chamber=chamber):
        batch = import_commit(batch=batch, actor=admin_user, access=access, mode=ImportMode.ALL)
        assert batch.imported_rows == 2 and branch_names(chamber) == before | {"光学分会", "镜头分会"}
        batch = import_undo(batch=batch, actor=admin_user, access=access)
    assert batch.status == ImportStatus.UNDONE and batch.undone_by == admin_user
    assert branch_names(chamber) == before
    assert {r.status for r in rows_of(batch).values()} == {"undone"}
    with scope(chamber=chamber), pytest.raises(ValidationError):  # once only
        import_undo(batch=batch, actor=admin_user, access=access)


def test_undo_refused_by_the_kind_changes_nothing(test_kind, chamber, admin_user):
    from branches.services import branch_create

    batch = go(chamber, admin_user, CLEAN)
    access = access_of(chamber, admin_user)
    with scope(chamber=chamber):
        batch = import_commit(batch=batch, actor=admin_user, access=access, mode=ImportMode.ALL)
        branch_create(chamber=chamber, actor=None, name="光学分会一组", kind="committee",
                      parent=Branch.objects.get(chamber=chamber, name="光学分会"))
        with pytest.raises(ValidationError) as caught:
            import_undo(batch=batch, actor=admin_user, access=access)
    assert "无法撤销" in caught.value.messages[0]
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED and {"光学分会", "镜头分会"} <= branch_names(chamber)


def test_data_changed_since_the_preview_fails_import_all_entirely(test_kind, chamber, admin_user):
    from branches.services import branch_create

    batch = go(chamber, admin_user, CLEAN)
    with scope(chamber=chamber):
        branch_create(chamber=chamber, actor=None, name="镜头分会", kind="branch")  # row 3 now clashes
        batch = import_commit(batch=batch, actor=admin_user, access=access_of(chamber, admin_user),
                              mode=ImportMode.ALL)
    assert batch.status == ImportStatus.FAILED and "3" in batch.failure
    assert "光学分会" not in branch_names(chamber)  # row 2 was rolled back with the rest
    assert not [r for r in rows_of(batch).values() if r.status == "imported"]


def test_data_changed_since_the_preview_skips_that_row_when_importing_valid_rows(test_kind, chamber, admin_user):
    from branches.services import branch_create

    batch = go(chamber, admin_user, MIXED)
    with scope(chamber=chamber):
        branch_create(chamber=chamber, actor=None, name="激光分会", kind="branch")  # row 4 now clashes
        batch = import_commit(batch=batch, actor=admin_user, access=access_of(chamber, admin_user),
                              mode=ImportMode.VALID)
    assert batch.status == ImportStatus.IMPORTED and batch.imported_rows == 1
    row = rows_of(batch)[4]
    assert row.status == "skipped" and row.errors["name"] == ["已有同名分会：激光分会"]
    assert batch.error_rows == 4


def test_a_batch_is_committed_once(test_kind, chamber, admin_user):
    batch = go(chamber, admin_user, CLEAN)
    with scopes_disabled():
        stale = ImportBatch.objects.get(pk=batch.pk)  # a second click with the page's old state
    access = access_of(chamber, admin_user)
    with scope(chamber=chamber):
        import_commit(batch=batch, actor=admin_user, access=access, mode=ImportMode.ALL)
        with pytest.raises(ValidationError):
            import_commit(batch=stale, actor=admin_user, access=access, mode=ImportMode.ALL)
        assert Branch.objects.filter(chamber=chamber, name="光学分会").count() == 1


def test_large_file_is_checked_and_imported_by_the_worker(test_kind, chamber, admin_user, settings, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    """The worker's task runs eagerly in tests; on_commit callbacks are run by hand."""
    settings.IMPORT_BACKGROUND_ROWS = 10
    monkeypatch.setattr(importing, "PROGRESS_STEP", 5)
    rows = [HEADER] + [["分会{}".format(i), "C{}".format(i), "", ""] for i in range(23)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = go(chamber, admin_user, rows)
    assert batch.status == ImportStatus.CHECKING and batch.progress_done == 0  # not checked in the request
    assert len(callbacks) == 1
    with CaptureQueriesContext(connection) as queries:
        callbacks[0]()  # sends the task, which runs eagerly in tests
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED and batch.progress_done == batch.total_rows == 23
    # The progress bar moved on the way: an UPDATE of progress_done every 5 rows (5, 10, 15, 20).
    progress = [q for q in queries.captured_queries
                if q["sql"].startswith("UPDATE") and "progress_done" in q["sql"] and "checked_at" not in q["sql"]]
    assert len(progress) == 4

    with scope(chamber=chamber), django_capture_on_commit_callbacks(execute=True):
        batch = import_commit(batch=batch, actor=admin_user, access=access_of(chamber, admin_user),
                              mode=ImportMode.ALL)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED and batch.imported_rows == 23 and batch.progress_done == 23
    assert "分会22" in branch_names(chamber)


def test_check_task_run_twice_keeps_one_set_of_rows(test_kind, chamber, admin_user):
    batch = go(chamber, admin_user, CLEAN)
    with scopes_disabled():
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING)  # a redelivered task
    import_check(batch.pk)
    assert len(rows_of(batch)) == 2


def test_discard(test_kind, chamber, admin_user, private_media):
    batch = go(chamber, admin_user, MIXED)
    stored = private_media / batch.file.name
    assert stored.exists()
    access = access_of(chamber, admin_user)
    with scope(chamber=chamber):
        batch = import_discard(batch=batch, actor=admin_user, access=access)
        assert batch.status == ImportStatus.DISCARDED
        assert rows_of(batch) == {}
        with pytest.raises(ValidationError):
            import_commit(batch=batch, actor=admin_user, access=access, mode=ImportMode.VALID)


def test_options_form_only_offers_this_chambers_rows(test_kind, chamber, other_chamber, admin_user, branch_cable):
    with scope(chamber=other_chamber):
        foreign = Branch.objects.create(chamber=other_chamber, name="外会分会", kind="branch", path="x/")
    with pytest.raises(ValidationError) as caught:
        go(chamber, admin_user, CLEAN, options={"parent": str(foreign.pk)})
    assert "parent" in caught.value.error_dict
    batch = go(chamber, admin_user, CLEAN, options={"parent": str(branch_cable.pk)})
    assert batch.options == {"parent": branch_cable.pk}
    with scope(chamber=chamber):
        import_commit(batch=batch, actor=admin_user, access=access_of(chamber, admin_user), mode=ImportMode.ALL)
        assert Branch.objects.get(chamber=chamber, name="光学分会").parent == branch_cable


def test_users_without_the_capability_at_the_root_are_refused(test_kind, chamber, admin_user, staff_readonly,
                                                              branch_secretary):
    for user in (staff_readonly, branch_secretary):
        with pytest.raises(PermissionDenied):
            go(chamber, user, CLEAN)
    batch = go(chamber, admin_user, CLEAN)
    with scope(chamber=chamber), pytest.raises(PermissionDenied):
        import_commit(batch=batch, actor=staff_readonly, access=access_of(chamber, staff_readonly),
                      mode=ImportMode.ALL)


@pytest.fixture
def bulk_kind(test_kind, monkeypatch):
    """The test kind with `apply_rows`: checks the whole chunk first, then applies it."""
    calls = []

    def apply_rows(values_list, context, *, actor):
        calls.append(len(values_list))
        for values in values_list:
            result = RowResult()
            test_kind.check_row(values, context, result)
            if result.errors:
                raise ValidationError("a row fails")
        return [test_kind.apply_row(values, context, actor=actor) for values in values_list]

    monkeypatch.setattr(test_kind, "apply_rows", apply_rows, raising=False)
    return calls


def test_a_kind_may_apply_a_chunk_at_once(bulk_kind, chamber, admin_user):
    batch = go(chamber, admin_user, CLEAN)
    with scope(chamber=chamber):
        batch = import_commit(batch=batch, actor=admin_user, access=access_of(chamber, admin_user),
                              mode=ImportMode.ALL)
    assert bulk_kind == [2] and batch.imported_rows == 2
    assert all(r.undo for r in rows_of(batch).values())


def test_a_refused_chunk_goes_row_by_row(bulk_kind, chamber, admin_user):
    from branches.services import branch_create

    batch = go(chamber, admin_user, MIXED)
    with scope(chamber=chamber):
        branch_create(chamber=chamber, actor=None, name="激光分会", kind="branch")  # row 4 now clashes
        batch = import_commit(batch=batch, actor=admin_user, access=access_of(chamber, admin_user),
                              mode=ImportMode.VALID)
    assert bulk_kind == [2] and batch.imported_rows == 1
    assert rows_of(batch)[2].status == "imported" and rows_of(batch)[4].status == "skipped"
    assert "光学分会" in branch_names(chamber)


# --- end to end with the real members kind (members/imports/) ------------------------------------

def test_members_file_end_to_end(private_media, chamber, member, branches, admin_user):
    from chamber.interchange.kinds import import_kinds
    from members.models import Membership

    from ..factories import make_uscc

    assert "members" in import_kinds()
    good, bad = make_uscc(200001), make_uscc(200002)
    rows = [
        ["会员名称*", "统一社会信用代码", "会员等级", "所属分会", "会员编号", "入会日期", "联系人", "手机"],
        ["苏州新光科技有限公司", good, "副会长单位", "光缆分会", "GD-101", "2024-03-01", "王五", "13912345678"],
        ["苏州坏码有限公司", bad[:-1] + ("0" if bad[-1] != "0" else "1"), "", "", "", "", "", ""],
        ["苏州无会有限公司", make_uscc(200003), "", "不存在分会", "", "", "", ""],
        ["苏州光电缆有限公司", member.enterprise.uscc, "", "", "", "", "", ""],
        ["苏州甲有限公司", make_uscc(200004), "", "", "GD-200", "", "", ""],
        ["苏州乙有限公司", make_uscc(200005), "", "", "GD-200", "", "", ""],
    ]
    with scopes_disabled():
        before = Membership.objects.filter(chamber=chamber).count()
    batch = go_kind(chamber, admin_user, "members", rows)
    found = rows_of(batch)
    assert batch.status == ImportStatus.CHECKED and batch.error_rows == 5
    assert found[2].status in ("valid", "warning")
    assert "uscc" in found[3].errors and "branches" in found[4].errors and "uscc" in found[5].errors
    assert "member_number" in found[6].errors and "member_number" in found[7].errors
    access = access_of(chamber, admin_user)
    with scope(chamber=chamber):
        with pytest.raises(ValidationError):
            import_commit(batch=batch, actor=admin_user, access=access, mode=ImportMode.ALL)
        batch = import_commit(batch=batch, actor=admin_user, access=access, mode=ImportMode.VALID)
        assert batch.imported_rows == 1
        made = Membership.objects.get(chamber=chamber, enterprise__uscc=good)
        assert made.rank.name == "副会长单位" and made.member_number == "GD-101"
        assert Membership.objects.filter(chamber=chamber).count() == before + 1
        import_undo(batch=batch, actor=admin_user, access=access)
        assert Membership.objects.filter(chamber=chamber).count() == before


def go_kind(chamber, user, kind, rows):
    with scope(chamber=chamber):
        return import_upload(chamber=chamber, actor=user, access=access_of(chamber, user), kind=kind,
                             file=upload(xlsx_bytes(rows)))


def _kept(private_media, batch):
    return private_media / (batch.file.name + importing._KEPT_ROWS)


def test_worker_checks_the_rows_the_upload_read(test_kind, chamber, admin_user, settings, monkeypatch,
                                                 private_media, django_capture_on_commit_callbacks):
    """The upload reads the file (to refuse a bad one at once) and keeps the rows; the
    worker checks those rather than parsing the workbook again, then drops them."""
    settings.IMPORT_BACKGROUND_ROWS = 10
    rows = [HEADER] + [["分会{}".format(i), "C{}".format(i), "", ""] for i in range(23)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = go(chamber, admin_user, rows)
    assert _kept(private_media, batch).exists()

    def read_again(_data):
        raise AssertionError("the worker parsed the file again")

    monkeypatch.setattr(importing, "read_bytes", read_again)
    callbacks[0]()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED and batch.total_rows == 23
    assert rows_of(batch)[24].values["name"] == "分会22"
    assert not _kept(private_media, batch).exists()


@pytest.mark.parametrize("spoil", [lambda path: path.unlink(), lambda path: path.write_bytes(b"\x1f\x8b garbage"),
                                   lambda path: path.write_bytes(gzip.compress(b'{"rows": 1}'))],
                         ids=["missing", "not-gzip", "wrong-shape"])
def test_worker_reads_the_file_when_the_kept_rows_are_unusable(spoil, test_kind, chamber, admin_user, settings,
                                                               private_media, django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_ROWS = 1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = go(chamber, admin_user, CLEAN)
    spoil(_kept(private_media, batch))
    callbacks[0]()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED and rows_of(batch)[3].values["name"] == "镜头分会"


def test_rows_are_kept_for_the_mapping_step_and_go_with_a_discard(test_kind, chamber, admin_user, private_media,
                                                                  django_capture_on_commit_callbacks):
    small = go(chamber, admin_user, CLEAN)  # checked in the request: nothing kept
    assert small.status == ImportStatus.CHECKED and not _kept(private_media, small).exists()
    batch = go(chamber, admin_user, [["单位", "编码"], ["光学分会", "OPT"]])
    assert batch.status == ImportStatus.MAPPING and _kept(private_media, batch).exists()
    with scope(chamber=chamber), django_capture_on_commit_callbacks(execute=True):
        import_discard(batch=batch, actor=admin_user, access=access_of(chamber, admin_user))
    assert not _kept(private_media, batch).exists() and not (private_media / batch.file.name).exists()
