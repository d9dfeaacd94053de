"""Materialised page representations: the public JSON of each live page, stored as bytes.

A page detail (`/api/v2/pages/<id>/`, no query string) and a listing item (`fields=*` or the
default fields, per `type`) are rendered once and stored in `MaterialisedPage`; later requests
read one row and write its bytes. This is not the response cache (api/cache.py, per URL and
off in the bench): it is derived data in the database, per page and shape, built only by the
anonymous public render path, and kept exactly fresh:

* Dependencies are the response cache's tags, recorded while the representation renders
  (every page, snippet, image, inline row and tag it loaded; `tree:` tags of the page's
  ancestors; `children:`/`translations:` for a detail). `MaterialisedTag` indexes them.
* Every content change goes through `api.cache_invalidation.invalidate`, which calls
  `forget(tags)` inside the change's transaction: the rows depending on a changed tag are
  deleted atomically with the change (and again after the commit). So a draft, a private
  page or an unpublished page is never served from here: its rows go with the change that
  hid it, and rows are only ever written by a render of a public page.
* A render that began before a change commits is not stored: `store()` locks the one
  `MaterialisedEpoch` row that every change bumps, and stores only if the value is still the
  one read before the render (compare-and-set).
* Only a consistent render is stored (`keep()`): on PostgreSQL an API read runs in one
  READ ONLY, REPEATABLE READ snapshot (cms.middleware), so the row is written right after
  the snapshot ends, in a short transaction of its own, against the epoch the snapshot saw;
  any change committed since then moved the epoch, so a page the snapshot saw before a
  publish is never stored after it. A run the middleware makes only for its writes
  (`request.writes_only`, renditions) read the database at several moments and stores nothing.
* Scheduled expiry (`expire_at`) has no event: a row is not served past the earliest expiry
  of the pages it shows.
* The key includes a fingerprint of the code and settings that shape the JSON, so a deploy
  that changes the representation never serves rows built by the previous code.

After a change commits, the changed page's own detail and a few affected details are rebuilt
at once (`rebuild_after_change`); the rest are rebuilt by their next request.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from api.cache import (
    GLOBAL_TAG,
    Recorder,
    _recorder,
    is_private_request,
    record_instance,
    recording,
)
from api.models import MaterialisedEpoch, MaterialisedPage, MaterialisedTag

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
# Rebuilt synchronously after a change; more affected pages wait for their next request.
REBUILD_LIMIT = 10
JSON_CONTENT_TYPE = "application/json"


def enabled() -> bool:
    return getattr(settings, "API_MATERIALISED_ENABLED", True)


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """What the stored JSON was shaped by: the source of the apps that render it and the
    settings that go into it."""
    import wagtail

    from pages.representation import rendition_formats

    digest = hashlib.sha1(usedforsecurity=False)
    for app in ("api", "pages", "media"):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts and "management" not in path.parts:
                digest.update(path.read_bytes())
    for value in (
        wagtail.__version__,
        settings.MEDIA_URL,
        getattr(settings, "WAGTAILAPI_BASE_URL", ""),
        rendition_formats(),
        settings.LANGUAGE_CODE,
    ):
        digest.update(repr(value).encode())
    return digest.hexdigest()[:12]


def detail_variant() -> str:
    return f"detail@{fingerprint()}"


def item_variant(model, fields: str) -> str:
    return f"item:{model._meta.label_lower}:{fields}@{fingerprint()}"


def host_of(request) -> str:
    """The base URL the JSON's absolute URLs were built with (scheme and host)."""
    return request.build_absolute_uri("/")


def _hash(tag: str) -> str:
    return hashlib.sha1(tag.encode(), usedforsecurity=False).hexdigest()


def render_json(data: Any) -> bytes:
    # The same renderer (compact, UTF-8) as the API's rendered responses: identical bytes.
    return JSONRenderer().render(data)


# --- reading --------------------------------------------------------------------------------


def read(page_ids: Iterable[int], variant: str, host: str) -> dict[int, bytes]:
    """Stored bodies of these pages (one query), skipping rows past their expiry. When the
    response cache is on, the rows' tags are recorded for it."""
    with_tags = getattr(settings, "API_CACHE_ENABLED", True) and _recorder.get() is not None
    columns = ["page_id", "body", "expires_at"] + (["tags"] if with_tags else [])
    now = timezone.now()
    rows = (
        MaterialisedPage.objects.filter(page_id__in=list(page_ids), variant=variant, host=host)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values_list(*columns)
    )
    found: dict[int, bytes] = {}
    recorder = _recorder.get()
    for row in rows:
        found[row[0]] = bytes(row[1])
        if with_tags and recorder is not None:
            recorder.tags.update(row[3])
            if row[2] is not None:
                recorder.note_expiry(row[2].timestamp())
    return found


# --- writing --------------------------------------------------------------------------------


