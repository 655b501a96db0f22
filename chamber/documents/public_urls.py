"""Placeholder: filled in by the certificates work."""
app_name = "verify"

urlpatterns = []
