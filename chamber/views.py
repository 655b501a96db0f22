"""Pages outside any chamber: the start page and the health check."""
from django.shortcuts import render

from .health import health_report
from django.http import JsonResponse


def home(request):
    return render(request, "home.html", {})


def healthz(request):
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
