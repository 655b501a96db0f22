"""Template context shared by every page: the current chamber, its menu, the switcher."""
from django.utils.functional import SimpleLazyObject

from .navigation import menu_for
from .selectors import chamber_list_for_request


def tenancy(request):
    """The chamber of the URL, but only for its insiders: an outsider's 404 page must not
    name the chamber (that would reveal that it exists)."""
    chamber = getattr(request, "chamber", None)
    if chamber is not None and not request.access.is_insider:
        chamber = None
    return {"current_chamber": chamber}


def navigation(request):
    """Lazy, so a page that never draws the menu (JSON, htmx fragments) pays nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "my_chambers": []}
    return {
        "menu": SimpleLazyObject(lambda: menu_for(request)),
        "my_chambers": SimpleLazyObject(lambda: chamber_list_for_request(request)),
    }
