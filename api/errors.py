"""One error shape everywhere: {"message": "...", "status": <code>} with a 4xx status."""

from __future__ import annotations

import logging

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from wagtail.api.v2.utils import BadRequestError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


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


__all__ = ["exception_handler", "exceptions", "handler400", "handler404", "handler500"]
