"""Pages of the evaluations app: working groups and the assignment board, scoring
sheets, the subject's self-assessment and evidence."""
from django.urls import path

from ._planned import planned

urlpatterns = [
    path("reviews/", planned, name="reviews"),
    path("campaigns/<int:pk>/assignment/", planned, name="assignment"),
    path("submissions/<int:pk>/sheet/", planned, name="sheet"),
    path("submissions/<int:pk>/consensus/", planned, name="consensus_sheet"),
    path("mine/<int:pk>/", planned, name="self_assessment"),
    path("mine/<int:pk>/evidence/", planned, name="evidence_upload"),
    path("evidence/<int:pk>/", planned, name="evidence_download"),
    path("evidence/<int:pk>/delete/", planned, name="evidence_delete"),
]
