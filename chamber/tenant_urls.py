"""Chamber-level pages under /c/<chamber>/ (the apps' pages are included beside these)."""
from django.urls import path

from . import audit_views, dashboard, views

app_name = "chamber"

urlpatterns = [
    path("", views.ChamberIndexView.as_view(), name="index"),
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("affiliates/", dashboard.AffiliatesView.as_view(), name="affiliates"),
    path("affiliates/<slug:affiliate>/", dashboard.AffiliateDetailView.as_view(), name="affiliate_detail"),
    # audit trail (issue 10): the chamber's audit log, filtered per record and per user by query string.
    path("audit/", audit_views.AuditLogView.as_view(), name="audit"),
]
