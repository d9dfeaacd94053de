"""When the database fails mid-request the API answers at once with a retryable 503 JSON."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/api/v2/pages/", "api.views.PagesAPIViewSet.listing_view"),
        ("/api/v2/partner-cities/", "api.views.PartnerCityAPIViewSet.listing_view"),
    ],
)
def test_a_database_error_is_a_503_json_with_retry_after(api, url, target, error):
    with mock.patch(target, side_effect=error("connection refused: secret-host:5432")):
        response = api.get(url)
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    body = response.json()
    assert body["status"] == 503 and body["message"]
    assert "secret-host" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
