"""Mounted under /api/v1/chambers/<chamber>/charity/."""
from rest_framework.routers import SimpleRouter

from .views import DonationEntryViewSet, DonationViewSet, ProgrammeViewSet, TotalsViewSet

router = SimpleRouter()
router.register("programmes", ProgrammeViewSet, basename="charity-programme")
router.register("donations", DonationViewSet, basename="charity-donation")
router.register("entries", DonationEntryViewSet, basename="charity-entry")
router.register("totals", TotalsViewSet, basename="charity-totals")

urlpatterns = router.urls
