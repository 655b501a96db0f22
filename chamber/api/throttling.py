"""Rate limits per API key: at most `ApiKey.requests_per_minute` requests in each clock
minute (a fixed window), counted in Django's cache (Redis in production).

A fixed window needs one counter per key and minute, incremented atomically (Redis INCR),
so concurrent workers never lose a count; its known edge is that a burst straddling the
turn of a minute may reach twice the limit within 60 seconds, which a polling client
cannot sustain. Over the limit: 429 with Retry-After (the seconds left in the minute) and
DRF's message in the caller's language.

Users (tokens, sessions) are not limited: they are people working in the app. If the
cache cannot be reached the request is allowed and a warning logged: an outage of Redis
must not take the API down with it.
"""
import logging
import math
import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from chamber.models import ApiKey

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60


class ApiKeyRateThrottle(BaseThrottle):
    timer = staticmethod(time.time)  # tests replace it to sit inside one window

    def allow_request(self, request, view):
        key = request.auth
        if not isinstance(key, ApiKey):
            return True
        now = self.timer()
        window = int(now // WINDOW_SECONDS)
        counter = "throttle:api-key:{}:{}".format(key.pk, window)
        try:
            # incr() is atomic in Redis; the window's first request creates the counter
            # (add() is SET NX, so concurrent first requests still count once each).
            try:
                count = cache.incr(counter)
            except ValueError:  # no counter yet for this window
                cache.add(counter, 0, timeout=WINDOW_SECONDS * 2)
                count = cache.incr(counter)
        except Exception as exc:  # noqa: BLE001 - any cache failure: fail open
            logger.warning("API key rate limit not checked (cache unavailable): %s", exc)
            return True
        if count <= key.requests_per_minute:
            return True
        self._wait = (window + 1) * WINDOW_SECONDS - now
        return False

    def wait(self):
        return max(1, math.ceil(getattr(self, "_wait", WINDOW_SECONDS)))
