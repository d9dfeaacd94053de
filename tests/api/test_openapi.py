"""The published contract: /api/v2/openapi.json is valid OpenAPI 3.1, generated from the
declarations beside the code, and readable at /api/v2/docs/ without any CDN."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from openapi_pydantic.v3.v3_1 import OpenAPI
from openapi_spec_validator import validate
from wagtail import blocks

from api.openapi import MAX_OFFSET, MAX_SEARCH_LENGTH, document
from pages.schema import SchemaError, block_schema

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def served(api) -> dict:
    response = api.get("/api/v2/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_the_served_document_is_the_generated_one(served):
    assert served == document()
    assert served["openapi"] == "3.1.0"


def test_openapi_spec_validator_accepts_the_document(served):
    validate(served)


def test_a_second_validator_openapi_pydantic_accepts_the_document(served):
    parsed = OpenAPI.model_validate(served)
    assert parsed.openapi == "3.1.0"
    assert set(parsed.paths) == set(served["paths"])


REDOCLY = ROOT / "frontend" / "validate-openapi.cjs"


@pytest.mark.skipif(
    not (ROOT / "frontend" / "node_modules").exists(), reason="no frontend/node_modules: no node"
)
def test_a_third_validator_redocly_accepts_the_document_and_refuses_v3s(served, tmp_path):
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(served))
    result = subprocess.run(["node", str(REDOCLY), str(document)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # The fault v3's document had: an http security scheme without its `scheme`.
    served["components"]["securitySchemes"] = {"AllowAnonymous": {"type": "http"}}
    document.write_text(json.dumps(served))
    result = subprocess.run(["node", str(REDOCLY), str(document)], capture_output=True, text=True)
    assert result.returncode == 1 and "scheme" in result.stderr


def test_every_v2_endpoint_is_documented(served):
    paths = set(served["paths"])
    for prefix in ("pages", "partner-cities", "networks", "images", "documents"):
        assert {
            f"/api/v2/{prefix}/",
            f"/api/v2/{prefix}/{{id}}/",
            f"/api/v2/{prefix}/find/",
        } <= paths
    assert {"/api/v2/preview/", "/api/v2/preview/userbar/", "/api/health/"} <= paths


def test_every_query_parameter_of_the_pages_listing_is_documented(served):
    names = {p["name"] for p in served["paths"]["/api/v2/pages/"]["get"]["parameters"]}
    assert {
        "type",
        "fields",
        "limit",
        "offset",
        "order",
        "search",
        "search_operator",
        "child_of",
        "ancestor_of",
        "descendant_of",
        "translation_of",
        "locale",
        "site",
        "rich_text_format",
        "slug",
        "title",
    } <= names


def test_every_operation_documents_its_errors(served):
    for path, item in served["paths"].items():
        responses = item["get"]["responses"]
        assert "414" in responses, path
        if path == "/api/health/":
            assert set(responses) == {"200", "503", "414"}
            continue
        if path == "/api/v2/openapi.json":
            continue
        assert {"400", "503"} <= set(responses), path
        if "{id}" in path or path.endswith("/find/"):
            assert "404" in responses, path


def test_page_types_form_a_union_by_meta_type(served):
    schemas = served["components"]["schemas"]
    members = [ref["$ref"].rsplit("/", 1)[1] for ref in schemas["Page"]["oneOf"]]
    assert members == ["CaseStudyPage", "HubPage"] or members == ["HubPage", "CaseStudyPage"]
    types = {schemas[m]["properties"]["meta"]["properties"]["type"]["const"] for m in members}
    assert types == {"pages.HubPage", "pages.CaseStudyPage"}


def test_stream_fields_are_unions_discriminated_by_block_type(served):
    schemas = served["components"]["schemas"]
    hub_body = schemas["HubBody"]["items"]
    assert hub_body["discriminator"]["propertyName"] == "type"
    assert set(hub_body["discriminator"]["mapping"]) == {
        "section",
        "partner_cities",
        "networks",
        "case_study_teasers",
        "image",
        "key_figure",
        "call_to_action",
    }
    assert schemas["SectionBlock"]["properties"]["type"] == {"const": "section"}
    case_study_body = schemas["CaseStudyBody"]["items"]["discriminator"]["mapping"]
    assert set(case_study_body) == {"section", "paragraph", "image", "key_figure", "call_to_action"}


def test_shared_objects_are_components(served):
    assert {
        "Image",
        "Rendition",
        "PageLink",
        "PartnerCity",
        "Network",
        "Translation",
        "Breadcrumb",
        "Error",
        "Teaser",
    } <= set(served["components"]["schemas"])


def test_a_block_that_changes_its_json_without_declaring_it_is_refused():
    class SecretBlock(blocks.StructBlock):
        heading = blocks.CharBlock()

        def get_api_representation(self, value, context=None):
            return {"heading": value["heading"], "extra": 1}

    with pytest.raises(SchemaError, match="SecretBlock"):
        block_schema(SecretBlock())

    class DeclaredBlock(blocks.StructBlock):
        heading = blocks.CharBlock()

        def get_api_representation(self, value, context=None):
            return {"heading": value["heading"]}

        def api_schema(self):
            return {"type": "object"}

    class ChangedBlock(DeclaredBlock):  # changes the JSON, inherits the old declaration
        def get_api_representation(self, value, context=None):
            return {"title": value["heading"]}

    assert block_schema(DeclaredBlock()) == {"type": "object"}
    with pytest.raises(SchemaError, match="ChangedBlock"):
        block_schema(ChangedBlock())


def test_the_documented_limits_are_the_guards_limits():
    from cms import middleware

    assert (MAX_OFFSET, MAX_SEARCH_LENGTH) == (middleware.MAX_OFFSET, middleware.MAX_SEARCH_LENGTH)


def test_the_reference_page_is_served_from_this_servers_static_files(client):
    response = client.get("/api/v2/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'spec-url="/api/v2/openapi.json"' in html
    script = re.search(r'<script src="([^"]+)"', html).group(1)
    assert script.startswith("/static/") and "redoc" in script
    # A package's static files (collectstatic + WhiteNoise serve them), not a CDN.
    found = finders.find(script.removeprefix("/static/"))
    assert found and "drf_spectacular_sidecar" in found


def test_api_v3_is_not_mounted_and_serves_no_document(api):
    for path in ("/api/v3/pages/", "/api/v3/openapi.json"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json() == {"message": "Not found.", "status": 404}


def test_only_the_reference_page_lets_a_blob_worker_run(client):
    assert "worker-src 'self' blob:" in client.get("/api/v2/docs/")["Content-Security-Policy"]
    assert "worker-src" not in client.get("/admin/login/")["Content-Security-Policy"]


def test_the_answer_check_refuses_an_undeclared_field_an_undocumented_status_and_html():
    """The hook in tests/conftest.py can fail: what it refuses, on made-up answers."""
    from tests.contract import Contract, ContractError

    check = Contract(document()).check
    json_headers = {"Content-Type": "application/json"}
    error = b'{"message": "m", "status": 404}'
    check("GET", "/api/v2/pages/1/", "", 404, json_headers, error)
    with pytest.raises(ContractError, match="extra"):
        check("GET", "/api/v2/pages/1/", "", 404, json_headers, error[:-1] + b', "extra": 1}')
    with pytest.raises(ContractError, match="does not list"):
        check("GET", "/api/v2/pages/1/", "", 418, json_headers, b'{"message": "m", "status": 418}')
    with pytest.raises(ContractError, match="not JSON"):
        check("GET", "/api/v2/nothing/", "", 404, {"Content-Type": "text/html"}, b"<h1>404</h1>")
