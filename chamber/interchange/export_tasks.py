"""Export tasks: a large export's file is built by a worker; old files are deleted daily.
Thin: they take ids and call the services in chamber/interchange/exporting.py."""
from celery import shared_task

__all__ = ["export_build", "exports_cleanup"]


@shared_task(ignore_result=True)
def export_build(record_id):
    from .exporting import export_build as build

    build(record_id=record_id)


@shared_task(ignore_result=True)
def exports_cleanup():
    """Daily (beat): background export files past EXPORT_KEEP_DAYS are deleted."""
    from .exporting import export_files_cleanup

    export_files_cleanup()
