"""The staff's reminder pages under /c/<chamber>/reminders/: deliveries and settings."""
from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.DeliveriesView.as_view(), name="deliveries"),
    path("settings/", views.ReminderSettingsView.as_view(), name="settings"),
]
