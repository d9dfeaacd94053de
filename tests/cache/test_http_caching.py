"""HTTP caching: validators, shared-cache lifetimes, and answers that must stay private."""

from __future__ import annotations

import datetime
import gzip
import json
from unittest import mock

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.utils import timezone

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
    # A browser revalidates every time; only the CDN may serve it stale while it revalidates.
    assert "max-age=0, must-revalidate" in control and "stale" not in control
    assert response["CDN-Cache-Control"] == "max-age=120, stale-while-revalidate=30"
    assert "Authorization" in response["Vary"]


def test_the_etag_follows_the_content(api, hub):
    first = api.get(f"/api/v2/pages/{hub.pk}/")["ETag"]
    assert api.get(f"/api/v2/pages/{hub.pk}/")["ETag"] == first
    hub.title = "A hub with a new title"
    hub.save_revision().publish()
    assert api.get(f"/api/v2/pages/{hub.pk}/")["ETag"] != first


def test_if_none_match_answers_304_without_rendering(api, hub, django_assert_num_queries):
    etag = api.get(f"/api/v2/pages/{hub.pk}/")["ETag"]
    # The content generation alone: neither the cached answer nor a render.
    with django_assert_num_queries(1):
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
    private = api.get(url, HTTP_ACCEPT_ENCODING="gzip", **credentials)
    assert private["Cache-Control"] == "private, no-store"
    assert "ETag" not in private
    assert "Content-Encoding" not in private  # never compressed (BREACH: docs/security.md)
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
    assert first["Cache-Control"] == "no-cache"
    assert api.get("/api/v2/pages/", {"nope": "1"})["X-Cache"] == "MISS"
    assert api.get("/api/v2/pages/999999/").status_code == 404


def test_keys_cover_query_host_and_scheme(api):
    english = api.get("/api/v2/partner-cities/", {"locale": "en"})
    french = api.get("/api/v2/partner-cities/", {"locale": "fr"})
    assert french["X-Cache"] == "MISS"
    assert english.content != french.content
    other_host = api.get("/api/v2/partner-cities/", {"locale": "en"}, HTTP_HOST="localhost")
    assert other_host["X-Cache"] == "MISS"
    secure = api.get("/api/v2/partner-cities/", {"locale": "en"}, secure=True)
    assert secure["X-Cache"] == "MISS"
    assert api.get("/api/v2/partner-cities/", {"locale": "en"})["X-Cache"] == "HIT"


def test_the_api_answers_json_in_its_default_language_whatever_the_client_asks(api, hub):
    """So one key per URL is enough: neither Accept nor Accept-Language changes an answer."""
    url = f"/api/v2/pages/{hub.pk}/"
    plain = api.get(url)
    for headers in (
        {"HTTP_ACCEPT": "text/html"},
        {"HTTP_ACCEPT": "application/xml"},
        {"HTTP_ACCEPT_LANGUAGE": "fr"},
        {"HTTP_COOKIE": "django_language=fr"},
    ):
        response = api.get(url, **headers)
        assert response.status_code == 200, headers
        assert response["Content-Type"] == "application/json", headers
        assert response["Content-Language"] == "en", headers
        assert response.content == plain.content, headers


@override_settings(API_CACHE_ENABLED=False)
def test_without_the_cache_html_is_never_offered_either(api, hub):
    response = api.get(f"/api/v2/pages/{hub.pk}/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"] == "application/json"
    assert response.json()["id"] == hub.pk


@override_settings(API_CACHE_ENABLED=False)
def test_without_the_cache_find_still_redirects_to_the_page(api, hub):
    response = api.get("/api/v2/pages/find/?html_path=/")  # a 302 has no body to hash
    assert response.status_code == 302
    assert response["Location"].endswith(f"/api/v2/pages/{hub.pk}/")


@override_settings(API_CACHE_ENABLED=False)
def test_the_server_cache_can_be_switched_off(api, hub):
    api.get(f"/api/v2/pages/{hub.pk}/")
    second = api.get(f"/api/v2/pages/{hub.pk}/")
    assert second["X-Cache"] == "OFF"
    revalidated = api.get(f"/api/v2/pages/{hub.pk}/", HTTP_IF_NONE_MATCH=second["ETag"])
    assert revalidated.status_code == 304  # rendered, then compared


def test_any_change_to_content_is_shown_to_the_next_reader(api, committed):
    city = PartnerCityFactory(name="Cached city")
    url = f"/api/v2/partner-cities/{city.pk}/"
    api.get(url)
    assert api.get(url)["X-Cache"] == "HIT"

    city.name = "Cached city, renamed"
    committed(city.save)
    assert api.get(url).json()["name"] == "Cached city, renamed"
    assert api.get(url)["X-Cache"] == "HIT"


def test_a_cached_answer_carries_every_header_the_first_answer_had(api, hub):
    """Hits are answered before sessions, locale, CSP and the view run (ResponseCacheMiddleware),
    so the stored answer must bring the headers those added the first time."""
    url = f"/api/v2/pages/{hub.pk}/"
    first = api.get(url, HTTP_ORIGIN="http://127.0.0.1:3000")
    hit = api.get(url, HTTP_ORIGIN="http://127.0.0.1:3000")
    assert (first["X-Cache"], hit["X-Cache"]) == ("MISS", "HIT")
    per_answer = {"x-cache"}

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


