"""Mounted under /api/v1/chambers/<chamber>/."""
from rest_framework.routers import SimpleRouter

from .views import BranchViewSet

router = SimpleRouter()
router.register("branches", BranchViewSet, basename="api-branch")

urlpatterns = router.urls
