"""Checks an API answer against the OpenAPI document (`api.openapi.document()`), the way a
typed client would read it: the path is documented, the status is documented for it, the body
is JSON and valid against that status's schema. tests/conftest.py runs it on every answer the
test client receives under /api/."""

from __future__ import annotations

import copy
import json
import re
from functools import cached_property
from urllib.parse import parse_qs

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

SAFE_METHODS = ("GET", "HEAD")
# Answers with no body by definition.
BODILESS = (204, 304)
ITEM_MARKERS = ("id", "meta")


class ContractError(AssertionError):
    pass


def removes_fields(query: str) -> bool:
    """`fields=-title` or `fields=_,...`: Wagtail's removal syntax (outside the required lists)."""
    values = parse_qs(query).get("fields", [])
    return any(part.startswith("-") or part == "_" for v in values for part in v.split(","))


class Contract:
    def __init__(self, document: dict):
        self.document = document
        self.operations = []
        for template, item in document["paths"].items():
            pattern = re.escape(template).replace(r"\{id\}", r"(?P<id>[0-9]+)")
            self.operations.append((re.compile(f"^{pattern}$"), template, item))

    @cached_property
    def relaxed(self) -> dict:
        """The document with the required lists of API objects dropped (for `fields=-x`)."""
        document = copy.deepcopy(self.document)
        for schema in document["components"]["schemas"].values():
            properties = schema.get("properties", {})
            if all(marker in properties for marker in ITEM_MARKERS):
                schema["required"] = []
                properties["meta"]["required"] = []
        return document

    def validator(self, schema: dict, relaxed: bool) -> Draft202012Validator:
        document = self.relaxed if relaxed else self.document
        return Draft202012Validator({**schema, "components": document["components"]})

    def operation(self, path: str):
        for pattern, template, item in self.operations:
            if pattern.match(path):
                return template, item
        return None, None

    def check(self, method: str, path: str, query: str, status: int, headers, body: bytes):
        """Raise ContractError when this answer breaks the document."""
        content_type = headers.get("Content-Type", "")
        template, item = self.operation(path)
        if method == "OPTIONS" and status < 400:
            # A CORS preflight (no body) or DRF's description of the endpoint (JSON): the
            # document describes the GET operations, not these.
            if body and "json" not in content_type:
                raise ContractError(f"OPTIONS {path} -> {status} is {content_type!r}, not JSON")
            return
        if method == "HEAD" or status in BODILESS:
            if template is not None and method in SAFE_METHODS:
                self.documented(template, item, status)
            return
        if path.startswith("/api/v2/docs/") and status == 200:
            return  # the human-readable reference page
        if "json" not in content_type:
            raise ContractError(
                f"{method} {path}?{query} -> {status} is {content_type!r}, not JSON"
            )
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ContractError(f"{method} {path} -> {status}: invalid JSON ({exc})") from exc
        if template is None and status == 301:
            # The path without its trailing slash: the URL with it, in the redirect's shape.
            self.valid(data, {"$ref": "#/components/schemas/Moved"}, False, method, path, status)
            return
        if template is None or method not in SAFE_METHODS:
            # An unknown path, or a method nothing documents: only the error shape is allowed.
            if status < 400:
                raise ContractError(f"{method} {path} -> {status}: not in the document")
            self.valid(data, {"$ref": "#/components/schemas/Error"}, False, method, path, status)
            return
        response = self.documented(template, item, status)
        schema = response["content"]["application/json"]["schema"]
        self.valid(data, schema, removes_fields(query), method, path, status)

    def documented(self, template: str, item: dict, status: int) -> dict:
        responses = item["get"]["responses"]
        if str(status) not in responses:
            raise ContractError(
                f"GET {template} answered {status}, which the document does not list "
                f"({sorted(responses)})"
            )
        return responses[str(status)]

    def valid(self, data, schema, relaxed: bool, method: str, path: str, status: int) -> None:
        best = best_match(self.validator(schema, relaxed).iter_errors(data))
        if best is not None:
            where = "/".join(str(p) for p in best.absolute_path)
            raise ContractError(
                f"{method} {path} -> {status} breaks the document at /{where}: {best.message}"
            )
