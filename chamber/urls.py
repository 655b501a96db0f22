"""Top-level URLs. Tenant pages live under /c/<chamber>/, the API under /api/v1/."""
from django.contrib import admin
from django.urls import include, path

from . import accounts, preferences, views

# Every page of a chamber; ChamberMiddleware resolves <chamber> and scopes the request.
tenant_patterns = [
    path("", include("chamber.tenant_urls")),
    path("members/", include("members.urls")),
    path("branches/", include("branches.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("charity/", include("charity.urls")),
    path("events/", include("events.urls")),
    path("reminders/", include("chamber.reminders.tenant_urls")),
    path("imports/", include("chamber.interchange.import_urls")),
    path("exports/", include("chamber.interchange.export_urls")),
    path("certificates/", include("chamber.documents.tenant_urls")),
    path("documents/", include("chamber.documents.batch_urls")),
    path("annual/", include("chamber.annual.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts.urlpatterns)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("inbox/", include("chamber.reminders.urls")),
    path("i18n/setlang/", preferences.language_switch, name="set_language"),
    path("c/<slug:chamber>/", include(tenant_patterns)),
    # Pages anyone may open: a programme's public honour roll (only when it opted in).
    path("public/<slug:chamber>/charity/", include("charity.public_urls")),
    # Calendar feeds: calendar apps fetch them with a per-user token instead of a session.
    path("calendar/", include("events.calendar_urls")),
    # A certificate's QR code opens its public verification page (genuine / expired / revoked).
    path("verify/", include("chamber.documents.public_urls")),
    path("api/v1/", include("chamber.api.urls")),
]
