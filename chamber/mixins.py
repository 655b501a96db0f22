"""The page-side twin of the API's ChamberCapability permission.

Views under /c/<chamber>/ declare `permission` (to read) and `write_permission` (to
write). Anonymous users are sent to log in; users with no role in the chamber get 404
(the chamber's existence is not revealed); insiders without the capability get 403.
"""
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


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
