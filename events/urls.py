"""Events pages under /c/<chamber>/events/: one module of views per area."""
from .views import checkin, events, meetings, portal_requests, registrations, requests

app_name = "events"

urlpatterns = [
    *events.urlpatterns,
    *registrations.urlpatterns,
    *checkin.urlpatterns,
    *meetings.urlpatterns,
    *requests.urlpatterns,
    *portal_requests.urlpatterns,
]
