"""Two people editing the same case study in the real admin (Chromium): each sees the other in
Wagtail's editing-session bar, and when one saves, the other is told before anything of theirs
is saved over it: Wagtail's own dialog once its ping has seen the newer version, and the CMS's
refusal (the form comes back with everything typed) when the save comes before the ping.

See test_editor_journey_in_browser.py for how the live server shares the test's transaction.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pages.models import CaseStudyPage
from tests.editors.browser import django_orm, footer_action, open_editor

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

ERINS_SUMMARY = "Erin's summary: the 2026 student exchange doubles in size."
RUBENS_TITLE = "Lille and Leeds: fifty-eight years of partnership"


def latest_version(page_pk: int) -> CaseStudyPage:
    with django_orm():
        return CaseStudyPage.objects.get(pk=page_pk).get_latest_revision_as_object()


def test_two_editors_see_each_other_and_a_save_over_a_newer_version_asks_first(
    people, admin, admin_server, seeded, settings
):
    settings.WAGTAIL_EDITING_SESSION_PING_INTERVAL = 1000  # quicker than the 10 s default
    edit_url = f"{admin_server.url}/admin/pages/{seeded.lille_pk}/edit/"
    erin = admin(*people.editor)
    open_editor(erin, edit_url)
    ruben = admin(*people.reviewer)
    ruben.goto(edit_url)

    # Each sees the other in the editing-session bar; typing shows as unsaved changes.
    expect(erin.locator("#w-editing-sessions .w-editing-sessions__session")).to_have_count(1)
    expect(ruben.locator("#w-editing-sessions .w-editing-sessions__session")).to_have_count(1)
    erin.fill("#id_summary", ERINS_SUMMARY)
    expect(ruben.get_by_role("button", name="Erin has unsaved changes")).to_be_visible()

    ruben.fill("#id_title", RUBENS_TITLE)
    footer_action(ruben, "Save draft").click()
    expect(ruben.locator(".messages")).to_contain_text("updated")
    rubens_revision = latest_version(seeded.lille_pk).latest_revision_id

    # Erin is told, and her "Save draft" asks before it overwrites Ruben's version.
    expect(erin.get_by_role("button", name="Ruben saved a new version")).to_be_visible()
    footer_action(erin, "Save draft").click()
    dialog = erin.locator("#w-save-confirmation-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Ruben saved a new version")
    expect(dialog).to_contain_text("Proceeding will overwrite the changes made by Ruben")
    assert latest_version(seeded.lille_pk).title == RUBENS_TITLE  # nothing saved yet
    # The dialog's confirm button repeats the action she chose.
    confirm = dialog.locator("[data-w-dialog-target='confirm']")
    expect(confirm).to_have_text("Save draft")
    confirm.click()
    expect(erin.locator(".messages")).to_contain_text("updated")
    # She chose to: her version is the latest, Ruben's stays in the history.
    mine = latest_version(seeded.lille_pk)
    assert (mine.summary, mine.title) == (ERINS_SUMMARY, "Lille")
    with django_orm():
        assert (
            CaseStudyPage.objects.get(pk=seeded.lille_pk)
            .revisions.filter(pk=rubens_revision)
            .exists()
        )


def test_a_save_made_before_the_editor_has_noticed_the_newer_version_is_sent_back(
    people, admin, admin_server, seeded, settings
):
    settings.WAGTAIL_EDITING_SESSION_PING_INTERVAL = 600_000  # no ping during the test
    edit_url = f"{admin_server.url}/admin/pages/{seeded.lille_pk}/edit/"
    erin = admin(*people.editor)
    erin.goto(edit_url)
    ruben = admin(*people.reviewer)
    ruben.goto(edit_url)
    ruben.fill("#id_title", RUBENS_TITLE)
    footer_action(ruben, "Save draft").click()
    expect(ruben.locator(".messages")).to_contain_text("updated")

    # Erin's page has not pinged since Ruben saved: Wagtail's dialog cannot know. The CMS
    # sends her form back instead of saving it over Ruben's version.
    erin.fill("#id_summary", ERINS_SUMMARY)
    footer_action(erin, "Save draft").click()
    warning = erin.locator(".messages")
    expect(warning).to_contain_text("Ruben saved a newer version")
    expect(warning).to_contain_text("Nothing you changed is saved yet")
    expect(erin.locator("#id_summary")).to_have_value(ERINS_SUMMARY)
    assert latest_version(seeded.lille_pk).title == RUBENS_TITLE

    # Saving again, now knowingly, goes through.
    footer_action(erin, "Save draft").click()
    expect(erin.locator(".messages")).to_contain_text("updated")
    assert latest_version(seeded.lille_pk).summary == ERINS_SUMMARY
