"""A real Celery worker picks up chamber.tasks.heartbeat from Redis and writes the cache.

Unit tests run tasks eagerly; this one proves the wiring that eager mode hides: the task is
registered in the worker, the message goes through the broker, and the worker's cache is
the web process's cache.
"""
import os
import time

import pytest
from django.core.cache import cache

from chamber.tasks import HEARTBEAT_KEY, heartbeat
from tests.celery_worker import celery_worker

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run a real worker",
)

WAIT_SECONDS = 30


@pytest.fixture
def worker():
    with celery_worker(name="heartbeat") as process:
        yield process



def test_real_worker_runs_heartbeat(worker, sent_to_broker):
    cache.delete(HEARTBEAT_KEY)
    heartbeat.delay()

    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if cache.get(HEARTBEAT_KEY):
            break
        assert worker.poll() is None, "the celery worker exited early (output below)"
        time.sleep(0.25)
    assert cache.get(HEARTBEAT_KEY), f"no heartbeat in the cache after {WAIT_SECONDS}s"
