"""Partner cities in the real admin (Chromium), as members of the migration's Editors and
Reviewers groups: an editor drafts a change to Brno, previews it in the reference front end and
submits it; the hub's API and front end show it only once a reviewer approves. A change
scheduled a minute ahead goes live when the scheduler runs after that minute (the test moves
the scheduler's clock, as the page scheduling journey does).

See test_editor_journey_in_browser.py for how the live server shares the test's transaction.
"""

from __future__ import annotations

import os
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from pages.models import HubPage, PartnerCity
from tests.editors.browser import django_orm, footer_action

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

NEW_SUMMARY = "Brno and Leeds sign a new agreement on universities, culture and sport."


@pytest.fixture
def brno(db):
    with django_orm():
        city = PartnerCity.objects.get(name="Brno", locale__language_code="en")
        hub = HubPage.objects.get(depth=2, locale__language_code="en")
        return city.pk, city.summary, hub.pk


@pytest.fixture
def public_page(chromium):
    """A reader's browser: no admin session."""
    context = chromium.browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def summaries(anonymous_api, city_pk: int, hub_pk: int) -> tuple[str, str]:
    """Brno's summary at its own endpoint and in the hub's partner-cities timeline."""
    own = anonymous_api(f"/api/v2/partner-cities/{city_pk}/")["summary"]
    body = anonymous_api(f"/api/v2/pages/{hub_pk}/")["body"]
    timeline = next(block["value"] for block in body if block["type"] == "partner_cities")
    embedded = next(city["summary"] for city in timeline["cities"] if city["id"] == city_pk)
    return own, embedded


def brno_on_the_hub(public_page, front_end):
    public_page.goto(front_end.url + "/")
    return public_page.locator(".partner-city", has_text="Brno").locator("p").first


def test_an_editor_drafts_previews_and_submits_brno_and_the_hub_shows_it_once_a_reviewer_approves(
    people, admin, anonymous_api, committed, admin_server, front_end, brno, public_page
):
    city_pk, live_summary, hub_pk = brno
    edit_url = f"{admin_server.url}/admin/snippets/pages/partnercity/edit/{city_pk}/"

    editor = admin(*people.editor)
    editor.goto(edit_url)
    editor.fill("#id_summary", NEW_SUMMARY)
    expect(editor.locator("footer").get_by_role("button", name="Publish")).to_have_count(0)
    with committed():
        footer_action(editor, "Save draft").click()
        expect(editor.locator(".messages")).to_contain_text("Brno")
    assert summaries(anonymous_api, city_pk, hub_pk) == (live_summary, live_summary)

    # The preview panel shows the draft as the reference front end draws it.
    editor.locator("button[data-side-panel-toggle='preview']").click()
    preview = editor.frame_locator("#w-preview-iframe")
    expect(preview.locator("article.snippet-preview h1")).to_have_text("Partner city: Brno")
    expect(preview.locator(".partner-city p")).to_have_text(NEW_SUMMARY)
    expect(preview.locator(".preview-banner")).to_be_visible()

    with committed():
        footer_action(editor, "Submit to Reviewers").click()
        expect(editor.locator(".messages")).to_contain_text("submitted")
    with django_orm():
        assert PartnerCity.objects.get(pk=city_pk).workflow_in_progress
    assert summaries(anonymous_api, city_pk, hub_pk) == (live_summary, live_summary)
    expect(brno_on_the_hub(public_page, front_end)).to_have_text(live_summary)

    reviewer = admin(*people.reviewer)
    reviewer.goto(edit_url)
    expect(reviewer.locator("#id_summary")).to_have_value(NEW_SUMMARY)
    with committed():
        footer_action(reviewer, "Approve and Publish").click()
        expect(reviewer.locator(".messages")).to_contain_text("Brno")
    with django_orm():
        city = PartnerCity.objects.get(pk=city_pk)
        assert city.live and not city.has_unpublished_changes and not city.workflow_in_progress
    assert summaries(anonymous_api, city_pk, hub_pk) == (NEW_SUMMARY, NEW_SUMMARY)
    expect(brno_on_the_hub(public_page, front_end)).to_have_text(NEW_SUMMARY)


def test_a_partner_city_change_scheduled_a_minute_ahead_goes_live_when_the_scheduler_runs(
    people, admin, anonymous_api, committed, admin_server, front_end, brno, public_page
):
    city_pk, live_summary, hub_pk = brno
    edit_url = f"{admin_server.url}/admin/snippets/pages/partnercity/edit/{city_pk}/"
    # The dialog takes minutes: the next whole minute, plus one.
    now = timezone.localtime()
    go_live = now.replace(second=0, microsecond=0) + timedelta(minutes=2)

    reviewer = admin(*people.reviewer)  # reviewers publish (and schedule) directly
    reviewer.goto(edit_url)
    reviewer.fill("#id_summary", NEW_SUMMARY)
    reviewer.locator("button[data-side-panel-toggle='status']").click()
    reviewer.get_by_role("button", name="Set schedule").click()
    dialog = reviewer.locator("#schedule-publishing-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#id_go_live_at").fill(go_live.strftime("%Y-%m-%d %H:%M"))
    expect(dialog.locator("#id_go_live_at")).to_have_value(go_live.strftime("%Y-%m-%d %H:%M"))
    dialog.get_by_role("button", name="Save schedule").press("Enter")
    with committed():
        footer_action(reviewer, "Schedule to publish").click()
        expect(reviewer.locator(".messages")).to_contain_text("Brno")
    with django_orm():
        city = PartnerCity.objects.get(pk=city_pk)
        assert city.status_string == "live + scheduled", city.status_string
    assert summaries(anonymous_api, city_pk, hub_pk) == (live_summary, live_summary)

    def run_scheduler_at(moment) -> None:
        with committed(), django_orm():
            with mock.patch("django.utils.timezone.now", return_value=moment):
                call_command("publish_scheduled", stdout=open(os.devnull, "w"))

    run_scheduler_at(go_live - timedelta(seconds=30))
    assert summaries(anonymous_api, city_pk, hub_pk) == (live_summary, live_summary)
    run_scheduler_at(go_live + timedelta(seconds=30))
    # The next request shows it: the API and the reference front end's hub.
    assert summaries(anonymous_api, city_pk, hub_pk) == (NEW_SUMMARY, NEW_SUMMARY)
    expect(brno_on_the_hub(public_page, front_end)).to_have_text(NEW_SUMMARY)
    with django_orm():
        assert PartnerCity.objects.get(pk=city_pk).status_string == "live"
