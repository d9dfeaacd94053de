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


MALFORMED = [
    "/api/v2/pages/abc/",
    "/api/v2/pages/-1/",
    "/api/v2/documents/abc/",
    "/api/v2/nothing-here/",
    "/api/v2/pages/4/nothing/",
    "/api/nothing",
]


@pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
@pytest.mark.parametrize("url", MALFORMED)
def test_unknown_api_urls_are_a_json_404_in_production_and_development(api, settings, debug, url):
    settings.DEBUG = debug  # `make run` is DEBUG: Django's own 404 page was HTML there
    response = api.get(url)
    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "status": 404}


def test_an_api_url_without_its_trailing_slash_still_redirects_to_it(api):
    response = api.get("/api/v2/pages?limit=1")
    assert response.status_code == 301
    assert response["Location"] == "/api/v2/pages/?limit=1"
    assert response.json() == {
        "message": "Moved Permanently: follow Location.",
        "status": 301,
        "location": "/api/v2/pages/?limit=1",
    }


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/health/"),
        ("put", "/api/v2/openapi.json"),
        ("delete", "/api/v2/docs/"),
        ("put", "/api/v2/pages/3/"),
        ("post", "/api/v2/partner-cities/"),
        ("patch", "/api/v2/preview/"),
    ],
)
def test_a_wrong_method_is_a_json_405_that_says_what_is_allowed(api, method, url):
    response = getattr(api, method)(url)
    assert response.status_code == 405
    assert response.json()["status"] == 405 and response.json()["message"]
    assert "GET" in response["Allow"]


def test_a_post_refused_by_csrf_is_a_json_error(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/api/health/")
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden", "status": 403}


def test_an_over_long_url_is_a_json_414(api):
    from api.errors import MAX_URL_LENGTH

    response = api.get("/api/v2/pages/", {"search": "a" * MAX_URL_LENGTH})
    assert response.status_code == 414
    assert response.json()["status"] == 414
    assert api.get("/api/v2/pages/", {"search": "a" * 400}).status_code == 200
