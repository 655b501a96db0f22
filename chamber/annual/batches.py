"""A federation prints the annual reports of every chamber it supervises (and its own) at
once: one document batch (chamber/documents/batches.py renders it and zips the PDFs).

This crosses tenants on purpose and narrowly. The statistics form is what every chamber
and lower federation reports to the federation above it (DOMAIN.md), and the report holds
aggregate figures and public facts only (officers of the term, named honours, donors who
agreed to be named): no roster, mobile or ID number. The report rows belong to the
supervised chambers; each is printed inside its own chamber's scope.
"""
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from chamber.access import FEDERATION_VIEW, REPORTS_MANAGE
from chamber.audit import audit_record
from chamber.documents.models import DocumentBatch, DocumentBatchKind
from chamber.models import ChamberKind
from chamber.selectors import federation_affiliate_chambers

from .generation import annual_report_render, annual_report_render_failed, report_file_name
from .models import AnnualReport

__all__ = ["reporting_chambers", "affiliate_report_rows", "annual_batch_create", "annual_report_documents"]

logger = logging.getLogger(__name__)


def reporting_chambers(federation):
    """The federation itself, then every chamber it supervises, by name."""
    return [federation, *federation_affiliate_chambers(federation=federation)]


def affiliate_report_rows(*, federation, year):
    """[(chamber, its AnnualReport for `year` or None)] for the federation's batch page: two
    queries whatever the number of chambers."""
    chambers = reporting_chambers(federation)
    with scopes_disabled():  # the rows of the supervised chambers: when each was last printed
        reports = {r.chamber_id: r for r in AnnualReport.objects.filter(
            chamber_id__in=[c.pk for c in chambers], year=year).defer("summary")}
    return [(chamber, reports.get(chamber.pk)) for chamber in chambers]


def annual_batch_create(*, federation, year, actor, access):
    """Record a batch of the annual reports of `year` of the federation and every chamber it
    supervises; a worker prints them once this commits. Raises PermissionDenied unless the
    user manages reports at a federation's root."""
    if federation.kind != ChamberKind.FEDERATION or not (
            access.covers(REPORTS_MANAGE, None) and access.covers(FEDERATION_VIEW, None)):
        raise PermissionDenied
    chambers = reporting_chambers(federation)
    if len(chambers) == 1:
        raise ValidationError(_("No chamber is affiliated to this federation yet: there is nothing to print."))
    ids = [c.pk for c in chambers]
    with transaction.atomic():
        with scopes_disabled():
            # The report rows of the supervised chambers, made where missing (one insert).
            AnnualReport.objects.bulk_create([AnnualReport(chamber_id=pk, year=year) for pk in ids],
                                             ignore_conflicts=True)
            reports = list(AnnualReport.objects.filter(chamber_id__in=ids, year=year))
        batch = DocumentBatch.objects.create(
            chamber=federation, kind=DocumentBatchKind.ANNUAL_REPORTS,
            title=_("Annual reports {year} of {federation} and its chambers").format(year=year,
                                                                                     federation=federation.name),
            total=len(reports), created_by=actor,
        )
        with scopes_disabled():  # the through rows name the supervised chambers' reports
            batch.annual_reports.set(reports)
        audit_record(chamber=federation, actor=actor, action="create", target=batch,
                     changes={"year": year, "annual_reports": len(reports)})
        from chamber.documents.tasks import document_batch_render

        # robust: Redis down must not turn the committed request into a 500 (issue 10, faults).
        transaction.on_commit(lambda: document_batch_render.delay(batch.pk), robust=True)
    return batch


def _render_in_scope(report):
    """The report's PDF, or None when it could not be printed (noted on its row; the batch
    goes on with the other chambers)."""
    with scope(chamber=report.chamber):
        try:
            return annual_report_render(report)
        except Exception as error:
            logger.exception("annual report %s of a federation's batch could not be printed", report.pk)
            annual_report_render_failed(report, error)
            return None


def annual_report_documents(batch):
    """(zip entry name, key, render) for each annual report of the batch, by chamber name:
    only chambers the federation still supervises when the worker gets to the batch."""
    supervised = {c.pk for c in reporting_chambers(batch.chamber)}
    with scopes_disabled():
        reports = list(batch.annual_reports.filter(chamber_id__in=supervised).select_related("chamber")
                       .order_by("chamber__name", "pk"))
    for report in reports:
        yield report_file_name(report.chamber, report.year, ".pdf"), report.pk, lambda r=report: _render_in_scope(r)
