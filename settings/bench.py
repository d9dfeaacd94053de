"""`make bench` only: production settings with the API response cache in process memory.

Production switches the response cache off without Redis, because an in-process cache is not
invalidated by a change made in another process (another worker, the admin of another app
server). The benchmark's cache-on server without `REDIS_URL` measures hits and `304` answers,
which need no invalidation, so it allows the in-process cache here. Never serve with this.
"""

from .base import env_bool
from .production import *  # noqa: F403

API_CACHE_ENABLED = env_bool("API_CACHE_ENABLED", True)
