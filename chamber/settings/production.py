"""Production: every secret from the environment, HTTPS-only cookies, hashed static files."""
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env_bool, env_int

if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production.")
# Personal data (pipl): ID numbers are encrypted at rest; without keys they cannot be read.
if not ID_NUMBER_KEYS or not ID_NUMBER_DIGEST_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "ID_NUMBER_KEYS and ID_NUMBER_DIGEST_KEY (or their _FILE variants) must be set in production."
    )

DEBUG = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Behind HTTPS (the normal case) cookies are Secure; an intranet served over plain HTTP
# must say so explicitly with SECURE_COOKIES=false.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Login protection (issue 10): `check --deploy` clean. The preload token only consents to
# the browsers' HSTS preload list (the header already meets its terms: a year, subdomains);
# nothing is submitted. A domain that must never be listed sets SECURE_HSTS_PRELOAD=false,
# a deliberate choice, so the check's reminder (W021) is silenced then.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]

# --- rls (issue 10): in production every statement carries its chamber set, so the database
# enforces the wall when DATABASE_URL names the application role (docs/security.md).
# Harmless when it names the owner (the owner is not bound by the policies).
RLS_ENFORCED = env_bool("RLS_ENFORCED", True)
# --- end rls

# --- Login protection (issue 10): two-factor for chamber administrators, reviewers and staff.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
# --- end login protection
