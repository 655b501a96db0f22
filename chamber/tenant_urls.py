"""Chamber-level pages under /c/<chamber>/ (the apps' pages are included beside these)."""
from django.urls import path

from . import views

app_name = "chamber"

urlpatterns = [
    path("", views.ChamberIndexView.as_view(), name="index"),
]
