"""Writes of the events app, one module per area: events.py and registrations.py (events,
registration, waiting list, check-in), meetings.py and outcomes.py (governing-body
meetings, outcomes), requests.py and visits.py (visits and member requests)."""
