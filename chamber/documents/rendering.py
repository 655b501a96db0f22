"""Django template → HTML → PDF with WeasyPrint, reaching nothing but our own static files.

`render_pdf(template_name, context)` is the one way the apps print documents. Templates
extend `documents/base.html` (A4, running header, page numbers, the CJK fonts) and refer to
static files with `{% static %}`; images kept in private storage (a chamber's logo or seal)
go in as `data:` URIs built by `image_data_uri`.

The URL fetcher is the security boundary: a document's text comes partly from users
(certificate wording, names), so a stray `<img src="http://...">` or
`url(file:///etc/passwd)` must neither reach the network nor read a file. Only URLs under
STATIC_URL (looked up through the staticfiles finders, then the collected static storage)
and `data:` URIs are served; anything else is refused with a warning in the log and the
document renders without it.
"""
import base64
import logging
import mimetypes
import posixpath
import threading
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils.translation import gettext
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from chamber.uploads import IMAGE_FORMATS, STORED_TYPES, detect_type

__all__ = ["render_pdf", "image_data_uri", "StaticOnlyURLFetcher", "DOCUMENT_BASE_URL"]

logger = logging.getLogger(__name__)

# Relative URLs and root-relative ones such as "/static/documents/base.css" resolve against
# this origin. ".invalid" is reserved (RFC 2606): it names no host, and the fetcher maps it
# to local files without ever opening a connection.
DOCUMENT_BASE_URL = "http://documents.invalid/"

_local = threading.local()


def _font_config():
    # Building a FontConfiguration reads fontconfig's cache (tens of milliseconds); keeping
    # one per thread makes warm renders fast. Per thread rather than per process because it
    # wraps C state that is not documented as thread-safe.
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def _static_prefixes():
    # `{% static %}` gives "/static/x" (resolved against DOCUMENT_BASE_URL) or, when
    # STATIC_URL is absolute (a CDN), the absolute URL itself: both are our static files.
    static_url = settings.STATIC_URL or "/static/"
    prefixes = [urljoin(DOCUMENT_BASE_URL, static_url)]
    if urlsplit(static_url).scheme:
        prefixes.append(static_url)
    return prefixes


class StaticOnlyURLFetcher(URLFetcher):
    """Serves static files and data: URIs; refuses everything else (network, other files)."""

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            # The parent class decodes data: URIs in memory (urllib's DataHandler).
            return super().fetch(url, headers)
        for prefix in _static_prefixes():
            if url.startswith(prefix):
                return self._static(url, unquote(urlsplit(url[len(prefix):]).path))
        return self._refuse(url, "not a static file or data: URI")

    def _static(self, url, name):
        if not name or ".." in name.split("/"):
            return self._refuse(url, "path leaves the static files")
        normalised = posixpath.normpath(name).lstrip("/")
        # Finders first: they work without collectstatic (development, tests). Then the
        # collected files, where `{% static %}` may have produced a hashed name that only
        # the manifest storage knows.
        path = finders.find(normalised)
        if path:
            with open(path, "rb") as f:
                return URLFetcherResponse(url, f.read(), self._headers(normalised))
        try:
            if staticfiles_storage.exists(normalised):
                with staticfiles_storage.open(normalised) as f:
                    return URLFetcherResponse(url, f.read(), self._headers(normalised))
        except Exception:  # a storage that cannot answer is a missing file, not a crash
            logger.exception("Static storage failed on %s", normalised)
        return self._refuse(url, "no such static file")

    @staticmethod
    def _headers(name):
        mime, _encoding = mimetypes.guess_type(name)
        return {"Content-Type": mime or "application/octet-stream"}

    @staticmethod
    def _refuse(url, why):
        # WeasyPrint catches the error, logs it too and renders without the resource.
        logger.warning("Document rendering refused to fetch %s: %s", url[:200], why)
        raise ValueError("Refused to fetch {}: {}".format(url[:200], why))


def _page_counter_css():
    """The footer's CSS `content` value, e.g. `"第 " counter(page) " 页，共 " counter(pages) " 页"`.

    Built from one translatable message so that word order follows the language."""
    text = gettext("Page {page} of {pages}")
    parts = []
    rest = text
    while rest:
        positions = [(rest.find(token), token) for token in ("{page}", "{pages}") if token in rest]
        if not positions:
            parts.append(_css_string(rest))
            break
        index, token = min(positions)
        if index:
            parts.append(_css_string(rest[:index]))
        parts.append("counter({})".format(token.strip("{}")))
        rest = rest[index + len(token):]
    return " ".join(parts) or '""'


def _css_string(text):
    # Escaped for a CSS string inside a <style> element: "<" too, so no "</style>".
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3C ")
    return '"{}"'.format(escaped)


def render_pdf(template_name, context):
    """Render a Django template to HTML, then to PDF bytes.

    The PDF's title and author come from the HTML `<title>` and `<meta name="author">`,
    which `documents/base.html` fills from `document_title` and `document_author`."""
    context = {"page_counter_css": _page_counter_css(), **(context or {})}
    html = render_to_string(template_name, context)
    document = HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=StaticOnlyURLFetcher())
    return document.write_pdf(font_config=_font_config())


def image_data_uri(field_file):
    """A `data:` URI of an image file (a FieldFile), or "" when empty, unreadable or not an image."""
    if not field_file:
        return ""
    try:
        field_file.open("rb")
        try:
            data = field_file.read()
        finally:
            field_file.close()
    except (OSError, ValueError):
        logger.warning("Image %s could not be read for a document", getattr(field_file, "name", ""))
        return ""
    # The images private uploads may hold (chamber.uploads), by content.
    mime = detect_type(data) if data else None
    if mime not in IMAGE_FORMATS:
        logger.warning("File %s is not an image we embed (%s)", getattr(field_file, "name", ""), mime)
        return ""
    return "data:{};base64,{}".format(STORED_TYPES.get(mime, mime), base64.b64encode(data).decode("ascii"))
