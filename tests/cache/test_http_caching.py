"""HTTP caching: validators, shared-cache lifetimes, and answers that must stay private."""

from __future__ import annotations

import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from tests.factories import PartnerCityFactory

pytestmark = pytest.mark.django_db


@override_settings(API_CACHE_S_MAXAGE=120, API_CACHE_STALE_WHILE_REVALIDATE=30)
def test_responses_carry_a_strong_etag_last_modified_and_cdn_lifetimes(api, hub):
    response = api.get(f"/api/v2/pages/{hub.pk}/")
    assert response.status_code == 200
    assert response["ETag"].startswith('"') and not response["ETag"].startswith("W/")
    assert response["Last-Modified"].endswith("GMT")
    control = response["Cache-Control"]
    assert "public" in control and "s-maxage=120" in control
    assert "stale-while-revalidate=30" in control
    assert "Accept-Encoding" in response["Vary"]


def test_the_etag_follows_the_content(api, hub):
    first = api.get(f"/api/v2/pages/{hub.pk}/")["ETag"]
    assert api.get(f"/api/v2/pages/{hub.pk}/")["ETag"] == first
    hub.title = "A hub with a new title"
    hub.save_revision().publish()
    assert api.get(f"/api/v2/pages/{hub.pk}/")["ETag"] != first


