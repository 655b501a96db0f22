"""Rate limits per API key (placeholder: filled in by the sync work)."""
from rest_framework.throttling import BaseThrottle


class ApiKeyRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        return True
