"""End a signed-in session after SESSION_IDLE_TIMEOUT seconds without a request.

SESSION_COOKIE_AGE bounds a session's whole life; this bounds a pause (a screen left open
at a shared computer in a chamber's office). The time of the last request is kept in the
session, written at most once a minute so that every page view does not rewrite the session.
"""
import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.utils.translation import gettext as _

from chamber.mixins import full_page_redirect

LAST_ACTIVITY_KEY = "_chamber_last_activity"
# Refresh the stored time only when it is this old: fewer session writes, and the timeout
# is still exact to within a minute.
WRITE_EVERY_SECONDS = 60


class IdleSessionTimeoutMiddleware:
    """After AuthenticationMiddleware: log out a session idle for longer than the timeout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = getattr(settings, "SESSION_IDLE_TIMEOUT", 0)
        session = getattr(request, "session", None)
        # No session cookie: nothing to expire (and an API token request stays untouched).
        if timeout and session is not None and session.session_key and request.user.is_authenticated:
            now = int(time.time())
            last = session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > timeout:
                logout(request)
                return self.expired(request)
            if last is None or now - last >= WRITE_EVERY_SECONDS:
                session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

    def expired(self, request):
        message = _("You were logged out after {minutes} minutes without activity. Please log in again.").format(
            minutes=settings.SESSION_IDLE_TIMEOUT // 60)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        return full_page_redirect(request, "{}?next={}".format(settings.LOGIN_URL, quote(request.get_full_path())))
