"""Members pages under /c/<chamber>/members/: one module of views per area."""
from .views import officers, portal, profile, roster

app_name = "members"

urlpatterns = [
    *roster.urlpatterns,
    *profile.urlpatterns,
    *officers.urlpatterns,
    *portal.urlpatterns,
]