def test_if_none_match_answers_304_without_rendering_or_queries(
    api, hub, django_assert_num_queries
):
    etag = api.get(f"/api/v2/pages/{hub.pk}/")["ETag"]
    with django_assert_num_queries(0):
        response = api.get(f"/api/v2/pages/{hub.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_a_stale_etag_gets_the_new_content(api, hub):
    etag = api.get(f"/api/v2/pages/{hub.pk}/")["ETag"]
    hub.title = "Changed since the client's copy"
    hub.save_revision().publish()
    response = api.get(f"/api/v2/pages/{hub.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["title"] == "Changed since the client's copy"


def test_if_modified_since_answers_304_for_an_unchanged_listing(api):
    last_modified = api.get("/api/v2/partner-cities/")["Last-Modified"]
    response = api.get("/api/v2/partner-cities/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304


@pytest.mark.parametrize(
    "credentials",
    [
        {"HTTP_AUTHORIZATION": "Bearer some-token"},
        {"HTTP_X_PREVIEW_TOKEN": "abc"},
        {"HTTP_PREVIEW_TOKEN": "abc"},
        {"QUERY_STRING": "preview_token=abc"},
    ],
    ids=["authorization", "x-preview-token", "preview-token", "preview_token-param"],
)
def test_requests_with_credentials_or_a_preview_token_are_private_and_never_cached(
    api, hub, credentials
):
    url = f"/api/v2/pages/{hub.pk}/"
    query = credentials.pop("QUERY_STRING", "")
    if query:
        url = f"{url}?{query}"
    private = api.get(url, **credentials)
    assert private["Cache-Control"] == "private, no-store"
    assert "ETag" not in private
    # The private answer was not stored: the next anonymous read renders afresh.
    assert api.get(f"/api/v2/pages/{hub.pk}/")["X-Cache"] == "MISS"
    # And a cached public answer is not handed to a credentialed request.
    assert api.get(url, **credentials)["X-Cache"] == "BYPASS"


def test_a_signed_in_editors_reads_are_private(api, hub, editor):
    api.get(f"/api/v2/pages/{hub.pk}/")  # cached publicly
    api.force_login(editor)
    response = api.get(f"/api/v2/pages/{hub.pk}/")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Cache"] == "BYPASS"


def test_errors_are_not_cached(api):
    first = api.get("/api/v2/pages/", {"nope": "1"})
    assert first.status_code == 400
    assert "public" not in first["Cache-Control"]
    assert api.get("/api/v2/pages/", {"nope": "1"})["X-Cache"] != "HIT"
    assert api.get("/api/v2/pages/999999/").status_code == 404


def test_keys_cover_query_locale_and_site(api):
    english = api.get("/api/v2/partner-cities/", {"locale": "en"})
    french = api.get("/api/v2/partner-cities/", {"locale": "fr"})
    assert french["X-Cache"] == "MISS"
    other_site = api.get("/api/v2/partner-cities/", {"locale": "en"}, HTTP_HOST="localhost")
    assert other_site["X-Cache"] == "MISS"
    assert api.get("/api/v2/partner-cities/", {"locale": "en"})["X-Cache"] == "HIT"
    assert english.content != french.content or english.json()["meta"]["total_count"] == 0


@override_settings(API_CACHE_ENABLED=False)
def test_the_server_cache_can_be_switched_off(api, hub):
    api.get(f"/api/v2/pages/{hub.pk}/")
    second = api.get(f"/api/v2/pages/{hub.pk}/")
    assert second["X-Cache"] == "MISS"
    assert second["ETag"]


def test_a_cached_response_outlives_unrelated_changes_but_not_its_own(api, committed):
    """After any change a hit checks the response's own tags (and stores it again under the
    new epoch), so an unrelated save keeps it and its own change still drops it."""
    city = PartnerCityFactory(name="Kept city")
    other = PartnerCityFactory(name="Unrelated city")
    url = f"/api/v2/partner-cities/{city.pk}/"
    api.get(url)
    assert api.get(url)["X-Cache"] == "HIT"

    other.name = "Unrelated city, renamed"
    committed(other.save)
    assert api.get(url)["X-Cache"] == "HIT"
    assert api.get(url)["X-Cache"] == "HIT"

    city.name = "Kept city, renamed"
    committed(city.save)
    response = api.get(url)
    assert response["X-Cache"] == "MISS"
    assert response.json()["name"] == "Kept city, renamed"
    assert api.get(url)["X-Cache"] == "HIT"


def test_a_cached_answer_carries_every_header_the_first_answer_had(api, hub):
    """Hits are answered before sessions, locale, CSP and the view run (ResponseCacheMiddleware),
    so the stored answer must bring the headers those added the first time."""
    url = f"/api/v2/pages/{hub.pk}/"
    first = api.get(url, HTTP_ORIGIN="http://127.0.0.1:3000")
    hit = api.get(url, HTTP_ORIGIN="http://127.0.0.1:3000")
    assert (first["X-Cache"], hit["X-Cache"]) == ("MISS", "HIT")
    per_answer = {"x-cache", "x-materialised"}

    def headers(response):
        return {
            name.lower(): value
            for name, value in response.items()
            if name.lower() not in per_answer
        }

    assert headers(hit) == headers(first)
    for name in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "Content-Language",
        "X-Content-Type-Options",
    ):
        assert hit[name], name
    assert "Accept-Language" in hit["Vary"] and "origin" in hit["Vary"].lower()
    assert hit.json() == first.json()


def test_a_conditional_request_that_misses_the_cache_gets_a_304_and_fills_it(api, hub):
    url = f"/api/v2/pages/{hub.pk}/"
    etag = api.get(url)["ETag"]
    caches["api"].clear()  # evicted, or another server's first read after a deploy

    revalidated = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated["X-Cache"] == "MISS" and revalidated["ETag"] == etag

    # What was stored is the whole 200 answer, not the 304.
    hit = api.get(url)
    assert hit.status_code == 200 and hit["X-Cache"] == "HIT"
    assert hit["Content-Type"] == "application/json" and hit.json()["id"] == hub.pk


def test_a_save_made_while_a_response_renders_is_not_hidden_by_it(api, committed, monkeypatch):
    """A miss after a change reuses the tag tokens it read before rendering: a save that lands
    during the render must still show on the next read."""
    from api.cache import ResponseCacheMixin

    city = PartnerCityFactory(name="Raced city")
    url = f"/api/v2/partner-cities/{city.pk}/"
    api.get(url)
    city.name = "Raced city, renamed"
    committed(city.save)  # the stored answer is now stale: the next read checks its tags

    tags_of = ResponseCacheMixin.response_cache_tags
    saved = []

    def save_after_the_render(self, action, recorder):
        if not saved:
            saved.append(True)
            city.name = "Raced city, third name"
            committed(city.save)
        return tags_of(self, action, recorder)

    monkeypatch.setattr(ResponseCacheMixin, "response_cache_tags", save_after_the_render)
    raced = api.get(url)
    assert raced.json()["name"] == "Raced city, renamed"  # rendered before the save landed
    monkeypatch.setattr(ResponseCacheMixin, "response_cache_tags", tags_of)
    assert api.get(url).json()["name"] == "Raced city, third name"


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/v2/pages/", {}),
        ("/api/v2/pages/", {"HTTP_ACCEPT_LANGUAGE": "fr"}),
        ("/api/v2/pages/", {"HTTP_COOKIE": "django_language=fr"}),
        ("/fr/", {}),
        ("/fr/", {"HTTP_ACCEPT_LANGUAGE": "de"}),
        ("/", {"HTTP_ACCEPT_LANGUAGE": "fr"}),
        ("/xx/", {"HTTP_ACCEPT_LANGUAGE": "fr;q=0.9, de"}),
    ],
)
def test_the_cache_decides_a_requests_language_as_the_locale_middleware_does(rf, path, headers):
    """The cache key is made before LocaleMiddleware runs; it must name the language the view
    then runs in (the view also refuses to store under a key whose language differs)."""
    from django.middleware.locale import LocaleMiddleware
    from django.utils import translation

    from api.cache import request_language

    request = rf.get(path, **headers)
    expected = request_language(request)
    with translation.override(None):
        LocaleMiddleware(lambda r: None).process_request(request)
        assert translation.get_language() == expected


@pytest.fixture
def clock_skew_margin(monkeypatch):
    monkeypatch.setattr("api.cache.RACE_MARGIN_NS", 500_000_000)


def test_a_render_that_may_have_missed_a_change_is_not_stored(api, committed, clock_skew_margin):
    """Tag tokens read after a render began, younger than the clock-skew margin, may be those of
    a change the render did not see (another server's clock): that answer is not kept."""
    city = PartnerCityFactory(name="Just saved")
    city.name = "Just saved, renamed"
    committed(city.save)
    url = f"/api/v2/partner-cities/{city.pk}/"
    first = api.get(url)
    assert first.json()["name"] == "Just saved, renamed"
    assert first["X-Cache"] == "MISS-UNSTORED"
    assert api.get(url)["X-Cache"].startswith("MISS")


def test_the_first_read_after_a_change_refills_the_cache_at_once(api, committed, clock_skew_margin):
    """The read that finds a stored answer out of date read its tags' tokens before rendering:
    a change after that read would replace them, so its answer is kept even within the margin."""
    city = PartnerCityFactory(name="Cached city")
    url = f"/api/v2/partner-cities/{city.pk}/"
    time.sleep(0.6)  # past the margin of its creation: the first read is stored
    assert api.get(url)["X-Cache"] == "MISS"
    assert api.get(url)["X-Cache"] == "HIT"
    city.name = "Cached city, renamed"
    committed(city.save)
    after = api.get(url)
    assert after["X-Cache"] == "MISS" and after.json()["name"] == "Cached city, renamed"
    again = api.get(url)
    assert again["X-Cache"] == "HIT" and again.json()["name"] == "Cached city, renamed"


def test_a_page_just_published_is_served_from_the_cache_to_its_first_reader(
    api, hub, committed, settings
):
    """After the commit the publishing process reads the page's detail through the whole stack
    (api.materialised.rebuild_after_change): the answer it stores is the new one, with every
    header, and the first reader gets it without a render."""
    url = f"/api/v2/pages/{hub.pk}/"
    before = api.get(url)
    hub.title = "A hub just published"
    committed(hub.save_revision().publish)

    first = api.get(url)
    assert first["X-Cache"] == "HIT"
    assert first.json()["title"] == "A hub just published"
    assert first["ETag"] != before["ETag"]
    assert first["Content-Security-Policy"] == before["Content-Security-Policy"]
    assert first["Content-Language"] == "en"


class SetsACookie:
    """A middleware below the cache that answers with a cookie (as a CSRF or session
    middleware might for some client)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.set_cookie("visitor", "one-client-only")
        return response


def test_an_answer_that_sets_a_cookie_is_never_stored(api, hub, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.cache.test_http_caching.SetsACookie"]
    url = f"/api/v2/pages/{hub.pk}/"
    assert api.get(url).cookies["visitor"].value == "one-client-only"
    again = api.get(url)
    assert again["X-Cache"] == "MISS-UNSTORED"  # rendered again: nobody else gets that cookie
