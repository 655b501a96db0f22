"""Models of the members app: the roster (roster.py), dues (dues.py) and the removals roster
clients sync (sync.py),
consent to personal data (privacy.py)."""
from .roster import *  # noqa: F401,F403
from .roster import MONEY, POST_ORDER, STATUS_TRANSITIONS  # noqa: F401  (named for readers)
from .dues import *  # noqa: F401,F403
from .sync import *  # noqa: F401,F403
from .privacy import *  # noqa: F401,F403
