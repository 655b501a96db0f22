"""Making the annual report's PDF, and knowing when a made one still holds.

The report draws on a dozen tables of four apps, so instead of signals on each of them (one
missed sender would serve stale figures) the cache is keyed by what was printed: the
SHA-256 of the figures dict and the language. A PDF is served only while the figures
computed now have the digest stored with it; once the data moves, the file is no longer
the report (the page offers to make it again, the download refuses it) and the next
rendering replaces it. Computing the figures is a few dozen GROUP BY queries, far cheaper
than rendering.

Rendering runs in a Celery task (`tasks.annual_report_render`); with tasks in-process
(no Redis configured) it runs when the request commits.
"""
import hashlib
import json
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chamber.audit import audit_record

from .models import AnnualReport

__all__ = ["figures_digest", "report_figures", "report_pdf_current", "annual_report_render_request",
           "annual_report_render", "report_file_name"]

logger = logging.getLogger(__name__)


def figures_digest(figures, language):
    """The cache key of a printed report: its figures and the language they are printed in."""
    text = json.dumps(figures, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256("{}\n{}".format(language, text).encode("utf-8")).hexdigest()


def report_figures(*, chamber, year, report=None):
    """The figures of `chamber`'s report for `year` in the active language, with their digest."""
    from .figures import annual_report_figures

    figures = annual_report_figures(chamber=chamber, year=year, report=report)
    return figures, figures_digest(figures, translation.get_language())


def report_file_name(chamber, year, extension):
    """`<chamber>_<year>年度报告.<ext>`, as the download and the zip name it."""
    from chamber.documents.batches import safe_file_name

    return safe_file_name("{}_{}".format(chamber.name, _("{year} annual report").format(year=year))) + extension


def report_pdf_current(report, digest):
    """Whether `report`'s cached PDF was printed from figures with this digest."""
    return bool(report is not None and report.pdf and report.pdf_digest == digest)


def annual_report_render_request(*, chamber, year, actor):
    """Ask a worker to print the report (made when missing, reused when its figures still
    hold). Returns the report row; its `render_requested_at` tells the page to wait."""
    from .tasks import annual_report_render as render_task

    language = translation.get_language()
    with transaction.atomic():
        report, _created = AnnualReport.objects.get_or_create(chamber=chamber, year=year)
        report.render_requested_at = timezone.now()
        report.render_failure = ""
        report.save(update_fields=["render_requested_at", "render_failure", "updated_at"])
        audit_record(chamber=chamber, actor=actor, action="render", target=report, changes={"year": year})
        transaction.on_commit(lambda: render_task.delay(report.pk, language))
    return report


def annual_report_render(report, language):
    """The report's PDF bytes in `language`: the cached file when its figures still hold,
    else printed now and kept on the row. Runs inside the report's chamber scope."""
    from .document import report_pdf

    with translation.override(language):
        figures, digest = report_figures(chamber=report.chamber, year=report.year, report=report)
        if report_pdf_current(report, digest):
            try:
                with report.pdf.open("rb") as handle:
                    return handle.read()
            except FileNotFoundError:
                pass  # the file went (a clean-up, a restore): print it again
        data = report_pdf(figures)
    old_name = report.pdf.name if report.pdf else ""
    report.pdf.save("report.pdf", ContentFile(data), save=False)
    report.pdf_digest, report.pdf_language, report.pdf_rendered_at = digest, language, timezone.now()
    AnnualReport.objects.filter(pk=report.pk, chamber=report.chamber_id).update(
        pdf=report.pdf.name, pdf_digest=digest, pdf_language=language, pdf_rendered_at=report.pdf_rendered_at,
        render_failure="")
    if old_name and old_name != report.pdf.name:
        report.pdf.storage.delete(old_name)  # the stale print is dropped, not kept beside the new one
    return data


def annual_report_render_failed(report, error):
    """Note on the row why the worker could not print the report (shown on the page)."""
    AnnualReport.objects.filter(pk=report.pk, chamber=report.chamber_id).update(
        render_failure=_("The report could not be printed ({error}). Try again, or ask the "
                         "administrator.").format(error=error.__class__.__name__)[:500])
