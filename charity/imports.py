"""Import kinds of the charity app: donations (see chamber/interchange/kinds.py)."""
