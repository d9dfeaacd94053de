"""Editors and reviewers as the data migration sets them up (not superusers), the admin form
data a browser would post for a case study, and the live admin, the reference front end and
Chromium for the journeys in the browser (helpers in `tests/editors/browser.py`)."""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from pages.models import CaseStudyPage, HubPage
from tests.editors.browser import PLAYWRIGHT_DEFAULT_EXPECT_MS, TIMEOUT_MS, django_orm
from tests.frontend.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS


def member_of(group_name: str, username: str):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", f"pw-{username}-1"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor_user(db):
    return member_of("Editors", "eddie")


@pytest.fixture
def reviewer_user(db):
    return member_of("Reviewers", "rita")


def case_study_form(title: str, slug: str, summary: str = "A summary.", **extra) -> dict:
    data = {
        "title": title,
        "slug": slug,
        "summary": summary,
        "body": streamfield([]),
        "themes": "",
        "partner_organisations": inline_formset([]),
        "related_partner_city": "",
        "related_network": "",
        "find_out_more_url": "",
        "find_out_more_label": "",
        "hero_image": "",
        "seo_title": "",
        "search_description": "",
        "comments": inline_formset([]),
    }
    data.update(extra)
    return nested_form_data(data)


def edit_form(page, **changes) -> dict:
    fields = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "related_partner_city": page.related_partner_city_id or "",
        "related_network": page.related_network_id or "",
        "hero_image": page.hero_image_id or "",
        **changes,
    }
    return case_study_form(**fields)


# --- the journeys in the browser --------------------------------------------------------------


@pytest.fixture(scope="session")
def admin_server(django_db_setup, django_db_blocker):
    """The admin and the API on a live server thread (a free port), over the seeded test
    database. Not pytest-django's `live_server`: that one forces a flushing transactional
    database, which would throw away the seed and the Editors/Reviewers migration data."""
    from django.db import connection

    from tests.live_server import serial_live_server

    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        pytest.skip(
            "the editor journey shares the test's transaction with the live server, which "
            "Django does only for an in-memory SQLite test database (unset DATABASE_URL)"
        )
    with django_db_blocker.unblock():
        server = serial_live_server("localhost")
    server._live_server_modified_settings.enable()
    yield server
    server._live_server_modified_settings.disable()
    server.stop()


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield SimpleNamespace(playwright=playwright, browser=browser)
        browser.close()
    expect.set_options(timeout=PLAYWRIGHT_DEFAULT_EXPECT_MS)


@pytest.fixture
def administrator(db) -> tuple[str, str]:
    """A superuser's username and password: what neither group may do (delete pages, manage
    Settings > Redirects) is an administrator's job."""
    with django_orm():
        get_user_model().objects.create_superuser("ada", "ada@example.com", "pw-ada-journey")
    return "ada", "pw-ada-journey"


@pytest.fixture
def people(db):
    """An editor and a reviewer, members of the groups the data migration made (not
    superusers), as an administrator would set them up in Settings -> Users."""

    def member_of(group: str, username: str) -> tuple[str, str]:
        password = f"pw-{username}-journey"
        with django_orm():
            user = get_user_model().objects.create_user(
                username, f"{username}@example.com", password, first_name=username.title()
            )
            user.groups.add(Group.objects.get(name=group))
        return username, password

    return SimpleNamespace(
        editor=member_of("Editors", "erin"), reviewer=member_of("Reviewers", "ruben")
    )


@pytest.fixture
def admin(admin_server, chromium, request):
    """Log someone in, in their own browser context (own cookies), as a Playwright page.
    A failing test leaves a screenshot of every open page in test-artifacts/."""
    contexts = []
    failures_before = request.session.testsfailed

    def log_in(username: str, password: str) -> Page:
        context = chromium.browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append((username, context))
        page = context.new_page()
        page.goto(f"{admin_server.url}/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.locator("form button[type=submit]").click()
        page.wait_for_url(f"{admin_server.url}/admin/")
        return page

    yield log_in
    failed = request.session.testsfailed > failures_before  # counted before teardown
    for username, context in contexts:
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for n, page in enumerate(context.pages):
                page.screenshot(path=ARTIFACTS / f"{request.node.name}-{username}-{n}.png")
        context.close()


@pytest.fixture
def anonymous_api(admin_server, chromium):
    """What a front end sees: the public API over HTTP, with no session cookie."""
    context = chromium.playwright.request.new_context(base_url=admin_server.url)

    def get(path: str, **params) -> dict:
        response = context.get(path, params=params, timeout=TIMEOUT_MS)
        assert response.status == 200, f"{path} -> {response.status}: {response.text()[:500]}"
        return response.json()

    yield get
    context.dispose()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the live server's requests left for their transaction's commit (the API cache
    invalidation) when the step ends, as a real commit would have run it."""

    @contextlib.contextmanager
    def step():
        capture = django_capture_on_commit_callbacks(execute=True)
        with django_orm():
            capture.__enter__()
        try:
            yield
        finally:
            with django_orm():
                capture.__exit__(None, None, None)

    return step


@pytest.fixture
def seeded(db) -> SimpleNamespace:
    """The pages the journeys start from: the English hub, the tree root above it, Lille."""
    with django_orm():
        hub = HubPage.objects.get(depth=2, locale__language_code="en")
        lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
        return SimpleNamespace(
            hub_pk=hub.pk,
            root_pk=hub.get_parent().pk,
            lille_pk=lille.pk,
            lille_summary=lille.summary,
        )


@pytest.fixture(scope="session")
def reference_front_end(admin_server):
    """frontend/serve.py on its own origin, reading the live admin server's API."""
    from tests.frontend.conftest import FrontEnd

    server = FrontEnd(admin_server.url)
    yield server
    server.stop()


@pytest.fixture
def front_end(admin_server, reference_front_end, settings):
    """The API allows the reference front end's origin and the admin previews in it (its
    origin may then be framed: `cms.middleware.HeadlessCSPMiddleware`)."""
    settings.CORS_ALLOWED_ORIGINS = [reference_front_end.url]
    settings.FRONTEND_URL = reference_front_end.url
    settings.FRONTEND_PREVIEW_URL = f"{reference_front_end.url}/preview"
    return reference_front_end
