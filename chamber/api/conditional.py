"""ETag / If-None-Match on the API's GET responses.

Systems that poll the roster (or any list) send back the ETag of the copy they hold as
If-None-Match; when the response would be the same, they get 304 Not Modified with no body.
The view still runs (the tag is the content's hash, as Django's ConditionalGetMiddleware
makes it), so this saves bandwidth and the client's work, not our queries; it is exact,
though: any change of any field gives a new tag, with no per-model bookkeeping.

Only /api/v1/... GET and HEAD, 200, not streaming, not HTML (Swagger UI) and not marked
no-store; pages of the site are left alone. Every API GET response carries
`Vary: Authorization, Accept-Language`: what a response shows depends on who asks (branch
reach, masked mobiles) and in which language (labels), so a shared cache must not mix them.
"""
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

API_PREFIX = "/api/v1/"


class ApiConditionalGetMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or not request.path_info.startswith(API_PREFIX):
            return response
        if response.get("Content-Type", "").startswith("text/html"):
            return response
        patch_vary_headers(response, ("Authorization",))
        if response.status_code != 200 or response.streaming or "no-store" in response.get("Cache-Control", ""):
            return response
        if not response.has_header("ETag"):
            set_response_etag(response)
        return get_conditional_response(request, etag=response["ETag"], response=response)


# --- The OpenAPI document: what this middleware and the API key throttle add to every
# tenant operation. A drf-spectacular postprocessing hook, registered in
# SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] (after the default enum hook); idempotent:
# an operation that documents these itself keeps its words.

IF_NONE_MATCH = {
    "in": "header", "name": "If-None-Match", "required": False, "schema": {"type": "string"},
    "description": "The ETag of the copy you hold; 304 Not Modified (no body) when it is still current.",
}
ETAG = {"schema": {"type": "string"}, "description": "A tag of this response's content; send it back as If-None-Match."}
NOT_MODIFIED = {"description": "Not Modified: the If-None-Match ETag is still current (no body)."}
TOO_MANY_REQUESTS = {
    "description": "Too many requests for this API key (ApiKey.requests_per_minute).",
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds until the key may ask again."}},
    "content": {"application/json": {"schema": {"type": "object", "properties": {"detail": {"type": "string"}}}}},
}


def conditional_get_schema_hook(result, generator, request, public):
    for path, item in result.get("paths", {}).items():
        if not path.startswith(API_PREFIX + "chambers/{chamber}/"):
            continue
        for method, operation in item.items():
            responses = operation.get("responses", {})
            if {"ApiKeyAuth": []} in operation.get("security", []):
                responses.setdefault("429", TOO_MANY_REQUESTS)
            ok = responses.get("200", {})
            if method != "get" or "application/json" not in ok.get("content", {}):
                continue
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("name") == "If-None-Match" for p in parameters):
                parameters.append(IF_NONE_MATCH)
            ok.setdefault("headers", {}).setdefault("ETag", ETAG)
            responses.setdefault("304", NOT_MODIFIED)
    return result
