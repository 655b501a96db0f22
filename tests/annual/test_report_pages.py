"""The annual report's pages (eager Celery): the report on screen with what is not recorded,
the PDF printed by the task and served only while its figures hold, the workbook, the
federation's batch of its chambers' reports; outsiders get 404, read-only staff 403 on
writes, branch-limited roles 403."""
import datetime
import io
import os
import zipfile

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from chamber.annual import generation
from chamber.annual.models import AnnualReport, WorkRecord
from chamber.models import AuditEntry, DocumentBatch, DocumentBatchKind, DocumentBatchStatus
from members.models import MembershipKind, MembershipStatus, Rank
from members.services import enterprise_create, membership_create
from tests.documents.pdf import pdf_text

from ..factories import make_uscc

YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _url(name, chamber, **kwargs):
    return reverse("annual:" + name, kwargs={"chamber": chamber.slug, **kwargs})


def _print(client, chamber, django_capture_on_commit_callbacks, year=YEAR):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("generate", chamber, year=year))
    assert response.status_code == 302
    with scope(chamber=chamber):
        return AnnualReport.objects.get(chamber=chamber, year=year)


def _add_member(chamber, name, serial):
    with scope(chamber=chamber):
        enterprise = enterprise_create(chamber=chamber, actor=None, name=name, uscc=make_uscc(serial, "320500"))
        return membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=enterprise,
                                 rank=Rank.objects.get(chamber=chamber, code="member"),
                                 status=MembershipStatus.ACTIVE, joined_on=timezone.localdate())


# --- who may do what -------------------------------------------------------------------------------


@pytest.mark.parametrize("name, method", [
    ("index", "get"), ("report", "get"), ("status", "get"), ("pdf", "get"), ("xlsx", "get"), ("generate", "post"),
])
def test_another_chambers_user_gets_404_everywhere(chamber, outsider, name, method):
    kwargs = {} if name == "index" else {"year": YEAR}
    response = getattr(_client(outsider), method)(_url(name, chamber, **kwargs))
    assert response.status_code == 404


def test_read_only_staff_read_the_report_but_cannot_print_it(chamber, staff_readonly):
    client = _client(staff_readonly)
    page = client.get(_url("report", chamber, year=YEAR))
    assert page.status_code == 200
    assert b'id="report-generate"' not in page.content
    assert client.post(_url("generate", chamber, year=YEAR)).status_code == 403
    with scope(chamber=chamber):
        assert not AnnualReport.objects.filter(chamber=chamber).exists()


def test_a_branch_secretary_gets_403_since_the_report_counts_the_whole_chamber(chamber, branch_secretary):
    assert _client(branch_secretary).get(_url("report", chamber, year=YEAR)).status_code == 403


@pytest.mark.parametrize("name, method", [
    ("status", "get"), ("pdf", "get"), ("xlsx", "get"), ("generate", "post"),
])
def test_a_branch_secretary_gets_403_on_every_report_page(chamber, branch_secretary, name, method):
    assert getattr(_client(branch_secretary), method)(_url(name, chamber, year=YEAR)).status_code == 403


@pytest.mark.parametrize("year", [1999, 2101])
def test_a_year_out_of_range_is_404(chamber, admin_user, year):
    assert _client(admin_user).get(_url("report", chamber, year=year)).status_code == 404


def test_the_index_opens_this_years_report(chamber, admin_user):
    response = _client(admin_user).get(_url("index", chamber))
    assert response.status_code == 200
    assert response.context["year"] == YEAR and response.context["figures"]["year"] == YEAR


# --- the report on screen --------------------------------------------------------------------------


def test_the_page_shows_all_17_indicators_and_marks_what_is_not_recorded(chamber, admin_user, member):
    page = _client(admin_user).get(_url("report", chamber, year=YEAR))
    html = page.content.decode()
    assert html.count("data-indicator=") == 17
    # Nothing was entered in the work records: research reports cannot be answered.
    research = html[html.index('data-indicator="research"'):]
    research = research[:research.index("</tr>")]
    assert "未记录" in research
    assert 'id="members-total">1<' in html  # the fixture's one active member


def test_confirming_none_turns_not_recorded_into_0(chamber, admin_user):
    with scope(chamber=chamber):
        AnnualReport.objects.create(chamber=chamber, year=YEAR, none_confirmed=["research_report"])
    html = _client(admin_user).get(_url("report", chamber, year=YEAR)).content.decode()
    research = html[html.index('data-indicator="research"'):]
    research = research[:research.index("</tr>")]
    assert "未记录" not in research


