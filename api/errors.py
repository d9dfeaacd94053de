"""One error shape everywhere under /api/: {"message": "...", "status": <code>}, whatever
raised it (a view, Django's URL resolver, a middleware, a method the endpoint lacks)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.urls import Resolver404, resolve
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from wagtail.api.v2.utils import BadRequestError

from pages.schema import INTEGER, Schema, component, obj, string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def error_body(message: str, status: int) -> dict:
    return {"message": message, "status": status}


@component("Error")
def error_schema() -> Schema:
    """What `error_body` gives (its declaration for /api/v2/openapi.json)."""
    return obj(
        {
            "message": string("What went wrong, for a developer."),
            "status": {**INTEGER, "description": "The HTTP status, again."},
        },
        description="Every error under /api/ is this JSON object.",
    )


def exception_handler(exc, context):
    if isinstance(exc, BadRequestError):
        return Response(error_body(str(exc), 400), status=400)
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        return Response(error_body(str(exc) or "Not found.", 404), status=404)
    if isinstance(exc, (ValueError, OverflowError, DjangoValidationError, TypeError)):
        return Response(error_body(f"Invalid query parameter: {exc}", 400), status=400)
    response = drf_exception_handler(exc, context)
    if response is not None:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        message = str(detail) if detail else str(exc)
        response.data = error_body(message, response.status_code)
        return response
    return None


@component("Moved")
def moved_schema() -> Schema:
    """What `say_where_in_json` gives a redirect (its declaration for /api/v2/openapi.json)."""
    return obj(
        {
            "message": string("What the redirect is, for a developer."),
            "status": {**INTEGER, "description": "The HTTP status, again (301 or 302)."},
            "location": string("Where the answer is: the `Location` header, again."),
        },
        description="A redirect under /api/ says in JSON where to go, for a client that "
        "does not follow it.",
    )


def say_where_in_json(response: HttpResponse) -> None:
    """A redirect's body, which Django leaves empty and labels HTML, as JSON."""
    response.content = json.dumps(
        {
            "message": f"{response.reason_phrase}: follow Location.",
            "status": response.status_code,
            "location": response["Location"],
        }
    ).encode()
    response["Content-Type"] = "application/json"


def json_error(message: str, status: int, **headers: str) -> JsonResponse:
    response = JsonResponse(error_body(message, status), status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def database_unavailable(request, exc: BaseException) -> JsonResponse:
    """503 with Retry-After: the client may try again; nothing of the exception is shown."""
    logger.warning("database unavailable for %s: %s", request.path, type(exc).__name__)
    return json_error(
        "The service is temporarily unavailable. Please retry shortly.",
        503,
        Retry_After=str(RETRY_AFTER_SECONDS),
    )


def handler404(request, exception=None):
    if request.path.startswith("/api/"):
        return json_error("Not found.", 404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    import sys

    from django.db import InterfaceError, OperationalError

    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        # Raised outside a view (a middleware's query): still a fast, retryable 503.
        return database_unavailable(request, exc)
    if request.path.startswith("/api/"):
        return json_error("Internal server error.", 500)
    from django.views.defaults import server_error

    return server_error(request)


def handler400(request, exception=None):
    if request.path.startswith("/api/"):
        return json_error("Bad request.", 400)
    from django.views.defaults import bad_request

    return bad_request(request, exception)


API_PREFIX = "/api/"
# Longest path + query string the API reads. gunicorn refuses longer request lines itself, with
# its own HTML error, above `limit_request_line` (gunicorn.conf.py: 8190 bytes, its maximum);
# keeping this limit below that makes every line gunicorn lets through a JSON 414 when too long.
MAX_URL_LENGTH = 8000


def allow_methods(*methods: str) -> Callable:
    """Like Django's `require_http_methods`, with the API's JSON 405 (and `Allow`)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                response = json_error(f"Method {request.method!r} is not allowed here.", 405)
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Every /api/ URL no endpoint matches (`/api/v2/pages/abc/`, `/api/v2/nothing/`): the
    JSON 404, in development too (where Django would show its HTML debug page), or the URL
    with its missing trailing slash (as CommonMiddleware's APPEND_SLASH would)."""
    if settings.APPEND_SLASH and not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else "")
            )
    return json_error("Not found.", 404)


class JSONErrorsMiddleware:
    """Under /api/: a request line too long is a JSON 414, an error answered in another
    format (Django's HTML 405 or CSRF 403, a text error from a package) becomes the JSON error
    with the same status, and a redirect says where in JSON: every answer with a body is JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if len(request.get_full_path()) > MAX_URL_LENGTH:
            return json_error(f"The URL is longer than {MAX_URL_LENGTH} characters.", 414)
        response = self.get_response(request)
        if response.status_code >= 400 and "json" not in response.get("Content-Type", ""):
            replacement = json_error(response.reason_phrase or "Error", response.status_code)
            for header in ("Allow", "Retry-After"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        moved = 300 <= response.status_code < 400 and response.has_header("Location")
        if moved and "json" not in response.get("Content-Type", ""):
            say_where_in_json(response)
        return response


__all__ = [
    "JSONErrorsMiddleware",
    "MAX_URL_LENGTH",
    "allow_methods",
    "database_unavailable",
    "error_body",
    "exception_handler",
    "exceptions",
    "handler400",
    "handler404",
    "handler500",
    "json_error",
    "moved_schema",
    "not_found",
    "say_where_in_json",
]
