"""schemathesis against /api/v2/openapi.json: every GET operation, with inputs generated from
the document itself, answers without a server error, with a documented status and content
type, and with a body valid against that status's schema."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.openapi import document

# 10 requests per operation keep the whole run near 15 s in CI; raise it to hunt locally:
# CONTRACT_FUZZ_EXAMPLES=200 pytest tests/api/test_contract_fuzz.py
EXAMPLES = int(os.environ.get("CONTRACT_FUZZ_EXAMPLES", "10"))

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app(db):
    """The whole Django stack in this test's transaction, as the test client runs it (which
    keeps the end of a request from closing the test's connection)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_dict(document()).include(method="GET")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_get_operation_answers_as_documented(case, wsgi_app):
    # schemathesis sends requests' default `Accept-Encoding: gzip, deflate` but checks the
    # raw bytes its WSGI transport gets: ask for the uncompressed answer it can read.
    headers = {"Host": "localhost", "Accept-Encoding": "identity"}
    response = case.call(app=wsgi_app, headers=headers)
    case.validate_response(response, checks=CHECKS)
