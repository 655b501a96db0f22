"""Mounted under /api/v1/chambers/<chamber>/dues/."""
from rest_framework.routers import SimpleRouter

from . import dues_views

router = SimpleRouter()
router.register("schedules", dues_views.FeeScheduleViewSet, basename="api-dues-schedule")
router.register("invoices", dues_views.DuesInvoiceViewSet, basename="api-dues-invoice")
router.register("entries", dues_views.DuesEntryViewSet, basename="api-dues-entry")

urlpatterns = router.urls
