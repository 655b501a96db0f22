"""Settings shared by every environment. Anything that varies comes from the environment."""
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Runtime state of a local install (SQLite file, uploads, beat schedule); never committed.
VAR_DIR = Path(env_str("CHAMBER_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # widget templates for FORM_RENDERER (TemplatesSetting)
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "chamber",
    "branches",
    "members",
    "evaluations",
    "events",
    "charity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag / If-None-Match on the API's GET responses (304 when the client's copy is current).
    "chamber.api.conditional.ApiConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: a signed-in user's saved language wins over the cookie.
    "chamber.preferences.UserLanguageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that the chamber scope also covers the rendering of template responses.
    "chamber.tenancy.ChamberMiddleware",
]

ROOT_URLCONF = "chamber.urls"
# Forms render through templates/forms/: Bootstrap markup, errors beside their field.
FORM_RENDERER = "chamber.forms.FormRenderer"
WSGI_APPLICATION = "chamber.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "chamber.context_processors.tenancy",
                "chamber.context_processors.navigation",
                "chamber.reminders.context_processors.inbox",
            ],
        },
    },
]

# --- Database: SQLite unless DATABASE_URL names another (PostgreSQL in CI and production).
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A database host that drops packets must not hang requests (or /healthz) for minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # Rosters live in memory or on SSD: at the default random_page_cost of 4 the planner
    # skips the trigram indexes of search (46 ms instead of 2 ms, docs/benchmarks.md).
    # A per-session setting, so it needs no change to the server's configuration.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c random_page_cost=1.1")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker when REDIS_URL is set; otherwise in-process.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "chamber",
            # A Redis outage must not take pages down: fail fast, the callers fall back.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery. Without a broker, tasks run in-process (eager) and `celery beat` runs the
# periodic ones in its own process: beat's apply_async turns into a local apply under
# task_always_eager, so `make run` needs nothing installed.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# --- Faults (issue 10, tests/trust/test_faults.py): a message taken by a worker that was
# killed (acks_late: never acknowledged) is handed to another worker by Redis after this
# many seconds. It must exceed the longest task, or a task still running is started twice
# (the tasks' claims make that harmless, but wasteful). Kombu's default is one hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
# --- end Faults
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "chamber.tasks.heartbeat", "schedule": 60.0},
    # Members whose dues are unpaid after the grace period lapse (CELERY_TIMEZONE: Asia/Shanghai).
    "dues-lapse": {"task": "members.dues.tasks.dues_lapse_all",
                   "schedule": crontab(hour=2, minute=30)},
    # Reminders: find what is due today (hourly: a scan is idempotent, and a chamber's new
    # event or campaign is picked up the same day), and send what is due (every minute).
    "reminders-scan": {"task": "chamber.reminders.tasks.reminders_scan_all", "schedule": crontab(minute=5)},
    "reminders-dispatch": {"task": "chamber.reminders.tasks.reminders_dispatch", "schedule": 60.0},
    # Background export files are personal data: deleted after EXPORT_KEEP_DAYS (the log stays).
    "exports-cleanup": {"task": "chamber.interchange.export_tasks.exports_cleanup",
                        "schedule": crontab(hour=3, minute=40)},
}

