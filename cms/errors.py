"""Django's error handlers (`handler400/404/500` in cms/urls.py): JSON under /api/, Django's
own pages elsewhere. They live in `cms` because they need both the API's error shape
(`api.errors`) and the middleware's 503 (`cms.middleware`): imports run `cms` -> `api`."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.views import defaults

from api.errors import json_error
from cms.middleware import database_unavailable

API_PREFIX = "/api/"


def handler404(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return json_error("Not found.", 404)
    return defaults.page_not_found(request, exception)


def handler500(request):
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        # Raised outside a view (a middleware's query): still a fast, retryable 503.
        return database_unavailable(request, exc)
    if request.path.startswith(API_PREFIX):
        return json_error("Internal server error.", 500)
    return defaults.server_error(request)


def handler400(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return json_error("Bad request.", 400)
    return defaults.bad_request(request, exception)
