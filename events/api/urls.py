"""Mounted under /api/v1/chambers/<chamber>/events/: each area module lists its ROUTES."""
from rest_framework.routers import SimpleRouter

from . import events, meetings, requests

router = SimpleRouter()
for module in (events, meetings, requests):
    for prefix, viewset, basename in module.ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls
