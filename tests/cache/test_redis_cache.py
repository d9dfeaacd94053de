"""The API response cache on Redis (production, `REDIS_URL`): shared, exact, and fail-open.

Uses the Redis in `REDIS_TEST_URL` (set by .ci/run) on a database number of its own and a key
prefix unique to the run, so concurrent test runs and other Redis tests never see its keys."""

from __future__ import annotations

import os
import socket
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import caches

from pages.models import CaseStudyPage

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

REDIS_DB = 13  # this module's own Redis database number


def redis_url() -> str:
    configured = os.environ.get("REDIS_TEST_URL", "")
    if not configured:
        pytest.skip("REDIS_TEST_URL is not set (no Redis for the tests here)")
    parts = urlsplit(configured)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", "", ""))
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1):
            pass
    except OSError as exc:
        pytest.skip(f"Redis at {parts.netloc} is unreachable: {exc}")
    return url


def redis_caches(location: str, prefix: str) -> dict:
    backend = {
        "BACKEND": "cms.cache_backends.FailOpenRedisCache",
        "LOCATION": location,
        "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
    }
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "api": {**backend, "KEY_PREFIX": f"{prefix}-api"},
        "api-tags": {**backend, "KEY_PREFIX": f"{prefix}-apitags"},
    }


@pytest.fixture
def redis_cache(settings):
    import redis

    url = redis_url()
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    settings.CACHES = redis_caches(url, prefix)
    client = redis.Redis.from_url(url)
    yield client, prefix
    keys = list(client.scan_iter(f"{prefix}-*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def lille() -> CaseStudyPage:
    return CaseStudyPage.objects.get(slug="lille", locale__language_code="en")


def new_cache_clients() -> tuple:
    """What a second app server has: its own Redis connections to the same Redis."""
    del caches["api"]
    del caches["api-tags"]
    return caches["api"], caches["api-tags"]


def test_a_cached_response_is_stored_in_redis_and_served_from_it(api, redis_cache):
    client, prefix = redis_cache
    url = f"/api/v2/pages/{lille().pk}/"

    first = api.get(url)
    second = api.get(url)

    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert second.content == first.content
    assert list(client.scan_iter(f"{prefix}-api:*"))  # the response itself lives in Redis
    assert list(client.scan_iter(f"{prefix}-apitags:*"))  # and so do its invalidation tags


def test_a_publish_through_one_cache_client_invalidates_what_another_cached(
    api, redis_cache, committed
):
    page = lille()
    url = f"/api/v2/pages/{page.pk}/"
    first_server = (caches["api"], caches["api-tags"])
    api.get(url)
    assert api.get(url)["X-Cache"] == "HIT"

    # A second app server: fresh clients, same Redis; it is served what the first cached.
    new_cache_clients()
    assert api.get(url)["X-Cache"] == "HIT"

    def publish():
        page.title = "Lille, renewed"
        page.save_revision().publish()

    committed(publish)  # the second server's clients bump the tags

    caches["api"], caches["api-tags"] = first_server  # back on the first server
    response = api.get(url)  # fresh (the publish may already have re-rendered it), never stale
    assert response.json()["title"] == "Lille, renewed"
    listing = api.get("/api/v2/pages/", {"type": "pages.CaseStudyPage"})
    assert "Lille, renewed" in [item["title"] for item in listing.json()["items"]]


def test_with_redis_down_the_api_answers_from_the_database(api, settings, committed):
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{port}/{REDIS_DB}", "down")
    page = lille()

    response = api.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200
    assert response.json()["title"] == page.title
    assert api.get(f"/api/v2/pages/{page.pk}/")["X-Cache"] == "MISS"  # nothing could be stored

    def publish():
        page.title = "Lille while Redis is down"
        page.save_revision().publish()

    committed(publish)  # invalidation fails open too: publishing still works
    after = api.get(f"/api/v2/pages/{page.pk}/")
    assert after.status_code == 200
    assert after.json()["title"] == "Lille while Redis is down"
    listing = api.get("/api/v2/pages/")
    assert listing.status_code == 200 and listing.json()["meta"]["total_count"] > 0


def test_urls_served_with_query_strings_are_remembered_in_redis_for_the_cdn_purge(
    api, redis_cache, committed, settings
):
    from tests.cache.test_cdn_purge import BASE, PURGED

    client, prefix = redis_cache
    settings.WAGTAILAPI_BASE_URL = BASE
    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {"BACKEND": "tests.cache.test_cdn_purge.RecordingBackend"}
    }
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }
    PURGED.clear()
    listing = "/api/v2/pages/?type=pages.CaseStudyPage&limit=2"
    api.get(listing)
    assert list(client.scan_iter(f"{prefix}-apitags:*cdnserved:*"))  # a set in Redis

    new_cache_clients()  # the publish happens on another app server
    page = lille()
    committed(lambda: page.save_revision().publish())

    assert f"{BASE}{listing}" in PURGED
    assert not list(client.scan_iter(f"{prefix}-apitags:*cdnserved:*"))  # forgotten once purged
    PURGED.clear()


def test_each_cache_keeps_one_redis_client_and_it_serves_every_operation(api, redis_cache):
    """Django's backend made a client per operation; ours keeps one per connection pool."""
    store = caches["api"]
    assert store._cache.get_client() is store._cache.get_client()
    store.set("one-client", {"n": 1}, 60)
    assert store.get_many(["one-client", "missing"]) == {"one-client": {"n": 1}}
    page = lille()
    api.get(f"/api/v2/pages/{page.pk}/")
    assert api.get(f"/api/v2/pages/{page.pk}/")["X-Cache"] == "HIT"
