"""Mounted under /api/v1/chambers/<chamber>/charity/."""
from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls
