"""The project package and the tenant core. Importing it loads the Celery app, so that
`shared_task` binds to it in every process (web, worker, beat)."""
from .celery import app as celery_app

__all__ = ("celery_app",)
