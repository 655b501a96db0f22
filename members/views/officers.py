"""officers pages."""
urlpatterns = []
