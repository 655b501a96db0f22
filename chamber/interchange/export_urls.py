"""Pages under /c/<chamber>/exports/."""
from django.urls import path

from . import export_views as views

app_name = "exports"

urlpatterns = [
    path("", views.ExportLogView.as_view(), name="log"),
    path("<int:pk>/status/", views.ExportStatusView.as_view(), name="status"),
    path("<int:pk>/download/", views.ExportDownloadView.as_view(), name="download"),
    path("<slug:kind>/", views.ExportStartView.as_view(), name="start"),
]
