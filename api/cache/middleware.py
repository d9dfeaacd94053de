"""The response cache: public GETs of the v2 API answered from the cache, keyed by the content
generation, with HTTP validators (see `api.cache` for the design)."""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.metadata
import logging
import re
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import ResponseHeaders
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.http import http_date

from api.cache import generation
from api.cache.purge import record_served_url

logger = logging.getLogger(__name__)

CACHED_PATH_PREFIX = "/api/v2/"
CACHEABLE_STATUSES = frozenset({200, 301, 302})
PREVIEW_PARAMS = ("preview_token",)
PREVIEW_HEADERS = ("HTTP_PREVIEW_TOKEN", "HTTP_X_PREVIEW_TOKEN")
CONDITIONAL_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)
CODE_DIRS = ("api", "pages", "media", "cms", "settings")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware reads Accept-Encoding


@functools.cache
def code_version() -> str:
    """The cache VERSION of every key: a fingerprint of the code and packages that shape the
    JSON, so answers rendered by other code (before a deploy, or by a server not yet
    upgraded) are never served."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for package in ("django", "wagtail", "djangorestframework", "wagtail-localize"):
        digest.update(f"{package}={importlib.metadata.version(package)};".encode())
    for folder in CODE_DIRS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".toml", ".po") and "migrations" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def is_private_request(request: HttpRequest) -> bool:
    """Credentials, a session or a preview token: the answer is for this client alone."""
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return True
    if any(name in request.GET for name in PREVIEW_PARAMS):
        return True
    if any(header in request.META for header in PREVIEW_HEADERS):
        return True
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def cache_key(request: HttpRequest, host: str, generation_value: int) -> str:
    """What an answer depends on besides the content: scheme, host (absolute URLs), path and
    query. Not the language: LocaleMiddleware activates LANGUAGE_CODE for every path without
    a language prefix, which every /api/ path is. Not Accept: the API answers JSON only."""
    query = sorted(request.GET.lists())
    raw = "|".join([request.scheme, host.lower(), request.path, repr(query)])
    return f"api:{generation_value}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cache_control(state: generation.State | None) -> tuple[str, str | None]:
    """`Cache-Control`, and `CDN-Cache-Control` (RFC 9213) for the CDN alone.

    Browsers revalidate every answer (`max-age=0, must-revalidate`; a 304 is cheap), so none
    shows a page from before a publish while it revalidates, as `stale-while-revalidate` let
    them. Shared caches keep an answer `s-maxage` seconds (a purge ends that at once); a CDN
    that reads its own field may also serve it stale while it revalidates."""
    s_maxage = settings.API_CACHE_S_MAXAGE
    stale = settings.API_CACHE_STALE_WHILE_REVALIDATE
    if state is not None and state.next_expiry is not None:
        # Content expires then without any change to purge on: shared caches stop before.
        left = int((state.next_expiry - timezone.now()).total_seconds())
        s_maxage, stale = min(s_maxage, max(left, 0)), 0
    if s_maxage <= 0:
        return "public, max-age=0, no-cache", None
    cdn = f"max-age={s_maxage}" + (f", stale-while-revalidate={stale}" if stale else "")
    return f"public, max-age=0, must-revalidate, s-maxage={s_maxage}", cdn


def etag_for(state: generation.State, gzipped: bool) -> str:
    """The validator of every answer rendered at this generation by this code. Whatever changes
    what the API shows moves the generation, and a deploy the code's fingerprint, so a copy
    that carries the current one is current: a 304 needs the generation alone (no cache read,
    no body), even when the cache lost the answer or Redis is down. The gzip-encoded copy is
    another representation (RFC 9110 8.8.3): its own strong validator."""
    return f'"{state.value}-{code_version()}{"-gzip" if gzipped else ""}"'


def accepts_gzip(request: HttpRequest) -> bool:
    return bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def prepare(
    response: HttpResponse, state: generation.State | None, status: str, gzipped: bool = False
) -> None:
    """Validators and lifetimes of a public response (or of the 304 that stands for it)."""
    response["X-Cache"] = status
    if response.status_code not in CACHEABLE_STATUSES and response.status_code != 304:
        response["Cache-Control"] = "no-cache"  # a 404 may be a 200 after the next publish
        return
    if state is None:  # the cache is off: the body's hash
        if "ETag" not in response:
            set_response_etag(response)
    else:
        response["ETag"] = etag_for(state, gzipped)
        response["Last-Modified"] = http_date(state.last_modified)
    response["Cache-Control"], cdn = cache_control(state)
    if cdn:
        response["CDN-Cache-Control"] = cdn
    patch_vary_headers(response, ("Authorization", "Accept-Encoding"))


def conditional(
    request: HttpRequest,
    etag: str | None,
    last_modified: int | None,
    response: HttpResponse | None = None,
) -> HttpResponse | None:
    """The 304 (or 412) a conditional request gets instead of `response` (RFC 9110 13.2.2),
    through Django's `get_conditional_response`; `response`, or None, when there is none."""
    answer = get_conditional_response(request, etag, last_modified, response)
    if answer is not None and answer.status_code == 412:
        return JsonResponse({"message": "Precondition failed", "status": 412}, status=412)
    if answer is not response and response is not None:
        answer["X-Cache"] = response["X-Cache"]
    return answer


