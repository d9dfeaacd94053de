"""Browser tests: the seeded API on a live server thread, the reference front end on a second
origin (frontend/serve.py in a thread), Debian's Chromium driven by Playwright.

Loading the seed (images, renditions, translations) takes tens of seconds, so it is loaded once
per session and the tests do not flush the database: they request no `db` fixture (pytest-django
runs them after every database test) and unblock database access for the live server instead.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import override_settings

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EDITOR = ("browser-editor", "pw-browser-editor-1")


def load_serve_module():
    path = Path(__file__).resolve().parents[2] / "frontend" / "serve.py"
    spec = importlib.util.spec_from_file_location("frontend_serve", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FrontEnd:
    """frontend/serve.py on a free port, reading the API at api_url."""

    def __init__(self, api_url: str, host: str = "127.0.0.1"):
        os.environ.setdefault("FRONTEND_QUIET", "1")
        self.server = load_serve_module().make_server(0, api_url, host=host)
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def ensure_tree_roots() -> None:
    """What Wagtail's data migrations create and a transactional test's flush removes."""
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page

    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if not Page.objects.exists():
        locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


@pytest.fixture(scope="session")
def api_server(django_db_setup, django_db_blocker):
    """The seeded API (as `make run` loads it) and an editor, on a live server thread."""
    from django.contrib.auth import get_user_model

    from pages.models import CaseStudyPage
    from pages.seed import SeedLoader, load_seed_file
    from tests.live_server import serial_live_server

    with django_db_blocker.unblock():
        ensure_tree_roots()  # transactional tests before this one may have flushed everything
        SeedLoader(load_seed_file(), log=lambda message: None).run()  # renditions on commit
        if not get_user_model().objects.filter(username=EDITOR[0]).exists():
            get_user_model().objects.create_superuser(EDITOR[0], "be@example.com", EDITOR[1])
        lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
        server = serial_live_server("localhost")
    server._live_server_modified_settings.enable()
    yield SimpleNamespace(url=server.url, lille_pk=lille.pk, editor=EDITOR)
    server._live_server_modified_settings.disable()
    server.stop()


@pytest.fixture(scope="session")
def front_end(api_server):
    server = FrontEnd(api_server.url)
    yield server
    server.stop()


@pytest.fixture
def site(api_server, front_end, django_db_blocker):
    """The API allows the front end's origin; admin previews go to it (and so may frame it:
    `cms.middleware.HeadlessCSPMiddleware`)."""
    with (
        override_settings(
            CORS_ALLOWED_ORIGINS=[front_end.url],
            FRONTEND_URL=front_end.url,
            FRONTEND_PREVIEW_URL=f"{front_end.url}/preview",
        ),
        django_db_blocker.unblock(),  # for the live server's requests
    ):
        yield api_server, front_end


class Console:
    """Console errors and uncaught exceptions of a page: a rendered page has none."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))


@pytest.fixture
def browser_page(site):
    """A fresh Chromium (own user-data-dir: no cookies, no cache) and page per test."""
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(15_000)
        page.console = Console(page)
        yield page
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
