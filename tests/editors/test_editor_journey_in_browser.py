"""The editors' journey through the real Wagtail admin in Debian's Chromium: an editor writes a
case study and submits it, a reviewer approves it, the API and the hub's teasers show it; a
scheduled change goes live when the scheduler runs; a case study cannot be made outside the hub.

The live server shares the test's in-memory SQLite connection, so each test runs in a
rolled-back transaction and the data it makes never leaks into other tests. In production the
API's cache is invalidated when a request's transaction commits; here nothing commits, so the
steps that publish run inside `django_capture_on_commit_callbacks(execute=True)`, which runs
those same on-commit callbacks when the step ends.

Timeouts are generous (a busy 2-core machine renders an admin page in seconds, not
milliseconds) and every wait is for a state the user would see, never a sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from pages.models import CaseStudyPage, HubPage
from tests.frontend.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

TIMEOUT_MS = 60_000  # one step on a loaded machine; a healthy run takes a fraction of it
PLAYWRIGHT_DEFAULT_EXPECT_MS = 5_000  # restored for other browser tests
IMAGE_TITLE = "Leeds welcomes Chinese Olympic Committee"  # seeded
PARTNER_CITY = "Durban"  # seeded


@contextlib.contextmanager
def django_orm():
    """Run Django ORM code between browser steps.

    Playwright's sync API keeps its event loop marked as running on the test's thread. Django
    would then refuse ORM calls (SynchronousOnlyOperation) and, worse, hand out a new database
    connection instead of the test's own: one outside the test's transaction, which the shared
    in-memory database answers with "table is locked". The loop is idle while the test's own
    code runs, so it is unmarked for the duration of the block."""
    loop = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)


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


def listed_case_studies(api, **params) -> dict[str, dict]:
    listing = api("/api/v2/pages/", type="pages.CaseStudyPage", limit=100, **params)
    return {item["title"]: item for item in listing["items"]}


def hub_teaser_titles(api, hub_pk: int) -> list[str]:
    teasers = api(f"/api/v2/pages/{hub_pk}/")["meta"]["case_study_teasers"]["items"]
    return [item["title"] for item in teasers]


def footer_action(page: Page, name: str):
    """A button of the editor's footer action menu, opening its dropdown if the button is in it."""
    footer = page.locator("footer")
    button = footer.get_by_role("button", name=name, exact=True)
    expect(footer.get_by_role("button").first).to_be_visible()  # the form is on screen
    if not button.is_visible():
        toggle = footer.locator("[data-w-dropdown-target='toggle']").first
        # Tippy marks the toggle once Wagtail's dropdown controller is connected; a click
        # before that would do nothing.
        expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(button).to_be_visible()
    return button


def status_in_page_list(page: Page, title: str):
    return page.locator("tr", has_text=title).locator(".w-status")


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")


def choose_in_modal(page: Page, opener: str, choice: str) -> None:
    """Open a chooser (image, snippet) with its button, search, and pick `choice`."""
    page.get_by_role("button", name=opener).click()
    modal = page.locator(".modal-dialog")
    expect(modal).to_be_visible()
    modal.get_by_role("textbox", name="Search").fill(choice)
    modal.get_by_text(choice, exact=True).first.click()
    expect(modal).to_be_hidden()


def test_an_editor_submits_a_case_study_with_image_and_partner_city_and_a_reviewer_approves_it_into_the_api_and_the_hub(
    people, seeded, admin, anonymous_api, committed, admin_server
):
    title = "Durban: coastal cities learning together"
    editor = admin(*people.editor)
    editor.goto(f"{admin_server.url}/admin/pages/{seeded.hub_pk}/add_subpage/")
    # The hub takes only case studies, so the admin goes straight to the case study form.
    expect(editor.get_by_role("heading", name="New: Case study")).to_be_visible()

    editor.fill("#id_title", title)
    editor.fill("#id_summary", "Two port cities share what works in coastal resilience.")
    open_tab(editor, "Partners and networks")
    choose_in_modal(editor, "Choose partner city", PARTNER_CITY)
    expect(editor.locator("#id_related_partner_city-title")).to_have_text(PARTNER_CITY)
    open_tab(editor, "Images")
    choose_in_modal(editor, "Choose an image", IMAGE_TITLE)
    expect(editor.locator("#id_hero_image-title")).to_have_text(IMAGE_TITLE)

    expect(editor.locator("footer").get_by_role("button", name="Publish")).to_have_count(0)
    footer_action(editor, "Submit to Reviewers").click()
    expect(editor.locator(".messages")).to_contain_text("submitted for moderation")

    with django_orm():
        submitted = CaseStudyPage.objects.get(title=title)
        assert submitted.get_parent().pk == seeded.hub_pk
        assert not submitted.live
        assert submitted.current_workflow_state is not None
    assert title not in listed_case_studies(anonymous_api)
    assert title not in hub_teaser_titles(anonymous_api, seeded.hub_pk)

    reviewer = admin(*people.reviewer)
    reviewer.goto(f"{admin_server.url}/admin/")
    # The dashboard lists what awaits their review; its link opens the case study's editor.
    reviewer.get_by_role("link", name=title).first.click()
    reviewer.wait_for_url(f"{admin_server.url}/admin/pages/*/edit/")
    expect(reviewer.get_by_role("heading", name=title)).to_be_visible()
    with committed():
        footer_action(reviewer, "Approve and Publish").click()
        # Back in the hub's page list, where the case study is now live.
        reviewer.wait_for_url(f"{admin_server.url}/admin/pages/{seeded.hub_pk}/")
        expect(reviewer.locator(".messages")).to_contain_text(f"Page '{title}' has been updated.")
    expect(status_in_page_list(reviewer, title)).to_have_text("Current page status: live")

    listed = listed_case_studies(anonymous_api, fields="hero_image,related_partner_city")
    assert title in listed
    assert listed[title]["related_partner_city"]["name"] == PARTNER_CITY
    assert listed[title]["hero_image"]["id"] > 0
    assert title in hub_teaser_titles(anonymous_api, seeded.hub_pk)


