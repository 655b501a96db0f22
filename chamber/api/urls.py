"""/api/v1/: schema, docs, tokens, and each app's tenant resources under chambers/<chamber>/."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from ..security.token import obtain_auth_token
from .views import ChamberViewSet

# chambers/ and chambers/<chamber>/ (the lookup kwarg is `chamber`, which the tenancy
# middleware resolves and scopes).
router = SimpleRouter()
router.register("chambers", ChamberViewSet, basename="api-chamber")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # DRF's obtain_auth_token with the lockout and two-factor rules (chamber/security/token.py).
    path("auth/token/", obtain_auth_token, name="api-token"),
    *router.urls,
    path("chambers/<slug:chamber>/", include("branches.api.urls")),
    path("chambers/<slug:chamber>/", include("members.api.urls")),
    path("chambers/<slug:chamber>/evaluations/", include("evaluations.api.urls")),
    path("chambers/<slug:chamber>/dues/", include("members.api.dues_urls")),
    path("chambers/<slug:chamber>/charity/", include("charity.api.urls")),
    path("chambers/<slug:chamber>/events/", include("events.api.urls")),
]
