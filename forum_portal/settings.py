"""Settings for Forum Portal: one module, driven by environment variables.

Every variable is listed in the README. The defaults give a development portal on SQLite with a
Celery broker that needs no server; production sets DJANGO_DEBUG off, DJANGO_SECRET_KEY,
DATABASE_URL and REDIS_URL.
"""

import sys
from datetime import time, timedelta
from importlib import import_module
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # local state of the embedded set-up: SQLite files, uploads
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# pytest imports itself before Django reads this module; tests run with DEBUG off, over plain HTTP.
TESTING = "pytest" in sys.modules

# Without DJANGO_SECRET_KEY a live portal stays empty here, and Django refuses to serve or sign
# anything until it is set; commands that need no key (migrations) still run.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY and (DEBUG or TESTING):
    SECRET_KEY = "development-only-key-never-use-in-production-0123456789abcdefghijklmnop"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The portal's own name and address, used in pages and emails.
FORUM_NAME = env("FORUM_NAME", default="Brookshire Parent Carer Forum")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
FORUM_CONTACT_EMAIL = env("FORUM_CONTACT_EMAIL", default="hello@example.org")
# Serves /bench/floor/, the page `make bench` measures every other page against. Off on a live portal.
BENCH_FLOOR_PAGE = env.bool("BENCH_FLOOR_PAGE", default=False)

# The four rungs of the participation ladder, lowest first. Each is a top-level app.
RUNG_APPS = [
    "information",
    "consultations",
    "participation",
    "coproduction",
]

INSTALLED_APPS = [
    "forum_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_forms_gds",
    "csp",
    "forum_portal.people",
    "forum_portal.notify",
    "forum_portal.audit",
    *RUNG_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "forum_portal.audit.middleware.AuditContextMiddleware",
    "forum_portal.middleware.ServiceRefusalMiddleware",
]

ROOT_URLCONF = "forum_portal.urls"
WSGI_APPLICATION = "forum_portal.wsgi.application"

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
                "forum_portal.context_processors.portal",
            ],
            "builtins": ["rules.templatetags.rules"],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when PostgreSQL is away, so pages answer with the error page instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

# The cache lives in the database, not in Redis: sign-in rate limits and sessions keep working
# while Redis is down, and Redis only carries Celery's messages.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
        # Room for the cached page fragments (a bounded set, see forum_portal/fragments.py) beside
        # the sign-in rate limits, so filling the cache never culls a rate limit early.
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
# Rendered page fragments (forum_portal/fragments.py) are read on almost every public page. In Redis
# (FRAGMENT_CACHE_URL, a database of its own: production) a visitor's page asks PostgreSQL nothing;
# without it they share the database cache. Short timeouts: with Redis away, pages are rendered
# afresh at once instead of waiting for it.
FRAGMENT_CACHE_URL = env("FRAGMENT_CACHE_URL", default="")
if FRAGMENT_CACHE_URL:
    CACHES["fragments"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": FRAGMENT_CACHE_URL,
        # Redis answers in well under a millisecond: a host that stops answering costs a page a
        # tenth of a second, not the default's wait.
        "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.2},
    }
else:
    CACHES["fragments"] = CACHES["default"]
# Sessions are in the database; with FRAGMENT_CACHE_URL they are read through Redis (sessions.py).
SESSION_ENGINE = "forum_portal.sessions"

# --- People and sign-in -------------------------------------------------------------------------

AUTH_USER_MODEL = "people.User"
# Django's and allauth's, keeping who is signed in where the fragments are in Redis (people/backends.py).
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "forum_portal.people.backends.ModelBackend",
    "forum_portal.people.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "people:account"

ACCOUNT_ADAPTER = "forum_portal.people.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Sign-in attempts are limited per address and per account (allauth's rate limits, in the cache).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("ACCOUNT_LOGIN_FAILED_LIMIT", default="10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_ADAPTER = "forum_portal.people.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = FORUM_NAME

# --- Email ---------------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{FORUM_NAME} <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# How many times the outbox tries a message before marking it failed.
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=5)
# A message left "sending" this long belongs to a worker that died; the sweeper queues it again.
NOTIFY_STALE_AFTER = timedelta(minutes=env.int("NOTIFY_STALE_AFTER_MINUTES", default=10))
# When mail to parent carers waits (UK time), "21:00-08:00"; empty sends at any hour.
NOTIFY_QUIET_HOURS = tuple(
    time.fromisoformat(part.strip()) for part in env("NOTIFY_QUIET_HOURS", default="21:00-08:00").split("-") if part
)

