"""The inbox, outside any chamber (mounted at /inbox/): a user's messages from all their chambers."""
from django.urls import path

from . import views

app_name = "inbox"

urlpatterns = [
    path("", views.InboxView.as_view(), name="list"),
    path("read-all/", views.InboxMarkAllReadView.as_view(), name="read_all"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("<int:pk>/", views.InboxMessageView.as_view(), name="message"),
    path("<int:pk>/read/", views.InboxMarkReadView.as_view(), name="read"),
]
