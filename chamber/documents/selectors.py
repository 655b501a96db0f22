"""Reading certificates: the chamber's register, one certificate, and the public lookup by
verification code."""
from django.db.models import Q
from django.utils import timezone
from django_scopes import scopes_disabled

from .models import Certificate, CertificateKind

GENUINE, EXPIRED, REVOKED = "genuine", "expired", "revoked"


def certificate_status(certificate, today=None):
    """genuine (valid), expired (its valid-until date has passed) or revoked."""
    if certificate.revoked_at is not None:
        return REVOKED
    today = today or timezone.localdate()
    if certificate.valid_until is not None and certificate.valid_until < today:
        return EXPIRED
    return GENUINE


def certificate_list(*, chamber, kind="", q=""):
    """The chamber's certificates, newest first, of one kind and matching a holder or number."""
    certificates = Certificate.objects.filter(chamber=chamber).order_by("-issued_on", "-pk")
    if kind in CertificateKind.values:
        certificates = certificates.filter(kind=kind)
    q = (q or "").strip()
    if q:
        certificates = certificates.filter(Q(holder_name__icontains=q) | Q(number__icontains=q))
    # The list prints only the certificate's own columns: no joins needed.
    return certificates


def certificate_get(*, chamber, pk):
    return Certificate.objects.filter(chamber=chamber, pk=pk).select_related("created_by").first()


def certificate_for_verify(code):
    """The certificate a QR code names, in any chamber (the public page has no chamber), or None.
    A code is long and random, so it can be neither guessed nor enumerated."""
    if not code or len(code) > 40:
        return None
    with scopes_disabled():
        return Certificate.objects.filter(code=code).only(
            "kind", "number", "code", "holder_name", "title", "issuer_name", "issued_on", "valid_until",
            "revoked_at").first()

