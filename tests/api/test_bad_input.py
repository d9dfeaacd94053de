"""Bad input gets a 4xx JSON response with a message; never a 500."""

import pytest

pytestmark = pytest.mark.django_db

CASES = [
    ("/api/v2/pages/", {"fields": "nope"}, 400),
    ("/api/v2/pages/", {"type": "pages.Nope"}, 400),
    ("/api/v2/pages/", {"type": "nope"}, 400),
    ("/api/v2/pages/", {"order": "nope"}, 400),
    ("/api/v2/pages/", {"limit": "abc"}, 400),
    ("/api/v2/pages/", {"limit": "-1"}, 400),
    ("/api/v2/pages/", {"limit": str(10**12)}, 400),
    ("/api/v2/pages/", {"offset": "abc"}, 400),
    ("/api/v2/pages/", {"child_of": "abc"}, 400),
    ("/api/v2/pages/", {"child_of": "999999"}, 400),
    ("/api/v2/pages/", {"unknown_param": "1"}, 400),
    ("/api/v2/pages/999999/", {}, 404),
    ("/api/v2/pages/abc/", {}, 404),
    ("/api/v2/images/999999/", {}, 404),
    ("/api/v2/partner-cities/999999/", {}, 404),
    ("/api/v2/networks/", {"order": "nope"}, 400),
    ("/api/v2/nothing-here/", {}, 404),
]


@pytest.mark.parametrize(("url", "query", "status"), CASES)
def test_bad_input_gets_a_4xx_json_message(api, url, query, status):
    response = api.get(url, query)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["message"]
