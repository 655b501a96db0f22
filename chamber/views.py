"""The start page, the health check, and the chamber-level pages under /c/<chamber>/."""
import logging

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views import View
from django.views.decorators.cache import never_cache

from .health import health_report
from .navigation import landing_url
from .selectors import chamber_list_for_request

logger = logging.getLogger(__name__)


def home(request):
    """The start page: what this is, and the chambers the signed-in user works in."""
    chambers = chamber_list_for_request(request) if request.user.is_authenticated else []
    if len(chambers) == 1 and not request.user.is_staff:
        # Most people work in one chamber: take them straight there.
        return redirect("chamber:index", chamber=chambers[0].slug)
    return render(request, "home.html", {"chambers": chambers})


class ChamberIndexView(View):
    """/c/<chamber>/: the first page of the menu this user may open."""

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.access.is_insider:
            raise Http404
        url = landing_url(request)
        if url is None:
            raise PermissionDenied
        return redirect(url)


@never_cache
def healthz(request):
    """JSON health report: 200 when ok or degraded, 503 when down; never a 500."""
    try:
        report = health_report()
    except Exception as exc:  # a monitoring endpoint must always answer
        logger.exception("health check itself failed")
        report = {"status": "down", "error": type(exc).__name__}
    return JsonResponse(report, status=503 if report["status"] == "down" else 200)
