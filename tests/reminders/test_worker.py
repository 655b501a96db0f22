"""Reminders through a real Celery worker and Redis (not eager mode): exactly one email per
recipient however often the scan and the dispatch run; a worker killed mid-batch and
restarted leaves every reminder sent exactly once; with Redis away the pages and the API
still answer, and the reminders go out when it returns."""
import datetime
import os
import signal
import socket
import subprocess
import time
from collections import Counter

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from chamber.celery import app
from chamber.reminders.models import Delivery, DeliveryStatus
from chamber.reminders.tasks import reminder_deliver, reminders_dispatch, reminders_scan_chamber
from members.models import Term
from tests.celery_worker import celery_worker

from .mail_backends import sent_messages

pytestmark = [
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
                       reason="needs PostgreSQL: the worker process must see the test database"),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"),
                       reason="needs Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run a real worker"),
    pytest.mark.django_db(transaction=True),
]

WAIT_SECONDS = 40
MAIL_BACKEND = "tests.reminders.mail_backends.FilePerMessageBackend"



@pytest.fixture
def mail_folder(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


def _worker_env(mail_folder, **extra):
    return {"TEST_EMAIL_BACKEND": MAIL_BACKEND, "TEST_EMAIL_FILE_PATH": str(mail_folder), **extra}


def _wait(condition, worker, what, seconds=WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.poll() is None, "the celery worker exited early (output below)"
        time.sleep(0.1)
    pytest.fail(f"timed out after {seconds}s waiting for {what}")


def _pending_deliveries(chamber, users):
    """One due delivery per user, as a scan leaves them."""
    now = timezone.now()
    with scope(chamber=chamber):
        return [Delivery.objects.create(
            chamber=chamber, rule="term_end", subject_type="members.term", subject_id="1", occasion=f"t/{n}",
            recipient=user, language="zh-hans", title="第八届理事会将于60天后届满", due_at=now - datetime.timedelta(minutes=1),
        ) for n, user in enumerate(users)]


def _statuses(ids):
    with scopes_disabled():
        return Counter(Delivery.objects.filter(pk__in=ids).values_list("status", flat=True))


def test_due_reminders_reach_each_recipient_exactly_once(chamber, admin_user, secretary, make_user,
                                                         sent_to_broker, mail_folder):
    admin_user.email, secretary.email = "alice@example.cn", "sally@example.cn"
    admin_user.save()
    secretary.save()
    with scope(chamber=chamber):
        today = timezone.localdate()
        Term.objects.create(chamber=chamber, ordinal=8, name="第八届理事会", starts_on=today - datetime.timedelta(days=1700),
                            ends_on=today + datetime.timedelta(days=60))
    with celery_worker(env=_worker_env(mail_folder), name="once") as worker:
        # Two beats by mistake, a rerun: the scan twice, the dispatch three times, and a
        # delivery task sent again as a redelivered message would be.
        reminders_scan_chamber.delay(chamber.pk)
        reminders_scan_chamber.delay(chamber.pk)
        _wait(lambda: _delivery_count(chamber) >= 2, worker, "the scan")
        with scopes_disabled():
            ids = list(Delivery.objects.filter(chamber_id=chamber.pk).values_list("pk", flat=True))
            Delivery.objects.filter(pk__in=ids).update(due_at=timezone.now() - datetime.timedelta(minutes=1))
        for _i in range(3):
            reminders_dispatch.delay()
        for delivery_id in ids:
            reminder_deliver.delay(delivery_id)
        _wait(lambda: _statuses(ids) == Counter({DeliveryStatus.SENT: len(ids)}), worker, "every delivery sent")
        time.sleep(1.0)  # let the duplicates in the queue run: they must find nothing to do
    recipients = Counter(to for to, _message_id in sent_messages(mail_folder))
    assert recipients == Counter({"alice@example.cn": 1, "sally@example.cn": 1})
    assert len(ids) == 2


def _delivery_count(chamber):
    with scopes_disabled():
        return Delivery.objects.filter(chamber_id=chamber.pk).count()


def test_a_worker_killed_mid_batch_leaves_every_reminder_sent_exactly_once(chamber, make_user, sent_to_broker,
                                                                           mail_folder):
    users = [make_user(f"member{n:02d}", email=f"m{n:02d}@example.cn") for n in range(20)]
    ids = [d.pk for d in _pending_deliveries(chamber, users)]
    env = _worker_env(mail_folder, TEST_EMAIL_DELAY="0.3", TEST_REMINDER_STALE_CLAIM_SECONDS="2")
    with celery_worker(env=env, name="killed") as first:
        reminders_dispatch.delay()
        _wait(lambda: len(sent_messages(mail_folder)) >= 5, first, "five messages")
        time.sleep(0.1)  # now in the middle of the next message's send
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    halfway = len(sent_messages(mail_folder))
    assert halfway < len(ids), "the worker finished before it could be killed"
    with celery_worker(env={**env, "TEST_EMAIL_DELAY": "0"}, name="restarted") as second:
        time.sleep(2.5)  # the killed worker's claim goes stale
        reminders_dispatch.delay()  # beat's next dispatch
        _wait(lambda: _statuses(ids) == Counter({DeliveryStatus.SENT: len(ids)}), second, "every delivery sent")
    recipients = Counter(to for to, _message_id in sent_messages(mail_folder))
    assert recipients == Counter({u.email: 1 for u in users})


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_pages_work_without_redis_and_reminders_catch_up(chamber, member, admin_user, make_user, sent_to_broker,
                                                        mail_folder):
    port = _free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    users = [make_user(f"late{n}", email=f"late{n}@example.cn") for n in range(3)]
    ids = [d.pk for d in _pending_deliveries(chamber, users)]
    dead_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url,
                              "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    client = Client()
    client.force_login(admin_user)
    with override_settings(CACHES=dead_cache):
        for path in (f"/c/{chamber.slug}/dashboard/", f"/c/{chamber.slug}/members/", "/inbox/",
                     f"/api/v1/chambers/{chamber.slug}/members/"):
            assert client.get(path).status_code == 200, path
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "degraded"
    assert _statuses(ids) == Counter({DeliveryStatus.PENDING: 3})  # nothing could go out

    server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        with celery_worker(redis_url=redis_url, env=_worker_env(mail_folder), name="catch-up") as worker:
            with app.connection_for_write(redis_url) as conn:
                reminders_dispatch.apply_async(connection=conn)  # beat's first dispatch once Redis is back
            _wait(lambda: _statuses(ids) == Counter({DeliveryStatus.SENT: 3}), worker, "the backlog sent")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert sorted(to for to, _m in sent_messages(mail_folder)) == sorted(u.email for u in users)
