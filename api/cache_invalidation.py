"""What a content change invalidates: response-cache tags (api.cache) and CDN URLs.

Wired to model signals in `api.apps`. Tags are bumped at once and again with
`transaction.on_commit` (a response another connection rendered from the rows before the commit
is dropped); the CDN is purged after the commit only.

* A page (publish, unpublish, edit of the live row, move, delete, privacy): `tree:<path>`
  (every response showing the page or anything below it), `children:<parent path>` (the
  parent's teasers), `translations:<key>`, `list:page`.
* A snippet, image, document or tag (and their inline rows): `<model>:<pk>` (every response
  that loaded it, including pages embedding it) and `list:<model>`; a translatable snippet
  also `translations:<key>` (every response that loaded any language version of it, so a new
  French city replaces the English fallback at once).
* A collection's view restriction: as if every image and document in (or below) it changed.
* A site or locale: `all`.

The CDN is purged by URL (`wagtail.contrib.frontend_cache`, when `WAGTAILFRONTENDCACHE` is
configured): the object's own detail and listing URLs, the `find` URL of a page's path, its
parent, translations and descendants, and every page that references the changed object
according to Wagtail's reference index.

A CDN caches each URL with its query string separately (`/api/v2/pages/?type=...&offset=40`),
and Wagtail's backends purge exact URLs only. So every public response with a query string
that the API serves is recorded under its URL without the query (`record_served_url`, in the
tag cache: Redis in production, shared by every app server), and purging a URL also purges
every recorded variant of it, then forgets them until they are served again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import transaction

from api.cache import GLOBAL_TAG, bump_tags, list_tag, tag_cache

logger = logging.getLogger(__name__)

# Saves that only touch draft bookkeeping leave the live row, and so the API, unchanged.
DRAFT_ONLY_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "has_unpublished_changes",
        "draft_title",
        "numchild",
        "locked",
        "locked_at",
        "locked_by",
    }
)


def _api_base_url() -> str:
    return (settings.WAGTAILAPI_BASE_URL or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def page_tags(page) -> set[str]:
    tags = {"list:page", f"page:{page.pk}"}
    if page.path:
        tags.add(f"tree:{page.path}")
        tags.add(f"children:{page.path[:-4]}")
    if getattr(page, "translation_key", None):
        tags.add(f"translations:{page.translation_key}")
    return tags


def object_tags(instance) -> set[str]:
    from modelcluster.fields import ParentalKey

    label = instance._meta.concrete_model._meta.label_lower
    tags = {f"{label}:{instance.pk}", list_tag(type(instance))}
    if getattr(instance, "translation_key", None):
        tags.add(f"translations:{instance.translation_key}")
    # An inline row (a partner city's agreement) changes what its parent shows.
    for field in instance._meta.concrete_fields:
        if isinstance(field, ParentalKey):
            parent_id = getattr(instance, field.attname, None)
            if parent_id is not None:
                parent = field.related_model._meta.concrete_model._meta.label_lower
                tags.add(f"{parent}:{parent_id}")
    return tags


# --- CDN URLs -------------------------------------------------------------------------------


def _detail_url(model, pk) -> str | None:
    from api.router import api_router

    path = api_router.get_object_detail_urlpath(model, pk)
    return _api_base_url() + path if path else None


def _listing_url(model) -> str | None:
    from api.router import api_router

    path = api_router.get_model_listing_urlpath(model)
    return _api_base_url() + path if path else None


def _page_urls(pages: Iterable) -> set[str]:
    from wagtail.models import Page

    from pages.routing import public_path

    urls: set[str] = set()
    for page in pages:
        urls.add(_api_base_url() + f"/api/v2/pages/{page.pk}/")
        if getattr(page, "url_path", None):
            query = urlencode({"html_path": public_path(page)})
            urls.add(_api_base_url() + f"/api/v2/pages/find/?{query}")
    urls.add(_listing_url(Page) or _api_base_url() + "/api/v2/pages/")
    return urls


def _referencing_pages(instance) -> list:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, ReferenceIndex

    page_type = ContentType.objects.get_for_model(Page)
    ids = (
        ReferenceIndex.get_references_to(instance)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    )
    return list(Page.objects.filter(pk__in=[int(i) for i in ids]).select_related("locale"))


def page_purge_urls(page, *, old_path: str | None = None) -> set[str]:
    from wagtail.models import Page

    related = [page]
    related += list(
        Page.objects.filter(path__startswith=old_path or page.path, depth__gt=page.depth)
        .select_related("locale")
        .only("pk", "url_path", "locale")
    )
    if page.depth > 2:
        parent = Page.objects.filter(path=page.path[:-4]).select_related("locale").first()
        if parent is not None:
            related.append(parent)
    if getattr(page, "translation_key", None):
        related += list(
            Page.objects.filter(translation_key=page.translation_key)
            .exclude(pk=page.pk)
            .select_related("locale")
        )
    related += _referencing_pages(page)
    return _page_urls(related)


def object_purge_urls(instance) -> set[str]:
    urls = {_detail_url(type(instance), instance.pk), _listing_url(type(instance))}
    referencing = _referencing_pages(instance)
    if referencing:
        urls |= _page_urls(referencing)
    return {url for url in urls if url}


# --- URLs served with a query string (what a CDN may hold beyond the exact URLs) -------------

SERVED_VARIANTS_LIMIT = 5000  # per URL; beyond it the oldest are forgotten (s-maxage bounds them)


def _find_base(html_path: str) -> str:
    slugs = [part for part in html_path.split("/") if part]
    return "/" + "".join(f"{slug}/" for slug in slugs)


def url_without_query(url: str) -> str:
    """What a served URL is purged under: its path; for `find`, its path and `html_path`."""
    from django.http import QueryDict

    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme else parts.path
    if parts.path.endswith("/pages/find/"):
        html_path = QueryDict(parts.query).get("html_path")
        if html_path is not None:
            return f"{base}?{urlencode({'html_path': _find_base(html_path)})}"
    return base


def _served_key(base: str) -> str:
    return "cdnserved:" + hashlib.sha1(base.encode()).hexdigest()


def record_served_url(request) -> None:
    """Remember a public API URL with a query string, so that a purge can name it."""
    if not request.META.get("QUERY_STRING") or not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    url = _api_base_url() + request.get_full_path()
    base = url_without_query(url)
    if url == base:
        return
    store = tag_cache()
    key = _served_key(base)
    try:
        if isinstance(store, RedisCache):  # a set, shared and updated atomically
            name = store.make_and_validate_key(key)
            client = store._cache.get_client(name, write=True)
            client.sadd(name, url)
            return
    except Exception:  # Redis down: the response is served anyway (s-maxage bounds it)
        logger.warning("could not record a served URL for CDN purges")
        return
    served = store.get(key) or []
    if url not in served:
        store.set(key, [*served, url][-SERVED_VARIANTS_LIMIT:], timeout=None)


def served_variants(urls: Iterable[str]) -> set[str]:
    """Every recorded URL with a query string under these URLs; forgotten once returned."""
    store = tag_cache()
    found: set[str] = set()
    for base in {url_without_query(url) for url in urls}:
        key = _served_key(base)
        try:
            if isinstance(store, RedisCache):
                name = store.make_and_validate_key(key)
                client = store._cache.get_client(name, write=True)
                pipe = client.pipeline(transaction=True)
                pipe.smembers(name)
                pipe.delete(name)
                members, _ = pipe.execute()
                found |= {m.decode() if isinstance(m, bytes) else m for m in members}
                continue
        except Exception:
            logger.warning("could not read the served URLs to purge")
            continue
        found |= set(store.get(key) or [])
        store.delete(key)
    return found


def purge(urls: set[str]) -> None:
    if not urls or not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    urls = set(urls) | served_variants(urls)
    from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task

    # In the background: a slow CDN API never slows publishing.
    backend = "background" if "background" in getattr(settings, "TASKS", {}) else None
    task = (
        purge_urls_from_cache_task.using(backend=backend) if backend else purge_urls_from_cache_task
    )
    task.enqueue(sorted(urls))


def invalidate(tags: set[str], urls_factory=None, pages: Iterable = ()) -> None:
    """Bump these tags, drop the materialised representations that depend on them (in the
    change's transaction), and once it commits purge the CDN and rebuild the changed
    `pages`' representations."""
    from api import materialised

    gone = materialised.forget(tags)
    page_ids = [page.pk for page in pages if page.pk is not None]
    urls: set[str] = set()
    if urls_factory is not None and getattr(settings, "WAGTAILFRONTENDCACHE", None):
        # Computed now: after a delete the rows that give the URLs are gone.
        try:
            urls = urls_factory()
        except Exception:  # a purge list must never break an editor's save
            logger.exception("could not compute CDN purge URLs")

    def flush() -> None:
        bump_tags(tags)
        purge(urls)
        # Again after the commit (what another connection stored meanwhile), then rebuild.
        materialised.rebuild_after_change(page_ids, gone + materialised.forget(tags))

    # Now as well as after the commit: a request made later in the same transaction (or a
    # test's) must not be served what was cached before the change; the second bump drops
    # whatever another connection cached from the rows as they were before the commit.
    bump_tags(tags)
    transaction.on_commit(flush)


# --- signal receivers -----------------------------------------------------------------------


def page_saved(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    if raw or (update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS):
        return
    invalidate(
        page_tags(instance),
        lambda: page_purge_urls(instance),
        pages=[instance] if instance.live else [],
    )


def page_deleted(sender, instance, **kwargs) -> None:
    invalidate(page_tags(instance), lambda: page_purge_urls(instance))


def page_moving(sender, instance, parent_page_before=None, **kwargs) -> None:
    # Before the move: the old subtree and the old parent's children change.
    invalidate(page_tags(instance), lambda: page_purge_urls(instance))


def page_moved(sender, instance, **kwargs) -> None:
    invalidate(page_tags(instance), lambda: page_purge_urls(instance))


def restriction_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    page = instance.page
    invalidate(page_tags(page), lambda: page_purge_urls(page))


def object_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    invalidate(object_tags(instance), lambda: object_purge_urls(instance))


def collection_restriction_changed(sender, instance, raw=False, **kwargs) -> None:
    """A collection's privacy changed: every image and document in it (or below it) is now
    shown or hidden wherever it was embedded."""
    if raw:
        return
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    try:
        collection = instance.collection
    except Collection.DoesNotExist:  # deleted with its collection: nothing of it is left
        return
    for model in (get_image_model(), get_document_model()):
        for obj in model.objects.filter(collection__path__startswith=collection.path):
            object_changed(model, obj)


def everything_changed(sender, instance=None, raw=False, **kwargs) -> None:
    if raw:
        return
    invalidate({GLOBAL_TAG})


def translation_source_synced(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    invalidate({f"translations:{instance.object_id}"})
