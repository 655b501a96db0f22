"""members pages under /c/<chamber>/members/."""
app_name = "members"

urlpatterns = []
