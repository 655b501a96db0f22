"""A real Celery worker picks up chamber.tasks.heartbeat from Redis and writes the cache.

Unit tests run tasks eagerly; this one proves the wiring that eager mode hides: the task is
registered in the worker, the message goes through the broker, and the worker's cache is
the web process's cache.
"""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from chamber.celery import app
from chamber.tasks import HEARTBEAT_KEY, heartbeat

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run a real worker",
)

WAIT_SECONDS = 30
PROJECT_ROOT = Path(settings.BASE_DIR)


def _worker_database_url():
    """The test database pytest-django uses (test_<name>), so the worker sees the same data."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return os.environ.get("DATABASE_URL", "")  # heartbeat needs no database
    name = db["NAME"] if db["NAME"].startswith("test_") else "test_" + db["NAME"]
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def worker():
    """A `celery worker` subprocess; its output is shown if the test fails.

    It loads the test settings as they are: CELERY_TASK_ALWAYS_EAGER only changes how a
    task is *sent*, and a worker executes what it receives from the broker regardless.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chamber.settings.test",
        "DATABASE_URL": _worker_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
    }
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "chamber", "worker", "--pool=solo", "-c", "1",
             "-l", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             # A node name of its own, so a developer's running worker is not a "duplicate".
             "-n", f"pytest-{os.getpid()}@%h"],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            yield process
        finally:
            process.terminate()  # warm shutdown
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.seek(0)
            print("--- celery worker output ---\n" + log.read())


@pytest.fixture
def sent_to_broker():
    """Unit-test settings run tasks eagerly; here they must really go through Redis."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


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
