"""Chamber-level pages under /c/<chamber>/ (the apps' pages are included beside these)."""
from django.urls import path

from . import dashboard, views

app_name = "chamber"

urlpatterns = [
    path("", views.ChamberIndexView.as_view(), name="index"),
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("affiliates/", dashboard.AffiliatesView.as_view(), name="affiliates"),
    path("affiliates/<slug:affiliate>/", dashboard.AffiliateDetailView.as_view(), name="affiliate_detail"),
]
