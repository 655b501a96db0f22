"""branches pages under /c/<chamber>/branches/: the tree and the actions on a node."""
from django.urls import path

from . import views

app_name = "branches"

urlpatterns = [
    path("", views.BranchTreeView.as_view(), name="tree"),
    path("new/", views.BranchCreateView.as_view(), name="create"),
    path("<int:pk>/edit/", views.BranchEditView.as_view(), name="edit"),
    path("<int:pk>/move/", views.BranchMoveView.as_view(), name="move"),
    path("<int:pk>/archive/", views.BranchArchiveView.as_view(), name="archive"),
]
