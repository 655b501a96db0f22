"""The unread count of the page header's bell."""
from django.utils.functional import SimpleLazyObject
from django_scopes import scopes_disabled

from .selectors import inbox_unread_count


def _unread(user):
    # Across all the user's chambers, also on a chamber's page (whose scope would otherwise
    # narrow the count to that chamber); the recipient filter keeps it to the user's own.
    with scopes_disabled():
        return inbox_unread_count(user=user)


def inbox(request):
    """`inbox_unread`: lazy, so a page that never draws the header (JSON, htmx fragments)
    pays nothing, and one that does pays one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {"inbox_unread": SimpleLazyObject(lambda: _unread(user))}