# --- the PDF ---------------------------------------------------------------------------------------


def test_printing_stores_the_pdf_and_the_page_offers_it(chamber, admin_user, member,
                                                         django_capture_on_commit_callbacks):
    client = _client(admin_user)
    report = _print(client, chamber, django_capture_on_commit_callbacks)
    assert report.pdf and report.pdf_digest and report.render_requested_at is None  # asked and answered
    page = client.get(_url("report", chamber, year=YEAR)).content.decode()
    assert 'id="report-pdf"' in page
    response = client.get(_url("pdf", chamber, year=YEAR))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert chamber.name in text
    with scope(chamber=chamber):
        assert AuditEntry.objects.filter(chamber=chamber, action="render", target_type="chamber.annualreport").exists()


def test_a_change_in_the_data_retires_the_printed_pdf(chamber, admin_user, member,
                                                       django_capture_on_commit_callbacks):
    client = _client(admin_user)
    first = _print(client, chamber, django_capture_on_commit_callbacks)
    _add_member(chamber, "苏州新加入光电有限公司", 880001)
    page = client.get(_url("report", chamber, year=YEAR)).content.decode()
    assert "report-pdf" not in page and "不再与数据一致" in page
    response = client.get(_url("pdf", chamber, year=YEAR))
    assert response.status_code == 302  # back to the page, with a message, never the stale file
    second = _print(client, chamber, django_capture_on_commit_callbacks)
    assert second.pdf_digest != first.pdf_digest
    assert not first.pdf.storage.exists(first.pdf.name), "the stale PDF is dropped"
    assert client.get(_url("pdf", chamber, year=YEAR)).status_code == 200


def test_printing_again_without_a_change_reuses_the_file(chamber, admin_user, member,
                                                         django_capture_on_commit_callbacks, monkeypatch):
    client = _client(admin_user)
    first = _print(client, chamber, django_capture_on_commit_callbacks)
    from chamber.annual import document

    def must_not_render(figures):
        raise AssertionError("rendered again although nothing changed")

    monkeypatch.setattr(document, "report_pdf", must_not_render)
    second = _print(client, chamber, django_capture_on_commit_callbacks)
    assert (second.pdf.name, second.pdf_rendered_at) == (first.pdf.name, first.pdf_rendered_at)
    # The request was answered: the page does not wait for ever and offers the file.
    page = client.get(_url("report", chamber, year=YEAR)).content.decode()
    assert 'data-state="idle"' in page and 'id="report-pdf"' in page and 'id="report-generate"' in page


def test_a_render_from_a_stale_row_leaves_one_file(chamber, admin_user, member,
                                                   django_capture_on_commit_callbacks):
    """A batch holds a report row loaded before the user printed; when it gets to the report
    the data has moved: its print replaces the user's and no file is left behind."""
    client = _client(admin_user)
    with scope(chamber=chamber):
        stale = AnnualReport.objects.create(chamber=chamber, year=YEAR)
    first = _print(client, chamber, django_capture_on_commit_callbacks)
    _add_member(chamber, "苏州后来光电有限公司", 880002)
    with scope(chamber=chamber), django_capture_on_commit_callbacks(execute=True):
        generation.annual_report_render(stale)
    with scope(chamber=chamber):
        row = AnnualReport.objects.get(pk=first.pk)
    assert row.pdf_digest != first.pdf_digest
    folder = os.path.dirname(row.pdf.path)
    assert os.listdir(folder) == [os.path.basename(row.pdf.path)]


def test_printing_the_same_figures_twice_keeps_the_first_file(chamber, admin_user, member,
                                                              django_capture_on_commit_callbacks):
    with scope(chamber=chamber):
        one = AnnualReport.objects.create(chamber=chamber, year=YEAR)
        two = AnnualReport.objects.get(pk=one.pk)  # a second copy of the row, as a second worker has
        two.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            generation.annual_report_render(one)
        stored = AnnualReport.objects.get(pk=one.pk).pdf.name
        # The second print found the figures printed already: it reads the file, writes none.
        with django_capture_on_commit_callbacks(execute=True):
            generation.annual_report_render(two)
        assert AnnualReport.objects.get(pk=one.pk).pdf.name == stored
    assert os.listdir(os.path.dirname(two.pdf.path)) == [os.path.basename(stored)]


def test_a_print_nobody_answered_stops_the_waiting(chamber, admin_user):
    with scope(chamber=chamber):
        AnnualReport.objects.create(chamber=chamber, year=YEAR,
                                    render_requested_at=timezone.now() - datetime.timedelta(minutes=20))
    page = _client(admin_user).get(_url("report", chamber, year=YEAR)).content.decode()
    assert 'data-state="lost"' in page and 'id="report-generate"' in page
    assert "hx-trigger" not in page


