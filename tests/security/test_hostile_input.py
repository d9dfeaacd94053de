"""Hostile query strings get a 4xx JSON answer with a message (or a normal 200), never a 500.

Every query parameter of every endpoint is tried against a table of bad values. A 4xx body
always has the same shape: {"message": "...", "status": <code>}.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BAD_VALUES = [
    "abc",  # wrong type
    "-1",  # negative
    "1e309",  # overflows a float
    "99999999999999999999999999",  # overflows a 64-bit integer
    " ",  # blank
    "a\x00b",  # NUL byte (PostgreSQL refuses it in strings)
    "ü漢字🙂\u202e",  # unicode, right-to-left override
    "' OR 1=1--",  # SQL fragment
    "../../../etc/passwd",  # path fragment
    "-*",  # field-expression edge cases
    "*,body(foo(bar(baz)))",  # nested expansion of an unknown field
    "_,-id",
    "wagtailcore.Page,pages.HubPage",  # several / unknown types
    "__class__",
    "x" * 5000,  # very long
]

ENDPOINTS = {
    "/api/v2/pages/": [
        "type",
        "fields",
        "limit",
        "offset",
        "order",
        "search",
        "search_operator",
        "child_of",
        "descendant_of",
        "ancestor_of",
        "translation_of",
        "locale",
        "site",
        "unknown",
    ],
    "/api/v2/pages/{page}/": ["fields", "type", "site"],
    "/api/v2/pages/find/": ["html_path", "id", "fields", "site"],
    "/api/v2/images/": ["fields", "limit", "offset", "order", "search", "unknown"],
    "/api/v2/documents/": ["fields", "limit", "offset", "order", "search", "unknown"],
    "/api/v2/partner-cities/": [
        "fields",
        "limit",
        "offset",
        "order",
        "search",
        "locale",
        "year_from",
        "year_to",
    ],
    "/api/v2/networks/": ["fields", "limit", "order", "search", "locale", "year_from"],
}

CASES = [(url, param) for url, params in ENDPOINTS.items() for param in params]


def assert_sound(response) -> None:
    """A hostile request is answered normally or refused with a JSON message; never a 500."""
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert "json" in response["Content-Type"]
        body = response.json()
        assert body["message"] and body["status"] == response.status_code
        assert "Traceback" not in response.content.decode("utf-8", "replace")


@pytest.mark.parametrize(("url", "param"), CASES, ids=[f"{u}?{p}" for u, p in CASES])
def test_every_parameter_survives_every_bad_value(api, hub, url, param):
    url = url.format(page=hub.pk)
    for value in BAD_VALUES:
        assert_sound(api.get(url, {param: value}))


@pytest.mark.parametrize(
    "query",
    [
        "limit=1000000000000&offset=1000000000000",
        "offset=1000000000000",
        "fields=*&type=pages.CaseStudyPage&limit=100",
        "fields=body(foo)",
        "fields=*,hero_image(*,renditions(*))&type=pages.CaseStudyPage",
        "type=pages.CaseStudyPage&fields=-title,-id,*",
        "limit=1&limit=2&limit=3",
        "type=pages.HubPage&type=pages.CaseStudyPage",
        "search=" + "a " * 2000,
        "search=%00&order=%00",
        "order=random&search=lille",
        "child_of=1&descendant_of=1",
        "html_path=/" + "a/" * 500,
        "fields=" + ",".join(["title"] * 500),
        "&".join(f"p{i}=x" for i in range(300)),
    ],
)
def test_pathological_page_queries_get_a_json_answer(api, query):
    assert_sound(api.get("/api/v2/pages/?" + query))
    assert_sound(api.get("/api/v2/pages/find/?" + query))


def test_a_deep_child_of_chain_gets_a_json_answer(api, hub):
    from tests.factories import CaseStudyPageFactory

    parent = hub
    for depth in range(8):
        parent = CaseStudyPageFactory(parent=parent, slug=f"deep-{depth}")
    assert_sound(api.get("/api/v2/pages/", {"descendant_of": hub.pk, "child_of": parent.pk}))
    response = api.get("/api/v2/pages/", {"descendant_of": hub.pk, "limit": 100})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/pages/%00/",
        "/api/v2/pages/-1/",
        "/api/v2/pages/99999999999999999999999/",
        "/api/v2/pages/../../etc/passwd",
        "/api/v2/" + "a" * 8000 + "/",
        "/api/v2/images/99999999999999999999999/",
        "/api/v3/pages/",
        "/api/v3/openapi.json",
        "/api/nothing/",
    ],
)
def test_hostile_paths_get_a_json_answer(api, path):
    response = api.get(path)
    assert 400 <= response.status_code < 500
    assert_sound(response)


def test_unsupported_methods_are_refused_with_json(api, hub):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(api, method)(f"/api/v2/pages/{hub.pk}/", {"title": "x"}, format="json")
        assert response.status_code == 405
        assert_sound(response)
