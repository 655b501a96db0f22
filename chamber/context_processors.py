"""Template context shared by every page."""


def tenancy(request):
    return {"current_chamber": getattr(request, "chamber", None)}
