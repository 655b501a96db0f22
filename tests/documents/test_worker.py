"""Certificates rendered through a real Celery worker and Redis (not eager mode): the
rendering task is registered in the worker, the message goes through the broker, and the
worker writes the PDF cache and the batch's zip into the test database and storage."""
import datetime
import os
import time
import zipfile

import pytest
from django.conf import settings
from django.db import transaction
from django_scopes import scope, scopes_disabled

from chamber.access import access_for_user
from chamber.documents.batches import batch_create_for_campaign
from chamber.documents.services import certificate_issue_for_rating
from chamber.documents.tasks import certificate_render
from chamber.models import Certificate, DocumentBatch
from evaluations.models import Rating
from tests.celery_worker import celery_worker

pytestmark = [
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
                       reason="needs PostgreSQL: the worker process must see the test database"),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"),
                       reason="needs Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run a real worker"),
    pytest.mark.django_db(transaction=True),
]

WAIT_SECONDS = 60


def _wait(condition, worker, what):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.poll() is None, "the celery worker exited early (output below)"
        time.sleep(0.2)
    pytest.fail(f"timed out after {WAIT_SECONDS}s waiting for {what}")


def _rating(federation, star_version, campaign, branch):
    return Rating.objects.create(
        chamber=federation, scheme=star_version.scheme, version=star_version, campaign=campaign,
        subject_branch=branch, subject_name=branch.name, level=4, grade_label="四星级",
        awarded_on=datetime.date(2026, 12, 20), valid_until=datetime.date(2029, 12, 19))


def test_a_worker_renders_a_certificate_and_a_batch_through_the_broker(
        federation, fed_branches, campaign, star_version, fed_admin, sent_to_broker, settings, tmp_path):
    # The worker is another process: it must write where this test reads.
    private = tmp_path / "private"
    private.mkdir()
    settings.PRIVATE_MEDIA_ROOT = private
    with scope(chamber=federation):
        rating = _rating(federation, star_version, campaign, fed_branches["fuzimiao"])
        _rating(federation, star_version, campaign, fed_branches["jiangdong"])
        certificate = certificate_issue_for_rating(rating=rating, actor=fed_admin)
        assert not certificate.pdf
    with celery_worker(name="documents", env={"PRIVATE_MEDIA_ROOT": str(private)}) as worker:
        certificate_render.delay(certificate.pk)

        def rendered():
            with scopes_disabled():
                return bool(Certificate.objects.filter(pk=certificate.pk).values_list("pdf", flat=True).get())

        _wait(rendered, worker, "the certificate's PDF")
        with scope(chamber=federation), transaction.atomic():
            batch = batch_create_for_campaign(campaign, fed_admin, access_for_user(federation, fed_admin))

        def ready():
            with scopes_disabled():
                return DocumentBatch.objects.filter(pk=batch.pk, status="ready").exists()

        _wait(ready, worker, "the batch's zip")
    with scope(chamber=federation):
        certificate.refresh_from_db()
        batch.refresh_from_db()
        with certificate.pdf.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
        assert (batch.done, batch.total) == (2, 2)
        expected = sorted("{}_{}.pdf".format(c.number, c.holder_name) for c in batch.certificates.all())
        with batch.zip_file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
            names = sorted(archive.namelist())
    assert names == expected and len(names) == 2
