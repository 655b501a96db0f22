"""pytest: the real database named by DATABASE_URL (PostgreSQL in CI), SQLite otherwise.

Speed-ups only where they change nothing the tests assert: a fast password hasher,
the locmem outbox, eager Celery for unit tests (the worker tests start a real worker).
"""
from .base import *  # noqa: F401,F403

SECRET_KEY = "tests-only"
# Personal data (pipl): fixed test keys (tests/trust/test_personal_data.py rotates them).
ID_NUMBER_KEYS = ["dGVzdHMtb25seS1pZC1udW1iZXIta2V5LTAwMDAwMDE="]
ID_NUMBER_DIGEST_KEY = "tests-only-id-digest"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The real-worker tests give their worker a backend that writes messages to files the test
# can count (REMINDER_TEST_* variables); everywhere else the locmem outbox.
EMAIL_BACKEND = env_str("TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")  # noqa: F405
EMAIL_FILE_PATH = env_str("TEST_EMAIL_FILE_PATH", "")  # noqa: F405
REMINDER_STALE_CLAIM_SECONDS = env_int("TEST_REMINDER_STALE_CLAIM_SECONDS", 600)  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the apps and static/ as in development: the suite must not
# depend on a collectstatic run (and WhiteNoise would warn on every request without one).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# --- Read replica (docs/scaling.md): "replica" is a test mirror of "default", the same
# database through a second connection, so tests can see which alias the router chose
# (tests/scale/test_replica_router.py). A test whose code reads inside
# reading_from_replica() outside a transaction lists it: django_db(databases=["default", "replica"]).
DATABASES["replica"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),  # noqa: F405
    "TEST": {"MIRROR": "default"},
}

# --- Login protection (issue 10). Axes off: Client.login() and force_login() authenticate
# without a request, which axes' backend refuses; tests/trust/test_login_lockout.py turns it
# on with override_settings. Two-factor and the idle timeout likewise (tests/trust/).
AXES_ENABLED = False
TWO_FACTOR_REQUIRED = False
SESSION_IDLE_TIMEOUT = 0
# --- end login protection