def test_user_text_is_printed_as_text(chamber, admin_user, member, django_capture_on_commit_callbacks):
    with scope(chamber=chamber):
        WorkRecord.objects.create(chamber=chamber, kind="publicity", medium="newspaper",
                                  occurred_on=datetime.date(YEAR, 1, 1), title="<b>商会</b>报道<script>x</script>")
    client = _client(admin_user)
    html = client.get(_url("report", chamber, year=YEAR)).content.decode()
    assert "&lt;b&gt;商会&lt;/b&gt;报道&lt;script&gt;" in html and "<script>x" not in html
    _print(client, chamber, django_capture_on_commit_callbacks)
    text = pdf_text(b"".join(client.get(_url("pdf", chamber, year=YEAR)).streaming_content))
    assert "<b>商会</b>报道" in text


def test_a_failed_print_says_why_on_the_page(chamber, admin_user, member, django_capture_on_commit_callbacks,
                                             monkeypatch):
    from chamber.annual import document

    def broken(figures):
        raise RuntimeError("font gone")

    monkeypatch.setattr(document, "report_pdf", broken)
    client = _client(admin_user)
    report = _print(client, chamber, django_capture_on_commit_callbacks)
    assert not report.pdf and "RuntimeError" in report.render_failure
    page = client.get(_url("report", chamber, year=YEAR)).content.decode()
    assert 'data-state="failed"' in page
    status = client.get(_url("status", chamber, year=YEAR)).content.decode()
    assert "hx-trigger" not in status  # nothing to wait for


def test_the_status_fragment_polls_while_a_worker_prints(chamber, admin_user):
    with scope(chamber=chamber):
        AnnualReport.objects.create(chamber=chamber, year=YEAR, render_requested_at=timezone.now())
    status = _client(admin_user).get(_url("status", chamber, year=YEAR)).content.decode()
    assert 'data-state="waiting"' in status and "every 2s" in status


def test_the_digest_follows_the_language_and_the_layout(chamber, member, monkeypatch):
    with scope(chamber=chamber):
        figures, digest = generation.report_figures(chamber=chamber, year=YEAR)
    assert digest == generation.figures_digest(figures, "zh-hans")
    assert generation.figures_digest(figures, "en") != digest
    monkeypatch.setattr(generation, "layout_version", lambda: "another layout")
    assert generation.figures_digest(figures, "zh-hans") != digest


def test_a_reader_in_english_gets_the_chinese_pdf_and_keeps_it_current(chamber, admin_user, member,
                                                                       django_capture_on_commit_callbacks):
    client = _client(admin_user)
    client.cookies["django_language"] = "en"
    report = _print(client, chamber, django_capture_on_commit_callbacks)
    page = client.get(_url("report", chamber, year=YEAR)).content.decode()
    assert 'id="report-pdf"' in page  # not "out of date" because the reader's language differs
    assert "Not recorded" in page  # the page itself speaks the reader's language
    with report.pdf.open("rb") as handle:
        assert "年度" in pdf_text(handle.read())


# --- the workbook ----------------------------------------------------------------------------------


def test_the_workbook_has_the_17_indicators_and_is_logged(chamber, staff_readonly, member):
    response = _client(staff_readonly).get(_url("xlsx", chamber, year=YEAR))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    numbers = {row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True) if row[0]}
    assert set(range(1, 18)) <= numbers
    with scope(chamber=chamber):
        assert AuditEntry.objects.filter(chamber=chamber, action="export", actor=staff_readonly).exists()


# --- the federation's batch ------------------------------------------------------------------------


