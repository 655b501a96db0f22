"""Page-number pagination with a bounded page size; views supply a total order (pk last).

The roster's pages are fetched "ids first" (a deferred join): the OFFSET runs over the
primary keys alone, and only the page's rows are then loaded with their joins. Otherwise
PostgreSQL joins enterprise, person and rank for every row it skips, and a deep page of a
20,000-member roster costs 150 ms instead of a few.
"""
from django.core.paginator import Page, Paginator
from django.db.models import Count, Window
from rest_framework.pagination import PageNumberPagination


class IdsFirstPaginator(Paginator):
    """Given `load_page(ids)`, cut the page from the ids alone and let the list load its rows;
    without it, an ordinary paginator (small lists, or lists without joins, gain nothing
    from a second query)."""

    def __init__(self, object_list, per_page, load_page=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.load_page = load_page

    def page(self, number):
        if self.load_page is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
        return Page(self.load_page(ids), number, self)

    @property
    def count(self):
        # Counting needs no joins, prefetches or ordering.
        if not hasattr(self, "_count"):
            self._count = self.object_list.values("pk").order_by().count()
        return self._count


class SearchPaginator(IdsFirstPaginator):
    """For a search: the page's ids and the number of matches in one query (COUNT(*) OVER ()).

    A search costs its whole price (every matching member found) once for the count and
    again for the page; the window gives both at once. Not for the plain list: a window over
    20,000 rows costs more than a count that reads an index alone. The web list calls
    get_page (past the end: the last page), the API page (past the end: 404).
    """

    def _window_page(self, number):
        """The page of `number` with the count from its own rows; None when it has no rows."""
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list.prefetch_related(None).annotate(total=Window(Count("pk")))
                    .values_list("pk", "total")[bottom:bottom + self.per_page])
        if not rows:
            return None
        self._count = rows[0][1]
        return Page(self.load_page([pk for pk, _total in rows]), number, self)

    def get_page(self, number):
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        # Past the last page (or no match): count, and show the last page.
        return self._window_page(number) or super().get_page(number)

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().page(number)  # the paginator's own "not a number" error
        # Below 1, past the end, or no match: counted, and the paginator's own answer.
        return (self._window_page(number) if number >= 1 else None) or super().page(number)


class RosterPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None, load_page=None):
        """`load_page(ids)`: how this list loads a page's rows from their ids (default: models)."""
        self._load_page = load_page
        self._searching = bool(request.query_params.get("search", "").strip())
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, object_list, per_page):
        load_page = getattr(self, "_load_page", None)
        searching = load_page is not None and getattr(self, "_searching", False)
        return (SearchPaginator if searching else IdsFirstPaginator)(object_list, per_page, load_page=load_page)
