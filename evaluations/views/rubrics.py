"""Pages of the evaluations app: schemes, versions and the indicator editor."""
from django.urls import path

from ._planned import planned

urlpatterns = [
    path("schemes/", planned, name="schemes"),
    path("schemes/new/", planned, name="scheme_create"),
    path("schemes/starters/", planned, name="starters_install"),
    path("schemes/import/", planned, name="version_import"),
    path("schemes/<int:pk>/", planned, name="scheme_detail"),
    path("schemes/<int:pk>/versions/new/", planned, name="version_create"),
    path("versions/<int:pk>/", planned, name="version_detail"),
    path("versions/<int:pk>/copy/", planned, name="version_copy"),
    path("versions/<int:pk>/export.<str:fmt>", planned, name="version_export"),
]
