"""Evaluations pages under /c/<chamber>/evaluations/: one module of views per area.

- `rubrics`: schemes, versions and the indicator editor (the federation);
- `campaigns`: campaigns, submissions, ranking, decision, publication, the ratings
  register (the federation), and applying (subjects);
- `reviews`: working groups and the assignment board, scoring sheets, self-assessment
  and evidence.
"""
from .views import campaigns, reviews, rubrics

app_name = "evaluations"

urlpatterns = [
    *rubrics.urlpatterns,
    *campaigns.urlpatterns,
    *reviews.urlpatterns,
]