def send(response: HttpResponse, body: bytes, gzipped: bool) -> HttpResponse:
    """`body` as this response's content (gzip-encoded or not), with its length."""
    response.content = body
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(body))
    return response


class ResponseCacheMiddleware:
    """Placed right after CORS and SecurityMiddleware, whose headers are made for each
    request: a hit is answered before sessions, locale, the API guard and the view run."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.cache = caches[settings.API_CACHE_ALIAS]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(CACHED_PATH_PREFIX):
            return self.get_response(request)
        if is_private_request(request):
            response = self.get_response(request)
            response["Cache-Control"] = "private, no-store"
            response["X-Cache"] = "BYPASS"
            return response
        if not settings.API_CACHE_ENABLED:
            response = self.get_response(request)
            prepare(response, None, "OFF")
            if response.status_code not in CACHEABLE_STATUSES:
                return response
            return conditional(request, response.get("ETag"), None, response)
        try:
            state = generation.current()
            host = request.get_host()
        except (DatabaseError, DisallowedHost):
            return self.get_response(request)  # the stack answers (503 JSON, 400)
        gzipped = accepts_gzip(request)
        if any(name in request.META for name in CONDITIONAL_HEADERS):
            # Decided by the generation alone: no cache read, no render.
            answer = conditional(request, etag_for(state, gzipped), state.last_modified)
            if answer is not None:
                if answer.status_code == 304:
                    prepare(answer, state, "HIT", gzipped)
                return answer
        key, version = cache_key(request, host, state.value), code_version()
        entry = self.cache.get(key, version=version)
        if entry is not None:
            status, headers, packed = entry
            response = HttpResponse(status=status)
            response.headers = headers  # as stored: checked once, not header by header
            prepare(response, state, "HIT", gzipped)
            return send(response, packed if gzipped else gzip.decompress(packed), gzipped)
        response = self.get_response(request)
        if (
            request.method != "GET"
            or response.status_code not in CACHEABLE_STATUSES
            or response.streaming
            or response.cookies  # Set-Cookie, kept apart from the headers: this client's
        ):
            prepare(response, state, "MISS")
            return response
        # Stored gzip-encoded (its fastest level; JSON shrinks about five times): clients that
        # accept gzip (browsers, CDNs, front-end servers) get these bytes as they are, the
        # others an inflated copy; less to read and decode per hit, less Redis memory.
        packed = gzip.compress(response.content, compresslevel=1, mtime=0)
        prepare(response, state, "MISS", gzipped)
        headers = ResponseHeaders(response.headers)
        for name in ("X-Cache", "Last-Modified", "Content-Length"):  # each answer's own
            headers.pop(name, None)
        entry = (response.status_code, headers, packed)
        self.cache.set(key, entry, settings.API_CACHE_TIMEOUT, version=version)
        record_served_url(request)  # a CDN may hold this URL now: a purge must name it
        response = send(response, packed, gzipped) if gzipped else response
        return conditional(request, response["ETag"], state.last_modified, response)
