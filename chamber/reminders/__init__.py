"""Scheduled reminders, delivered exactly once by email and to an in-app inbox.

- models.py: the rules, a chamber's lead times, a user's preferences, and `Delivery` — one
  message to one recipient for one occasion, whose unique key makes every reminder exist
  once however often the scan runs;
- rules.py: the registry; each app writes its rules (evaluations/reminders.py,
  members/reminders.py, events/reminders.py) as functions that list what is due;
- services.py: the scan (insert what is due, ignoring what exists) and the send (claim the
  row with a conditional update, then send, then mark it sent; retry with backoff);
- tasks.py: beat's scan and dispatch, and the per-delivery task, all taking ids.
"""
