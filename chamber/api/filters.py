"""The API's filter backend."""
from django_filters.rest_framework import DjangoFilterBackend


class ChamberFilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the request names none of the view's filters.

    Building and validating a FilterSet costs about as much as a database query; a roster
    client paging through the whole list sends no filter at all.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            name in request.query_params for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)
