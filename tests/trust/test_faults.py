"""Faults (issue 10): the app rides out a PostgreSQL restart, a Redis outage and a worker
killed mid-task, each against private servers started here (never the machine's shared
PostgreSQL and Redis, which other test runs use).

- PostgreSQL restarted (`pg_ctl restart -m fast`) under a stream of requests to gunicorn:
  requests during the restart may fail; every request after it succeeds, writes included,
  and gunicorn was not restarted (persistent connections + CONN_HEALTH_CHECKS reconnect).
- Redis (cache and broker) stopped: pages, the API (with an API key, whose rate limit is
  counted in Redis) and a write that sends a task still answer; /healthz says "degraded".
- A Celery worker SIGKILLed while it renders a certificate batch: a new worker takes the
  message again (acks_late; the broker gives an unacknowledged message back after the
  visibility timeout) and the batch is finished once, with one zip.
"""
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django_scopes import scope, scopes_disabled

from chamber.management.commands.bench_load import database_url, free_port, gunicorn, signed_in_session
from tests.celery_worker import celery_worker
from tests.web.conftest import client_as  # noqa: F401  (the page test signs in with it)

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS_SERVER = shutil.which("redis-server")

pytestmark = pytest.mark.django_db(transaction=True)
needs_postgres = pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
                                    reason="needs PostgreSQL: gunicorn and the worker must see the test database")
needs_pg_binaries = pytest.mark.skipif(not (PG_BIN / "initdb").exists() or not shutil.which("pg_dump"),
                                       reason="needs PostgreSQL's server binaries (initdb, pg_ctl) and pg_dump")
needs_redis_server = pytest.mark.skipif(not REDIS_SERVER, reason="needs redis-server to start a private Redis")


# --- private servers -------------------------------------------------------------------------

class PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temporary folder, on a port of its own."""

    def __init__(self, root):
        self.root, self.port = Path(root), free_port()
        self.data, self.sockets = self.root / "data", self.root / "sockets"
        # initdb refuses to run as root: the cluster belongs to the postgres OS user then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.sockets.mkdir(parents=True)
        if self.as_user:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sockets, "postgres")

    def run(self, *command):
        # Output to files, not pipes: the server started by pg_ctl would hold a pipe open.
        with open(self.root / "commands.log", "a") as log:
            subprocess.run([*self.as_user, *command], check=True, stdout=log, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=120)

    def pg_ctl(self, *args):
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                 "-t", "60", *args)

    def start(self):
        self.run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync",
                 "-E", "UTF8", "--locale", "C.UTF-8")
        self.pg_ctl("-o",
                    f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def copy_database(self, source_url, name):
        """The source database (schema and rows) copied into a new database here."""
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                        "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True, timeout=60)
        dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", "-d", source_url],
                              check=True, capture_output=True, timeout=120)
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url(name)], input=dump.stdout,
                       check=True, capture_output=True, timeout=120)

    def stop(self):
        with contextlib.suppress(Exception):
            self.pg_ctl("-m", "immediate", "stop")


@pytest.fixture
def private_postgres():
    root = tempfile.mkdtemp(prefix="faults-pg-")
    server = PrivatePostgres(root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def redis_server(port):
    process = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--daemonize", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout.strip() != b"PONG":
            assert time.monotonic() < deadline, "the private redis-server did not start"
            time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def private_redis():
    port = free_port()
    with redis_server(port) as process:
        yield f"redis://127.0.0.1:{port}/0", process, port


# --- HTTP ------------------------------------------------------------------------------------

def fetch(url, *, headers=None, data=None, timeout=10):
    """(status, body) for one request; a refused or broken connection is status 0."""
    request = urllib.request.Request(url, headers=headers or {}, data=data, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def no_redirects():
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return NoRedirect


def token_for(user):
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


def json_headers(token):
    return {"Authorization": "Token " + token, "Accept": "application/json", "Content-Type": "application/json"}


# --- 1. PostgreSQL restarted under load ------------------------------------------------------

@pytest.mark.postgres
@needs_postgres
@needs_pg_binaries
def test_requests_recover_after_postgresql_restarts_without_restarting_gunicorn(
        private_postgres, chamber, admin_user, member):
    token = token_for(admin_user)
    private_postgres.copy_database(database_url(), "faults")
    api = "/api/v1/chambers/sz-optical/"
    env = {"DATABASE_URL": private_postgres.url("faults"), "DJANGO_SETTINGS_MODULE": "chamber.settings.test",
           "DATABASE_CONN_MAX_AGE": "60", "REDIS_URL": ""}
    with gunicorn(env=env, workers=2) as base:
        master = subprocess.run(["pgrep", "-f", f"gunicorn.*{base.rsplit(':', 1)[1]}"], capture_output=True,
                                text=True).stdout.split()
        results, stop = [], threading.Event()

        def stream():
            while not stop.is_set():
                status, _body = fetch(base + api + "members/", headers=json_headers(token), timeout=10)
                results.append((time.monotonic(), status))
                time.sleep(0.02)

        threads = [threading.Thread(target=stream) for _ in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        restart_began = time.monotonic()
        private_postgres.pg_ctl("-m", "fast", "restart")
        restart_ended = time.monotonic()
        time.sleep(3)
        stop.set()
        for thread in threads:
            thread.join(timeout=15)

        before = [s for t, s in results if t < restart_began]
        during = [s for t, s in results if restart_began <= t <= restart_ended + 0.5]
        after = [s for t, s in results if t > restart_ended + 0.5]
        print(f"PostgreSQL restart took {restart_ended - restart_began:.1f} s; requests before {len(before)}, "
              f"during {len(during)} ({sum(s != 200 for s in during)} failed), after {len(after)} "
              f"({sum(s != 200 for s in after)} failed)")
        assert before and set(before) == {200}
        assert len(after) >= 10 and set(after) == {200}, f"requests after the restart: {after}"
        # A write after the restart goes through too.
        status, body = fetch(base + api + "people/", headers=json_headers(token),
                             data=json.dumps({"name": "重启后新增", "gender": "male"}).encode())
        assert status == 201, body[:500]
        # Same gunicorn master: the app was not restarted.
        again = subprocess.run(["pgrep", "-f", f"gunicorn.*{base.rsplit(':', 1)[1]}"], capture_output=True,
                               text=True).stdout.split()
        assert master and set(master) & set(again)


# --- 2. Redis down ---------------------------------------------------------------------------

@pytest.mark.postgres
@needs_postgres
@needs_redis_server
def test_pages_and_api_still_work_with_redis_down(private_redis, chamber, admin_user, member):
    from chamber.services import api_key_create

    redis_url, redis_process, _port = private_redis
    token = token_for(admin_user)
    with scope(chamber=chamber):
        _key, raw_key = api_key_create(chamber=chamber, actor=admin_user, name="faults")
    session = signed_in_session(admin_user)
    # Local settings: tasks go through the broker (the test settings would run them in-process).
    env = {"DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "chamber.settings.local",
           "REDIS_URL": redis_url, "SECRET_KEY": settings.SECRET_KEY,
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    pages = ["/c/sz-optical/dashboard/", "/c/sz-optical/members/", f"/c/sz-optical/members/{member.pk}/",
             "/c/sz-optical/events/"]
    with gunicorn(env=env, workers=1) as base:
        opener = urllib.request.build_opener(no_redirects())
        csrf = "f" * 32  # an unmasked CSRF secret: the cookie and the header agree

        def page(path, data=None):
            request = urllib.request.Request(base + path, data=data, headers={
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}",
                "X-CSRFToken": csrf, "Referer": base + path})
            try:
                with opener.open(request, timeout=10) as answer:
                    return answer.status
            except urllib.error.HTTPError as error:
                return error.code

        def check_everything():
            answers = {path: page(path) for path in pages}
            answers["API token"] = fetch(base + "/api/v1/chambers/sz-optical/members/", headers=json_headers(token))[0]
            answers["API key"] = fetch(base + "/api/v1/chambers/sz-optical/members/",
                                       headers={"Authorization": "Api-Key " + raw_key})[0]
            status, body = fetch(base + "/api/v1/chambers/sz-optical/people/", headers=json_headers(token),
                                 data=json.dumps({"name": "缓存停机新增", "gender": "female"}).encode())
            answers["API write"] = status
            return answers

        up = check_everything()
        assert set(up.values()) <= {200, 201}, up
        redis_process.terminate()
        redis_process.wait(timeout=10)
        started = time.monotonic()
        down = check_everything()
        elapsed = time.monotonic() - started
        assert set(down.values()) <= {200, 201}, down
        assert elapsed < 20, f"pages took {elapsed:.1f} s with Redis down"
        # A write that hands work to a worker: the broker is down, the page still answers.
        year = 2025
        generate = page(f"/c/sz-optical/annual/{year}/generate/", data=b"")
        assert generate in (200, 302, 303), generate
        status, body = fetch(base + "/healthz")
        report = json.loads(body)
        assert status == 200 and report["status"] == "degraded" and report["redis"]["status"] == "error", report


# --- 3. A worker killed mid-task -------------------------------------------------------------

@pytest.mark.postgres
@needs_postgres
@needs_redis_server
def test_a_worker_killed_mid_batch_leaves_the_batch_done_once(private_redis, chamber, admin_user, tmp_path, settings):
    from celery import Celery

    from chamber.models import Certificate, DocumentBatch, DocumentBatchStatus

    redis_url, _process, _port = private_redis
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    with scope(chamber=chamber):
        certificates = Certificate.objects.bulk_create([
            Certificate(chamber=chamber, kind="rating", number="FAULT-{:03d}".format(n), holder_name="苏州光电缆有限公司",
                        title="四星级商会", issuer_name=chamber.name, issued_on="2026-01-10", valid_until="2029-01-09")
            for n in range(30)])
        batch = DocumentBatch.objects.create(chamber=chamber, title="故障测试", total=len(certificates),
                                             created_by=admin_user)
        batch.certificates.set(certificates)

    def batch_in(status, **more):
        with scopes_disabled():
            return DocumentBatch.objects.filter(pk=batch.pk, status=status, **more).exists()

    env = {"PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT), "CELERY_VISIBILITY_TIMEOUT": "3"}
    # Not the current app: shared tasks sent later in the session would go to this broker.
    sender = Celery(broker=redis_url, set_as_current=False)
    with celery_worker(redis_url=redis_url, env=env, name="doomed") as doomed:
        sender.send_task("chamber.documents.tasks.document_batch_render", args=[batch.pk])
        deadline = time.monotonic() + 90
        while not batch_in(DocumentBatchStatus.RUNNING, done__gte=5):
            assert doomed.poll() is None, "the worker exited early"
            assert time.monotonic() < deadline, "the worker never started the batch"
            time.sleep(0.1)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    with scopes_disabled():
        killed_at = DocumentBatch.objects.get(pk=batch.pk)
    assert killed_at.status == DocumentBatchStatus.RUNNING and killed_at.done < killed_at.total
    with celery_worker(redis_url=redis_url, env=env, name="heir") as heir:
        deadline = time.monotonic() + 120
        while not batch_in(DocumentBatchStatus.READY):
            assert heir.poll() is None, "the second worker exited early"
            assert time.monotonic() < deadline, "the batch was never finished after the worker was killed"
            time.sleep(0.2)
        time.sleep(4)  # a second delivery (visibility timeout) would finish it again now
    with scopes_disabled():
        batch = DocumentBatch.objects.get(pk=batch.pk)
    assert batch.status == DocumentBatchStatus.READY and batch.done == batch.total == 30
    zips = [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.zip")]
    assert len(zips) == 1, zips
    assert get_user_model().objects.filter(pk=admin_user.pk).exists()


# --- 2b. The broker down when a request hands work to a worker --------------------------------

def test_a_background_export_with_the_broker_down_answers_and_keeps_the_record(
        client_as, chamber, admin_user, member, settings, monkeypatch, django_capture_on_commit_callbacks):
    """The export row is committed before its task is sent; a refused connection to Redis
    then must not turn the committed request into a 500 (on_commit(robust=True))."""
    from kombu.exceptions import OperationalError

    from chamber.interchange import export_tasks
    from chamber.interchange.models import ExportRecord, ExportStatus

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(export_tasks.export_build, "delay", broker_down)
    settings.EXPORT_BACKGROUND_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(admin_user).get("/c/sz-optical/exports/members/")
    assert response.status_code == 302
    with scope(chamber=chamber):
        assert ExportRecord.objects.get().status == ExportStatus.PENDING
