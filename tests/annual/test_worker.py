"""The annual report printed by a real Celery worker through Redis (not eager mode): the
task is registered in the worker, the message goes through the broker, and the worker
stores the PDF on the report's row in the test database."""
import os
import time

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from chamber.annual.generation import annual_report_render_request, report_figures, report_pdf_current
from chamber.annual.models import AnnualReport
from tests.celery_worker import celery_worker
from tests.documents.pdf import pdf_text

pytestmark = [
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
                       reason="needs PostgreSQL: the worker process must see the test database"),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"),
                       reason="needs Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run a real worker"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]

WAIT_SECONDS = 90


def test_a_worker_prints_the_annual_report(chamber, member, admin_user, sent_to_broker, settings, tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    settings.PRIVATE_MEDIA_ROOT = private
    year = timezone.localdate().year
    with celery_worker(name="annual", env={"PRIVATE_MEDIA_ROOT": str(private)}) as worker:
        with translation.override("zh-hans"), scope(chamber=chamber), transaction.atomic():
            report = annual_report_render_request(chamber=chamber, year=year, actor=admin_user)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            with scopes_disabled():
                if AnnualReport.objects.filter(pk=report.pk, pdf_rendered_at__isnull=False).exists():
                    break
            assert worker.poll() is None, "the celery worker exited early (output below)"
            time.sleep(0.3)
        else:
            pytest.fail("timed out waiting for the worker to print the report")
    with translation.override("zh-hans"), scope(chamber=chamber):
        report.refresh_from_db()
        assert not report.render_failure
        # The worker printed the figures this process computes: the cache is current.
        _figures, digest = report_figures(chamber=chamber, year=year, report=report)
        assert report_pdf_current(report, digest)
        with report.pdf.open("rb") as handle:
            text = pdf_text(handle.read())
    assert chamber.name in text
