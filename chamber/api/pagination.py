"""Page-number pagination with a bounded page size; views supply a total order (pk last)."""
from rest_framework.pagination import PageNumberPagination


class RosterPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
