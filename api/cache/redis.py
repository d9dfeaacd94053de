"""Redis as the shared cache, failing open fast: when Redis is down or hung the API serves from
the database at the cost of one short timeout per process, never of a wait per request.

* redis-py's own socket timeouts bound each operation (`OPTIONS` in settings: 100 ms), and
  its retries are turned off (redis-py retries three times with backoff by default).
* A failed operation opens a circuit breaker for `BREAKER_SECONDS`, shared by the process's
  threads: until then every operation is answered as a miss (or a dropped write) at once,
  without touching the network; the first operation after it tries Redis again.
* Every failure is a miss or a dropped write, never an error: correctness never depends on
  the cache (see `api.cache`).
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

BREAKER_SECONDS = 5.0


class Breaker:
    """Open (skip Redis) for a while after a failure; one per Redis location per process."""

    def __init__(self) -> None:
        self.open_until = 0.0

    def closed(self) -> bool:
        return time.monotonic() >= self.open_until

    def trip(self) -> None:
        self.open_until = time.monotonic() + BREAKER_SECONDS


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker(location: str) -> Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, Breaker())


class ReusingRedisCacheClient(RedisCacheClient):
    """One `redis.Redis` per connection pool (Django builds one per operation, with its table
    of ~170 response callbacks), and no retries."""

    def __init__(self, servers, **options):
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(servers, **options)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _fail_open(default):
    """Answer `default(*args, **kwargs)` instead of failing, and skip Redis while it is down."""

    def decorate(method):
        @functools.wraps(method)
        def guarded(self, *args, **kwargs):
            if not self.breaker.closed():
                return default(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except ValueError:  # incr() of a missing key: the caller's to handle
                raise
            except Exception as exc:  # noqa: BLE001 - any Redis failure is a miss
                self.breaker.trip()
                logger.warning(
                    "cache %s failed (%s): serving without Redis for %.0f s",
                    method.__name__,
                    type(exc).__name__,
                    BREAKER_SECONDS,
                )
                return default(*args, **kwargs)

        return guarded

    return decorate


def _get_default(key, default=None, version=None):
    return default


def _returns(value):
    return lambda *args, **kwargs: value() if callable(value) else value


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self.breaker = _breaker(str(server))

    def validate_key(self, key):
        """Redis takes any key; Django's check scans each character for memcached's sake."""

    def is_available(self) -> bool:
        """Whether Redis answers now (for /api/health/); False while the breaker is open."""
        return bool(self.ping())

    @_fail_open(_returns(False))
    def ping(self) -> bool:
        return self._cache.get_client(write=True).ping()

    @_fail_open(_returns(None))
    def with_client(self, key: str, operation):
        """`operation(client, full_key)` on the redis-py client, for commands Django's cache
        API lacks (sets); None when Redis fails."""
        name = self.make_and_validate_key(key)
        return operation(self._cache.get_client(name, write=True), name)

    get = _fail_open(_get_default)(RedisCache.get)
    get_many = _fail_open(_returns(dict))(RedisCache.get_many)
    has_key = _fail_open(_returns(False))(RedisCache.has_key)
    set = _fail_open(_returns(None))(RedisCache.set)
    set_many = _fail_open(_returns(list))(RedisCache.set_many)
    add = _fail_open(_returns(False))(RedisCache.add)
    touch = _fail_open(_returns(False))(RedisCache.touch)
    delete = _fail_open(_returns(False))(RedisCache.delete)
    delete_many = _fail_open(_returns(None))(RedisCache.delete_many)
    incr = _fail_open(_returns(0))(RedisCache.incr)
    clear = _fail_open(_returns(False))(RedisCache.clear)
