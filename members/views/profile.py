"""profile pages."""
urlpatterns = []
