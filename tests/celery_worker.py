"""Starting a real `celery worker` subprocess for the tests that need one (Redis required).

Unit tests run tasks eagerly; these helpers prove the wiring eager mode hides: tasks are
registered in the worker, messages go through the broker, the worker reads and writes the
test database.
"""
import contextlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

PROJECT_ROOT = Path(settings.BASE_DIR)


def worker_database_url():
    """The test database pytest-django uses (test_<name>), so the worker sees the same data."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return os.environ.get("DATABASE_URL", "")
    name = db["NAME"] if db["NAME"].startswith("test_") else "test_" + db["NAME"]
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@contextlib.contextmanager
def celery_worker(*, redis_url=None, env=None, name="w"):
    """A worker subprocess for the block; its output is printed afterwards (shown on failure).

    It loads the test settings as they are: CELERY_TASK_ALWAYS_EAGER only changes how a task
    is *sent*, and a worker executes what it receives from the broker regardless.
    """
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chamber.settings.test",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": redis_url or os.environ["REDIS_URL"],
        **(env or {}),
    }
    if not environment["DATABASE_URL"]:
        del environment["DATABASE_URL"]  # SQLite: the settings' default
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "chamber", "worker", "--pool=solo", "-c", "1",
             "-l", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             # A node name of its own, so a developer's running worker is not a "duplicate".
             "-n", f"pytest-{name}-{os.getpid()}@%h"],
            cwd=PROJECT_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()  # warm shutdown
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.seek(0)
            print(f"--- celery worker {name} output ---\n" + log.read())

