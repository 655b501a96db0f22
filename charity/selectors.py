"""Reads of charity: programmes with totals, donations, totals per programme, donor, branch and year."""


def member_donation_summary(*, membership):
    """The member page's donations section (placeholder until the charity selectors land)."""
    return None
