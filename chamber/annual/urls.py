"""Annual report pages of a chamber, at /c/<chamber>/annual/."""
from django.urls import path

from . import record_views, views

app_name = "annual"

urlpatterns = [
    path("", views.ReportIndexView.as_view(), name="index"),
    path("<int:year>/", views.ReportView.as_view(), name="report"),
    path("<int:year>/generate/", views.ReportGenerateView.as_view(), name="generate"),
    path("<int:year>/status/", views.ReportStatusView.as_view(), name="status"),
    path("<int:year>/pdf/", views.ReportPdfView.as_view(), name="pdf"),
    path("<int:year>/xlsx/", views.ReportXlsxView.as_view(), name="xlsx"),
    path("<int:year>/inputs/", record_views.ReportInputsView.as_view(), name="inputs"),
    path("<int:year>/affiliates/", views.AffiliateReportsView.as_view(), name="affiliates"),
    path("records/", record_views.WorkRecordListView.as_view(), name="records"),
    path("records/new/", record_views.WorkRecordCreateView.as_view(), name="record_create"),
    path("records/<int:pk>/", record_views.WorkRecordUpdateView.as_view(), name="record_update"),
    path("records/<int:pk>/delete/", record_views.WorkRecordDeleteView.as_view(), name="record_delete"),
]
