"""Public pages of a chamber's charity, no sign-in: the honour roll of a programme that opted in.

Mounted at /public/<chamber>/charity/; the tenancy middleware scopes them to the chamber.
"""
from django.urls import path

from .views.public import HonourRollView

app_name = "charity_public"

urlpatterns = [
    path("<int:pk>/", HonourRollView.as_view(), name="honour_roll"),
]
