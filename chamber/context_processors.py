"""Template context shared by every page: the current chamber, its menu, the switcher."""
from django.utils.functional import SimpleLazyObject

from .navigation import menu_for
from .selectors import chamber_list_for_user


def tenancy(request):
    return {"current_chamber": getattr(request, "chamber", None)}


def navigation(request):
    """Lazy, so a page that never draws the menu (JSON, htmx fragments) pays nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "my_chambers": []}
    return {
        "menu": SimpleLazyObject(lambda: menu_for(request)),
        "my_chambers": SimpleLazyObject(lambda: list(chamber_list_for_user(user))),
    }
