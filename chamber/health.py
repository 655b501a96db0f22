"""GET /healthz: the state of the database, Redis and the Celery workers.

Rules: the database failing makes the product "down" (503, pages cannot work); Redis or
the workers failing makes it "degraded" (200: pages still work, background work waits).
Every probe has a short timeout so a dead Redis cannot make the check hang, and errors are
reported by class name only, because /healthz is public and messages can name hosts.
"""
import logging
import time

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from redis.backoff import NoBackoff
from redis.retry import Retry

from .tasks import HEARTBEAT_KEY

REDIS_TIMEOUT = 0.5  # seconds, for connecting and for the PING answer
WORKER_PING_TIMEOUT = 1.0  # seconds celery waits for workers to answer; it always waits this long

logger = logging.getLogger(__name__)


def _elapsed_ms(start):
    return round((time.monotonic() - start) * 1000, 1)


def _failure(name, exc, start):
    logger.warning("health check: %s failed: %r", name, exc)
    return {"status": "error", "error": type(exc).__name__, "ms": _elapsed_ms(start)}


def check_database():
    """SELECT 1 on the default database, timed."""
    start = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is "down", never a 500
        return _failure("database", exc, start)
    return {"status": "ok", "vendor": connection.vendor, "ms": _elapsed_ms(start)}


def check_redis(url=None):
    """PING the Redis named by REDIS_URL (or `url`), or say it is not configured."""
    url = settings.REDIS_URL if url is None else url
    if not url:
        return {"status": "not configured"}
    start = time.monotonic()
    # No retries: redis-py retries with backoff by default, which would stretch the timeout.
    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=REDIS_TIMEOUT,
        socket_timeout=REDIS_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001 - reported as "error", logged by _failure
        return _failure("redis", exc, start)
    finally:
        client.close()
    return {"status": "ok", "ms": _elapsed_ms(start)}


def last_heartbeat():
    """When chamber.tasks.heartbeat last ran (ISO time and age in seconds), or None."""
    try:
        value = cache.get(HEARTBEAT_KEY)
    except Exception:
        logger.warning("health check: heartbeat could not be read", exc_info=True)
        return None
    when = parse_datetime(value) if isinstance(value, str) else None
    if when is None:
        return None
    return {"at": value, "age_s": round((timezone.now() - when).total_seconds(), 1)}


def check_workers(redis_ok):
    """Ping the Celery workers through the broker; "in-process" when there is no broker."""
    if not settings.REDIS_URL:
        # Tasks run eagerly in the caller and beat runs the periodic ones in its own
        # process, whose local-memory cache this process cannot read: no heartbeat here.
        return {"status": "in-process", "heartbeat": last_heartbeat()}
    if not redis_ok:
        # Asking a dead broker would block on kombu's reconnects; the answer is known.
        return {"status": "unknown", "answered": None, "heartbeat": None}
    from .celery import app

    start = time.monotonic()
    try:
        replies = app.control.ping(timeout=WORKER_PING_TIMEOUT) or []
    except Exception as exc:  # noqa: BLE001 - reported as "error", logged by _failure
        return {**_failure("workers", exc, start), "answered": None, "heartbeat": None}
    answered = len(replies)
    return {
        "status": "ok" if answered else "none",
        "answered": answered,
        "heartbeat": last_heartbeat(),
        "ms": _elapsed_ms(start),
    }


def health_report():
    """The whole report; `status` is "ok", "degraded" or "down"."""
    database = check_database()
    redis_state = check_redis()
    workers = check_workers(redis_ok=redis_state["status"] == "ok")
    if database["status"] != "ok":
        status = "down"
    elif redis_state["status"] not in ("ok", "not configured") or workers["status"] not in (
        "ok",
        "in-process",
    ):
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "database": database, "redis": redis_state, "workers": workers}
