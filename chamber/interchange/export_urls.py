"""Pages under /c/<chamber>/exports/."""
app_name = "exports"

urlpatterns = []
