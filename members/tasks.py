"""The members app's Celery tasks, where `app.autodiscover_tasks()` looks for them.

The dues tasks live with the rest of dues (members/dues/tasks.py); importing them here
registers them with the worker.
"""
from .dues.tasks import dues_lapse_all, dues_lapse_chamber  # noqa: F401
