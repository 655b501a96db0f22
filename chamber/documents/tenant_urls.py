"""Certificate pages of a chamber, at /c/<chamber>/certificates/."""
from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("", views.CertificateListView.as_view(), name="list"),
    path("<int:pk>/", views.CertificateDetailView.as_view(), name="detail"),
    path("<int:pk>/pdf/", views.CertificatePdfView.as_view(), name="pdf"),
    path("<int:pk>/revoke/", views.CertificateRevokeView.as_view(), name="revoke"),
    path("templates/<slug:kind>/", views.TemplateSettingsView.as_view(), name="template"),
    # Issue buttons on the ratings register, a member's page and an officer post (POST only).
    path("issue/rating/<int:pk>/", views.IssueView.as_view(source="rating"), name="issue_rating"),
    path("issue/membership/<int:pk>/", views.IssueView.as_view(source="membership"), name="issue_membership"),
    path("issue/officer/<int:pk>/", views.IssueView.as_view(source="officer"), name="issue_officer"),
]