# --- Auth
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Login protection (issue 10): 12 characters at least, and none known from breaches.
    {"NAME": "chamber.security.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "chamber.security.passwords.BreachedPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous users get nothing

# --- Internationalisation: Chinese first, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from the npm registry at set-up (`make assets`: npm ci from
# package-lock.json) and are served from here like our own files: no CDN, so the product
# works on a federation's intranet without internet access.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/jsqr", NODE_MODULES / "jsqr" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Evidence and other private uploads: outside MEDIA_ROOT, never served by URL.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# The address printed documents point to: a certificate's QR code opens
# <DOCUMENTS_BASE_URL>/verify/<code>/, so it must be the address people reach the site at.
DOCUMENTS_BASE_URL = env_str("DOCUMENTS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Mail
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@chamber.local")
# A reminder claimed by a worker longer ago than this is taken to be lost with that worker
# and sent again (chamber.reminders.services.deliveries_due).
REMINDER_STALE_CLAIM_SECONDS = env_int("REMINDER_STALE_CLAIM_SECONDS", 600)

# --- REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "chamber.api.authentication.ChamberApiKeyAuthentication",
        # DRF's TokenAuthentication, refusing tokens that predate a user's two-factor.
        "chamber.security.authentication.TwoFactorTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["chamber.api.permissions.ChamberCapability"],
    "DEFAULT_PAGINATION_CLASS": "chamber.api.pagination.RosterPagination",
    # None by default: each list names its own filters (and the schema documents only those).
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "chamber.api.exceptions.exception_handler",
    # Each API key has its own limit (ApiKey.requests_per_minute); users are not throttled.
    "DEFAULT_THROTTLE_CLASSES": ["chamber.api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# --- Spreadsheets in and out (chamber/interchange/).
IMPORT_MAX_BYTES = 20 * 1024 * 1024  # an upload larger than this is refused before reading
IMPORT_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # an .xlsx inflating beyond this is a zip bomb
IMPORT_MAX_ROWS = 50_000
IMPORT_BACKGROUND_ROWS = 1_000  # files with more data rows are checked and imported by a worker
EXPORT_BACKGROUND_ROWS = 5_000  # larger exports are built by a worker and downloaded when ready
EXPORT_KEEP_DAYS = 7  # background export files are deleted after this many days
# Roster sync: the change feed's cursor never moves past now minus this, so a write whose
# transaction commits late is still seen (clients upsert by id; a change may come twice).
ROSTER_SYNC_SETTLE_SECONDS = 300

SPECTACULAR_SETTINGS = {
    "TITLE": "商会管理平台 API / Chamber platform API",
    "DESCRIPTION": (
        "Roster and registry API. Every tenant resource lives under "
        "/api/v1/chambers/{chamber}/. Authenticate with `Authorization: Token <token>` "
        "(users) or `Authorization: Api-Key <key>` (read-only roster clients)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    # The second hook documents ETag / If-None-Match / 304 on GETs and 429 for API keys.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "chamber.api.conditional.conditional_get_schema_hook",
    ],
}

# --- Security defaults shared by all; production tightens them.
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: htmx and Swagger UI take the token from the page.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Django's own loggers print to the console themselves; let them only propagate to the
    # root handler so every line appears once.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        # WeasyPrint logs seven "Step N" lines per document at INFO: noise in a batch of 500.
        "weasyprint.progress": {"handlers": [], "level": "WARNING"},
    },
}

# =========================================================================================
# --- Beyond one machine (docs/scaling.md): a read replica for reports, object storage.
# =========================================================================================

# A PostgreSQL streaming replica. Only report reads go there, and only inside
# `chamber.db_router.reading_from_replica()` (annual report figures, exports, the federation
# aggregate); writes, and reads inside a transaction, stay on "default". Without
# REPLICA_DATABASE_URL there is no "replica" alias and everything is "default".
DATABASE_ROUTERS = ["chamber.db_router.ReplicaRouter"]
REPLICA_DATABASE_URL = env_str("REPLICA_DATABASE_URL", "")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"].endswith("postgresql"):
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
        DATABASES["replica"]["OPTIONS"].setdefault("options", "-c random_page_cost=1.1")

# S3-compatible object storage (AWS S3, MinIO, Ceph, Aliyun OSS / Tencent COS in S3 mode)
# through django-storages, when OBJECT_STORAGE_BUCKET is set: media and private files
# (evidence, attachments, certificate and annual-report PDFs, batch zips, imports and
# exports) then live in the bucket, so web servers and workers on other hosts see the same
# files. Otherwise both stay on this machine's disk (MEDIA_ROOT, PRIVATE_MEDIA_ROOT).
# chamber.uploads.private_storage reads STORAGES["private"] on each use.
STORAGES["private"] = {"BACKEND": "chamber.uploads.PrivateStorage"}
OBJECT_STORAGE_BUCKET = env_str("OBJECT_STORAGE_BUCKET", "")
if OBJECT_STORAGE_BUCKET:
    _object_storage = {
        # Empty for AWS itself; e.g. http://minio:9000 for a MinIO-style server.
        "endpoint_url": env_str("OBJECT_STORAGE_ENDPOINT_URL", "") or None,
        "access_key": env_str("OBJECT_STORAGE_ACCESS_KEY_ID", "") or None,
        "secret_key": env_str("OBJECT_STORAGE_SECRET_ACCESS_KEY", "") or None,
        "region_name": env_str("OBJECT_STORAGE_REGION", "us-east-1"),
        # "path" for MinIO and most self-hosted servers; "virtual" for AWS and the clouds.
        "addressing_style": env_str("OBJECT_STORAGE_ADDRESSING_STYLE", "path"),
        "signature_version": "s3v4",
        # Private by default: media URLs are signed and expire; nothing is public-read.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": env_int("OBJECT_STORAGE_URL_EXPIRE_SECONDS", 3600),
        # Like the file system: a name in use gets a suffix instead of being overwritten.
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "chamber.storage_backends.MediaObjectStorage",
        "OPTIONS": {**_object_storage, "bucket_name": OBJECT_STORAGE_BUCKET,
                    "location": env_str("OBJECT_STORAGE_MEDIA_PREFIX", "media")},
    }
    STORAGES["private"] = {
        "BACKEND": "chamber.storage_backends.PrivateObjectStorage",
        # A bucket of its own is better (a policy that no one can make public); by default
        # the same bucket under another prefix.
        "OPTIONS": {**_object_storage,
                    "bucket_name": env_str("OBJECT_STORAGE_PRIVATE_BUCKET", "") or OBJECT_STORAGE_BUCKET,
                    "location": env_str("OBJECT_STORAGE_PRIVATE_PREFIX", "private")},
    }

# =========================================================================================
# --- Personal data (PIPL, issue 10, helper "pipl"): chamber/crypto.py, members/privacy.py.
# =========================================================================================
# Fernet keys of resident ID numbers at rest, newest first (the first encrypts, all decrypt;
# rotate with `manage.py rotate_id_numbers`). Generate one with
#   python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
# Not derived from SECRET_KEY: either can be rotated without touching the other.
ID_NUMBER_KEYS = env_list("ID_NUMBER_KEYS", [])
# HMAC key of Person.id_number_digest (uniqueness and look-ups by ID number); any long
# random string. Its own key so that rotating ID_NUMBER_KEYS leaves the digests valid.
ID_NUMBER_DIGEST_KEY = env_str("ID_NUMBER_DIGEST_KEY", "")
# `manage.py anonymise_people`: people whose last post ended more than this many years ago
# (and who are no longer a contact or member) are anonymised.
PERSONAL_DATA_RETENTION_YEARS = env_int("PERSONAL_DATA_RETENTION_YEARS", 5)
# The version of the consent text a person agrees to (members.PersonConsent.text_version);
# raise it when the wording of the notice changes.
PERSONAL_DATA_CONSENT_VERSION = env_str("PERSONAL_DATA_CONSENT_VERSION", "2026-1")
# --- end personal data

# =========================================================================================
# --- Login protection (issue 10; chamber/security/): lockout, two-factor, session expiry.
# =========================================================================================
from datetime import timedelta  # noqa: E402

INSTALLED_APPS += [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
# After messages and the user's language (their redirects and JSON speak it): end idle
# sessions, mark sessions verified by two-factor (django-otp), require two-factor where due.
MIDDLEWARE.insert(MIDDLEWARE.index("chamber.preferences.UserLanguageMiddleware") + 1,
                  "chamber.security.sessions.IdleSessionTimeoutMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("chamber.security.sessions.IdleSessionTimeoutMiddleware") + 1,
                  "django_otp.middleware.OTPMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
                  "chamber.security.twofactor.TwoFactorMiddleware")
# Axes turns a flagged failed login into the lockout page; it only looks at the response,
# so it may sit anywhere after authentication (ChamberMiddleware stays last).
MIDDLEWARE.insert(MIDDLEWARE.index("chamber.tenancy.ChamberMiddleware"), "axes.middleware.AxesMiddleware")
# Axes' backend goes first: it refuses a locked-out client before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]

# Lockout: 5 wrong passwords lock that username from that address for 15 minutes. The pair
# (not the username alone) so that a stranger cannot lock a chamber's staff out from afar,
# and not the address alone, because a chamber's office shares one NAT address. Failures are
# kept in the database (visible and deletable in the admin; `manage.py axes_reset_username`).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Tries during the lock do not extend it: the owner gets back in 15 minutes after the lock
# even while someone keeps guessing.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "chamber.security.lockout.lockout_response"
AXES_VERBOSE = False  # its start-up banner would print in every management command
# Failures and lockouts (WARNING) are worth a log line; each success and clean-up is not.
LOGGING["loggers"]["axes"] = {"handlers": [], "level": "WARNING"}
# The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the
# X-Forwarded-For entry the outermost of them added (entries left of it are the client's word).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "chamber.security.lockout.client_ip"

# Two-factor (TOTP authenticator apps) for chamber administrators, reviewers and staff.
# On in production; off for `make run` (the demo users log in with their password only) and
# for the tests (tests/trust/test_login_twofactor.py turns it on).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = "商会管理平台"

# Sessions: at most SESSION_COOKIE_AGE long (a working day), gone when the browser closes,
# and ended after SESSION_IDLE_TIMEOUT seconds without a request (0 turns that off).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# --- end login protection

# --- rls (issue 10): PostgreSQL row-level security, the second wall (docs/security.md).
# With RLS_ENFORCED every data statement carries the chamber set of its django-scopes scope
# (chamber.rls); tenant tables' policies show only those chambers' rows to a role that owns
# no table (`manage.py db_app_role`). Off by default here: on SQLite it means nothing, and a
# development database is reached as its owner, whom the policies do not bind.
RLS_ENFORCED = env_bool("RLS_ENFORCED", False)
# The application role `db_app_role` creates; DATABASE_URL of web and workers names it,
# while `migrate` runs with the owner's DATABASE_URL (docker-compose.yml, service migrate).
DB_APP_ROLE = env_str("DB_APP_ROLE", "chamber_app")
# --- end rls
