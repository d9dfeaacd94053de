"""Settings shared by every environment: secure by default, filled from the environment.

Every environment variable read here is listed in README.md and .env.example
(a test keeps the three in step).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "cms",
    "pages",
    "media",
    "api",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    # After redirects: a renamed page's redirects (made after the commit) exist before the
    # generation moves (api/cache/apps.py).
    "api.cache",
    "wagtail.contrib.frontend_cache",
    "webhooks",
    "django_tasks_db",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "drf_spectacular_sidecar",  # Redoc's static files for /api/v2/docs/ (no CDN)
    "corsheaders",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Hits and 304s of the v2 API are answered here, before sessions, locale, the API guard's
    # snapshot and the view (api/cache/); after CORS and security, which apply to them too.
    "api.cache.middleware.ResponseCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Under /api/: every error JSON (a 405, a CSRF 403, an over-long URL's 414; api/errors.py).
    "api.errors.JSONErrorsMiddleware",
    "cms.middleware.APIGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cms.middleware.LoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.middleware.HeadlessCSPMiddleware",  # django-csp + per-site preview frame-src
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"
AUTH_USER_MODEL = "cms.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE_URL selects PostgreSQL in production; SQLite under var/ is the embedded default.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # Off: every API request's first statement, the content generation's read, is its
        # health check and reconnects once on a dropped connection (api/cache/generation.py);
        # Django's own check is a `SELECT 1` round trip before every request. On, other requests
        # (the admin) also survive a database restart without one failed request per connection.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the API read while an editor (or load_seed) writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Persistent as on PostgreSQL: opening the file and setting WAL cost ~1.5 ms a request,
    # five times what a cached answer costs (settings.dev turns it off for runserver).
else:
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DATABASE_CONNECT_TIMEOUT", 3
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# The shared cache (API responses, preview snapshots, Wagtail's own): Redis when REDIS_URL is
# set, otherwise Django's database cache on the same database. Never process memory: every
# process (web workers, the scheduler, manage.py) must see the same entries (api/cache/).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # 100 ms timeouts, no retries, a circuit breaker: a hung Redis is bypassed fast.
            "BACKEND": "api.cache.redis.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cms"),
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "api_cache_entry",  # created by api/cache/migrations/0001
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cms"),
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
API_CACHE_ALIAS = "default"
API_CACHE_ENABLED = env_bool("API_CACHE_ENABLED", True)
API_CACHE_TIMEOUT = env_int("API_CACHE_TIMEOUT", 24 * 3600)
API_CACHE_S_MAXAGE = env_int("API_CACHE_S_MAXAGE", 300)
API_CACHE_STALE_WHILE_REVALIDATE = env_int("API_CACHE_STALE_WHILE_REVALIDATE", 60)

# CDN purge on content changes (wagtail.contrib.frontend_cache), e.g. Varnish/nginx PURGE.
WAGTAILFRONTENDCACHE = {}
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE["default"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
    }
# API URLs carry no language prefix: purge each URL once, not once per language.
WAGTAILFRONTENDCACHE_LANGUAGES = []

# Background tasks (django-tasks): Wagtail's own run in the request ("default"); webhook
# deliveries and CDN purges are queued in the database ("background", django-tasks-db), where
# any process may queue them and they survive restarts, and are sent by one worker process,
# `manage.py db_worker --backend background` (`make run` and `make serve-production` start it).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 5)
WEBHOOK_RETRY_BACKOFF = float(os.environ.get("WEBHOOK_RETRY_BACKOFF", "30"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Content languages: English is the source; the partner cities' languages follow.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES = [
    ("en", "English"),
    ("fr", "French"),
    ("de", "German"),
    ("zh-hans", "Simplified Chinese"),
    ("cs", "Czech"),
]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Several app servers: uploads (images, renditions, documents) go to S3-compatible object
# storage (AWS S3, MinIO, Ceph, ...) through django-storages when a bucket is named, so no
# server keeps state on its own disk. Credentials come from AWS_ACCESS_KEY_ID /
# AWS_SECRET_ACCESS_KEY or the machine's role (read by django-storages / boto3 themselves).
# URLs are unsigned by default: API responses are cached and would outlive a signed URL.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            # Never replace a stored file that a cached response or a CDN may still name.
            "file_overwrite": False,
        },
    }
# Sessions in the database, shared by every app server. Not "cached_db": with a fail-open
# Redis, a logout during a Redis outage would leave the old session in the cache to revive.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

WAGTAIL_SITE_NAME = "International cooperation"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "media.CustomImage"
WAGTAILIMAGES_RENDITION_MODEL = "media.CustomRendition"
WAGTAILDOCS_DOCUMENT_MODEL = "media.CustomDocument"
# Uploads (docs/security.md): Wagtail checks size, pixels (frames x width x height, so no
# decompression bomb) and that the content is the format the extension names. No SVG: an SVG
# can carry script and Wagtail 8 serves it as uploaded, unsanitised.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env_int("WAGTAILIMAGES_MAX_IMAGE_PIXELS", 40_000_000)
# Signs the dynamic image URLs (media/views.py); default: SECRET_KEY. A front-end server that
# signs image URLs itself is given this key, never SECRET_KEY.
IMAGE_SERVE_KEY = os.environ.get("IMAGE_SERVE_KEY", "")
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
# Documents: an allowlist of office formats (no HTML, SVG, scripts or executables), content
# checked against the extension (media/validators.py), and every download an attachment
# (never rendered inline by the browser) with Wagtail's `default-src 'none'` CSP and nosniff.
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("WAGTAILDOCS_MAX_UPLOAD_SIZE", 20 * 1024 * 1024)
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt"]
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILAPI_BASE_URL = os.environ.get("WAGTAILAPI_BASE_URL", "")
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Avatars: no Gravatar. It sends a hash of every editor's email address to a third party and
# the admin's CSP (img-src 'self') blocks its images, which left broken avatars in the
# sidebar, the account card and the translation editor. Wagtail shows its default avatar, or
# the picture an editor uploads under Account -> Profile picture (served from MEDIA_URL).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No autosave (Wagtail 8's default saves every 500 ms of idle typing): it created a page as
# soon as a title was typed, raced "Save draft" into "The slug ... is already in use", and
# filled the history with "Draft saved" entries. Editors save drafts themselves; leaving the
# editor with unsaved changes asks first, and the editing-session warning still says when
# someone else saved a newer version (README, "For editors").
WAGTAIL_AUTOSAVE_INTERVAL = 0
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# The reference front end (and a team's own) renders pages; the CMS host only redirects there.
FRONTEND_URL = os.environ.get("FRONTEND_URL", "http://127.0.0.1:3000")
# Headless preview (pages/preview.py): the admin's Preview redirects to this front-end URL with a
# signed `preview_token` that (like the draft it names) lives PREVIEW_TOKEN_MAX_AGE seconds.
FRONTEND_PREVIEW_URL = (
    os.environ.get("FRONTEND_PREVIEW_URL") or FRONTEND_URL.rstrip("/") + "/preview"
)
PREVIEW_TOKEN_MAX_AGE = env_int("PREVIEW_TOKEN_MAX_AGE", 300)

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JSONRenderer"],  # DRF's bytes, by orjson
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # Every API client is anonymous (no authentication classes): Wagtail's view-restriction
    # checks need a user object to say "not logged in" (None made them crash with a 500).
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# CORS: only listed origins may read the API from a browser; never with credentials.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# Security headers everywhere (API and admin).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", FRONTEND_URL],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    }
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Admin login throttle (cms.middleware.LoginThrottleMiddleware; failures kept in the database).
LOGIN_FAILURE_LIMIT = 5  # failures per username and address within the window
LOGIN_FAILURE_LIMIT_PER_IP = 30  # failures per address, any usernames
LOGIN_FAILURE_WINDOW = 15 * 60  # seconds

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
