"""Reads of dues: schedules, invoices, arrears, collection totals, a member's dues."""


def member_dues_summary(*, membership):
    """The member page's dues section (placeholder until the dues selectors land)."""
    return None
