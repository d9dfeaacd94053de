"""The shared cache on Redis (production, `REDIS_URL`): shared, never trusted to be fresh, and
failing open fast.

Uses the Redis in `REDIS_TEST_URL` (set by .ci/run) on a database number of its own and a key
prefix unique to the run, so concurrent test runs and other Redis tests never see its keys."""

from __future__ import annotations

import os
import socket
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import caches

from api.cache.redis import _breaker
from pages.models import CaseStudyPage
from tests.conftest import CDN_BASE

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
    return {
        "default": {
            "BACKEND": "api.cache.redis.FailOpenRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    }


@pytest.fixture
def redis_cache(settings):
    import redis

    url = redis_url()
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    settings.CACHES = redis_caches(url, prefix)
    client = redis.Redis.from_url(url)
    yield client, prefix
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def unreachable_redis(settings):
    """REDIS_URL names a port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{port}/{REDIS_DB}", "down")
    yield
    _breaker(f"redis://127.0.0.1:{port}/{REDIS_DB}").open_until = 0.0


@pytest.fixture
def hung_redis(settings):
    """A Redis that accepts connections and never answers (a paused process: the kernel
    still completes the handshake)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    location = f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    settings.CACHES = redis_caches(location, "hung")
    yield
    server.close()
    _breaker(location).open_until = 0.0


def lille() -> CaseStudyPage:
    return CaseStudyPage.objects.get(slug="lille", locale__language_code="en")


def test_a_cached_answer_is_stored_in_redis_and_served_from_it(api, redis_cache):
    client, prefix = redis_cache
    url = f"/api/v2/pages/{lille().pk}/"

    first = api.get(url)
    second = api.get(url)

    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert second.content == first.content
    assert list(client.scan_iter(f"{prefix}:*:api:*"))  # the answer itself lives in Redis


def test_a_publish_through_one_server_is_seen_through_another(api, redis_cache, committed):
    page = lille()
    url = f"/api/v2/pages/{page.pk}/"
    api.get(url)
    assert api.get(url)["X-Cache"] == "HIT"

    del caches["default"]  # a second app server: its own clients, the same Redis
    assert api.get(url)["X-Cache"] == "HIT"

    def publish():
        page.title = "Lille, renewed"
        page.save_revision().publish()

    committed(publish)
    del caches["default"]  # back on the first
    assert api.get(url).json()["title"] == "Lille, renewed"
    listing = api.get("/api/v2/pages/", {"type": "pages.CaseStudyPage"})
    assert "Lille, renewed" in [item["title"] for item in listing.json()["items"]]


def test_an_answer_cached_before_a_publish_redis_never_heard_of_is_not_served(
    api, redis_cache, committed
):
    """Redis hung or unreachable during a publish, then back with its old data: the answer it
    holds belongs to a generation the database has moved past."""
    client, prefix = redis_cache
    page = lille()
    url = f"/api/v2/pages/{page.pk}/"
    api.get(url)
    assert api.get(url)["X-Cache"] == "HIT"
    kept = {key: client.dump(key) for key in client.scan_iter(f"{prefix}:*")}

    def publish():
        page.title = "Lille, published while Redis was away"
        page.save_revision().publish()

    committed(publish)
    for key, value in kept.items():  # Redis as it was before the publish
        client.restore(key, 0, value, replace=True)
    assert api.get(url).json()["title"] == "Lille, published while Redis was away"


def test_with_redis_down_the_api_answers_and_publishes_from_the_database(
    api, unreachable_redis, committed
):
    page = lille()
    response = api.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200
    assert response.json()["title"] == page.title
    assert api.get(f"/api/v2/pages/{page.pk}/")["X-Cache"] == "MISS"  # nothing could be stored

    def publish():
        page.title = "Lille while Redis is down"
        page.save_revision().publish()

    committed(publish)
    after = api.get(f"/api/v2/pages/{page.pk}/")
    assert after.status_code == 200
    assert after.json()["title"] == "Lille while Redis is down"
    listing = api.get("/api/v2/pages/")
    assert listing.status_code == 200 and listing.json()["meta"]["total_count"] > 0


def test_a_hung_redis_costs_one_timeout_then_is_skipped(api, hung_redis, committed):
    page = lille()
    url = f"/api/v2/pages/{page.pk}/"
    api.get(url)  # renders (and pays for the renditions, if any)
    started = time.monotonic()
    first = api.get(url)
    first_seconds = time.monotonic() - started
    started = time.monotonic()
    later = [api.get(url) for _ in range(5)]
    later_seconds = time.monotonic() - started
    assert [r.status_code for r in [first, *later]] == [200] * 6
    # The breaker opened on the first request's timeout: later ones never wait for Redis.
    assert first_seconds < 1.0 and later_seconds < 1.0, (first_seconds, later_seconds)

    def publish():
        page.title = "Lille while Redis hangs"
        page.save_revision().publish()

    started = time.monotonic()
    committed(publish)
    assert time.monotonic() - started < 1.0
    assert api.get(url).json()["title"] == "Lille while Redis hangs"


def test_health_says_the_cache_is_degraded_while_redis_is_down(api, unreachable_redis):
    response = api.get("/api/health/")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "degraded"}


def test_health_says_the_cache_is_ok_with_redis_up(api, redis_cache):
    assert api.get("/api/health/").json()["checks"] == {"database": "ok", "cache": "ok"}


def test_urls_served_with_query_strings_are_remembered_in_redis_for_the_cdn_purge(
    api, redis_cache, committed, cdn
):
    client, prefix = redis_cache
    listing = "/api/v2/pages/?type=pages.CaseStudyPage&limit=2"
    api.get(listing)
    assert list(client.scan_iter(f"{prefix}:*cdnserved:*"))  # a set in Redis

    del caches["default"]  # the publish happens on another app server
    page = lille()
    committed(lambda: page.save_revision().publish())

    assert f"{CDN_BASE}{listing}" in cdn
    assert not list(client.scan_iter(f"{prefix}:*cdnserved:*"))  # forgotten once purged


def test_each_cache_keeps_one_redis_client_and_it_serves_every_operation(api, redis_cache):
    """Django's backend made a client per operation; ours keeps one per connection pool."""
    store = caches["default"]
    assert store._cache.get_client() is store._cache.get_client()
    store.set("one-client", {"n": 1}, 60)
    assert store.get_many(["one-client", "missing"]) == {"one-client": {"n": 1}}
    page = lille()
    api.get(f"/api/v2/pages/{page.pk}/")
    assert api.get(f"/api/v2/pages/{page.pk}/")["X-Cache"] == "HIT"
