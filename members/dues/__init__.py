"""Dues (会费): fee schedules, yearly invoices, payments, waivers, reversals, arrears and lapsing.

services.py writes (through chamber.ledger for anything that moves money), selectors.py
reads, views.py the pages under /c/<chamber>/members/dues/, tasks.py the daily lapse run.
"""
