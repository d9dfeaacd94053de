"""Helpers for the admin journeys in Chromium (tests/editors/test_*_in_browser.py): ORM access
between browser steps, and the admin's buttons, tabs and choosers as an editor uses them."""

from __future__ import annotations

import asyncio
import contextlib

from playwright.sync_api import Page, expect

TIMEOUT_MS = 60_000  # one step on a loaded machine; a healthy run takes a fraction of it
PLAYWRIGHT_DEFAULT_EXPECT_MS = 5_000  # restored for other browser tests


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


def open_editor(page: Page, url: str) -> None:
    """Open an edit view and wait until Wagtail notices edits in it.

    Wagtail's unsaved-changes controller takes the form's initial state two seconds after the
    page loads; anything typed before then becomes part of that state and never shows as
    unsaved (not in the editor, not in the other editors' session bar). It announces the
    moment with a `w-unsaved:watch-edits` event, which marks the page here (an attribute, not a
    `wait_for_function`: the admin's Content-Security-Policy forbids evaluating strings)."""
    page.add_init_script(
        "document.addEventListener('w-unsaved:watch-edits', () => {"
        " document.documentElement.dataset.watchingEdits = 'yes'; });"
    )
    page.goto(url)
    expect(page.locator("html[data-watching-edits]")).to_have_count(1)


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
