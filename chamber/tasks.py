"""Chamber-wide periodic tasks."""
import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "celery:heartbeat"
# Beat sends the heartbeat every 60 s (CELERY_BEAT_SCHEDULE); keep it long enough that one
# missed beat does not make /healthz forget the last one.
HEARTBEAT_TTL = 300

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def heartbeat():
    """Records that beat and a worker are alive; /healthz reads it.

    Logged too: without a broker, beat runs it in its own process (eager), whose cache is
    not the web server's, so the log line is how `make run` shows periodic work happens.
    """
    now = timezone.now().isoformat()
    try:
        cache.set(HEARTBEAT_KEY, now, timeout=HEARTBEAT_TTL)
    except Exception:  # a Redis blip must not become failing tasks
        logger.warning("heartbeat at %s could not be written to the cache", now, exc_info=True)
        return
    logger.info("heartbeat recorded at %s", now)


# The reminders' tasks, where autodiscover_tasks() looks for this app's tasks.
from .reminders.tasks import (  # noqa: E402,F401
    reminder_deliver,
    reminders_dispatch,
    reminders_scan_all,
    reminders_scan_chamber,
)
