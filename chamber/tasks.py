"""Chamber-wide periodic tasks."""
from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "celery:heartbeat"


@shared_task(ignore_result=True)
def heartbeat():
    """Records that beat and a worker are alive; /healthz reads it."""
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=300)
