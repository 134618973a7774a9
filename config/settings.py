"""One settings module, read from the environment (Healthchecks / bakerydemo style).

With no DATABASE_URL the app runs on an embedded SQLite file; with no REDIS_URL Celery tasks
run in-process (eager). Production sets both, plus SECRET_KEY and DEBUG=False.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The embedded mode (no DATABASE_URL: SQLite, in-process tasks) exists only for development, so it
# defaults to DEBUG on; any deployment names its database and gets DEBUG off unless it says otherwise.
DEBUG = env.bool("DEBUG", default=not env.str("DATABASE_URL", default=""))
# Production sets SECRET_KEY; the default serves only `make run` (DEBUG on) and pytest (which sets
# PYTEST_VERSION, as django-debug-toolbar also detects). With DEBUG off anywhere else the default is
# refused, so a forgotten key cannot reach production.
INSECURE_SECRET_KEY = "insecure-dev-key-set-SECRET_KEY-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_SECRET_KEY)
if not DEBUG and SECRET_KEY == INSECURE_SECRET_KEY and not env.str("PYTEST_VERSION", default=""):
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (the built-in default is for development).")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "treebeard",
    "simple_history",
    "core.thirdparty_apps.AxesVietnameseConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "core.thirdparty_apps.CeleryBeatVietnameseConfig",
    "core.thirdparty_apps.CeleryResultsVietnameseConfig",
    "core",
    "accounts",
    "organizations",
    "commitments",
    "reviews",
    "rollups",
    "notifications",
    "onboarding",
    "meetings",
    "quarterly",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.db_router.ReplicaPinMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.AccountGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Scale-out: dashboards, exports, reports and verify_rollups read from a streaming replica when
# DATABASE_REPLICA_URL is set (core.db_router); writes and everything else use the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests point it at the test database
    DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
# Behind PgBouncer in transaction pooling: no server-side cursors (they outlive a transaction),
# and no persistent connection state is relied upon (advisory locks are transaction-scoped).
if env.bool("PGBOUNCER", default=False):
    for _alias in DATABASES.values():
        _alias["DISABLE_SERVER_SIDE_CURSORS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Login name, party card number or email in one field; refuses members who left or locked accounts.
    "accounts.backends.MemberAwareBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy every request comes from the proxy's address, so axes would throttle all
# users together. TRUSTED_PROXY_HEADER names the request.META key the proxy sets with the client's
# address (HTTP_X_FORWARDED_FOR for nginx's $proxy_add_x_forwarded_for, or HTTP_X_REAL_IP); axes
# reads it through django-ipware (its AXES_IPWARE_* settings). Right-most: the entry the proxy
# appended, not one a client sent. Leave it empty when Django is reached directly (the peer
# address is then the client). Only safe when the app port is reachable through the proxy alone.
TRUSTED_PROXY_HEADER = env.str("TRUSTED_PROXY_HEADER", default="")
AXES_IPWARE_META_PRECEDENCE_ORDER = (TRUSTED_PROXY_HEADER, "REMOTE_ADDR") if TRUSTED_PROXY_HEADER else ("REMOTE_ADDR",)
AXES_IPWARE_PROXY_ORDER = env.str("TRUSTED_PROXY_ORDER", default="right-most")
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=None)
AXES_IPWARE_PROXY_TRUSTED_IPS = env.list("TRUSTED_PROXY_IPS", default=[]) or None

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
# Each language in its own name (never translated: "English" is not "Tiếng Anh").
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# Vietnamese first: the browser's Accept-Language is ignored; a user's choice is kept a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_BACKEND", default="django.contrib.staticfiles.storage.StaticFilesStorage")
    },
}
# Serve static files from the app folders too, so `make run` works without collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

# Celery: Redis when REDIS_URL is set, otherwise tasks run in-process (embedded default).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)  # benches: in-process
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_RESULT_EXTENDED = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# One queue per kind of work, so each scales with its own workers (README "Scale-out"):
# `celery -A config worker -Q rollups`, `-Q notifications`, `-Q imports`, `-Q exports`; anything
# unrouted (worker pings) stays on the default "celery" queue.
CELERY_TASK_QUEUE_NAMES = ("celery", "rollups", "notifications", "imports", "exports")
CELERY_TASK_ROUTES = {
    "rollups.*": {"queue": "rollups"},
    "notifications.*": {"queue": "notifications"},
    "onboarding.*": {"queue": "imports"},
    "exports.*": {"queue": "exports"},
}

CACHES = {
    "default": (
        {"BACKEND": "core.cache.PooledRedisCache", "LOCATION": REDIS_URL}  # one client per pool: core/cache.py
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Sessions: read from Redis (written through to the database) when Redis is there, so a page
# costs no session query; without Redis (the embedded default, several processes) the database.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tự soi <no-reply@tusoi.local>")

# Quarterly evaluation of leaders (KL 198-KL/TW, HD 02-HD/BTCTW): which positions are evaluated.
QUARTERLY_LEADER_POSITIONS = env.list(
    "QUARTERLY_LEADER_POSITIONS", default=["CELL_SECRETARY", "CELL_DEPUTY", "COMMITTEE_MEMBER", "STANDING_COMMITTEE"]
)

# Transport security, all from the environment (production: see docker-compose.yml).
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): scripts and styles from our own static files only; the few
# <style> blocks of print pages carry the per-request nonce. No inline handlers, no style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Accounts (issue 11): invitations, activation, two factors, idle expiry.
ACCOUNT_INVITATION_DAYS = env.int("ACCOUNT_INVITATION_DAYS", default=30)
ACCOUNT_ACTIVATION_FAILURE_LIMIT = env.int("ACCOUNT_ACTIVATION_FAILURE_LIMIT", default=5)
ACCOUNT_ACTIVATION_COOLOFF_MINUTES = env.int("ACCOUNT_ACTIVATION_COOLOFF_MINUTES", default=60)
ACCOUNT_THROTTLE_PREFIX = "acct"  # cache key prefix of the activation failure counters
# Position kinds whose holders must use a second factor (TOTP or a backup code); staff too when set.
TWO_FACTOR_REQUIRED_POSITIONS = env.list("TWO_FACTOR_REQUIRED_POSITIONS", default=["STANDING_COMMITTEE", "INSPECTION"])
TWO_FACTOR_REQUIRED_FOR_STAFF = env.bool("TWO_FACTOR_REQUIRED_FOR_STAFF", default=True)
OTP_TOTP_ISSUER = "Tự soi"
# Idle session expiry in seconds: short for the roles with a second factor, a working day otherwise.
SESSION_IDLE_SECONDS_TWO_FACTOR = env.int("SESSION_IDLE_SECONDS_TWO_FACTOR", default=30 * 60)
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=8 * 60 * 60)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=24 * 60 * 60)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PAPER_SCAN_MAX_BYTES = env.int("PAPER_SCAN_MAX_BYTES", default=5 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
FORMAT_MODULE_PATH = ["core.formats"]

# --- Operations: broker timeouts, self-healing jobs, outbox, request logs, metrics (issue 15) ---
# A killed worker's unacknowledged message comes back after the visibility timeout (Redis); it is
# kept just above the hard task time limit so a task that still runs is not delivered twice.
# Long jobs beat (core.heartbeat) and the recovery job resumes silent ones within a minute.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=540)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # tasks here are idempotent (see each tasks.py)
# Reminders for a whole province take minutes (≈ 7 min per 100k members); every message is claimed
# once (notifications/claims.py), so a redelivery after the visibility timeout sends nothing twice.
CELERY_TASK_ANNOTATIONS = {"notifications.send_reminders": {"time_limit": 3600, "soft_time_limit": 3540}}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# CELERY_QUEUE names one queue for everything (an isolated smoke or fault run): no per-kind routes.
if CELERY_TASK_DEFAULT_QUEUE != "celery":
    CELERY_TASK_ROUTES = {}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=5)
JOB_HEARTBEAT_STALE_SECONDS = env.float("JOB_HEARTBEAT_STALE_SECONDS", default=20)
ROLLUPS_SWEEP_GRACE_SECONDS = env.float("ROLLUPS_SWEEP_GRACE_SECONDS", default=20)
OUTBOX_MAX_AGE_SECONDS = env.int("OUTBOX_MAX_AGE_SECONDS", default=300)  # /healthz turns 503 past this
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(STATIC_ROOT)))  # the smoke collects into a temp folder

# Request logs: one JSON line per request with a request id (X-Request-ID in and out).
MIDDLEWARE.insert(0, "core.middleware.RequestLogMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
                  "core.middleware.OutboxNoticeMiddleware")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "core.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env.str("LOG_FORMAT", default="json"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {"tusoi.request": {"level": env.str("REQUEST_LOG_LEVEL", default="INFO"), "propagate": True}},
}

# Prometheus metrics at /metrics: only for METRICS_TOKEN (Authorization: Bearer) or internal networks.
INSTALLED_APPS.append("django_prometheus")
MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
# --- end of the operations block ---

# /healthz?worker=1 queues a task and waits for it: only with this token (or a staff session),
# and at most this many probes per minute across all web processes (see core/healthz_worker.py).
HEALTHZ_WORKER_TOKEN = env.str("HEALTHZ_WORKER_TOKEN", default="")
HEALTHZ_WORKER_PER_MINUTE = env.int("HEALTHZ_WORKER_PER_MINUTE", default=6)
