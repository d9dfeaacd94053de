"""Middleware that keeps the API's promises: one error shape, no 500 on hostile input, a fast
503 when the database is down, admin logins throttled against password guessing, and a CSP
that lets the admin frame each site's preview."""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
from collections.abc import Callable, Iterator

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from api.errors import RETRY_AFTER_SECONDS, database_unavailable, json_error
from cms.models import LoginFailure

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
HEALTH_PATH = "/api/health/"
MAX_OFFSET = 2**31 - 1
MAX_SEARCH_LENGTH = 500
MAX_SEARCH_WORDS = 32
# SQLSTATEs by which a read-only snapshot says the request needs to write (or collided).
SNAPSHOT_WRITE_SQLSTATES = {"25006", "25P02", "40001", "40P01"}
# Snapshot renders tried (each after a run that makes the writes the last one needed).
SNAPSHOT_ATTEMPTS = 3


def hostile_query_message(request: HttpRequest) -> str | None:
    """Inputs the database layer cannot take (and would answer with a 500), refused up front."""
    if "\x00" in request.path:
        return "The URL must not contain NUL characters."
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return "Query parameters must not contain NUL characters."
    for name in ("offset", "limit"):
        value = request.GET.get(name, "")
        if value.isdigit() and int(value) > MAX_OFFSET:
            return f"{name} must be at most {MAX_OFFSET}"
    search = request.GET.get("search")
    if search is not None and search != "":
        if not search.strip():
            return "search must contain at least one word"
        # The search backend nests one node per word: thousands of words exhaust the stack.
        if len(search) > MAX_SEARCH_LENGTH or len(search.split()) > MAX_SEARCH_WORDS:
            return f"search must be at most {MAX_SEARCH_LENGTH} characters and {MAX_SEARCH_WORDS} words"
    return None


@contextlib.contextmanager
def one_snapshot(request: HttpRequest, enabled: bool = True) -> Iterator[None]:
    """On PostgreSQL, an API read runs in one REPEATABLE READ, READ ONLY transaction, so every
    query of a response sees the same committed state. Otherwise a page published while it
    renders could be served half-written: its row from one revision, its tags and inline rows
    (read by later queries) from another. SQLite (development) is left alone: its
    transactions here take the write lock."""
    if (
        not enabled
        or request.method not in ("GET", "HEAD")
        or request.path == HEALTH_PATH  # reports the database's state itself
        or connection.vendor != "postgresql"
        or connection.in_atomic_block
    ):
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        request.in_snapshot = True
        try:
            yield
        finally:
            request.in_snapshot = False


def normalised_error_body(response: HttpResponse) -> bytes | None:
    """Give a JSON error body the project's shape: {"message": ..., "status": ...}.

    Wagtail's v2 views answer {"message"} without the status; v3 answers RFC 7807 problem
    details ({"title", "detail", "status"}), which keep their fields and gain "message"."""
    if getattr(response, "streaming", False):
        return None
    if "json" not in response.get("Content-Type", ""):
        return None
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return None
    if not isinstance(body, dict):
        body = {"errors": body}
    if body.get("message") and body.get("status") == response.status_code:
        return None
    body.setdefault(
        "message",
        body.get("detail") or body.get("title") or getattr(response, "reason_phrase", "Error"),
    )
    if not body["message"] or not isinstance(body["message"], str):
        body["message"] = str(body["message"] or response.reason_phrase)
    body["status"] = response.status_code
    return json.dumps(body).encode()


