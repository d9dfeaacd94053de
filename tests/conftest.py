"""Shared fixtures. The seed is loaded once per test database (it is what every user sees
first); each test then runs in a transaction that is rolled back."""

from __future__ import annotations

import functools
import gzip
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.test.client import Client
from rest_framework.test import APIClient
from wagtail.contrib.frontend_cache.backends import BaseBackend


def pytest_addoption(parser):
    parser.addoption(
        "--record-golden",
        action="store_true",
        help="Re-record tests/performance/golden/ from the current code (then review the diff).",
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from pages.seed import SeedLoader, load_seed_file

    with django_db_blocker.unblock():
        SeedLoader(load_seed_file(), log=lambda message: None).run()
        SeedLoader(load_seed_file(), log=lambda message: None).prepare_renditions()


@pytest.fixture(scope="session", autouse=True)
def _clean_media():
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Redis (REDIS_URL) keeps entries across tests; the database cache's go with each test's
    rollback."""
    for cache in caches.all():
        if not isinstance(cache, DatabaseCache):
            cache.clear()
    yield


@pytest.fixture
def api():
    return APIClient()


@functools.cache
def contract():
    from api.openapi import document
    from tests.contract import Contract

    return Contract(document())


@pytest.fixture(autouse=True)
def _every_api_answer_matches_the_openapi_document(monkeypatch):
    """Every answer the test client (Django's or DRF's) receives under /api/ is checked
    against /api/v2/openapi.json: a documented path and status, JSON, valid against the
    status's schema (tests/contract.py). A test that gets an answer the document does not
    describe fails, whatever it asserts itself."""
    request = Client.request

    def checked_request(self, **environ):
        response = request(self, **environ)
        path = environ.get("PATH_INFO", "")
        if path.startswith("/api/") and not getattr(response, "streaming", False):
            body = response.content
            if response.get("Content-Encoding") == "gzip":  # the same JSON, compressed
                body = gzip.decompress(body)
            contract().check(
                environ.get("REQUEST_METHOD", "GET"),
                path,
                environ.get("QUERY_STRING", ""),
                response.status_code,
                response,
                body,
            )
        return response

    monkeypatch.setattr(Client, "request", checked_request)


@pytest.fixture
def hub(db):
    from pages.models import HubPage

    return HubPage.objects.get(depth=2, locale__language_code="en")


@pytest.fixture
def editor(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("editor", "editor@example.com", "pw-editor-1")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as if its transaction committed (its on_commit hooks run)."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


CDN_BASE = "http://127.0.0.1:8000"


class RecordingCDN(BaseBackend):
    """Stands in for a CDN's purge API (the only thing outside the machine)."""

    purged: list[str] = []

    def purge(self, url: str) -> None:
        self.purged.append(url)


@pytest.fixture
def cdn(settings):
    """A CDN in front of the API at CDN_BASE: the list of URLs purged, in order."""
    settings.WAGTAILAPI_BASE_URL = CDN_BASE
    settings.WAGTAILFRONTENDCACHE = {"cdn": {"BACKEND": "tests.conftest.RecordingCDN"}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }
    RecordingCDN.purged.clear()
    yield RecordingCDN.purged
    RecordingCDN.purged.clear()


class Receiver:
    """A real HTTP receiver in a thread (a webhook's): records what it was sent, answers each
    request with the next of `statuses` (then 200)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.statuses: list[int] = []  # answers to give, in order; then 200
        self.received = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"nope")
                receiver.received.set()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def immediate_tasks(settings):
    """Deliver inside the test's transaction (a worker process cannot see uncommitted rows);
    django-tasks resets its backends when TASKS changes."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }
    settings.WEBHOOK_RETRY_BACKOFF = 0.01