def current_epoch() -> int:
    return MaterialisedEpoch.objects.filter(pk=1).values_list("value", flat=True).first() or 0


@contextlib.contextmanager
def capture() -> Iterator[Recorder]:
    """Record what a render loads (api.cache's recorder) and pass it on to an enclosing
    recorder, so the response cache, when on, still sees every dependency."""
    outer = _recorder.get()
    with recording() as inner:
        yield inner
    if outer is not None:
        outer.tags.update(inner.tags)
        outer.pages.update(inner.pages)
        outer.note_expiry(inner.expires)


def store(
    page_id: int,
    variant: str,
    host: str,
    body: bytes,
    tags: set[str],
    expires: float | None,
    epoch: int,
) -> bool:
    """Store a representation unless a content change happened since `epoch` was read."""
    expires_at = (
        datetime.datetime.fromtimestamp(expires, tz=datetime.UTC) if expires is not None else None
    )
    try:
        with transaction.atomic():
            counter = MaterialisedEpoch.objects.select_for_update().filter(pk=1).first()
            if counter is None:  # a flushed database: the counter starts again
                counter, _ = MaterialisedEpoch.objects.get_or_create(pk=1)
            if counter.value != epoch:
                return False
            MaterialisedPage.objects.filter(page_id=page_id, variant=variant, host=host).delete()
            row = MaterialisedPage.objects.create(
                page_id=page_id,
                variant=variant,
                host=host,
                body=body,
                tags=sorted(tags),
                expires_at=expires_at,
            )
            MaterialisedTag.objects.bulk_create(
                MaterialisedTag(representation=row, tag_hash=_hash(tag)) for tag in set(tags)
            )
    except IntegrityError:  # a page deleted meanwhile, or a concurrent store of the same row
        return False
    return True


def keep(
    request,
    page_id: int,
    variant: str,
    host: str,
    body: bytes,
    tags: set[str],
    expires: float | None,
    epoch: int,
) -> None:
    """Store what this request rendered, if it read one consistent state.

    In a snapshot (PostgreSQL, `cms.middleware.one_snapshot`, READ ONLY) the row is written
    once the snapshot's transaction ends, still against the epoch read inside the snapshot:
    any change committed after the snapshot began moved it, so `store()` refuses. A run made
    only for its writes (`writes_only`: autocommit, each query seeing another moment, perhaps
    a page half-way through a publish) stores nothing. Elsewhere (SQLite, tests, the rebuild
    after a change) the epoch was read before the render's first query and is checked under
    the lock, which refuses a render any change committed during."""
    if getattr(request, "writes_only", False):
        return
    write = partial(store, page_id, variant, host, body, tags, expires, epoch)
    if getattr(request, "in_snapshot", False):
        # Never breaks the read: a failed store only means the next request renders.
        transaction.on_commit(write, robust=True)
    else:
        write()


def forget(tags: set[str]) -> list[tuple[int, str, str]]:
    """Delete every representation that depends on one of these tags (in the caller's
    transaction) and bump the epoch. Returns what was deleted, to rebuild it later."""
    with transaction.atomic():
        if not MaterialisedEpoch.objects.filter(pk=1).update(value=F("value") + 1):
            MaterialisedEpoch.objects.get_or_create(pk=1, defaults={"value": 1})
        if GLOBAL_TAG in tags:
            rows = MaterialisedPage.objects.all()
        else:
            hashes = [_hash(tag) for tag in tags]
            rows = MaterialisedPage.objects.filter(
                pk__in=MaterialisedTag.objects.filter(tag_hash__in=hashes).values(
                    "representation_id"
                )
            )
        gone = list(rows.values_list("page_id", "variant", "host")[: REBUILD_LIMIT * 10])
        rows.delete()
    return gone


# --- rebuilding after a change --------------------------------------------------------------


@cache
def _middleware_stack():
    """Django's request handler with the project's middleware, loaded once per process."""
    from django.core.handlers.base import BaseHandler

    handler = BaseHandler()
    handler.load_middleware()
    return handler


def _internal_get(path: str, host: str) -> None:
    """GET `path` as an anonymous client of `host` would, through the whole middleware stack:
    the page's representation is stored, and so is the response cache's answer (with the
    headers the stack adds), so the first reader after a publish is served from the cache."""
    from urllib.parse import urlsplit

    from django.test import RequestFactory
    from django.utils import translation

    parts = urlsplit(host)
    request = RequestFactory().get(
        path, HTTP_HOST=parts.netloc, secure=parts.scheme == "https", HTTP_ACCEPT=JSON_CONTENT_TYPE
    )
    # LocaleMiddleware activates the request's language: the editor's request that published
    # keeps its own.
    with translation.override(translation.get_language()):
        _middleware_stack().get_response(request)
    # Not response.close(): it sends request_finished, which closes the database connection
    # of the editor's request this runs in (after its commit).


