"""Settings, read from the environment with safe defaults.

DEBUG is off unless DJANGO_DEBUG=1. Outside debug there is no SECRET_KEY default: the process
refuses to start without DJANGO_SECRET_KEY. DATABASE_URL defaults to a SQLite file under the project;
CELERY_BROKER_URL unset means tasks run eagerly in-process.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
# Under pytest the settings allow the development key; nothing else changes.
TESTING = env_bool("DJANGO_TESTING") or "pytest" in sys.modules

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"
    else:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local development).")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "school",
    # Sign-in security and retention (see accounts/apps.py); imports only `school`.
    "accounts",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "attendance",
    "letters",
    "send",
    "graduated_response",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "school.middleware.CurrentSchoolMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "school.context_processors.navigation",
                "accounts.context_processors.session_end",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
# Two PostgreSQL roles (SECURITY.md "Audit trail"): DATABASE_URL is the application role, which may
# read and write rows but owns nothing and may only SELECT and INSERT audit rows; DATABASE_OWNER_URL
# is the role that owns the tables. Only the commands that change the schema or the grants (below)
# connect as the owner, and only when DATABASE_OWNER_URL is set; everything else, the web app and the
# workers, connects as the application role.
OWNER_COMMANDS = {"migrate", "db_roles"}
DATABASE_APP_USER = DATABASES["default"].get("USER", "")
if os.environ.get("DATABASE_OWNER_URL") and len(sys.argv) > 1 and sys.argv[1] in OWNER_COMMANDS:
    DATABASES["default"] = dj_database_url.parse(os.environ["DATABASE_OWNER_URL"], conn_max_age=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("DATABASE_JIT"):
    # PostgreSQL's JIT compiler starts on any query its planner prices high, such as one school's
    # year of marks, and spends ~90 ms compiling a GROUP BY that then runs in ~150 ms. Our queries are
    # short aggregates, so JIT costs more than it saves; DATABASE_JIT=1 turns it back on.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "school.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes first: it refuses a locked account before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

if TESTING and not env_bool("TEST_REAL_PASSWORD_HASHER"):
    # Tests create many users; the real PBKDF2 hasher makes each one cost a third of a second.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- security: sign-in, sessions, headers (accounts app; SECURITY.md explains each) ---------------
# Sign-in lockout (accounts/sign_in_lockout.py has the rule, SECURITY.md "Signing in" explains it):
# 10 failures for one username from one address -> that pair waits 1 minute, doubling with each further
# failure up to 24 hours; 30 failures from one address across usernames in an hour -> the address waits.
# Locking by username alone let anyone lock a colleague out for good; by address alone would lock out a
# whole school, whose staff share one public address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.lockout_handler.SignInLockoutHandler"
AXES_COOLOFF_TIME = "accounts.lockout_handler.cool_off_for_request"
# A refused attempt during a wait is not another failure: a person retrying the right password does not
# extend their own wait (the wait grows only with wrong passwords after it ends).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client address behind DJANGO_TRUSTED_PROXY_COUNT proxies (0: REMOTE_ADDR, X-Forwarded-For ignored),
# for axes and the login history alike (accounts/client_address.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "accounts.lockout_handler.lockout_response"
AXES_VERBOSE = False

# Sessions: 30 minutes idle and 12 hours in all (accounts.middleware.SessionLimitsMiddleware); the
# cookie itself lasts no longer than the absolute limit and ends when the browser closes.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# static/js/session.js warns this long before the session ends ("Stay signed in": accounts:session_keepalive).
SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", "120"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "School support")

# HTTPS and headers. On by default outside DEBUG and tests; each can be overridden from the environment
# (for example behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=1).
PRODUCTION = not (DEBUG or TESTING)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; harmless either way
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60 if PRODUCTION else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", PRODUCTION)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4): no inline script or style anywhere, nothing from other sites.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

STATIC_URL = "static/"
# The image collects static files at build time into /app/staticfiles; the CI smoke test uses a scratch dir.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents and letter PDFs live outside any public URL; they are served only through
# permission-checked views (school/private_files.py). No URL serves MEDIA_URL, so "private" is never
# public; another backend (django-storages) can replace it here.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: eager in-process unless a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Tests run tasks eagerly even when CI points CELERY_BROKER_URL at Redis; the one test that starts a
# real worker switches eager mode off for itself.
CELERY_TASK_ALWAYS_EAGER = (not CELERY_BROKER_URL) or TESTING
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task killed with its worker (out of memory, a deploy) goes back on the queue instead of being lost;
# every task is idempotent, so running it again is safe.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Every task has time limits (tasks that need less or more set their own): a stuck task cannot hold
# a worker for ever. The soft limit raises inside the task so it can record the failure.
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "300"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "360"))
# The queue tasks are sent to; the real-worker test uses a private one so it never meets another worker.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
NIGHTLY_CHECKS_HOUR = int(os.environ.get("NIGHTLY_CHECKS_HOUR", "2"))
NIGHTLY_CHECKS_MINUTE = int(os.environ.get("NIGHTLY_CHECKS_MINUTE", "0"))
CELERY_BEAT_SCHEDULE: dict = {
    "graduated-response-nightly-checks": {
        "task": "graduated_response.tasks.run_nightly_checks_all",
        "schedule": crontab(hour=NIGHTLY_CHECKS_HOUR, minute=NIGHTLY_CHECKS_MINUTE),
    },
    # The outbox: letters and e-mails left pending (broker down, worker lost) are queued again.
    "letters-outbox-sweep": {"task": "letters.tasks.outbox_sweep", "schedule": crontab(minute="*/5")},
    # Nightly runs that stopped beating are marked abandoned and run again.
    "graduated-response-nightly-sweep": {
        "task": "graduated_response.tasks.nightly_sweep",
        "schedule": crontab(minute="*/15"),
    },
}
# A worker that starts after a missed night (broker or workers down) catches up at once.
NIGHTLY_CATCH_UP_ON_WORKER_START = env_bool("NIGHTLY_CATCH_UP_ON_WORKER_START", True)

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# A mail server that does not answer fails the send (and the e-mail is marked failed) within the task's
# time limit instead of hanging it.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@school.invalid")
# The address the product is reached at from outside (https://support.example.sch.uk, no trailing
# slash): links in e-mails to parents (a views request's reply link) are built on it.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every record passes through the scrubber: no passwords, tokens, session ids or UPNs in logs.
    "filters": {"scrub": {"()": "accounts.log_filters.ScrubSensitiveData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["scrub"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own loggers go through the same scrubbed handler (not Django's unfiltered default one).
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Lockouts and failures are warnings; every successful sign-in is in LoginEvent instead.
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# EHC needs assessment evidence packs left pending (broker down, worker lost) are queued again
# (send.services.evidence_packs.evidence_pack_sweep).
# Views requests with no reply are chased by e-mail (send/views_reminders.py), once a night.
CELERY_BEAT_SCHEDULE["send-views-reminders"] = {
    "task": "send.tasks.views_reminders_send",
    "schedule": crontab(hour=6, minute=30),
}
CELERY_BEAT_SCHEDULE["send-views-forms-sweep"] = {
    "task": "send.tasks.views_forms_sweep",
    "schedule": crontab(minute="*/5"),
}
CELERY_BEAT_SCHEDULE["send-evidence-pack-sweep"] = {
    "task": "send.tasks.evidence_pack_sweep",
    "schedule": crontab(minute="*/5"),
}
