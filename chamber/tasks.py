"""Chamber-wide periodic tasks."""
import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "celery:heartbeat"


def for_each_chamber_after_commit(task):
    """Send `task.delay(chamber_id)` for every chamber once the current transaction commits
    (at once outside one); returns how many. Periodic work fans out per chamber so one
    chamber's failure or slowness does not hold up the others."""
    from django.db import transaction
    from django_scopes import scopes_disabled

    from .models import Chamber

    with scopes_disabled():
        chamber_ids = list(Chamber.objects.order_by("pk").values_list("pk", flat=True))
    for chamber_id in chamber_ids:
        transaction.on_commit(lambda chamber_id=chamber_id: task.delay(chamber_id))
    return len(chamber_ids)
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

# Imports and exports run their large files here too.
from .interchange.tasks import *  # noqa: E402,F401,F403

# Certificates and document batches are rendered here (WeasyPrint).
from .documents.tasks import *  # noqa: E402,F401,F403
# And the annual report's (chamber/annual/).
from .annual.tasks import *  # noqa: E402,F401,F403