def rebuild_after_change(page_ids: Iterable[int], gone: list[tuple[int, str, str]]) -> None:
    """Rebuild the details of the changed pages and of the first affected ones, for every
    base URL seen so far. Runs after the commit; never breaks an editor's save."""
    if not enabled() or not getattr(settings, "API_MATERIALISE_ON_CHANGE", True):
        return
    try:
        hosts = set(MaterialisedPage.objects.values_list("host", flat=True).distinct()[:5])
        hosts |= {host for _pk, _variant, host in gone}
        base = getattr(settings, "WAGTAILAPI_BASE_URL", "")
        if base:
            hosts.add(base.rstrip("/") + "/")
        wanted: list[tuple[int, str]] = [(pk, host) for pk in page_ids for host in hosts]
        wanted += [(pk, host) for pk, variant, host in gone if variant.startswith("detail@")]
        done: set[tuple[int, str]] = set()
        for pk, host in wanted:
            if len(done) >= REBUILD_LIMIT or (pk, host) in done:
                continue
            done.add((pk, host))
            _internal_get(f"/api/v2/pages/{pk}/", host)
    except Exception:
        logger.exception("could not rebuild materialised page representations")


# --- the views ------------------------------------------------------------------------------


def _serves_json(request) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return renderer is None or getattr(renderer, "format", "json") == "json"


LISTING_PARAMETERS = frozenset(
    {"type", "fields", "limit", "offset", "order", "locale", "child_of", "descendant_of"}
)


class MaterialisedPagesMixin:
    """Page detail and listing from materialised representations (see the module docstring).

    Only anonymous, JSON, canonical requests take this path: a detail with no query string,
    a listing whose parameters only choose, order or page the pages (not their shape beyond
    `type` and `fields=*`). Anything else renders as before."""

    def _materialise(self, request) -> bool:
        return enabled() and not is_private_request(request) and _serves_json(request)

    def detail_view(self, request, pk):
        if not self._materialise(request) or request.GET:
            return super().detail_view(request, pk)
        try:
            page_id = int(pk)
        except (TypeError, ValueError):
            return super().detail_view(request, pk)
        variant, host = detail_variant(), host_of(request)
        body = read([page_id], variant, host).get(page_id)
        if body is not None:
            return self._json(body, "HIT")
        epoch = current_epoch()
        with capture() as recorder:
            response = super().detail_view(request, pk)
        if response.status_code != 200:
            return response
        body = render_json(response.data)
        tags = self.response_cache_tags("detail_view", recorder)
        keep(request, page_id, variant, host, body, tags, recorder.expires, epoch)
        return self._json(body, "MISS")

    def listing_view(self, request):
        fields = request.GET.get("fields", "")
        if (
            not self._materialise(request)
            or set(request.GET) - LISTING_PARAMETERS
            or fields not in ("", "*")
        ):
            return super().listing_view(request)
        from api.materialised_listing import listing_body

        body = listing_body(request, lambda model: item_variant(model, fields))
        if body is not None:
            return self._json(body, "HIT")
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        queryset = self.filter_queryset(queryset)
        ids = list(self.paginate_queryset(queryset.values_list("pk", flat=True)))
        variant, host = item_variant(queryset.model, fields), host_of(request)
        bodies = read(ids, variant, host)
        missing = [pk for pk in ids if pk not in bodies]
        if missing:
            bodies.update(self._build_items(queryset, missing, variant, host))
        empty = render_json(self.get_paginated_response([]).data)
        items = b",".join(bodies[pk] for pk in ids if pk in bodies)
        body = empty.replace(b'"items":[]', b'"items":[' + items + b"]", 1)
        return self._json(body, "MISS" if missing else "HIT")

    def _build_items(self, queryset, ids: list[int], variant: str, host: str) -> dict[int, bytes]:
        """Each missing item rendered alone, so its recorded tags are its own."""
        from pages.prefetch import request_identity_map

        built: dict[int, bytes] = {}
        # Before the pages are loaded: a change committed after this is refused at the store.
        epoch = current_epoch()
        pages = queryset.filter(pk__in=ids).in_bulk(ids)
        for pk in ids:
            page = pages.get(pk)
            if page is None:
                continue
            with capture() as recorder, request_identity_map():
                record_instance(type(page), page)  # loaded above, outside this recording
                data = self.get_serializer([page], many=True).data[0]
            body = render_json(data)
            tags = {*recorder.tags, GLOBAL_TAG}
            keep(self.request, pk, variant, host, body, tags, recorder.expires, epoch)
            built[pk] = body
        return built

    @staticmethod
    def _json(body: bytes, state: str) -> HttpResponse:
        response = HttpResponse(body, content_type=JSON_CONTENT_TYPE)
        response["X-Materialised"] = state
        return response