def test_a_copy_that_is_current_gets_a_304_even_when_the_cache_lost_the_answer(api, hub):
    url = f"/api/v2/pages/{hub.pk}/"
    etag = api.get(url)["ETag"]
    caches["default"].clear()  # evicted, or another server's first read after a deploy

    revalidated = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated["ETag"] == etag

    again = api.get(url)
    assert again.status_code == 200 and again.json()["id"] == hub.pk
    assert again["ETag"] == etag


def test_any_change_anywhere_makes_a_copy_stale_and_its_revalidation_answers_200(api, hub):
    url = f"/api/v2/pages/{hub.pk}/"
    etag = api.get(url)["ETag"]
    PartnerCityFactory(name="A city elsewhere")  # not on the hub: the answer stays the same

    revalidated = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 200
    assert revalidated.json()["id"] == hub.pk
    assert revalidated["ETag"] != etag


def test_a_change_committed_while_an_answer_renders_is_not_hidden_by_it(
    api, committed, monkeypatch
):
    """The answer was rendered from the content before the change; it is stored under the
    generation read before its render, which the change has moved on: never served again."""
    from api.views import PartnerCityAPIViewSet

    city = PartnerCityFactory(name="Raced city")
    url = f"/api/v2/partner-cities/{city.pk}/"
    detail_view = PartnerCityAPIViewSet.detail_view

    def detail_then_a_save(self, request, pk):
        response = detail_view(self, request, pk)
        city.name = "Raced city, renamed"
        committed(city.save)
        return response

    monkeypatch.setattr(PartnerCityAPIViewSet, "detail_view", detail_then_a_save)
    assert api.get(url).json()["name"] == "Raced city"  # rendered before the save landed
    monkeypatch.setattr(PartnerCityAPIViewSet, "detail_view", detail_view)
    assert api.get(url).json()["name"] == "Raced city, renamed"


def test_a_page_past_its_expiry_leaves_every_cached_answer_at_once(api, committed):
    """Expiry writes nothing: the first reader past it moves the generation."""
    from pages.models import CaseStudyPage

    page = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    in_a_minute = timezone.now() + datetime.timedelta(minutes=1)
    page.expire_at = in_a_minute
    committed(page.save_revision().publish)
    listing = "/api/v2/pages/?type=pages.CaseStudyPage"
    api.get(listing)
    assert "Lille" in [item["title"] for item in api.get(listing).json()["items"]]
    # A CDN keeps it no longer than that either.
    assert int(api.get(listing)["Cache-Control"].split("s-maxage=")[1]) <= 60

    later = in_a_minute + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert "Lille" not in [item["title"] for item in api.get(listing).json()["items"]]
        assert api.get(f"/api/v2/pages/{page.pk}/").status_code == 404


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
    assert again["X-Cache"] == "MISS"  # rendered again: nobody else gets that cookie


def test_a_partner_city_past_its_expiry_leaves_every_cached_answer_at_once(api, committed):
    city = PartnerCityFactory(name="Expiring city")
    in_a_minute = timezone.now() + datetime.timedelta(minutes=1)
    city.expire_at = in_a_minute
    committed(city.save)
    listing = "/api/v2/partner-cities/?limit=100"
    api.get(listing)
    assert "Expiring city" in [item["name"] for item in api.get(listing).json()["items"]]

    later = in_a_minute + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert "Expiring city" not in [item["name"] for item in api.get(listing).json()["items"]]
        assert api.get(f"/api/v2/partner-cities/{city.pk}/").status_code == 404


def test_a_client_that_accepts_gzip_gets_the_same_json_compressed(api, hub):
    url = f"/api/v2/pages/{hub.pk}/"
    for attempt in ("miss", "hit"):
        plain = api.get(url)
        packed = api.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert packed["Content-Encoding"] == "gzip", attempt
        assert "Content-Encoding" not in plain, attempt
        assert json.loads(gzip.decompress(packed.content)) == plain.json(), attempt
        assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 3
        assert int(plain["Content-Length"]) == len(plain.content)
        for response in (plain, packed):
            assert "Accept-Encoding" in response["Vary"], attempt


def test_each_encoding_has_its_own_validator(api, hub):
    url = f"/api/v2/pages/{hub.pk}/"
    plain_etag = api.get(url)["ETag"]
    packed_etag = api.get(url, HTTP_ACCEPT_ENCODING="gzip")["ETag"]
    assert plain_etag != packed_etag

    again = api.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed_etag)
    assert again.status_code == 304 and again["ETag"] == packed_etag
    assert "Accept-Encoding" in again["Vary"]
    # A copy of the other encoding is not this one: the client gets the body it asked for.
    other = api.get(url, HTTP_IF_NONE_MATCH=packed_etag)
    assert other.status_code == 200 and other.json()["id"] == hub.pk
    assert "Content-Encoding" not in other
