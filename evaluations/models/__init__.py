"""Models of the evaluations app, in three parts:

- `rubrics`: schemes, their versions, the indicator tree and the grade rules;
- `campaigns`: a federation's campaign, its subjects' submissions, working groups and
  reviewers, the transition log, score sheets and evidence;
- `ratings`: the register of who holds which rating until when.
"""
from .campaigns import (  # noqa: F401
    Campaign,
    CampaignReviewer,
    CampaignStage,
    Evidence,
    ResultMode,
    ScoreEntry,
    ScoreSheet,
    SheetKind,
    StageTransition,
    Submission,
    SubmissionStatus,
    SubmissionUserObjectPermission,
    WorkingGroup,
)
from .ratings import Rating, RatingStatus  # noqa: F401
from .rubrics import GradeRule, Indicator, Scheme, SchemeKind, SchemeVersion, ScoringMode  # noqa: F401
