"""Qiaolian settings: one module, every knob from the environment with safe local defaults.

Local development needs no environment at all (SQLite, in-process cache, database task queue).
Production sets DEBUG=0, SECRET_KEY, FIELD_ENCRYPTION_KEY, ALLOWED_HOSTS, DATABASE_URL and
REDIS_URL; with those `manage.py check --deploy` is clean.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from qiaolian.core import countries

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# The demo seed creates accounts with a published password: never in production by default.
DEMO_DATA_ALLOWED = env_bool("DEMO_DATA_ALLOWED", DEBUG)

# Local defaults are deliberately unusable in production: `check --deploy` flags them.
SECRET_KEY = env("SECRET_KEY", "django-insecure-local-development-key-change-me")
# 32 url-safe base64 bytes (Fernet). Several keys, comma-separated, rotate: the first encrypts.
LOCAL_FIELD_ENCRYPTION_KEY = "Qs6cQ3b4gI9v1d8V5YqE0f2l7Zs3Jw8RkT1mN4pX6aU="
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", LOCAL_FIELD_ENCRYPTION_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Number of reverse proxies in front of the app whose X-Forwarded-For entries are trusted for
# the client IP written to audit rows (0: use the socket address).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "ninja",
    "django_countries",
    "qiaolian.core",
    "qiaolian.people",
    "qiaolian.network",
    "qiaolian.enterprises",
    "qiaolian.hotline",
    "qiaolian.relief",
    "qiaolian.news",
    "qiaolian.outreach",
    "qiaolian.giving",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Refuses NUL and control characters in API bodies (issue 10.7).
    "qiaolian.core.middleware.ControlCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before SessionLimitsMiddleware, which tells the user why their session ended.
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qiaolian.core.middleware.RequestContextMiddleware",
    "qiaolian.core.middleware.NoStoreMiddleware",
    # Inside RequestContextMiddleware, so the denied rows carry the client's address.
    "qiaolian.core.middleware.DeniedAccessMiddleware",
    "qiaolian.core.middleware.SessionLimitsMiddleware",
    "qiaolian.core.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qiaolian.urls"
WSGI_APPLICATION = "qiaolian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "qiaolian" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qiaolian.core.context_processors.shell",
            ],
        },
    }
]

# Database: SQLite (WAL) by default; PostgreSQL through DATABASE_URL.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            # Deleted or overwritten rows are zeroed on disk, not left in free pages (an
            # import's cleared examples, an erased person).
            " PRAGMA secure_delete=ON;"
        ),
    }
else:
    # JIT compilation pays off for long analytical scans only; on this application's short
    # queries it adds ~70 ms to any whose estimated cost crosses jit_above_cost.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: in-process by default; Redis when REDIS_URL is set.
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "qiaolian"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# What every web process must count together (the public-link rate limit, the budget of
# refused-access audit rows): Redis when configured, else a table in the database (created by
# migration core/0010 and `manage.py createcachetable`), never one process's memory.
CACHES["shared"] = (
    {**CACHES["default"], "KEY_PREFIX": env("CACHE_KEY_PREFIX", "qiaolian") + ":shared"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "qiaolian_shared_cache",
    }
)

# Background tasks (django.tasks API). "db" by default; "rq" runs them on Redis with our small
# backend (core/tasks_rq.py says why not django-tasks-rq); its worker is `manage.py rqworker`.
TASKS_BACKEND = env("TASKS_BACKEND", "rq" if REDIS_URL else "db")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "qiaolian.core.tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "qiaolian.core.auth.UsernamePhoneEmailBackend",
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "qiaolian.core.auth.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id first (issue 10, finding 13; core/hashers.py); PBKDF2 after it, so hashes made
# before the switch still verify and are re-hashed with Argon2id at the user's next login.
PASSWORD_HASHERS = [
    "qiaolian.core.hashers.QiaolianArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_RESET_TIMEOUT = 3600  # one hour

# Sessions: 30 minutes idle, 12 hours absolute (enforced by SessionLimitsMiddleware).
SESSION_IDLE_SECONDS = int(env("SESSION_IDLE_SECONDS", "1800"))
SESSION_ABSOLUTE_SECONDS = int(env("SESSION_ABSOLUTE_SECONDS", str(12 * 3600)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# Database sessions saved key by key: overlapping requests never undo each other's changes
# (issue 10, finding 11; core/sessions.py).
SESSION_ENGINE = "qiaolian.core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login hardening: lock after 5 failures for 30 minutes.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
# Lock the account, not the address: staff of a district share one office NAT address, and an
# IP lockout would shut them all out at once. (axes.W006 is silenced for this reason.)
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/auth/locked.html"
AXES_USERNAME_FORM_FIELD = "username"
# Count failures per account, whichever login (username in any case, phone, email) was typed.
AXES_USERNAME_CALLABLE = "qiaolian.core.auth.lockout_username"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Qiaolian"

# Security headers. Production (DEBUG off) turns on every transport protection.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# HTTPS everywhere unless said otherwise: `make run` on a laptop serves plain http on
# 127.0.0.1 with production settings (SECURE_TRANSPORT=0); behind TLS leave it on.
SECURE_TRANSPORT = env_bool("SECURE_TRANSPORT", not DEBUG)
if SECURE_TRANSPORT:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Internationalisation: Chinese first, English second. Stored in UTC.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "qiaolian" / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# One list of countries and regions for the whole project (qiaolian/core/countries.py): every
# CountryField and every use of django-countries offers its names, in both languages.
COUNTRIES_ONLY = countries.for_django_countries()

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The project package is not an installed app, so its static/ (vendor files, app.css, app.js)
# is only found through this.
STATICFILES_DIRS = [BASE_DIR / "qiaolian" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded records (case attachments, tomb-sweeping proof): kept outside MEDIA_ROOT and
# STATIC_ROOT, served by no web server, only through scoped views (core/files.py).
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private")))
# Upload size limits per use and kind, overriding the defaults the apps declare:
# {"hotline.attachment": {"*": 10485760}, "hotline.proof": {"mp4": 209715200}}.
FILE_LIMITS: dict[str, dict[str, int]] = {}
# Imports nobody committed or discarded are discarded after this many days, their upload and
# column examples (ID and passport numbers among them) deleted (people/imports/privacy.py).
IMPORT_RETENTION_DAYS = int(env("IMPORT_RETENTION_DAYS", "7"))
# Exports with more rows than this run as a background task with a progress bar and a
# download link; smaller ones download at once. Their files are deleted after
# EXPORT_RETENTION_DAYS (core/exports.py).
EXPORT_BACKGROUND_ROWS = int(env("EXPORT_BACKGROUND_ROWS", "2000"))
EXPORT_RETENTION_DAYS = int(env("EXPORT_RETENTION_DAYS", "7"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

MAILERS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": env(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": int(env("EMAIL_PORT", "587")),
        "username": env("EMAIL_HOST_USER"),
        "password": env("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "qiaolian@localhost")
# Requests per minute per address to the pages opened by private link (proof, surveys).
PUBLIC_LINK_RATE = int(env("PUBLIC_LINK_RATE", "60"))
# Refused requests for a specific object written one by one per user and minute (core/denials.py);
# beyond that they are counted into burst rows.
DENIED_AUDIT_PER_MINUTE = int(env("DENIED_AUDIT_PER_MINUTE", "20"))
# The public address of the site, for links in e-mails (satisfaction surveys, SLA notices).
SITE_URL = env("SITE_URL", "")

SITE_NAME = _("Qiaolian")
# The address of the self-service portal for overseas Chinese; a portal user who signs in to
# the staff site is pointed there (empty: the page says the portal is not open yet).
PORTAL_URL = env("PORTAL_URL", "")
PAGE_SIZE = 25

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
