"""Mounted under /api/v1/chambers/<chamber>/evaluations/."""
from rest_framework.routers import SimpleRouter

from . import campaigns, reviews, rubrics

router = SimpleRouter()
rubrics.register(router)
campaigns.register(router)
reviews.register(router)

urlpatterns = router.urls
