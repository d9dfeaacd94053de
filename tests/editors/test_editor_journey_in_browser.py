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

import os
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from pages.models import CaseStudyPage
from tests.editors.browser import (
    choose_in_modal,
    django_orm,
    footer_action,
    hub_teaser_titles,
    listed_case_studies,
    open_tab,
    status_in_page_list,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

IMAGE_TITLE = "Leeds welcomes Chinese Olympic Committee"  # seeded
PARTNER_CITY = "Durban"  # seeded


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
