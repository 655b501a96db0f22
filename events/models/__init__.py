"""Models of the events app: events with registrations, check-in, outcomes and governing-body
meetings (events.py); visits and member requests (requests.py)."""
from .events import *  # noqa: F401,F403
from .requests import *  # noqa: F401,F403
