"""The benchmark's ceiling: a bare Django app, one view returning a small JSON answer.

No middleware, no apps, no database: the most a Django process served by the same gunicorn
(same workers, same machine) can answer. `make bench` reports every endpoint as a percentage of
this app's requests/s, measured in the same run, so "60% of the ceiling" means what it says.
Served as `DJANGO_SETTINGS_MODULE=bench.ceiling gunicorn 'django.core.wsgi:get_wsgi_application()'`;
this module is the app's settings and its URLconf.

With `CEILING_DATABASE_URL` (a leg's database), the same app also answers `/ceiling/generation/`
after the one read every fresh API answer makes first: the content generation's row, by the
same statement as `api.cache.generation` (a persistent connection, as production's). It is the
floor of a `304` or a cache hit on that database: what a bare Django view that must know the
content is current can do, with nothing else of ours.
"""

import os

import dj_database_url
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

SECRET_KEY = "bench-ceiling-has-no-secrets-and-no-sessions-to-sign-with-it-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
if os.environ.get("CEILING_DATABASE_URL"):
    DATABASES["default"] = dj_database_url.parse(
        os.environ["CEILING_DATABASE_URL"], conn_max_age=60
    )
USE_TZ = True
# api.cache.generation's read (its table is api.cache.models.Generation's).
GENERATION_READ = "SELECT value, changed_at, next_expiry FROM api_cache_generation WHERE id = %s"


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b'{"ok": true}', content_type="application/json")


def generation(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(GENERATION_READ, [1])
        cursor.fetchone()
    return ceiling(request)


urlpatterns = [path("ceiling/", ceiling), path("ceiling/generation/", generation)]
