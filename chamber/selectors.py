"""Reads about chambers themselves (not their rosters)."""
from django_scopes import scopes_disabled

from .models import Chamber, ChamberStatus, Role


def chamber_list_for_user(user):
    """The chambers `user` holds any role in: the start page and the chamber switcher."""
    # Spans chambers on purpose, and only those where the user has a role.
    with scopes_disabled():
        chamber_ids = list(Role.objects.filter(user=user).values_list("chamber_id", flat=True).distinct())
    return Chamber.objects.filter(pk__in=chamber_ids).exclude(status=ChamberStatus.DISSOLVED).order_by("name")
