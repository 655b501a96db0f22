"""`make run` on a developer's or evaluator's machine: DEBUG, console mail, no secrets needed."""
from .base import *  # noqa: F401,F403
from .base import env_str

DEBUG = True
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"  # noqa: F405
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
ALLOWED_HOSTS = ["*"]
