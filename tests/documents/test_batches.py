"""Document batches (eager Celery): every certificate of a campaign rendered into one zip,
with progress that moves while the worker renders; a redelivered or duplicate task does
not duplicate anything; the pages answer 404 to outsiders and 403 to read-only staff."""
import datetime
import io
import zipfile

import pytest
from django.test import Client
from django_scopes import scope
from pypdf import PdfReader

from chamber.access import access_for_user
from chamber.documents import batches as batches_module
from chamber.documents.batches import batch_create_for_campaign, batch_render
from chamber.models import Certificate, DocumentBatch, DocumentBatchStatus
from evaluations.models import Rating, RatingStatus


AWARDED = datetime.date(2026, 12, 20)
SUBJECTS = ("fuzimiao", "jiangdong", "catering")


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Certificates and zips go to a folder of this test (what it lists is its own)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _text(data):
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def ratings(federation, fed_branches, campaign, star_version):
    """Three ratings the campaign awarded, and one it awarded that was revoked since."""
    with scope(chamber=federation):
        made = [Rating.objects.create(
            chamber=federation, scheme=star_version.scheme, version=star_version, campaign=campaign,
            subject_branch=fed_branches[key], subject_name=fed_branches[key].name, level=4, grade_label="四星级",
            awarded_on=AWARDED, valid_until=datetime.date(2029, 12, 19)) for key in SUBJECTS]
        Rating.objects.create(chamber=federation, scheme=star_version.scheme, version=star_version,
                              campaign=campaign, subject_branch=fed_branches["gulou"], subject_name="鼓楼片区", level=4,
                              grade_label="四星级", awarded_on=AWARDED, valid_until=datetime.date(2029, 12, 19),
                              status=RatingStatus.REVOKED)
    return made


def _start(campaign, user, django_capture_on_commit_callbacks):
    chamber = campaign.chamber
    with scope(chamber=chamber):
        access = access_for_user(chamber, user)
        with django_capture_on_commit_callbacks(execute=True):
            return batch_create_for_campaign(campaign, user, access)


def _zip_members(batch):
    with scope(chamber=batch.chamber):
        batch.refresh_from_db()
        with batch.zip_file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
            return {name: archive.read(name) for name in archive.namelist()}


def test_a_campaign_of_three_ratings_becomes_a_ready_zip_of_three_pdfs(campaign, ratings, fed_admin,
                                                                     django_capture_on_commit_callbacks):
    batch = _start(campaign, fed_admin, django_capture_on_commit_callbacks)
    with scope(chamber=campaign.chamber):
        batch.refresh_from_db()
        certificates = list(batch.certificates.order_by("number"))
    assert (batch.status, batch.total, batch.done) == (DocumentBatchStatus.READY, 3, 3)
    assert batch.finished_at is not None and batch.created_by == fed_admin
    assert sorted(c.rating_id for c in certificates) == sorted(r.pk for r in ratings)  # not the revoked one
    members = _zip_members(batch)
    assert sorted(members) == sorted("{}_{}.pdf".format(c.number, c.holder_name) for c in certificates)
    for certificate in certificates:
        data = members["{}_{}.pdf".format(certificate.number, certificate.holder_name)]
        assert data.startswith(b"%PDF")
        assert certificate.holder_name in _text(data)
    assert {c.holder_name for c in certificates} == {"夫子庙街道商会", "江东街道商会", "餐饮商会"}


