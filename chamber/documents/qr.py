"""A certificate's QR code: the absolute address of its public verification page, drawn as
an SVG `data:` URI so WeasyPrint embeds it without fetching anything."""
import segno
from django.conf import settings
from django.urls import reverse


def verify_url(code):
    """The address a certificate's QR code opens. Built from settings, never from a request:
    a certificate rendered by a worker must carry the same address as one rendered in a page."""
    base = getattr(settings, "DOCUMENTS_BASE_URL", "http://localhost:8000").rstrip("/")
    return base + reverse("verify:certificate", kwargs={"code": code})


def qr_data_uri(payload):
    """`payload` as a QR code (error correction M: survives a worn or stamped corner), SVG."""
    return segno.make(payload, error="m").svg_data_uri(scale=4, border=2)
