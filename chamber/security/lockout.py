"""What a locked-out client sees (django-axes' AXES_LOCKOUT_CALLABLE).

Axes flags the request when a login fails while, or by, crossing the limit; its middleware
then swaps the response for this one: a page in the user's language for the web login and
the admin's, JSON for the API. 429 Too Many Requests, as axes answers by default.
"""
import math

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKOUT_STATUS = 429


def cool_off_minutes():
    """The lock's length in whole minutes (AXES_COOLOFF_TIME is a timedelta here)."""
    cool_off = settings.AXES_COOLOFF_TIME
    return max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else None


def lockout_message():
    minutes = cool_off_minutes()
    if minutes is None:
        return _("Too many failed log-in attempts. Ask an administrator to unlock your account.")
    return _(
        "Too many failed log-in attempts. Log-in for this account from your address is "
        "blocked for {minutes} minutes."
    ).format(minutes=minutes)


def lockout_response(request, original_response=None, credentials=None):
    message = lockout_message()
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=LOCKOUT_STATUS)
    return render(request, "registration/locked_out.html",
                  {"message": message, "failure_limit": settings.AXES_FAILURE_LIMIT}, status=LOCKOUT_STATUS)


def client_ip(request):
    """The address failures are counted against (AXES_CLIENT_IP_CALLABLE).

    Only the X-Forwarded-For entries our own proxies added can be trusted: with N proxies
    in front, the N-th entry from the right is the address that connected to the outermost.
    """
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                     if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
