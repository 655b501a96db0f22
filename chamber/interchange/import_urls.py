"""Pages under /c/<chamber>/imports/."""
app_name = "imports"

urlpatterns = []
