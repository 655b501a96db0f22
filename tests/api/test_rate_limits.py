"""Rate limits per API key: `requests_per_minute` requests per clock minute, then 429 with
Retry-After; other keys and users with tokens are not affected; with the cache down the
request still succeeds (fail open)."""
import random

import pytest
from django.test import override_settings
from django_scopes import scope

from chamber.api.throttling import ApiKeyRateThrottle
from chamber.models import ApiKey
from chamber.services import api_key_create


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, 15 s into a minute of its own (so counters of other tests and
    runs sharing the cache never meet this one's)."""
    state = {"now": random.randrange(10**6, 10**7) * 60 + 15.0}
    monkeypatch.setattr(ApiKeyRateThrottle, "timer", staticmethod(lambda: state["now"]))
    return state


def limited(chamber, name, per_minute):
    with scope(chamber=chamber):
        key, raw = api_key_create(chamber=chamber, actor=None, name=name)
        ApiKey.objects.filter(pk=key.pk).update(requests_per_minute=per_minute)
    return raw


def test_the_fourth_request_of_a_three_a_minute_key_is_429(api, url, chamber, member, clock):
    client = api.as_key(limited(chamber, "三次", 3))
    assert [client.get(url("members/")).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url("members/"), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"  # the rest of the minute
    assert refused.json()["detail"] == "Too many requests for this API key; try again in 45 seconds."
    chinese = client.get(url("members/"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 429 and chinese.json()["detail"] == "此 API 密钥请求过于频繁，请在 45 秒后重试。"
    clock["now"] += 45  # the next minute
    assert client.get(url("members/")).status_code == 200


def test_another_key_is_unaffected(api, url, chamber, member, clock):
    first, second = limited(chamber, "甲", 1), limited(chamber, "乙", 1)
    assert api.as_key(first).get(url("members/")).status_code == 200
    assert api.as_key(first).get(url("members/")).status_code == 429
    assert api.as_key(second).get(url("members/")).status_code == 200


def test_users_with_tokens_are_not_limited(api, url, chamber, member, admin_user, api_key, clock):
    with scope(chamber=chamber):
        ApiKey.objects.update(requests_per_minute=1)
    client = api.as_user(admin_user)
    assert {client.get(url("members/")).status_code for _ in range(5)} == {200}


def test_an_unreachable_cache_lets_the_request_through(api, url, chamber, member, caplog, clock):
    raw = limited(chamber, "缓存故障", 1)
    broken = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0",
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    with override_settings(CACHES=broken):
        statuses = [api.as_key(raw).get(url("members/")).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert "rate limit not checked" in caplog.text
