"""roster pages."""
urlpatterns = []
