"""The page-side twin of the API's ChamberCapability permission.

Views under /c/<chamber>/ declare `permission` (to read) and `write_permission` (to
write). Anonymous users are sent to log in; users with no role in the chamber get 404
(the chamber's existence is not revealed); insiders without the capability get 403.
"""
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def safe_next_url(request, default):
    """`next` from the form or the query string when it is a URL of this site, else
    `default`: an address taken from the request must not send the user elsewhere."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return default


def full_page_redirect(request, url):
    """Redirect to `url`; an htmx fragment request gets HX-Redirect instead, so htmx loads
    the whole page there rather than swapping a log-in page into the fragment."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def check_chamber_capability(request, permission, write_permission=None):
    """Raise Http404 / PermissionDenied unless the request's user may do this here."""
    access = request.access
    if not access.is_insider:
        raise Http404
    needed = permission if request.method in SAFE_METHODS else write_permission
    if needed is None or not access.has(needed):
        raise PermissionDenied


class ChamberViewMixin:
    permission = None
    write_permission = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        check_chamber_capability(request, self.permission, self.write_permission)
        self.chamber = request.chamber
        self.access = request.access
        return super().dispatch(request, *args, **kwargs)
