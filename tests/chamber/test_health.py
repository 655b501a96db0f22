"""GET /healthz: shape, database, Redis, workers, and never a 500."""
import time

import pytest
from django.db import OperationalError
from django.test import override_settings

from chamber import health

DEAD_REDIS = "redis://127.0.0.1:1/0"  # port 1: nothing listens, the connection is refused
DEAD_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": DEAD_REDIS,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.mark.django_db
def test_healthz_shape(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"status", "database", "redis", "workers"}
    assert body["status"] in ("ok", "degraded")
    assert body["database"]["status"] == "ok"
    assert body["database"]["ms"] >= 0
    if settings.REDIS_URL:
        assert body["redis"]["status"] == "ok"
        assert isinstance(body["workers"]["answered"], int)
    else:
        assert body["redis"] == {"status": "not configured"}
        assert body["workers"]["status"] == "in-process"
        assert body["status"] == "ok"


@pytest.mark.django_db
def test_healthz_is_not_cached(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


@pytest.mark.django_db
@override_settings(REDIS_URL=DEAD_REDIS, CACHES=DEAD_CACHE)
def test_dead_redis_is_degraded_quickly_not_500(client):
    start = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - start
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["status"] == "ok"
    assert body["redis"]["status"] == "error"
    assert body["workers"]["status"] == "unknown"
    assert elapsed < 2.0, f"/healthz took {elapsed:.2f}s with Redis down"


def test_check_redis_with_a_bad_url_is_bounded():
    start = time.monotonic()
    state = health.check_redis(DEAD_REDIS)
    assert state["status"] == "error"
    assert state["error"] == "ConnectionError"
    assert time.monotonic() - start < 1.5


@override_settings(REDIS_URL="")
def test_check_redis_not_configured():
    assert health.check_redis() == {"status": "not configured"}


@pytest.mark.django_db
def test_database_failure_is_503_down(client, monkeypatch):
    class BrokenConnection:
        vendor = "broken"

        def cursor(self):
            raise OperationalError("could not connect to server at db.internal")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    # Public endpoint: the class name only, not the message that names hosts.
    assert body["database"]["status"] == "error"
    assert body["database"]["error"] == "OperationalError"
    assert "db.internal" not in response.content.decode()


@pytest.mark.django_db
def test_a_bug_in_the_report_still_answers_json(client, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(health, "check_workers", explode)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "error": "RuntimeError"}


@pytest.mark.django_db
@override_settings(REDIS_URL="")
def test_heartbeat_is_reported_in_process(client):
    from chamber.tasks import heartbeat

    heartbeat()  # in-process: writes this process's cache, as beat does in its own
    workers = client.get("/healthz").json()["workers"]
    assert workers["status"] == "in-process"
    assert workers["heartbeat"]["age_s"] < 5
