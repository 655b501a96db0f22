"""ETag / If-None-Match for the API (placeholder: filled in by the sync work)."""


class ApiConditionalGetMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
