"""One error shape everywhere under /api/: {"message": "...", "status": <code>}, whatever
raised it (a view, Django's URL resolver, a middleware, a method the endpoint lacks)."""

from __future__ import annotations

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


def error_body(message: str, status: int) -> dict:
    return {"message": message, "status": status}


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


def json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse(error_body(message, status), status=status)


API_PREFIX = "/api/"
# Longest path + query string the API reads. gunicorn refuses longer request lines itself, with
# a plain-text error, above `limit_request_line` (gunicorn.conf.py: 8190 bytes, its maximum);
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
    """Under /api/: a request line too long is a JSON 414, and an error answered in another
    format (Django's HTML 405 or CSRF 403, a text error from a package) becomes the JSON error
    with the same status."""

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
        return response


__all__ = [
    "JSONErrorsMiddleware",
    "MAX_URL_LENGTH",
    "allow_methods",
    "error_body",
    "exception_handler",
    "exceptions",
    "json_error",
    "not_found",
]
