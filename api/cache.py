"""Server-side API response cache with exact, tag-based invalidation, and HTTP validators.

Every cached response carries the *tags* of what it was built from. Tags are recorded while
the response is rendered: every tracked model instance that is loaded from the database
(pages, images, documents, snippets and their inline rows, tags) adds its tag through a
`post_init` receiver, so a page that embeds a partner city through a chooser depends on
`pages.partnercity:<id>` without any block having to declare it. A page adds one tag per
ancestor-or-self path (`tree:<path>`), so a change to a page invalidates every response that
shows it or anything below it (breadcrumbs, visibility under an unpublished or private
ancestor). Listings add `list:<model>` (membership can change with any save of that model),
page details `children:<path>` (the hub's teasers) and `translations:<key>`.

Each tag has a token in the cache; a change replaces the tokens of the tags it touches
(`api.cache_invalidation`), and a stored response is served only while every token it was
stored with is still current. Tokens carry the time they were set: a response whose render
began before one of its tags changed is not stored, because it may have read the old rows
(unless the token was read before the render began: then a later change replaces it).

Every change also replaces one *epoch* token, kept beside the responses (after the tags).
A stored response remembers the epoch read before its tag tokens were checked; while the
epoch is unchanged no tag can have changed since, so a hit reads the response and the epoch
in one round trip (one MGET on Redis) instead of also reading every tag (a hub detail has
about 70). After any change the next hit checks its tags, and if they are still current
stores the response again under the new epoch.

The lookup and the store happen in `ResponseCacheMiddleware`, placed right after CORS and
security in the middleware stack: a hit or a `304` is answered without the rest of the stack
(sessions, locale, CSRF, CSP, the API guard's database snapshot, URL resolution, the view).
A stored answer therefore carries the headers that the rest of the stack added when it was
rendered (CSP, `X-Frame-Options`, `Content-Language`, `Vary`); the view records the tags and
builds the entry, and the middleware stores it once the response has come back out through
the stack.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

RESPONSE_ALIAS = "api"
TAG_ALIAS = "api-tags"
GLOBAL_TAG = "all"
EPOCH_KEY = "apitag-epoch"
# A render that started less than this before a tag changed is not stored (clock skew
# between app servers; the render may have read rows from before the change).
RACE_MARGIN_NS = 500_000_000
PREVIEW_PARAMS = ("preview_token",)
PREVIEW_HEADERS = ("HTTP_PREVIEW_TOKEN", "HTTP_X_PREVIEW_TOKEN")
# Only the v2 endpoints (ResponseCacheMixin) are cached; the middleware looks nowhere else,
# so health checks, the OpenAPI document and the v3 preview never pay a cache round trip.
CACHED_PATH_PREFIX = "/api/v2/"
# Headers of a stored answer that are made afresh for every answer (or must not be replayed).
PER_ANSWER_HEADERS = frozenset(
    {
        "date",
        "content-length",
        "x-cache",
        "etag",
        "last-modified",
        "cache-control",
        "x-materialised",
    }
)
CACHEABLE_STATUSES = {200, 301, 302}


def _cache(alias: str):
    return caches[alias] if alias in settings.CACHES else caches["default"]


def response_cache():
    return _cache(RESPONSE_ALIAS)


def tag_cache():
    return _cache(TAG_ALIAS)


# --- tags -----------------------------------------------------------------------------------


@dataclass
class Recorder:
    tags: set[str] = field(default_factory=set)
    # pk -> (path, translation_key) of every page loaded, for the detail view's own tags
    pages: dict[Any, tuple[str | None, Any]] = field(default_factory=dict)
    # earliest scheduled expiry of a page shown: the response must not outlive it
    expires: float | None = None

    def note_expiry(self, moment: float | None) -> None:
        """A page shown expires at `moment` (a timestamp): keep the earliest."""
        if moment is not None and (self.expires is None or moment < self.expires):
            self.expires = moment


_recorder: contextvars.ContextVar[Recorder | None] = contextvars.ContextVar(
    "api_cache_recorder", default=None
)


@contextlib.contextmanager
def recording() -> Iterator[Recorder]:
    recorder = Recorder()
    token = _recorder.set(recorder)
    try:
        yield recorder
    finally:
        _recorder.reset(token)


def page_path_tags(path: str) -> list[str]:
    """`tree:` tags of a page and of each ancestor below the tree root (steplen 4)."""
    return [f"tree:{path[:end]}" for end in range(8, len(path) + 1, 4)]


def instance_tags(instance) -> list[str]:
    from wagtail.models import Page

    if isinstance(instance, Page):
        path = instance.__dict__.get("path")
        if path:
            return page_path_tags(path)
        return [f"page:{instance.pk}"]
    return [f"{instance._meta.concrete_model._meta.label_lower}:{instance.pk}"]


def list_tag(model) -> str:
    from wagtail.models import Page

    if issubclass(model, Page):
        return "list:page"
    return f"list:{model._meta.concrete_model._meta.label_lower}"


def record_instance(sender, instance, **kwargs) -> None:
    """`post_init` receiver for tracked models (connected in `api.apps`)."""
    recorder = _recorder.get()
    if recorder is None or instance.pk is None:
        return
    recorder.tags.update(instance_tags(instance))
    _record_fields(recorder, instance.pk, instance.__dict__)


def _record_fields(recorder: Recorder, pk: Any, fields: dict[str, Any]) -> None:
    translation_key = fields.get("translation_key")
    if translation_key:
        # A page or snippet shown in another language, or as the fallback of a missing
        # translation, changes when any language version of it is created or changed.
        recorder.tags.add(f"translations:{translation_key}")
    if "translation_key" in fields and "path" in fields:
        recorder.pages[pk] = (fields["path"], fields["translation_key"])
    expire_at = fields.get("expire_at")
    if expire_at is not None:
        recorder.note_expiry(expire_at.timestamp())


def record_page(pk: Any, path: str, translation_key: Any, expire_at: Any) -> None:
    """What `record_instance` records for a page row loaded with these values, for code that
    reads them without building a Page (api.materialised_listing)."""
    recorder = _recorder.get()
    if recorder is None or pk is None:
        return
    recorder.tags.update(page_path_tags(path) if path else [f"page:{pk}"])
    fields = {"path": path, "translation_key": translation_key, "expire_at": expire_at}
    _record_fields(recorder, pk, fields)


def record(*tags: str) -> None:
    recorder = _recorder.get()
    if recorder is not None:
        recorder.tags.update(tags)


def _tag_key(tag: str) -> str:
    return "apitag:" + hashlib.sha1(tag.encode()).hexdigest()


def _token_time(token: str) -> int:
    try:
        return int(token.split(":", 1)[0])
    except (ValueError, AttributeError):
        return 0


def bump_tags(tags: Iterable[str]) -> None:
    """Invalidate every stored response that depends on any of these tags."""
    now = time.time_ns()
    tokens = {_tag_key(tag): f"{now}:{uuid.uuid4().hex[:12]}" for tag in set(tags)}
    if tokens:
        tag_cache().set_many(tokens, timeout=None)
        # After the tags: from now on no response stored under an older epoch is served
        # without checking its tags.
        response_cache().set(EPOCH_KEY, f"{now}:{uuid.uuid4().hex[:12]}", timeout=None)


def current_epoch() -> str:
    """The epoch token, created (dated 0) if the cache has none."""
    store = response_cache()
    epoch = store.get(EPOCH_KEY)
    if epoch is None:
        epoch = f"0:{uuid.uuid4().hex[:12]}"
        if not store.add(EPOCH_KEY, epoch, timeout=None):
            epoch = store.get(EPOCH_KEY, epoch)
    return epoch


def current_tokens(tags: Iterable[str], known: dict[str, str] | None = None) -> dict[str, str]:
    """Tokens of these tags; a tag never seen gets a token dated 0 (it has not changed).

    `known`: tokens already read in this request, before the render (while checking the stale
    entry of the same key). A token read earlier is at worst older than the current one, and
    the entry stored with it is then refused at its next check, never served stale."""
    tags, known = set(tags), known or {}
    keys = {tag: _tag_key(tag) for tag in tags if tag not in known}
    store = tag_cache()
    found = store.get_many(keys.values()) if keys else {}
    for key in keys.values():
        if key not in found:
            token = f"0:{uuid.uuid4().hex[:12]}"
            if not store.add(key, token, timeout=None):
                token = store.get(key, token)
            found[key] = token
    tokens = {tag: token for tag, token in known.items() if tag in tags}
    tokens.update((tag, found[key]) for tag, key in keys.items())
    return tokens


# --- requests -------------------------------------------------------------------------------


def is_private_request(request: HttpRequest) -> bool:
    """Credentials or a preview token: the answer is for this client alone."""
    if request.method not in ("GET", "HEAD"):
        return True
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    if any(name in request.GET for name in PREVIEW_PARAMS):
        return True
    if any(header in request.META for header in PREVIEW_HEADERS):
        return True
    # A session cookie means a signed-in editor may be asking; never share that answer.
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def request_language(request: HttpRequest) -> str:
    """The language LocaleMiddleware will activate for this request, decided as it decides
    (`django.middleware.locale`), for the middleware that runs before it. The view checks that
    the language it ran in is this one before anything is stored under it."""
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
    if (
        i18n_patterns_used
        and not prefixed_default_language
        and not translation.get_language_from_path(request.path_info)
    ):
        return settings.LANGUAGE_CODE  # every /api/ path: no language prefix
    return translation.get_language_from_request(request, check_path=i18n_patterns_used)


def cache_key(request: HttpRequest, language: str) -> str:
    query = sorted(request.GET.lists())
    raw = "|".join([request.get_host().lower(), request.path, repr(query), language])
    # "apiresp2": entries carry the whole stack's headers (entries of the view-level cache,
    # "apiresp", did not, and are never read).
    return "apiresp2:" + hashlib.sha256(raw.encode()).hexdigest()


def make_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def cache_control_value(expires: float | None = None) -> str:
    s_maxage = settings.API_CACHE_S_MAXAGE
    stale = settings.API_CACHE_STALE_WHILE_REVALIDATE
    if expires is not None:
        # A page expires on its own (no publish event to purge on): shared caches stop then.
        left = max(0, int(expires - time.time()))
        s_maxage, stale = min(s_maxage, left), 0
    if s_maxage <= 0:
        return "public, max-age=0, no-cache"
    return f"public, max-age=0, s-maxage={s_maxage}, stale-while-revalidate={stale}"


def _not_modified(request: HttpRequest, etag: str, last_modified: float) -> bool:
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        tags = parse_etags(if_none_match)
        return "*" in tags or etag in tags or etag in {t.removeprefix("W/") for t in tags}
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(last_modified) <= since


def _public_headers(response: HttpResponse, entry: dict) -> HttpResponse:
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    response["Cache-Control"] = cache_control_value(entry["expires"])
    patch_vary_headers(response, ("Accept", "Accept-Encoding", "Authorization"))
    return response


def _answer(request: HttpRequest, entry: dict, state: str) -> HttpResponse:
    if _not_modified(request, entry["etag"], entry["last_modified"]):
        # RFC 9110 15.4.5: the validators, Cache-Control and Vary the 200 would carry; no
        # representation metadata.
        response = HttpResponseNotModified()
        if "Vary" in entry["headers"]:
            response["Vary"] = entry["headers"]["Vary"]
    else:
        response = HttpResponse(entry["body"], status=entry["status"])
        for name, value in entry["headers"].items():
            response[name] = value
        response["Content-Length"] = str(len(entry["body"]))  # as CommonMiddleware sets it
    response["X-Cache"] = state
    return _public_headers(response, entry)


def _check(key: str, entry: dict, epoch: str | None) -> tuple[bool, dict[str, str]]:
    """Whether no tag of a stored response has changed since it was stored, and the tag tokens
    read to find out (none while the epoch is the entry's)."""
    if epoch is not None and entry.get("epoch") == epoch:
        return True, {}  # nothing at all has changed since its tags were last found current
    keys = {_tag_key(tag): tag for tag in entry["tags"]}
    found = tag_cache().get_many(list(keys))
    tokens = {tag: found[tag_key] for tag_key, tag in keys.items() if tag_key in found}
    if any(tokens.get(tag) != token for tag, token in entry["tags"].items()):
        return False, tokens
    left = int(entry.get("until", 0) - time.time())
    if epoch is not None and left > 0:
        # Current as of this epoch (read before the tags): later hits read only the epoch.
        response_cache().set(key, {**entry, "epoch": epoch}, left)
    return True, tokens


@dataclass
class Lookup:
    """What the middleware found for a request that missed, for the view to store under."""

    key: str
    language: str
    epoch: str | None
    # tag -> token, read before the render while checking a stale entry of this key
    known_tokens: dict[str, str]
    # set by the view: (the response it answered, its entry, seconds to keep it or None)
    pending: tuple[HttpResponse, dict, int | None] | None = None


class ResponseCacheMiddleware:
    """Answer public GETs of the v2 API from the response cache before the rest of the stack
    runs; store what the view rendered once the response has come back out through it.

    Sits after CORS (whose headers depend on each request's Origin) and SecurityMiddleware
    (HTTPS redirect, security headers), before everything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not request.path.startswith(CACHED_PATH_PREFIX)
            or not settings.API_CACHE_ENABLED
            or is_private_request(request)
        ):
            return self.get_response(request)
        try:
            language = request_language(request)
            key = cache_key(request, language)
        except DisallowedHost:
            return self.get_response(request)  # the stack answers 400
        found = response_cache().get_many([key, EPOCH_KEY])  # one round trip
        entry, epoch = found.get(key), found.get(EPOCH_KEY)
        known: dict[str, str] = {}
        if entry is not None and (entry["expires"] or float("inf")) > time.time():
            current, known = _check(key, entry, epoch)
            if current:
                return _answer(request, entry, "HIT")
        request.api_cache = lookup = Lookup(key, language, epoch, known)
        response = self.get_response(request)
        if lookup.pending is None or lookup.pending[0] is not response:
            return response  # not rendered by a cached view (or replaced on the way out)
        _, entry, timeout = lookup.pending
        entry["headers"] = {
            name: value
            for name, value in response.items()
            if name.lower() not in PER_ANSWER_HEADERS
        }
        if response.cookies:  # Set-Cookie (kept apart from the headers): for this client only
            response["X-Cache"] = "MISS-UNSTORED"
        elif timeout:
            response_cache().set(key, entry, timeout)
        if _not_modified(request, entry["etag"], entry["last_modified"]):
            return _answer(request, entry, response["X-Cache"])
        return response


class ResponseCacheMixin:
    """Record what an API GET's response is built from, and hand it to
    `ResponseCacheMiddleware` to store; add ETag, Last-Modified, Cache-Control, Vary.

    Requests with credentials or a preview token bypass the cache entirely and are answered
    `Cache-Control: private, no-store`."""

    def response_cache_tags(self, action: str | None, recorder: Recorder) -> set[str]:
        tags = set(recorder.tags)
        tags.add(GLOBAL_TAG)
        model = getattr(self, "model", None)
        if action == "listing_view" and model is not None:
            tags.add(list_tag(model))
        if action == "detail_view":
            from wagtail.models import Page

            pk = self.kwargs.get("pk")
            if model is not None and issubclass(model, Page):
                try:
                    path, translation_key = recorder.pages.get(int(pk), (None, None))
                except (TypeError, ValueError):
                    path, translation_key = None, None
                if path:
                    tags.add(f"children:{path}")
                if translation_key:
                    tags.add(f"translations:{translation_key}")
        return tags

    def dispatch(self, request, *args, **kwargs):
        if is_private_request(request):
            response = super().dispatch(request, *args, **kwargs)
            response["Cache-Control"] = "private, no-store"
            response["X-Cache"] = "BYPASS"
            return response

        started = time.time_ns()
        now = started / 1e9
        action = getattr(self, "action_map", {}).get(request.method.lower())
        with recording() as recorder:
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        if response.status_code not in CACHEABLE_STATUSES:
            # Errors are not stored: a 404 for a path may be a 200 after the next publish.
            response["Cache-Control"] = "no-cache"
            response["X-Cache"] = "MISS"
            return response
        from api.cache_invalidation import record_served_url

        record_served_url(request)  # a CDN may now hold this URL: a purge must be able to name it

        entry = {
            "body": response.content,
            "status": response.status_code,
            # The 304 this view answers when no middleware lookup ran carries Vary; on the
            # middleware's path the entry gets every header of the finished response.
            "headers": {"Vary": response["Vary"]} if "Vary" in response else {},
            "etag": make_etag(response.content),
            "last_modified": now,
            "expires": recorder.expires,
        }
        lookup: Lookup | None = getattr(request, "api_cache", None)
        if lookup is None or getattr(request, "writes_only", False):
            # The cache is off, or this run is one the API guard makes only for its writes: it
            # is never answered, and may have read a page half-way through a publish
            # (cms.middleware), so it is not stored either.
            if _not_modified(request, entry["etag"], entry["last_modified"]):
                return _answer(request, entry, "MISS")
            response["X-Cache"] = "MISS"
            return _public_headers(response, entry)

        timeout = None
        # Read before the tags (by the middleware, before the render): a change made after
        # this read moves the epoch, so the entry is checked against its tags again.
        epoch = lookup.epoch or current_epoch()
        tokens = current_tokens(self.response_cache_tags(action, recorder), lookup.known_tokens)
        seconds = settings.API_CACHE_TIMEOUT
        if recorder.expires is not None:
            seconds = min(seconds, int(recorder.expires - now))
        # A token read before the render (known) is safe whatever its age: a change committed
        # after that read replaces it, and the entry fails its next check. A token read after
        # the render may belong to a change the render missed: only one older than the render
        # (by the clock-skew margin) proves the render saw it.
        known = lookup.known_tokens
        fresh = all(
            known.get(tag) == token or _token_time(token) < started - RACE_MARGIN_NS
            for tag, token in tokens.items()
        )
        # The language it ran in must be the one the key was made with (request_language).
        if fresh and seconds > 0 and translation.get_language() == lookup.language:
            entry.update(tags=tokens, epoch=epoch, until=now + seconds)
            timeout = seconds
        response["X-Cache"] = "MISS" if timeout else "MISS-UNSTORED"
        # The middleware stores the entry with the headers the rest of the stack adds, and
        # answers 304 to a conditional request once it has them.
        lookup.pending = (response, entry, timeout)
        return _public_headers(response, entry)
