"""A Redis cache that fails open: when Redis is down the site keeps serving from the database.

Reads become misses and writes are dropped (each logged), instead of a 500 on every request.
It also keeps one redis-py client per connection pool: Django's backend builds a new
`redis.Redis` (with its table of ~170 response callbacks) for every operation, a noticeable
part of a response-cache hit. And it skips Django's memcached key check (`validate_key`)."""

from __future__ import annotations

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)


class ReusingRedisCacheClient(RedisCacheClient):
    """One `redis.Redis` per connection pool, made once (redis-py clients are thread-safe)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def validate_key(self, key):
        """Redis takes any key. Django's check warns about keys memcached would refuse, scanning
        every character of every key: a seventh of a response-cache miss, which reads ~70."""

    def _fail(self, operation: str, exc: Exception, default=None):
        logger.warning("cache %s failed, serving without cache: %s", operation, type(exc).__name__)
        return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except Exception as exc:  # noqa: BLE001 - any Redis failure is a miss
            return self._fail("get", exc, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except Exception as exc:  # noqa: BLE001
            return self._fail("get_many", exc, {})

    def set(self, *args, **kwargs):
        try:
            return super().set(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            return self._fail("set", exc)

    def set_many(self, *args, **kwargs):
        try:
            return super().set_many(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            return self._fail("set_many", exc, [])

    def add(self, *args, **kwargs):
        try:
            return super().add(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            return self._fail("add", exc, False)

    def delete(self, *args, **kwargs):
        try:
            return super().delete(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            return self._fail("delete", exc, False)

    def delete_many(self, *args, **kwargs):
        try:
            return super().delete_many(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            return self._fail("delete_many", exc)

    def incr(self, *args, **kwargs):
        try:
            return super().incr(*args, **kwargs)
        except ValueError:
            raise
        except Exception as exc:  # noqa: BLE001
            return self._fail("incr", exc, 0)

    def touch(self, *args, **kwargs):
        try:
            return super().touch(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            return self._fail("touch", exc, False)
