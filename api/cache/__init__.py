"""The API's one response cache: fresh by construction, on any backend, through outages.

* **The content generation** (`models.Generation`, one row) is moved by `generation.bump()`
  in the same transaction as every change to what the API shows (`signals`, wired to model
  signals in `apps`: pages, snippets and their inline rows, images, documents, tags, view
  restrictions, sites, locales, translation syncs). A change and its move commit together.
* **A stored answer** is kept under a key that contains the generation read before its
  render (`middleware.cache_key`), so it is served only while that generation is current.
  Nothing is ever deleted: answers of older generations are never asked for again and age
  out. A render that overlaps a change is stored under the older generation, never served
  after the change, whatever the clocks say.
* **Readers** read the generation from the database on every request (one primary-key
  read), then the answer from the cache. They never trust the cache to know what changed, so
  a cache that lost writes (Redis hung, then resumed with its old data) or is shared by no
  one cannot serve stale content.
* **Expiry**: pages (and snippets) with `expire_at` stop being public without any write; the
  generation row keeps the earliest future expiry, and the first reader past it moves the
  generation (`generation.current`).
* **Backends**: Redis when `REDIS_URL` is set (`redis.FailOpenRedisCache`: 100 ms timeouts,
  no retries, a circuit breaker), otherwise Django's database cache on the same database.
  Never process memory: every process must see the same answers.
* **HTTP**: `ETag` (the generation and the code's fingerprint, so a 304 needs no cache read),
  `Last-Modified` (when the generation last moved), `Cache-Control` from settings, answered by
  Django's `get_conditional_response`. Answers are stored gzip-encoded and sent as they are to
  clients that accept gzip.
* **CDN**: `purge` sends exact URLs through Wagtail's `frontend_cache` after each commit.
"""
