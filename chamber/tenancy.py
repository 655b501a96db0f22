"""The tenancy middleware: resolve the chamber named in the URL and scope the request to it.

Every tenant URL carries a `chamber` keyword (`/c/<chamber>/...`, `/api/v1/chambers/<chamber>/...`).
The middleware answers 404 for an unknown chamber and runs the view *and the rendering of
its response* inside `scope(chamber=...)` (as pretix does), so a query on a tenant model
that escaped its filter raises instead of leaking.

Whether the user may see the chamber at all is decided by `request.access`, computed
lazily: page views check it in `ChamberViewMixin`, API views in `ChamberCapability`,
because DRF authenticates tokens and API keys inside the view, after middleware has run.
Both answer 404 to outsiders, so a chamber's existence is not revealed.

The same scope is the database's chamber set (chamber/rls.py, docs/security.md): with
RLS_ENFORCED every statement the view runs carries it, and PostgreSQL's row-level security
shows the application role this chamber's rows only. Nothing to reset afterwards: the set
travels with each statement, not with the (reused) connection. Requests outside a chamber
URL run with no chamber set, except Django admin, whose scopes_disabled() is the system
context.
"""
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from .access import access_for_user
from .models import Chamber, ChamberStatus


class ChamberMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.chamber = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)

        slug = match.kwargs.get("chamber")
        if slug is None:
            if match.app_name == "admin" or match.namespace == "admin":
                # Django admin is the platform operator's tool (superusers only) and spans
                # chambers by design.
                with scopes_disabled():
                    return self.get_response(request)
            return self.get_response(request)

        chamber = (
            Chamber.objects.filter(slug=slug).exclude(status=ChamberStatus.DISSOLVED).first()
        )
        if chamber is None:
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": _("Not found.")}, status=404)
            raise Http404(_("No such chamber."))

        request.chamber = chamber
        request.access = SimpleLazyObject(lambda: access_for_user(chamber, request.user))
        with scope(chamber=chamber):
            return self.get_response(request)
