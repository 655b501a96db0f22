"""GET /api/v1/chambers/ (the chambers the caller belongs to) and
GET /api/v1/chambers/<chamber>/ (one of them)."""
from rest_framework import exceptions, mixins, permissions, viewsets

from chamber.api.mixins import ChamberAutoSchema
from chamber.api.permissions import resolve_access
from chamber.api.serializers import ChamberDetailSerializer, ChamberSerializer
from chamber.models import ApiKey, Chamber, ChamberStatus
from chamber.selectors import chamber_list_for_user


class ChamberInsider(permissions.BasePermission):
    """Anyone with a role in the chamber (or its API key) may read the chamber itself;
    anonymous callers get 401, outsiders 404. The list needs only an authenticated caller:
    it is built from the caller's own roles. The viewset is read-only, so other methods
    are 405."""

    def has_permission(self, request, view):
        if not (request.user.is_authenticated or isinstance(request.auth, ApiKey)):
            raise exceptions.NotAuthenticated()
        if getattr(request, "chamber", None) is not None and not resolve_access(request).is_insider:
            raise exceptions.NotFound()
        return True


def chamber_list_for(request):
    """The chambers the caller may enter: the API key's own, or those where the user holds
    a role (the start page's list, with pk as the tie-breaker the API's paging needs)."""
    if isinstance(request.auth, ApiKey):
        return Chamber.objects.exclude(status=ChamberStatus.DISSOLVED).filter(
            pk=request.auth.chamber_id).order_by("name", "pk")
    return chamber_list_for_user(request.user).order_by("name", "pk")


class ChamberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    schema = ChamberAutoSchema()
    permission_classes = [ChamberInsider]
    queryset = Chamber.objects.none()
    lookup_field = "slug"
    lookup_url_kwarg = "chamber"  # the tenancy middleware resolves and scopes it
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return chamber_list_for(self.request)

    def get_object(self):
        # The middleware already found the chamber and the permission checked the caller.
        return self.request.chamber

    def get_serializer_class(self):
        return ChamberDetailSerializer if self.action == "retrieve" else ChamberSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self.request, "chamber", None) is not None:
            context["access"] = resolve_access(self.request)
        return context
