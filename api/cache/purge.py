"""CDN purges (`wagtail.contrib.frontend_cache`, when `WAGTAILFRONTENDCACHE` is configured).

The server's own cache needs no purge (a change moves the generation); a CDN in front of the
API caches each URL on its own, so each change purges exactly the URLs that show it: the
object's detail and listing URLs, the `find` URL of a page's path, its parent, translations
and descendants, and every page that references the changed object according to Wagtail's
reference index.

A CDN caches each URL with its query string separately (`/api/v2/pages/?type=...&offset=40`),
and Wagtail's backends purge exact URLs only. So every public URL with a query string that the
API serves is recorded under its URL without the query (`record_served_url`, in the shared
cache), and purging a URL also purges every recorded variant of it, then forgets them until
they are served again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import caches
from django.http import QueryDict
from wagtail.models import Page

from api.cache.redis import FailOpenRedisCache
from api.router import api_router
from pages.routing import public_path

SERVED_VARIANTS_LIMIT = 5000  # per URL; beyond it the oldest are forgotten (s-maxage bounds them)


def enabled() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def _api_base_url() -> str:
    return (settings.WAGTAILAPI_BASE_URL or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def _page_urls(pages: Iterable) -> set[str]:
    base = _api_base_url()
    urls = {base + (api_router.get_model_listing_urlpath(Page) or "/api/v2/pages/")}
    for page in pages:
        urls.add(f"{base}/api/v2/pages/{page.pk}/")
        if getattr(page, "url_path", None):
            urls.add(f"{base}/api/v2/pages/find/?{urlencode({'html_path': public_path(page)})}")
    return urls


def _referencing_pages(instance) -> list:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    page_type = ContentType.objects.get_for_model(Page)
    ids = (
        ReferenceIndex.get_references_to(instance)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    )
    return list(Page.objects.filter(pk__in=[int(i) for i in ids]).select_related("locale"))


def page_urls(page, *, old_path: str | None = None) -> set[str]:
    """A page's URLs and those of its descendants, parent, translations and referrers."""
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


def object_urls(instance) -> set[str]:
    """A snippet's, image's or document's URLs and those of the pages that reference it."""
    model, base = type(instance), _api_base_url()
    paths = [
        api_router.get_object_detail_urlpath(model, instance.pk),
        api_router.get_model_listing_urlpath(model),
    ]
    urls = {base + path for path in paths if path}
    referencing = _referencing_pages(instance)
    if referencing:
        urls |= _page_urls(referencing)
    return urls


# --- URLs served with a query string (what a CDN may hold beyond the exact URLs) -------------


def _find_base(html_path: str) -> str:
    slugs = [part for part in html_path.split("/") if part]
    return "/" + "".join(f"{slug}/" for slug in slugs)


def url_without_query(url: str) -> str:
    """What a served URL is purged under: its path; for `find`, its path and `html_path`."""
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
    if not request.META.get("QUERY_STRING") or not enabled():
        return
    url = _api_base_url() + request.get_full_path()
    base = url_without_query(url)
    if url == base:
        return
    store, key = caches["default"], _served_key(base)
    if isinstance(store, FailOpenRedisCache):  # a set, shared and updated atomically
        store.with_client(key, lambda client, name: client.sadd(name, url))
        return
    served = store.get(key) or []
    if url not in served:
        store.set(key, [*served, url][-SERVED_VARIANTS_LIMIT:], timeout=None)


def served_variants(urls: Iterable[str]) -> set[str]:
    """Every recorded URL with a query string under these URLs; forgotten once returned."""
    store = caches["default"]
    found: set[str] = set()
    for key in {_served_key(url_without_query(url)) for url in urls}:
        if isinstance(store, FailOpenRedisCache):
            members, _ = store.with_client(key, _pop_set) or (set(), None)
            found |= {m.decode() if isinstance(m, bytes) else m for m in members}
        else:
            found |= set(store.get(key) or [])
            store.delete(key)
    return found


def _pop_set(client, name: str):
    pipe = client.pipeline(transaction=True)
    pipe.smembers(name)
    pipe.delete(name)
    return pipe.execute()


def purge(urls: set[str]) -> None:
    """Purge these URLs and their served variants, in the background (a slow CDN API never
    slows publishing)."""
    if not urls or not enabled():
        return
    from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task

    urls = set(urls) | served_variants(urls)
    backend = "background" if "background" in getattr(settings, "TASKS", {}) else "default"
    purge_urls_from_cache_task.using(backend=backend).enqueue(sorted(urls))