class APIGuardMiddleware:
    """For /api/: refuse hostile input with a 400, read from one snapshot, shape every error,
    503 when the DB is down."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        message = hostile_query_message(request)
        if message:
            return json_error(message, 400)
        try:
            response = self.respond_from_one_snapshot(request)
        except (OperationalError, InterfaceError) as exc:  # opening or ending the snapshot
            return database_unavailable(request, exc)
        if response.status_code >= 400:
            body = normalised_error_body(response)
            if body is not None:
                response.content = body
                response["Content-Length"] = str(len(body))
        return response

    def respond_from_one_snapshot(self, request: HttpRequest) -> HttpResponse:
        """Only a render from one snapshot is ever answered. A read that must write (image
        renditions made on first use) cannot in a READ ONLY snapshot: it is run once in
        autocommit to make those writes (held locks stay short), and that run's answer is
        thrown away, because its queries each saw the database at a different moment and
        may have read a page half-way through a publish. Then the snapshot is tried again.
        Only the last answer leaves this middleware, so only it can be stored by the response
        cache, which sits outside (api.cache.middleware)."""
        for _attempt in range(SNAPSHOT_ATTEMPTS):
            response = self.respond(request, snapshot=True)
            if not request.snapshot_needs_write:
                return response
            self.respond(request, snapshot=False)
        # Each write run leaves the writes made, so this takes a stream of new images being
        # published faster than they are read: answer as when the database is busy.
        logger.warning(
            "snapshot still needs writes after %d attempts: %s", SNAPSHOT_ATTEMPTS, request.path
        )
        return json_error(
            "The service is temporarily unavailable. Please retry shortly.",
            503,
            Retry_After=str(RETRY_AFTER_SECONDS),
        )

    def respond(self, request: HttpRequest, snapshot: bool) -> HttpResponse:
        request.snapshot_needs_write = False
        with one_snapshot(request, enabled=snapshot):
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if (
            isinstance(exc, DatabaseError)
            and getattr(request, "in_snapshot", False)
            and getattr(exc.__cause__, "sqlstate", None) in SNAPSHOT_WRITE_SQLSTATES
        ):
            request.snapshot_needs_write = True
            return json_error("retried without a snapshot", 503)
        if isinstance(exc, (OperationalError, InterfaceError)):
            return database_unavailable(request, exc)
        return None


class LoginThrottleMiddleware:
    """Admin login: after LOGIN_FAILURE_LIMIT failed attempts for one username from one address
    (or LOGIN_FAILURE_LIMIT_PER_IP for any usernames from one address) within
    LOGIN_FAILURE_WINDOW seconds, answer 429 with Retry-After instead of checking passwords.
    Failures are rows in the database (`cms.LoginFailure`): each is an INSERT, so concurrent
    guesses are all counted, and the throttle does not depend on the cache being up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.login_path = "/admin/login/"
        self.limit = settings.LOGIN_FAILURE_LIMIT
        self.limit_per_ip = settings.LOGIN_FAILURE_LIMIT_PER_IP
        self.window = settings.LOGIN_FAILURE_WINDOW

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path != self.login_path:
            return self.get_response(request)
        address = request.META.get("REMOTE_ADDR") or "0.0.0.0"
        username = request.POST.get("username", "").strip().lower()[:150]
        since = timezone.now() - datetime.timedelta(seconds=self.window)
        recent = LoginFailure.objects.filter(address=address, at__gte=since)
        if (
            recent.filter(username=username).count() >= self.limit
            or recent.count() >= self.limit_per_ip
        ):
            response = HttpResponse(
                "Too many failed login attempts. Try again later.",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(self.window)
            return response
        response = self.get_response(request)
        # Wagtail's login view redirects on success and re-renders the form (200) on failure.
        if response.status_code == 200:
            LoginFailure.objects.filter(at__lt=since).delete()  # what no window counts any more
            LoginFailure.objects.create(address=address, username=username)
        elif response.status_code in (301, 302, 303):
            recent.filter(username=username).delete()
        return response


class HeadlessCSPMiddleware(CSPMiddleware):
    """django-csp, plus the origins of the configured preview URLs (`FRONTEND_PREVIEW_URL` and
    each site's Front end setting) in `frame-src` of HTML responses, so the admin's preview panel
    may frame each site's front end and no other origin."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or not response.get("Content-Type", "").startswith("text/html"):
            return parts
        from pages.headless import origin, preview_urls

        configured = set(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].get("frame-src", ()))
        extra = sorted({origin(url) for url in preview_urls()} - configured - {""})
        if extra:
            update = dict(parts.update or {})
            update["frame-src"] = [*update.get("frame-src", ()), *extra]
            parts.update = update
        return parts
