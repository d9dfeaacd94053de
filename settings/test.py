"""Tests: fast and deterministic. DATABASE_URL still switches the suite to PostgreSQL."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CORS_ALLOWED_ORIGINS = ["http://127.0.0.1:3000", "http://localhost:3000"]
# One folder per test run (its process id): two runs at once from one checkout (a suite in each
# terminal, PostgreSQL beside SQLite) no longer delete each other's images when the first ends.
MEDIA_ROOT = VAR_DIR / f"test-media-{os.getpid()}"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# The shared cache is Django's database cache, as under `make run`: its entries live in each
# test's transaction and go with its rollback. REDIS_URL switches it to Redis (cleared before
# every test by tests/conftest.py).
if os.environ.get("REDIS_URL"):
    CACHES["default"]["KEY_PREFIX"] = "cms-test"  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # The test database is in memory, shared by the live server's threads: one connection each
    # request, as before persistent connections became the default.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
