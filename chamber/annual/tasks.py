"""Annual report tasks: thin, they take ids and call the services."""
import logging

from celery import shared_task

__all__ = ["annual_report_render"]

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def annual_report_render(report_id):
    """Print one annual report into its cache (reused when its figures still hold)."""
    from django_scopes import scope, scopes_disabled

    from .generation import annual_report_render as render, annual_report_render_failed
    from .models import AnnualReport

    with scopes_disabled():
        report = AnnualReport.objects.select_related("chamber").filter(pk=report_id).first()
    if report is None:  # deleted since the task was sent
        return
    with scope(chamber=report.chamber):
        try:
            render(report)
        except Exception as error:
            logger.exception("annual report %s could not be printed", report_id)
            annual_report_render_failed(report, error)
