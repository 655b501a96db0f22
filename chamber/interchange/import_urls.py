"""Pages under /c/<chamber>/imports/."""
from django.urls import path

from . import import_views as views

app_name = "imports"

urlpatterns = [
    path("", views.ImportListView.as_view(), name="list"),
    path("<slug:kind>/template.<str:fmt>", views.ImportTemplateView.as_view(), name="template"),
    path("<slug:kind>/upload/", views.ImportUploadView.as_view(), name="upload"),
    path("<int:pk>/", views.ImportBatchView.as_view(), name="batch"),
    path("<int:pk>/progress/", views.ImportProgressView.as_view(), name="progress"),
    path("<int:pk>/commit/", views.ImportActionView.as_view(action="commit"), name="commit"),
    path("<int:pk>/undo/", views.ImportActionView.as_view(action="undo"), name="undo"),
    path("<int:pk>/discard/", views.ImportActionView.as_view(action="discard"), name="discard"),
]
