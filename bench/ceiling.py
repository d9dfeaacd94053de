"""The benchmark's ceiling: a bare Django app, one view returning a small JSON answer.

No middleware, no apps, no database: the most a Django process served by the same gunicorn
(same workers, same machine) can answer. `make bench` reports every endpoint as a percentage of
this app's requests/s, measured in the same run, so "60% of the ceiling" means what it says.
Served as `DJANGO_SETTINGS_MODULE=bench.ceiling gunicorn 'django.core.wsgi:get_wsgi_application()'`;
this module is the app's settings and its URLconf.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

SECRET_KEY = "bench-ceiling-has-no-secrets-and-no-sessions-to-sign-with-it-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b'{"ok": true}', content_type="application/json")


urlpatterns = [path("ceiling/", ceiling)]
