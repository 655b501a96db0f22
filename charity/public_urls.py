"""Public pages of a chamber's charity, no sign-in: the honour roll of a programme that opted in.

Mounted at /public/<chamber>/charity/; the tenancy middleware scopes them to the chamber.
"""
app_name = "charity_public"

urlpatterns = []
