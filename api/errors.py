"""One error shape everywhere: {"message": "...", "status": <code>} with a 4xx status."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
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


__all__ = ["error_body", "exception_handler", "exceptions", "json_error"]