# How long things are kept. The privacy notice states these periods, and the nightly retention run
# (forum_portal/people/retention.py) removes what is past them.
RETAIN_UNVERIFIED_ACCOUNTS = timedelta(days=env.int("RETAIN_UNVERIFIED_ACCOUNTS_DAYS", default=30))
RETAIN_EMAIL_RECORDS = timedelta(days=env.int("RETAIN_EMAIL_RECORDS_DAYS", default=365))
# A "Download my data" file can be fetched for this long after it is ready, then it is deleted.
RETAIN_DATA_EXPORTS = timedelta(days=env.int("RETAIN_DATA_EXPORTS_DAYS", default=7))
# The audit trail keeps who acted (their email) and from which IP address for this long.
RETAIN_AUDIT = timedelta(days=env.int("RETAIN_AUDIT_DAYS", default=730))

# --- Celery ------------------------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="portal")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/London"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues mail must not hang while the broker is away: publishing is tried
# once, briefly, and the outbox sweeper sends the message when the broker is back.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        # Publishing connects once and gives up at once when Redis refuses: kombu would otherwise
        # keep trying for the connection timeout, two seconds of every page that queues mail while
        # Redis is down. (Workers reconnect by their own settings, broker_connection_retry.)
        "max_retries": 0,
    }
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Re-queue mail whose worker died mid-send, and dispatch mail queued while the broker was away.
    "sweep-outbox": {"task": "notify.sweep_outbox_task", "schedule": 60.0},
    # Delete expired sign-in sessions from the database every night.
    "clear-expired-sessions": {"task": "people.clear_expired_sessions_task", "schedule": crontab(hour=3, minute=15)},
    # Build "Download my data" requests whose task never reached a worker.
    "build-waiting-exports": {"task": "people.build_waiting_exports_task", "schedule": 300.0},
    # Remove what is past its period (RETAIN_* settings, every rule in people/retention.py).
    "apply-retention": {"task": "people.apply_retention_task", "schedule": crontab(hour=3, minute=30)},
}

# Each rung lists its own periodic tasks in its schedule.py.
for _rung in RUNG_APPS:
    CELERY_BEAT_SCHEDULE.update(import_module(f"{_rung}.schedule").BEAT_SCHEDULE)

# --- Static files and pages -----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns at start-up when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Security --------------------------------------------------------------------------------

# HTTPS-only behaviour is on unless running in development or tests. Behind a proxy that ends
# TLS, set DJANGO_SECURE_PROXY_SSL_HEADER=true so Django knows the request came over HTTPS.
HTTPS = env.bool("DJANGO_HTTPS", default=not (DEBUG or TESTING))
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# The request header (as in request.META, e.g. HTTP_X_REAL_IP) in which a proxy in front passes the
# client's address, for the audit trail. Empty: the connecting address is used.
AUDIT_CLIENT_IP_HEADER = env("AUDIT_CLIENT_IP_HEADER", default="")
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: every script and stylesheet is a file of our own.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- The rungs' own settings ------------------------------------------------------------------
# Each rung keeps its settings in its own block below.

# Information
# Files staff may attach to guides and news, and their largest size.
INFORMATION_ATTACHMENT_TYPES = set(
    env.list("INFORMATION_ATTACHMENT_TYPES", default=["pdf", "docx", "odt", "xlsx", "ods", "csv", "png", "jpg", "jpeg"])
)
INFORMATION_ATTACHMENT_MAX_MB = env.int("INFORMATION_ATTACHMENT_MAX_MB", default=10)
# Services per page of the Open Referral UK API, unless the caller asks for another size (up to the maximum).
INFORMATION_ORUK_PAGE_SIZE = env.int("INFORMATION_ORUK_PAGE_SIZE", default=50)
INFORMATION_ORUK_MAX_PAGE_SIZE = env.int("INFORMATION_ORUK_MAX_PAGE_SIZE", default=200)

# Consultations
# Largest consultation document an officer may upload (PDF, Word, ODT), in megabytes.
CONSULTATIONS_MAX_DOCUMENT_BYTES = env.int("CONSULTATIONS_MAX_DOCUMENT_MB", default=10) * 1024 * 1024
# Answers stay linked to the person who gave them for this long after the reply is published.
RETAIN_ANSWER_LINK = timedelta(days=env.int("RETAIN_ANSWER_LINK_DAYS", default=730))

# Participation

# Co-production
