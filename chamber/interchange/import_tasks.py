"""Import tasks: a worker checks and imports the large files. Thin: take the batch id,
call the service (which opens the batch's chamber scope and claims the batch by status,
so a redelivered task does nothing twice)."""
from celery import shared_task

__all__ = ["import_check_task", "import_commit_task"]


@shared_task(ignore_result=True)
def import_check_task(batch_id):
    from .importing import import_check

    import_check(batch_id)


@shared_task(ignore_result=True)
def import_commit_task(batch_id):
    from .importing import import_run

    import_run(batch_id)
