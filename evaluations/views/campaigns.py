"""Pages of the evaluations app: campaigns, submissions, ranking, decisions, the ratings
register, and the subject's list of its evaluations."""
from django.urls import path

from ._planned import planned

urlpatterns = [
    path("", planned, name="campaigns"),
    path("campaigns/new/", planned, name="campaign_create"),
    path("campaigns/<int:pk>/", planned, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", planned, name="campaign_edit"),
    path("campaigns/<int:pk>/advance/", planned, name="campaign_advance"),
    path("campaigns/<int:pk>/subjects/", planned, name="campaign_subjects"),
    path("campaigns/<int:pk>/ranking/", planned, name="campaign_ranking"),
    path("submissions/<int:pk>/", planned, name="submission_detail"),
    path("ratings/", planned, name="ratings"),
    path("ratings/new/", planned, name="rating_record"),
    path("ratings/<int:pk>/revoke/", planned, name="rating_revoke"),
    path("mine/", planned, name="mine"),
    path("mine/apply/<int:campaign>/", planned, name="mine_apply"),
]
