"""portal pages."""
urlpatterns = []
