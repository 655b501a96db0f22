"""Pages of the evaluations app: reviews (filled by its part of the evaluations issue)."""
urlpatterns = []
