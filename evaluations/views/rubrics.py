"""Pages of the evaluations app: rubrics (filled by its part of the evaluations issue)."""
urlpatterns = []
