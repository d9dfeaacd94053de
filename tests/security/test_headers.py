"""Security headers on the API and the admin; CORS only for configured origins."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v2/pages/", "/api/v2/openapi.json", "/admin/login/"])
def test_security_headers_on_api_and_admin(client, url):
    response = client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors" in csp and "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] in ("DENY", "SAMEORIGIN")


def test_cors_grants_a_configured_origin_without_credentials(client, settings):
    origin = settings.CORS_ALLOWED_ORIGINS[0]
    response = client.get("/api/v2/pages/", headers={"Origin": origin})
    assert response["Access-Control-Allow-Origin"] == origin
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "http://127.0.0.1:3000.evil.example"]
)
def test_cors_grants_nothing_to_other_origins(client, origin):
    response = client.get("/api/v2/pages/", headers={"Origin": origin})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    preflight = client.options(
        "/api/v2/pages/",
        headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
    )
    assert "Access-Control-Allow-Origin" not in preflight


def test_the_admin_is_not_granted_to_other_origins(client, settings):
    origin = settings.CORS_ALLOWED_ORIGINS[0]
    response = client.get("/admin/login/", headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in response
