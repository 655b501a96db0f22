"""Members pages under /c/<chamber>/members/: one module of views per area."""
from django.urls import path

from .dues import views as dues
from .views import consent, officers, portal, profile, roster

app_name = "members"

urlpatterns = [
    *roster.urlpatterns,
    *profile.urlpatterns,
    *officers.urlpatterns,
    *portal.urlpatterns,
    *consent.urlpatterns,  # PIPL: a representative's own consent
    path("dues/", dues.DuesOverviewView.as_view(), name="dues"),
    *dues.urlpatterns,
]
