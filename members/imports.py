"""Import kinds of the members app: members, officers, annual enterprise figures (see chamber/interchange/kinds.py)."""
