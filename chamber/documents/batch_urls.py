"""Pages under /c/<chamber>/documents/: batches of rendered certificates."""
from django.urls import path

from . import batch_views as views

app_name = "document_batches"

urlpatterns = [
    path("batches/", views.BatchListView.as_view(), name="list"),
    path("batches/start/", views.BatchStartView.as_view(), name="start"),
    path("batches/<int:pk>/", views.BatchDetailView.as_view(), name="detail"),
    path("batches/<int:pk>/progress/", views.BatchProgressView.as_view(), name="progress"),
    path("batches/<int:pk>/download/", views.BatchDownloadView.as_view(), name="download"),
]
