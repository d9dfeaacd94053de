"""Headless preview in a real browser: the editor's Preview panel shows the draft rendered by the
front end (another origin), refreshes as they type, and the public site is unchanged."""

import pytest
from playwright.sync_api import expect

# django_db: the test database must exist even when only browser tests run; each test runs in
# a rolled-back transaction that the live server shares on SQLite.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]


def log_in(page, admin_url, username, password):
    page.goto(f"{admin_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{admin_url}/admin/")


def test_editor_previews_a_draft_title_in_the_front_end_while_the_public_site_keeps_the_published_one(
    site, browser_page
):
    live_server, front_end = site
    page = browser_page
    log_in(page, live_server.url, *live_server.editor)

    page.goto(f"{live_server.url}/admin/pages/{live_server.lille_pk}/edit/")
    page.fill("#id_title", "Lille, a draft title")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("updated")
    published = page.request.get(f"{live_server.url}/api/v2/pages/{live_server.lille_pk}/")
    assert published.json()["title"] == "Lille"  # saved as a draft only

    page.locator("button[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.locator("article.case-study h1")).to_have_text("Lille, a draft title")
    expect(preview.locator(".preview-banner")).to_be_visible()
    assert page.locator("#w-preview-iframe").get_attribute("src").startswith(live_server.url)

    public = page.context.new_page()
    public.goto(f"{front_end.url}/lille/")
    expect(public.locator("article.case-study h1")).to_have_text("Lille")
    expect(public.locator(".preview-banner")).to_be_hidden()


# Wagtail's editor compares the form with a baseline it takes 2 s after the page loads, takes
# it again (twice, a few hundred ms apart) as its controllers start, and again after each
# autosave; an edit made just before a baseline is taken becomes part of it and refreshes
# nothing, for an editor as for this test. So the test types only once the baseline has
# stopped moving (no new one for 1.5 s), as an editor reading the preview would.
RECORD_BASELINES = (
    "document.addEventListener('w-unsaved:watch-edits', "
    "() => { window.lastBaselineAt = performance.now(); })"
)
BASELINE_SETTLED = (
    "() => window.lastBaselineAt !== undefined && performance.now() - window.lastBaselineAt > 1500"
)


def test_live_preview_refreshes_while_the_editor_types(site, browser_page):
    live_server, _front_end = site
    page = browser_page
    page.add_init_script(RECORD_BASELINES)
    log_in(page, live_server.url, *live_server.editor)
    page.goto(f"{live_server.url}/admin/pages/{live_server.lille_pk}/edit/")
    page.locator("button[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.locator("article.case-study h1")).to_be_visible()
    page.wait_for_function(BASELINE_SETTLED)
    page.fill("#id_title", "Lille, typed but not saved")
    expect(preview.locator("article.case-study h1")).to_have_text(
        "Lille, typed but not saved", timeout=20_000
    )
    # Each refresh is swapped in at once (the front end answers the admin's scroll hand-over),
    # so the editor can keep typing and see every change.
    page.wait_for_function(BASELINE_SETTLED)
    page.fill("#id_title", "Lille, typed again")
    expect(preview.locator("article.case-study h1")).to_have_text(
        "Lille, typed again", timeout=20_000
    )


def test_a_preview_link_without_a_valid_token_shows_nothing_of_the_draft(site, browser_page):
    _live_server, front_end = site
    browser_page.goto(f"{front_end.url}/preview?preview_token=forged")
    expect(browser_page.locator("[role=alert] h1")).to_have_text("Preview unavailable")
    expect(browser_page.locator("[role=alert]")).to_contain_text("Invalid preview token")
