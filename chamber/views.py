"""Pages outside any chamber: the start page and the health check."""
import logging

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django_scopes import scopes_disabled

from .health import health_report
from .models import Chamber, ChamberStatus, Role

logger = logging.getLogger(__name__)


def home(request):
    """The start page: what this is, and the chambers the signed-in user works in."""
    chambers = []
    if request.user.is_authenticated:
        # Outside any chamber on purpose: the list spans the user's chambers, and only those.
        with scopes_disabled():
            chamber_ids = Role.objects.filter(user=request.user).values("chamber_id")
            chambers = list(
                Chamber.objects.filter(pk__in=chamber_ids)
                .exclude(status=ChamberStatus.DISSOLVED)
                .order_by("name")
            )
    return render(request, "home.html", {"chambers": chambers})


@never_cache
def healthz(request):
    """JSON health report: 200 when ok or degraded, 503 when down; never a 500."""
    try:
        report = health_report()
    except Exception as exc:  # a monitoring endpoint must always answer
        logger.exception("health check itself failed")
        report = {"status": "down", "error": type(exc).__name__}
    return JsonResponse(report, status=503 if report["status"] == "down" else 200)
