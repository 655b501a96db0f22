"""Mounted under /api/v1/chambers/<chamber>/."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from . import sync, views

router = SimpleRouter()
router.register("members", views.MembershipViewSet, basename="api-member")
router.register("enterprises", views.EnterpriseViewSet, basename="api-enterprise")
router.register(r"enterprises/(?P<enterprise_pk>\d+)/figures", views.AnnualFiguresViewSet, basename="api-enterprise-figures")
router.register(r"enterprises/(?P<enterprise_pk>\d+)/contacts", views.ContactViewSet, basename="api-enterprise-contact")
router.register("people", views.PersonViewSet, basename="api-person")
router.register("ranks", views.RankViewSet, basename="api-rank")
router.register("terms", views.TermViewSet, basename="api-term")
router.register("officers", views.OfficerViewSet, basename="api-officer")

urlpatterns = [
    # Not a list of members (the response is one document), hence not a router `list`.
    path("members/changes/", sync.RosterChangesViewSet.as_view({"get": "changes"}), name="api-member-changes"),
    *router.urls,
]
