"""Wagtail's content checker (the editor's Checks panel) runs on the front end's rendering of
the preview, and the seeded hub and case studies pass its rules."""

import re

import pytest
from playwright.sync_api import expect

from pages.models import CaseStudyPage, HubPage

from .test_preview_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

A_NUMBER_OF_WORDS = re.compile(r"^[1-9][0-9]*$")


def run_checks(page, admin_url: str, page_id: int):
    """Open the page in the editor and its Checks panel; wait until the checker has run over the
    preview (the word count comes from the front end's <main>, through axe in the frame)."""
    page.goto(f"{admin_url}/admin/pages/{page_id}/edit/")
    page.locator("button[data-side-panel-toggle='checks']").click()
    checks = page.locator("[data-side-panel='checks']")
    expect(checks.locator("[data-content-word-count]")).to_have_text(
        A_NUMBER_OF_WORDS, timeout=30_000
    )
    return checks


@pytest.fixture
def seeded_pages(site):
    """(id, title) of the seeded English hub and live case studies. Read before the browser
    starts: Playwright's event loop forbids database queries in the test's thread."""
    pages = [
        HubPage.objects.get(depth=2, locale__language_code="en"),
        *CaseStudyPage.objects.live().filter(locale__language_code="en").order_by("pk"),
    ]
    return [(page.pk, page.title) for page in pages]


@pytest.fixture
def lille_with_a_file_name_as_alt_text(site):
    """Lille's hero image described by a file name, not a description (rolled back)."""
    _live_server, _front_end = site
    lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    image = lille.hero_image
    image.description = "seed_lille_hero.jpg"
    image.save()
    return lille.pk


def test_the_seed_hub_and_case_studies_pass_wagtails_content_checks_on_the_front_end(
    site, seeded_pages, browser_page
):
    live_server, _front_end = site
    assert len(seeded_pages) > 2
    log_in(browser_page, live_server.url, *live_server.editor)
    for page_id, title in seeded_pages:
        checks = run_checks(browser_page, live_server.url, page_id)
        preview = browser_page.frame_locator("#w-preview-iframe")  # the front end's rendering
        # (the preview panel is closed while Checks is open, so test content, not visibility)
        expect(preview.locator(".preview-banner")).not_to_have_attribute("hidden", "")
        expect(preview.locator("main h1").first).to_have_text(title)
        expect(checks.locator("[data-content-checker-count]")).to_have_text("0")
        assert checks.locator("[data-content-checker-row]").count() == 0, title


def test_the_checks_panel_reports_an_issue_in_what_the_front_end_shows(
    site, lille_with_a_file_name_as_alt_text, browser_page
):
    live_server, _front_end = site
    log_in(browser_page, live_server.url, *live_server.editor)
    checks = run_checks(browser_page, live_server.url, lille_with_a_file_name_as_alt_text)
    expect(checks.locator("[data-content-checker-count]")).not_to_have_text("0")
    expect(checks.locator("[data-content-checker-row]").first).to_contain_text(
        "Image alt text has inappropriate pattern"
    )