def test_progress_moves_while_rendering_and_reaches_the_total(campaign, ratings, fed_admin, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    from chamber.documents import services

    seen = []
    real = services.certificate_pdf

    def watching(certificate):
        # What the page's poll would read right now.
        seen.append(DocumentBatch.objects.values_list("status", "done").get())
        return real(certificate)

    monkeypatch.setattr(services, "certificate_pdf", watching)
    monkeypatch.setattr(batches_module, "PROGRESS_EVERY", 1)
    batch = _start(campaign, fed_admin, django_capture_on_commit_callbacks)
    assert seen == [("running", 0), ("running", 1), ("running", 2)]
    with scope(chamber=campaign.chamber):
        batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("ready", 3, 3)


def test_a_redelivered_task_and_a_second_batch_duplicate_nothing(campaign, ratings, fed_admin, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    batch = _start(campaign, fed_admin, django_capture_on_commit_callbacks)
    with scope(chamber=campaign.chamber):
        batch.refresh_from_db()
        first_zip, certificate_count = batch.zip_file.name, Certificate.objects.count()
    assert batch_render(batch.pk) == DocumentBatchStatus.READY  # redelivered after it finished
    with scope(chamber=campaign.chamber):
        batch.refresh_from_db()
        assert (batch.zip_file.name, batch.done) == (first_zip, 3)
        assert Certificate.objects.count() == certificate_count == 3
    second = _start(campaign, fed_admin, django_capture_on_commit_callbacks)  # reuses the certificates
    with scope(chamber=campaign.chamber):
        assert Certificate.objects.count() == 3
        assert set(second.certificates.values_list("pk", flat=True)) == set(batch.certificates.values_list("pk", flat=True))
        assert DocumentBatch.objects.count() == 2


def test_a_worker_killed_mid_batch_is_resumed_and_two_deliveries_at_once_leave_one_zip(
        campaign, ratings, fed_admin, monkeypatch, django_capture_on_commit_callbacks):
    from chamber.documents import services
    from chamber.documents import tasks

    monkeypatch.setattr(tasks.document_batch_render, "delay", lambda batch_id: None)  # the worker "died"
    batch = _start(campaign, fed_admin, django_capture_on_commit_callbacks)
    with scope(chamber=campaign.chamber):
        DocumentBatch.objects.filter(pk=batch.pk).update(status=DocumentBatchStatus.RUNNING, done=1)
    real, calls = services.certificate_pdf, []

    def duplicate_delivery(certificate):
        calls.append(certificate.pk)
        if len(calls) == 2:  # the same message delivered again, run while the first is mid-way
            assert batch_render(batch.pk) == DocumentBatchStatus.READY
        return real(certificate)

    monkeypatch.setattr(services, "certificate_pdf", duplicate_delivery)
    assert batch_render(batch.pk) == DocumentBatchStatus.READY
    with scope(chamber=campaign.chamber):
        batch.refresh_from_db()
        storage, folder = batch.zip_file.storage, "document-batches/{}".format(batch.chamber_id)
    assert (batch.status, batch.done) == ("ready", 3)
    assert storage.listdir(folder)[1] == [batch.zip_file.name.rsplit("/", 1)[1]]  # the loser's zip is gone
    assert len(_zip_members(batch)) == 3


def test_a_failing_render_fails_the_batch_with_a_reason(campaign, ratings, fed_admin, monkeypatch,
                                                       django_capture_on_commit_callbacks):
    from chamber.documents import services

    def broken(certificate):
        raise OSError("disk full")

    monkeypatch.setattr(services, "certificate_pdf", broken)
    batch = _start(campaign, fed_admin, django_capture_on_commit_callbacks)
    with scope(chamber=campaign.chamber):
        batch.refresh_from_db()
    assert batch.status == DocumentBatchStatus.FAILED and "OSError" in batch.failure and not batch.zip_file


def test_a_campaign_without_awards_is_refused(campaign, fed_admin, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _start(campaign, fed_admin, django_capture_on_commit_callbacks)
    with scope(chamber=campaign.chamber):
        assert not DocumentBatch.objects.exists()


# --- Pages -------------------------------------------------------------------------------

def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _urls(federation, batch):
    base = "/c/{}/documents/batches/".format(federation.slug)
    return [base, "{}{}/".format(base, batch.pk), "{}{}/progress/".format(base, batch.pk),
            "{}{}/download/".format(base, batch.pk)]


def test_pages_start_a_batch_show_progress_and_download_the_zip(federation, campaign, ratings, fed_admin,
                                                               django_capture_on_commit_callbacks):
    client = _client(fed_admin)
    base = "/c/{}/documents/batches/".format(federation.slug)
    page = client.get(base)
    assert page.status_code == 200 and campaign.name in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(base + "start/", {"campaign": campaign.pk})
    with scope(chamber=federation):
        batch = DocumentBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == "{}{}/".format(base, batch.pk)
    detail = client.get(response["Location"]).content.decode()
    assert "夫子庙街道商会" in detail and "/download/" in detail
    download = client.get("{}{}/download/".format(base, batch.pk))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        assert len(archive.namelist()) == 3


def test_progress_fragment_polls_while_rendering_and_stops_when_ready(federation, campaign, ratings, fed_admin,
                                                                     monkeypatch, django_capture_on_commit_callbacks):
    from chamber.documents import tasks

    monkeypatch.setattr(tasks.document_batch_render, "delay", lambda batch_id: None)  # no worker yet
    batch = _start(campaign, fed_admin, django_capture_on_commit_callbacks)
    url = _urls(federation, batch)[2]
    client = _client(fed_admin)
    with scope(chamber=federation):
        DocumentBatch.objects.filter(pk=batch.pk).update(status="running", done=2)
    waiting = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in waiting and 'aria-valuenow="2"' in waiting and "/download/" not in waiting
    assert client.get(_urls(federation, batch)[3]).status_code == 404  # no zip yet
    with scope(chamber=federation):
        DocumentBatch.objects.filter(pk=batch.pk).update(status="pending", done=0)
    batch_render(batch.pk)
    ready = client.get(url).content.decode()
    assert "hx-trigger" not in ready and "/download/" in ready


def test_a_campaign_of_another_chamber_cannot_be_started(federation, campaign, ratings, fed_admin, other_chamber):
    from evaluations.models import Campaign

    client = _client(fed_admin)
    with scope(chamber=other_chamber):
        foreign = Campaign.objects.create(
            chamber=other_chamber, name="别人的考评", year=2026, version=campaign.version,
            applications_close=AWARDED, self_assessment_due=AWARDED, preliminary_review_due=AWARDED,
            inspection_due=AWARDED, decision_due=AWARDED)
    response = client.post("/c/{}/documents/batches/start/".format(federation.slug), {"campaign": foreign.pk},
                           follow=True)
    assert response.status_code == 200 and response.context["messages"]
    with scope(chamber=federation):
        assert not DocumentBatch.objects.exists()


def test_outsiders_get_404_and_read_only_staff_403(federation, campaign, ratings, fed_admin, fed_readonly, outsider,
                                                  django_capture_on_commit_callbacks):
    batch = _start(campaign, fed_admin, django_capture_on_commit_callbacks)
    start = "/c/{}/documents/batches/start/".format(federation.slug)
    for user, status in ((outsider, 404), (fed_readonly, 403)):
        client = _client(user)
        for url in _urls(federation, batch):
            assert client.get(url).status_code == status, (user.username, url)
        assert client.post(start, {"campaign": campaign.pk}).status_code == status
    with scope(chamber=federation):
        assert DocumentBatch.objects.count() == 1


def test_a_branch_limited_manager_gets_403(federation, fed_branches, campaign, ratings, fed_admin, make_user,
                                          django_capture_on_commit_callbacks):
    from chamber.models import RoleKind
    from ..factories import user_with_role

    batch = _start(campaign, fed_admin, django_capture_on_commit_callbacks)
    limited = user_with_role(make_user, federation, "bella", RoleKind.SECRETARIAT, branch=fed_branches["qinhuai"])
    client = _client(limited)
    for url in _urls(federation, batch):
        assert client.get(url).status_code == 403, url
    assert client.post("/c/{}/documents/batches/start/".format(federation.slug),
                       {"campaign": campaign.pk}).status_code == 403
    with scope(chamber=federation):
        assert DocumentBatch.objects.count() == 1


def test_the_list_runs_a_fixed_number_of_queries(federation, campaign, ratings, fed_admin, django_assert_num_queries,
                                                 django_capture_on_commit_callbacks):
    for _i in range(3):
        _start(campaign, fed_admin, django_capture_on_commit_callbacks)
    client = _client(fed_admin)
    client.get("/c/{}/documents/batches/".format(federation.slug))  # warm the session
    # session, chamber, user, the user's roles (access); the batches' count, the page of
    # batches with their creators; the layout's chamber switcher (the user's chambers, then
    # those chambers) and inbox badge; the campaigns of the start form.
    with django_assert_num_queries(10):
        response = client.get("/c/{}/documents/batches/".format(federation.slug))
    assert response.status_code == 200 and response.content.decode().count('data-batch="') == 3
