"""Pages of the evaluations app: campaigns (filled by its part of the evaluations issue)."""
urlpatterns = []