def test_a_federation_prints_every_chambers_report_as_one_zip(federation, affiliate, other_chamber, fed_admin,
                                                              django_capture_on_commit_callbacks):
    from chamber.models import ChamberKind, ChamberStatus
    from chamber.services import chamber_create

    with scopes_disabled():
        # Under a lower federation: printed too. Dissolved, or nobody's: not printed.
        district = chamber_create(actor=None, name="江宁区工商联", slug="jn-fed", kind=ChamberKind.FEDERATION,
                                  division_code="320115", supervising_federation=federation)
        street = chamber_create(actor=None, name="秣陵街道商会", slug="ml-street", kind=ChamberKind.TOWNSHIP,
                                division_code="320115", supervising_federation=district)
        gone = chamber_create(actor=None, name="已注销商会", slug="gone", kind=ChamberKind.TOWNSHIP,
                              division_code="320115", supervising_federation=federation)
        gone.status = ChamberStatus.DISSOLVED
        gone.save()
    client = _client(fed_admin)
    page = client.get(_url("affiliates", federation, year=YEAR))
    assert page.status_code == 200
    assert affiliate.name in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("affiliates", federation, year=YEAR))
    assert response.status_code == 302
    with scope(chamber=federation):
        batch = DocumentBatch.objects.get(chamber=federation, kind=DocumentBatchKind.ANNUAL_REPORTS)
        assert batch.status == DocumentBatchStatus.READY and batch.done == batch.total == 4
        with batch.zip_file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
            names = archive.namelist()
            texts = {name: pdf_text(archive.read(name)) for name in names}
    assert sorted(names) == sorted("{}_{}年度报告.pdf".format(c.name, YEAR)
                                   for c in (federation, affiliate, district, street))
    affiliate_pdf = next(text for name, text in texts.items() if affiliate.name in name)
    assert affiliate.name in affiliate_pdf
    with scopes_disabled():
        # The affiliate's report is the affiliate's row, printed and cached there.
        report = AnnualReport.objects.get(chamber=affiliate, year=YEAR)
        assert report.pdf and report.pdf_digest
    detail = client.get(reverse("document_batches:detail", kwargs={"chamber": federation.slug, "pk": batch.pk}))
    assert affiliate.name in detail.content.decode()


def test_only_a_federation_has_the_batch_page(chamber, admin_user):
    assert _client(admin_user).get(_url("affiliates", chamber, year=YEAR)).status_code == 404


def test_federation_read_only_staff_see_but_cannot_print(federation, affiliate, fed_readonly):
    client = _client(fed_readonly)
    assert client.get(_url("affiliates", federation, year=YEAR)).status_code == 200
    assert client.post(_url("affiliates", federation, year=YEAR)).status_code == 403
    with scopes_disabled():
        assert not DocumentBatch.objects.exists()


def test_a_supervised_chamber_cannot_open_its_federations_batch_page(federation, affiliate, affiliate_admin):
    assert _client(affiliate_admin).get(_url("affiliates", federation, year=YEAR)).status_code == 404


def test_a_federation_with_no_chamber_under_it_is_told_so(federation, fed_admin):
    client = _client(fed_admin)
    response = client.post(_url("affiliates", federation, year=YEAR), follow=True)
    assert "没有" in response.content.decode() or "No chamber" in response.content.decode()
    with scopes_disabled():
        assert not DocumentBatch.objects.exists() and not AnnualReport.objects.exists()


def test_work_records_reach_the_report(chamber, admin_user):
    with scope(chamber=chamber):
        WorkRecord.objects.create(chamber=chamber, kind="research_report", occurred_on=datetime.date(YEAR, 1, 1),
                                  title="关于优化营商环境的调研报告", achieved=True)
    html = _client(admin_user).get(_url("report", chamber, year=YEAR)).content.decode()
    research = html[html.index('data-indicator="research"'):]
    research = research[:research.index("</tr>")]
    assert "关于优化营商环境的调研报告" in research and "未记录" not in research


def test_one_chamber_that_cannot_be_printed_does_not_sink_the_batch(federation, affiliate, fed_admin, monkeypatch,
                                                                    django_capture_on_commit_callbacks):
    from chamber.annual import document

    real = document.report_pdf

    def fails_for_the_affiliate(figures):
        if figures["chamber"]["name"] == affiliate.name:
            raise RuntimeError("broken logo")
        return real(figures)

    monkeypatch.setattr(document, "report_pdf", fails_for_the_affiliate)
    with django_capture_on_commit_callbacks(execute=True):
        _client(fed_admin).post(_url("affiliates", federation, year=YEAR))
    with scope(chamber=federation):
        batch = DocumentBatch.objects.get(chamber=federation)
        assert batch.status == DocumentBatchStatus.READY
        with batch.zip_file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
            names = archive.namelist()
            listed = [archive.read(n).decode() for n in names if n.endswith(".txt")]
    assert "{}_{}年度报告.pdf".format(federation.name, YEAR) in names
    assert len(listed) == 1 and affiliate.name in listed[0]
    with scopes_disabled():
        assert "RuntimeError" in AnnualReport.objects.get(chamber=affiliate, year=YEAR).render_failure
    page = _client(fed_admin).get(_url("affiliates", federation, year=YEAR)).content.decode()
    assert "RuntimeError" in page
