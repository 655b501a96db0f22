"""Charity pages under /c/<chamber>/charity/."""
from django.urls import path

from . import views

app_name = "charity"

urlpatterns = [
    path("", views.ProgrammeListView.as_view(), name="programmes"),
]
