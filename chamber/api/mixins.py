"""Shared plumbing of the tenant API: the base viewset every resource under
/api/v1/chambers/<chamber>/ derives from, the `chamber` path parameter, and the
Api-Key security scheme of the OpenAPI document.

A tenant viewset declares three things and stays thin:

- `permission` / `write_permission`: the capabilities `ChamberCapability` checks
  (outsiders 404, insiders without the capability 403, anonymous 401);
- `queryset = Model.objects.none()`: only tells the schema generator the model;
- `get_chamber_queryset()`: the selector call that builds the real queryset for this
  request's chamber and the caller's reach.
"""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions, viewsets

from chamber.api.permissions import resolve_access

CHAMBER_PARAMETER = OpenApiParameter(
    "chamber",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The chamber's slug, as in its URLs (e.g. `sz-optical`).",
    pattern=r"^[-a-zA-Z0-9_]+$",
)


class ChamberAutoSchema(AutoSchema):
    """Document `{chamber}` as the slug it is (the model's `chamber` is an integer FK)."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if "{chamber}" in self.path:
            return [CHAMBER_PARAMETER, *parameters]
        return parameters


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "chamber.api.authentication.ChamberApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A chamber's read-only roster key: `Authorization: Api-Key ck_<prefix>.<secret>`. "
                "It reads that chamber's roster, branches, people and officers; every write is 403."
            ),
        }


def with_chamber(obj, chamber):
    """The row came from a queryset filtered on `chamber`: attach it, so the services that
    read `obj.chamber` do not fetch it again."""
    if getattr(obj, "chamber_id", None) == chamber.pk:
        obj.chamber = chamber
    return obj


class TenantViewSet(viewsets.GenericViewSet):
    """Base of every resource under /api/v1/chambers/<chamber>/."""

    schema = ChamberAutoSchema()
    permission = None
    write_permission = None
    lookup_value_regex = r"\d+"

    @property
    def chamber(self):
        return self.request.chamber

    @property
    def access(self):
        return resolve_access(self.request)

    @property
    def is_read(self):
        return self.request.method in permissions.SAFE_METHODS

    @property
    def reach_capability(self):
        """The capability whose branch reach limits the rows of this request."""
        return self.permission if self.is_read else self.write_permission

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset  # Model.objects.none(): the schema only needs the model
        return self.get_chamber_queryset()

    def get_chamber_queryset(self):  # pragma: no cover - every view defines it
        raise NotImplementedError

    def get_object(self):
        return with_chamber(super().get_object(), self.chamber)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and getattr(self.request, "chamber", None) is not None:
            context["chamber"] = self.request.chamber
            context["access"] = self.access
        return context

    def ensure_still_visible(self, obj):
        """NetBox's rule: after a write by a branch-limited user, the object must still be
        within what they may see, else the write is refused (the caller's transaction rolls
        back). Costs a query only for branch-limited writers."""
        if self.access.branch_paths(self.write_permission) is None:
            return
        if not self.get_chamber_queryset().filter(pk=obj.pk).exists():
            raise PermissionDenied(_("The result would lie outside the branches you manage."))
