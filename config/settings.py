"""Settings for the petitions case tracker.

Everything that differs between machines is read here, once, from the environment (or from a
git-ignored `.env` that `make run` writes for development). See `.env.example` for every variable.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.startup import check_production_secrets

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# The process environment wins over .env; DJANGO_READ_DOT_ENV=0 ignores the file entirely.
if env.bool("DJANGO_READ_DOT_ENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# Reporter identities are encrypted with these keys, never with SECRET_KEY: newest first, so
# older keys still decrypt while `rotate_keys` moves every value to the newest one.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
# Keyed hash for finding duplicate reporters without decrypting them.
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default="")
# The previous BLIND_INDEX_KEY, set only while `rotate_keys --blind-index` moves the stored
# indexes to the new key: duplicate checks try both until it has finished.
OLD_BLIND_INDEX_KEY = env.str("OLD_BLIND_INDEX_KEY", default="")
# How many days a head's approval of an identity access request lasts by default.
IDENTITY_ACCESS_DAYS = env.int("IDENTITY_ACCESS_DAYS", default=7)

if not DEBUG:
    check_production_secrets(
        secret_key=SECRET_KEY,
        field_encryption_keys=FIELD_ENCRYPTION_KEYS,
        blind_index_key=BLIND_INDEX_KEY,
    )

(BASE_DIR / "var" / "static").mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the list pages read while an import writes; the timeout rides out short locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "simple_history",
    "axes",
    "csp",
    "accounts",
    "cases",
    "intake",
    "protection",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.context_processors.navigation",
            ],
        },
    },
]

FORM_RENDERER = "config.forms.FormRenderer"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out account is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Five failed sign-ins lock the account for an hour; the counter lives in the database, so it
# holds across app servers.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
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

# Sessions are rows in the database, so any app server behind the load balancer can serve any
# request. A working day's idle time signs a user out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
if env.bool("BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Everything the pages load comes from this server: no CDN, no call to the internet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}

# Uploaded evidence is stored encrypted in the database (see cases.Evidence); these bound it.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Uploads stay in memory, never in a temporary file (they may identify a reporter before the
# service encrypts them); the largest accepted is an import file of 20 MB.
FILE_UPLOAD_HANDLERS = ["config.uploads.MemoryOnlyUploadHandler"]
UPLOAD_MAX_BYTES = max(EVIDENCE_MAX_BYTES, 20 * 1024 * 1024) + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# The name of the unit printed in report headers.
UNIT_NAME = env.str("UNIT_NAME", default="Thanh tra Sở Thông tin và Truyền thông")
# Reporting periods run from this day of the previous period's last month to the day before it
# (Q1: 15/12–14/03); 2..28 so that both days exist in every month.
REPORT_CUTOFF_DAY = env.int("REPORT_CUTOFF_DAY", default=15)
if not 2 <= REPORT_CUTOFF_DAY <= 28:
    raise ImproperlyConfigured("REPORT_CUTOFF_DAY must be between 2 and 28.")

SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's request logger prints POST data on errors only through error mails, which
        # are not configured; keep it at WARNING so request bodies never reach the console.
        "django.request": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        # Axes logs every sign-in at INFO; failures (WARNING) are what an operator needs.
        "axes": {"level": "WARNING"},
        # runserver prints this line itself; the log would repeat it.
        "django.utils.autoreload": {"level": "WARNING"},
    },
}
