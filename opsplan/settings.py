"""OpsPlan settings: one file, every value from the environment (see .env.example).

The defaults give the embedded set-up a newcomer gets from ``make run``: SQLite and Celery's
filesystem broker under ``var/``. Production sets DATABASE_URL, CELERY_BROKER_URL, REDIS_URL,
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from opsplan.env import Env

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("OPSPLAN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", False)
if DEBUG:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", "insecure-development-only-key-never-use-in-production-0123456789"
    )
else:
    if not env.str("DJANGO_SECRET_KEY", ""):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off (set DJANGO_DEBUG=1 for "
            "development)."
        )
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be at least 50 characters when DJANGO_DEBUG is off."
        )

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # plumbing first, then the domain apps in the order imports may flow (ARCHITECTURE.md §2)
    "opsplan",
    "committee",
    "kpis",
    "plans",
    "risks",
    "costs",
    "meetings",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "opsplan.middleware.SessionIdleMiddleware",
    "opsplan.cache.ReadAheadMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "opsplan.middleware.UserLanguageMiddleware",
    "opsplan.middleware.ConflictMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opsplan.urls"
WSGI_APPLICATION = "opsplan.wsgi.application"
AUTH_USER_MODEL = "committee.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opsplan.context_processors.navigation",
                "committee.context_processors.roles",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
_default_db_url = f"sqlite:///{VAR_DIR / 'opsplan.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            env.str("DATABASE_URL", _default_db_url), conn_max_age=env.int("DB_CONN_MAX_AGE", 60)
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The embedded default: WAL lets the web, worker and beat processes share the file;
    # IMMEDIATE transactions and a busy timeout turn lock contention into waiting, not errors.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ----------------------------------------------------------------------------------
REDIS_URL = env.url("REDIS_URL", "", schemes=("redis", "rediss", "unix")) or ""
if REDIS_URL:
    # a miss, not an error, while Redis is down (opsplan/cache.py); short time-outs
    CACHES = {"default": {"BACKEND": "opsplan.cache.ResilientRedisCache",
                          "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
elif env.bool("OPSPLAN_CACHE_IN_MEMORY", False):
    # one process only (the test suite): nothing else could see what it caches
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # The embedded default: the web workers, the Celery worker and beat are separate processes
    # and must share one cache (sessions, roles, dashboards, the unread badge), so it is files.
    # Room for every person's session, roles and pages (Django's default of 300 entries would
    # cull a third of them at random whenever it filled up).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache"),
                          "OPTIONS": {"MAX_ENTRIES": env.int("OPSPLAN_FILE_CACHE_ENTRIES",
                                                             20_000)}}}

# --- auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "opsplan.backends.StaffModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed-login lockout (django-axes): after AXES_FAILURE_LIMIT failures for one username from
# one address, that pair is locked for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", True)
AXES_VERBOSE = False

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # hashed, compressed files (run collectstatic) unless switched off for development/tests
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("DJANGO_STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# --- e-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "OpsPlan <opsplan@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- security -------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# Sessions end after SESSION_IDLE_MINUTES without a request (default 8 hours: one working
# day) and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", 480) * 60
# ... measured from the last request: opsplan.middleware.SessionIdleMiddleware pushes the expiry
# forward at most every SESSION_REFRESH_SECONDS, not with a database write on every page.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", 300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sessions are stored in the database and read through the cache (Redis); while Redis is down
# every read falls back to the database, so nobody is signed out by an outage.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_PARSER_CLASSES": [
        "opsplan.api.JSONParser",  # refuses NUL characters (opsplan/api.py)
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated request then gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["opsplan.api.RulesPermission"],
    "DEFAULT_PAGINATION_CLASS": "opsplan.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "opsplan.schema.AutoSchema",
    "EXCEPTION_HANDLER": "opsplan.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", "60/min"),
        "user": env.str("API_THROTTLE_USER", "6000/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OpsPlan API",
    "DESCRIPTION": "Operations-planning governance: organisation, plans, reviews, approvals, "
    "meetings, risks, costs and KPIs.",
    "VERSION": "1.0.0",
    "ENUM_NAME_OVERRIDES": {"MeetingKindEnum": "meetings.choices.MeetingKind",
                            "MeetingStateEnum": "meetings.choices.MeetingState",
                            "PeriodKindEnum": "plans.choices.PeriodKind",
                            "ScorecardItemKindEnum": "kpis.evaluation.ItemKind",
                            "StakeholderKindEnum": "meetings.choices.StakeholderKind",
                            "RiskLevelEnum": "risks.choices.Level",
                            "RiskCategoryEnum": "risks.choices.Category",
                            "RiskStatusEnum": "risks.choices.Status",
                            "RiskMethodEnum": "risks.choices.Method",
                            "RiskStrategyEnum": "risks.choices.Strategy",
                            "RiskAssessmentKindEnum": "risks.choices.AssessmentKind",
                            "RiskAcceptanceStateEnum": "risks.choices.AcceptanceState",
                            "RiskActionStatusEnum": "risks.choices.ActionStatus",
                            "PlanActionStatusEnum": "plans.choices.ActionStatus"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.url(
    "CELERY_BROKER_URL", "filesystem://", schemes=("filesystem", "redis", "rediss", "amqp")
)
CELERY_FILESYSTEM_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "queue"),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
    _default_result_backend = f"file://{CELERY_FILESYSTEM_DIR / 'results'}"
else:
    # A message taken by a worker that then dies unannounced (SIGKILL, lost host) is given to
    # another worker after this many seconds; a worker whose child dies requeues at once.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", 3600)}
    _default_result_backend = CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", _default_result_backend) or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_STORE_EAGER_RESULT = True  # eager runs (tests) report state like real ones
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False  # opted into per task, where re-running is safe
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "opsplan.beat:SingleBeatScheduler"  # one active beat, see opsplan/beat.py
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- OpsPlan --------------------------------------------------------------------------------
OPSPLAN_REQUIRE_SERVICES = env.bool("OPSPLAN_REQUIRE_SERVICES", False)
HEALTHZ_BROKER_TIMEOUT = env.int("HEALTHZ_BROKER_TIMEOUT", 2)

# Days a reviewing department has to give its opinion (planning dashboard: reviews overdue).
OPSPLAN_REVIEW_DAYS = env.int("OPSPLAN_REVIEW_DAYS", 7)
# Days committee members have to vote on a matter (the inbox shows the deadline and overdue).
OPSPLAN_VOTE_DAYS = env.int("OPSPLAN_VOTE_DAYS", 7)
# Dashboard panels are cached per person for this long (0: computed on every request); every
# audited change refreshes them at once (opsplan.dashboards).
OPSPLAN_DASHBOARD_CACHE_SECONDS = env.int("OPSPLAN_DASHBOARD_CACHE_SECONDS", 60)
# A person's roles are kept in the cache this long (0: read on every request); any change to
# people, departments, positions or seats refreshes them at once (committee.selectors).
OPSPLAN_ROLES_CACHE_SECONDS = env.int("OPSPLAN_ROLES_CACHE_SECONDS", 3600)
# A person's unread-notification count (the top bar's badge) is cached this long (0: counted on
# every request); creating, reading or deleting their notifications refreshes it at once.
OPSPLAN_UNREAD_CACHE_SECONDS = env.int("OPSPLAN_UNREAD_CACHE_SECONDS", 300)

# --- the company's rules (§4.4 costs) ----------------------------------------------------------
OPSPLAN_CURRENCY = env.str("OPSPLAN_CURRENCY", "CNY")
# A plan needs cost budget lines before internal review (§4.4: the budget is drafted with
# the plan); off only for installations without cost control.
OPSPLAN_COSTS_BUDGET_REQUIRED = env.bool("OPSPLAN_COSTS_BUDGET_REQUIRED", True)
# Rewarded saving suggestions: a share of the confirmed saving, capped, from a minimum saving.
OPSPLAN_COSTS_REWARD_RATE = env.str("OPSPLAN_COSTS_REWARD_RATE", "0.05")
OPSPLAN_COSTS_REWARD_CAP = env.str("OPSPLAN_COSTS_REWARD_CAP", "10000")
OPSPLAN_COSTS_REWARD_MIN_SAVING = env.str("OPSPLAN_COSTS_REWARD_MIN_SAVING", "1000")
