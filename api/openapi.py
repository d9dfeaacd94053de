"""Wagtail 8's API v3 OpenAPI document, made valid against the OpenAPI 3.1 specification."""

from __future__ import annotations

import copy
from functools import lru_cache

from django.http import JsonResponse

from api.router import api_v3


def fix_schema(schema: dict) -> dict:
    schema = copy.deepcopy(schema)
    schemes = schema.get("components", {}).get("securitySchemes", {})
    for scheme in schemes.values():
        # Django Ninja emits an apiKey scheme without its required "name"/"in" for session auth.
        if scheme.get("type") == "apiKey":
            scheme.setdefault("in", "cookie")
            scheme.setdefault("name", "sessionid")
    return schema


@lru_cache(maxsize=1)
def _document() -> dict:
    return fix_schema(api_v3.get_openapi_schema(path_prefix="/api/v3"))


def openapi_v3(request):
    return JsonResponse(_document())
