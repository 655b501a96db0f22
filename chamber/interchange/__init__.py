"""Spreadsheets in and out: imports checked row by row before anything is saved, exports of
any filtered list, each recorded (rosters are personal data).

Each app describes its own import kinds (`<app>/imports.py`) and export kinds
(`<app>/exports.py`); this package runs them.
"""