def test_a_scheduled_change_goes_live_when_the_scheduler_runs_after_its_go_live_time(
    people, seeded, admin, anonymous_api, committed, admin_server
):
    new_summary = "From 2027: a new exchange between Leeds and Lille sixth-form colleges."
    go_live = timezone.localtime() + timedelta(hours=1)
    edit_url = f"{admin_server.url}/admin/pages/{seeded.lille_pk}/edit/"

    def lille_summary_in_the_api() -> str:
        return listed_case_studies(anonymous_api, fields="summary")["Lille"]["summary"]

    editor = admin(*people.editor)
    editor.goto(edit_url)
    editor.fill("#id_summary", new_summary)
    editor.locator("button[data-side-panel-toggle='status']").click()
    editor.get_by_role("button", name="Set schedule").click()
    dialog = editor.locator("#schedule-publishing-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#id_go_live_at").fill(go_live.strftime("%Y-%m-%d %H:%M"))
    expect(dialog.locator("#id_go_live_at")).to_have_value(go_live.strftime("%Y-%m-%d %H:%M"))
    # The field's calendar pop-up can stay open over the button: press it from the keyboard.
    dialog.get_by_role("button", name="Save schedule").press("Enter")
    expect(editor.locator(".messages")).to_contain_text("updated")
    footer_action(editor, "Submit to Reviewers").click()
    expect(editor.locator(".messages")).to_contain_text("submitted for moderation")

    reviewer = admin(*people.reviewer)
    reviewer.goto(edit_url)
    with committed():
        footer_action(reviewer, "Approve and Publish").click()
        reviewer.wait_for_url(f"{admin_server.url}/admin/pages/{seeded.hub_pk}/")
        expect(reviewer.locator(".messages")).to_contain_text("Page 'Lille' has been updated.")
    # Still live with the old text, and the change waits for its time.
    expect(status_in_page_list(reviewer, "Lille")).to_have_text(
        "Current page status: live + scheduled"
    )

    # Approved but scheduled: the public keeps the live summary until the go-live time.
    assert lille_summary_in_the_api() == seeded.lille_summary

    def run_scheduler_at(moment) -> None:
        with committed(), django_orm():
            with mock.patch("django.utils.timezone.now", return_value=moment):
                call_command("publish_scheduled", stdout=open(os.devnull, "w"))

    run_scheduler_at(go_live - timedelta(minutes=5))
    assert lille_summary_in_the_api() == seeded.lille_summary
    run_scheduler_at(go_live + timedelta(minutes=1))
    assert lille_summary_in_the_api() == new_summary
    reviewer.reload()
    expect(status_in_page_list(reviewer, "Lille")).to_have_text("Current page status: live")


def test_an_editor_cannot_create_a_case_study_outside_the_hub(people, seeded, admin, admin_server):
    editor = admin(*people.editor)
    refused = "Sorry, you do not have permission to access this area."

    # The hub offers "Add child page"; neither the tree root (it holds one hub per language,
    # and nothing else) nor a case study (it has no child pages) does.
    editor.goto(f"{admin_server.url}/admin/pages/{seeded.hub_pk}/")
    expect(editor.get_by_role("link", name="Add child page").first).to_be_visible()
    for parent_pk in (seeded.root_pk, seeded.lille_pk):
        editor.goto(f"{admin_server.url}/admin/pages/{parent_pk}/")
        expect(editor.get_by_role("heading", level=1)).to_be_visible()
        expect(editor.get_by_role("link", name="Add child page")).to_have_count(0)

    # Typing the add-page addresses by hand is refused, and nothing is created.
    for parent_pk in (seeded.root_pk, seeded.lille_pk):
        for url in (
            f"/admin/pages/{parent_pk}/add_subpage/",
            f"/admin/pages/add/pages/casestudypage/{parent_pk}/",
        ):
            editor.goto(f"{admin_server.url}{url}")
            expect(editor.locator(".messages")).to_contain_text(refused)
            expect(editor.locator("#id_title")).to_have_count(0)
    with django_orm():
        assert not CaseStudyPage.objects.exclude(depth=3).exists()
