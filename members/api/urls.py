"""Mounted under /api/v1/chambers/<chamber>/."""
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("members", views.MembershipViewSet, basename="api-member")
router.register("enterprises", views.EnterpriseViewSet, basename="api-enterprise")
router.register(r"enterprises/(?P<enterprise_pk>\d+)/figures", views.AnnualFiguresViewSet, basename="api-enterprise-figures")
router.register(r"enterprises/(?P<enterprise_pk>\d+)/contacts", views.ContactViewSet, basename="api-enterprise-contact")
router.register("people", views.PersonViewSet, basename="api-person")
router.register("ranks", views.RankViewSet, basename="api-rank")
router.register("terms", views.TermViewSet, basename="api-term")
router.register("officers", views.OfficerViewSet, basename="api-officer")

urlpatterns = router.urls
