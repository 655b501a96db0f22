"""`make run` on a developer's or evaluator's machine: DEBUG, console mail, no secrets needed."""
from .base import *  # noqa: F401,F403
from .base import env_str

DEBUG = True
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"  # noqa: F405
# Personal data (pipl): fixed development keys, used only when the environment gives none.
ID_NUMBER_KEYS = ID_NUMBER_KEYS or ["bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1pZC1rZXktMDE="]  # noqa: F405
ID_NUMBER_DIGEST_KEY = ID_NUMBER_DIGEST_KEY or "local-development-only-id-digest"  # noqa: F405
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
ALLOWED_HOSTS = ["*"]

# --- Login protection (issue 10): the demo users (demo-admin, demo-reviewer) log in with
# their password only, as the README promises; TWO_FACTOR_REQUIRED=true tries the real flow.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)  # noqa: F405
# --- end login protection
