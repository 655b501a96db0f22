"""Making the annual report's PDF, and knowing when a made one still holds.

The report draws on a dozen tables of four apps, so instead of signals on each of them (one
missed sender would serve stale figures) the cache is keyed by what was printed: the
SHA-256 of the figures dict, the language and the print layout (the templates, styles and
code that turn figures into pages). A PDF is served only while the figures computed now
have the digest stored with it; once the data moves, the file is no longer the report (the
page offers to print it again, the download refuses it) and the next print replaces it and
deletes the old file. Computing the figures is a few dozen GROUP BY queries, far cheaper
than rendering.

The report is an official document to the federation: it is printed in the installation's
language (settings.LANGUAGE_CODE, Simplified Chinese), whoever asks for it, so that a
federation official reading English does not replace every chamber's Chinese PDF.

Rendering runs in a Celery task (`tasks.annual_report_render`); with tasks in-process
(no Redis configured) it runs when the request commits.
"""
import datetime
import functools
import hashlib
import json
import logging
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chamber.audit import audit_record
from chamber.db_router import reads_from_replica

from .models import AnnualReport

__all__ = ["REPORT_LANGUAGE", "figures_digest", "report_figures", "report_pdf_current", "render_state",
           "annual_report_render_request", "annual_report_render", "annual_report_render_failed",
           "report_file_name"]

logger = logging.getLogger(__name__)

REPORT_LANGUAGE = settings.LANGUAGE_CODE
# A print asked for and not answered within this long is taken as lost (a killed worker,
# a dropped message): the page stops waiting and offers the button again.
RENDER_PATIENCE = datetime.timedelta(minutes=15)
# What turns figures into pages: a change to any of them makes every printed report stale.
LAYOUT_TEMPLATES = ("annual/report.html", "annual/print/table.html", "annual/print/key_figures.html",
                    "documents/base.html")
LAYOUT_STATIC = ("annual/report.css", "documents/base.css")


@functools.lru_cache(maxsize=1)
def layout_version():
    """A hash of the print layout's files (templates, styles, document.py, values.py), once per process."""
    paths = [get_template(name).origin.name for name in LAYOUT_TEMPLATES]
    paths += [finders.find(name) or "" for name in LAYOUT_STATIC]
    paths += [str(Path(__file__).with_name(name)) for name in ("document.py", "values.py")]
    digest = hashlib.sha256()
    for path in paths:
        try:
            digest.update(Path(path).read_bytes())
        except OSError:  # a missing file still counts, by its name
            digest.update(path.encode())
    return digest.hexdigest()[:16]


def figures_digest(figures, language):
    """The cache key of a printed report: its figures, the language and the layout."""
    text = json.dumps(figures, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256("{}\n{}\n{}".format(layout_version(), language, text).encode("utf-8")).hexdigest()


@reads_from_replica
def report_figures(*, chamber, year, report=None):
    """The figures of `chamber`'s report for `year` in the report's language, with their digest."""
    from .figures import annual_report_figures

    with translation.override(REPORT_LANGUAGE):
        figures = annual_report_figures(chamber=chamber, year=year, report=report)
        return figures, figures_digest(figures, REPORT_LANGUAGE)


def report_file_name(chamber, year, extension):
    """`<chamber>_<year>年度报告.<ext>`, as the download and the zip name it."""
    from chamber.documents.batches import safe_file_name

    with translation.override(REPORT_LANGUAGE):
        title = _("{year} annual report").format(year=year)
    return safe_file_name("{}_{}".format(chamber.name, title)) + extension


def report_pdf_current(report, digest):
    """Whether `report`'s stored PDF was printed from figures with this digest (and is there)."""
    if report is None or not report.pdf or report.pdf_digest != digest:
        return False
    return report.pdf.storage.exists(report.pdf.name)


def render_state(report, now=None):
    """What the page says about the PDF: "waiting" while a worker prints it, "failed", or ""."""
    if report is None:
        return ""
    if report.render_failure:
        return "failed"
    if report.render_requested_at is None:
        return ""
    if report.render_requested_at < (now or timezone.now()) - RENDER_PATIENCE:
        return "lost"
    return "waiting"


def annual_report_render_request(*, chamber, year, actor):
    """Ask a worker to print the report (made when missing, reused when its figures still
    hold). Returns the report row; its `render_requested_at` tells the page to wait."""
    with transaction.atomic():
        report, _created = AnnualReport.objects.get_or_create(chamber=chamber, year=year)
        report.render_requested_at = timezone.now()
        report.render_failure = ""
        report.save(update_fields=["render_requested_at", "render_failure", "updated_at"])
        audit_record(chamber=chamber, actor=actor, action="render", target=report, changes={"year": year})
        transaction.on_commit(lambda: _send(report))
    return report


def _send(report):
    from .tasks import annual_report_render as render_task

    try:
        render_task.delay(report.pk)
    except Exception as error:  # the broker is down: say so on the page instead of a 500
        logger.exception("annual report %s: the print could not be sent to a worker", report.pk)
        annual_report_render_failed(report, error)


def annual_report_render(report):
    """The report's PDF bytes: the stored file when its figures still hold, else printed now
    and stored on the row. Runs inside the report's chamber scope; answers the pending
    request either way."""
    from .document import report_pdf

    started = timezone.now()
    report.refresh_from_db()  # the inputs and the stored file as they are now, not when queued
    figures, digest = report_figures(chamber=report.chamber, year=report.year, report=report)
    data = None
    if report_pdf_current(report, digest):
        try:
            with report.pdf.open("rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            pass  # the file went between the check and the read: print it again
    if data is None:
        with translation.override(REPORT_LANGUAGE):
            data = report_pdf(figures)
        _store(report, data, digest)
    AnnualReport.objects.filter(pk=report.pk, chamber=report.chamber_id, render_requested_at__lte=started).update(
        render_requested_at=None)
    return data


def _store(report, data, digest):
    """Keep `data` as the report's PDF unless another print stored these very figures first;
    the file it replaces is deleted once the row no longer names it."""
    storage = report.pdf.storage
    # The digest in the name: two prints of different figures never write the same file.
    name = storage.save(report.pdf.field.generate_filename(report, "{}.pdf".format(digest[:12])),
                        ContentFile(data))
    with transaction.atomic():
        row = AnnualReport.objects.select_for_update().get(pk=report.pk, chamber=report.chamber_id)
        if row.pdf_digest == digest and row.pdf and row.pdf.name != name and storage.exists(row.pdf.name):
            transaction.on_commit(lambda: storage.delete(name))  # another print stored it already
            report.pdf, report.pdf_digest, report.pdf_rendered_at = row.pdf, row.pdf_digest, row.pdf_rendered_at
            return
        previous = row.pdf.name if row.pdf else ""
        now = timezone.now()
        AnnualReport.objects.filter(pk=row.pk).update(pdf=name, pdf_digest=digest, pdf_rendered_at=now,
                                                      render_failure="")
        if previous and previous != name:
            transaction.on_commit(lambda: storage.delete(previous))
    report.pdf.name, report.pdf_digest, report.pdf_rendered_at = name, digest, now


def annual_report_render_failed(report, error):
    """Note on the row why the worker could not print the report (shown on the page)."""
    with translation.override(REPORT_LANGUAGE):
        message = _("The report could not be printed ({error}). Try again, or ask the administrator.").format(
            error=error.__class__.__name__)[:500]
    AnnualReport.objects.filter(pk=report.pk, chamber=report.chamber_id).update(
        render_failure=message, render_requested_at=None)
