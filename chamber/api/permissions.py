"""The one permission class of the API.

Views declare `permission` (needed to read) and `write_permission` (needed to write);
outsiders get 404 so a chamber's existence is not revealed, insiders without the
capability get 403, anonymous callers get 401.
"""
from rest_framework import exceptions, permissions

from chamber.access import access_for_api_key, access_for_user
from chamber.models import ApiKey


def resolve_access(request):
    """Work out (once) what the authenticated caller may do in the request's chamber."""
    cached = getattr(request, "_chamber_access", None)
    if cached is not None:
        return cached
    if isinstance(request.auth, ApiKey):
        access = access_for_api_key(request.chamber, request.auth)
    else:
        access = access_for_user(request.chamber, request.user)
    request._chamber_access = access
    request._request.access = access
    return access


class ChamberCapability(permissions.BasePermission):
    def has_permission(self, request, view):
        authenticated = request.user.is_authenticated or isinstance(request.auth, ApiKey)
        if not authenticated:
            raise exceptions.NotAuthenticated()
        if getattr(request, "chamber", None) is None:
            return True  # not a tenant URL (e.g. the list of my chambers)
        access = resolve_access(request)
        if not access.is_insider:
            raise exceptions.NotFound()
        needed = view_capability(view, request)
        if needed is None:
            return False
        return access.has(needed)


def view_capability(view, request):
    """The capability the view declares for this request's method (None: nobody)."""
    if request.method in permissions.SAFE_METHODS:
        return getattr(view, "permission", None)
    return getattr(view, "write_permission", None)
