"""Calendar feeds (.ics) under /calendar/<token>/…: fetched by calendar apps without a session."""
from django.urls import path

from .calendar import chamber_feed, mine_feed

app_name = "calendar"

urlpatterns = [
    path("<str:token>/c/<slug:chamber>.ics", chamber_feed, name="chamber"),
    path("<str:token>/mine.ics", mine_feed, name="mine"),
]
