"""branches pages under /c/<chamber>/branches/."""
app_name = "branches"

urlpatterns = []
