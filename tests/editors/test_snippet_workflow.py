"""Partner cities and networks are edited like pages: an editor's change is a draft, goes to
the Reviewers, can be previewed in the front end, scheduled and locked; the API and every page
that embeds the snippet show only what a reviewer published, and show it on the next request."""

from __future__ import annotations

import importlib
import os
from datetime import timedelta
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Workflow, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from pages.models import HubPage, Network, PartnerCity
from tests.factories import AgreementFactory, NetworkFactory, PartnerCityFactory

pytestmark = pytest.mark.django_db

NEW_SUMMARY = "Brno and Leeds sign a new agreement on universities and culture."


@pytest.fixture
def brno(db) -> PartnerCity:
    return PartnerCity.objects.get(name="Brno", locale__language_code="en")


def city_form(city: PartnerCity, **changes) -> dict:
    """The edit form as the admin posts it, with the city's current values and `changes`."""
    agreements = [
        {
            "id": a.pk,
            "title": a.title,
            "date": a.date.isoformat() if a.date else "",
            "date_precision": a.date_precision,
            "status": a.status,
            "ORDER": str(n),
        }
        for n, a in enumerate(city.agreements.all(), start=1)
    ]
    data = {
        "name": city.name,
        "country": city.country,
        "year_signed": city.year_signed or "",
        "period": city.period,
        "summary": city.summary,
        "latitude": city.latitude if city.latitude is not None else "",
        "longitude": city.longitude if city.longitude is not None else "",
        "image": city.image_id or "",
        "go_live_at": "",
        "expire_at": "",
        "agreements": inline_formset(agreements, initial=len(agreements)),
        **changes,
    }
    return nested_form_data(data)


def edit_url(obj) -> str:
    opts = obj._meta
    return reverse(f"wagtailsnippets_{opts.app_label}_{opts.model_name}:edit", args=[obj.pk])


def api_city(api, city) -> dict:
    response = api.get(f"/api/v2/partner-cities/{city.pk}/")
    assert response.status_code == 200
    return response.json()


def hub_city(api, city) -> dict | None:
    """The city as the English hub's partner-cities timeline embeds it."""
    hub = HubPage.objects.get(depth=2, locale__language_code="en")
    body = api.get(f"/api/v2/pages/{hub.pk}/").json()["body"]
    timeline = next(block["value"] for block in body if block["type"] == "partner_cities")
    return next((c for c in timeline["cities"] if c["id"] == city.pk), None)


def listed_names(api, **query) -> list[str]:
    response = api.get("/api/v2/partner-cities/", {"limit": 100, **query})
    assert response.status_code == 200
    return [item["name"] for item in response.json()["items"]]


def approve(client, obj):
    obj.refresh_from_db()
    task_state = obj.current_workflow_state.current_task_state
    opts = obj._meta
    url = reverse(
        f"wagtailsnippets_{opts.app_label}_{opts.model_name}:workflow_action",
        args=(obj.pk, "approve", task_state.pk),
    )
    return client.post(url, {"comment": "Checked against the agreement."})


def test_partner_cities_and_networks_go_through_the_reviewers_workflow():
    for model in (PartnerCity, Network):
        assert model.get_default_workflow().name == "Reviewers"
    # One moderation workflow, used by the pages and the snippets alike.
    assert list(Workflow.objects.filter(active=True).values_list("name", flat=True)) == [
        "Reviewers"
    ]


def test_an_editors_save_is_a_draft_the_api_and_the_hub_do_not_show(client, editor_user, brno, api):
    live_summary = brno.summary
    client.force_login(editor_user)
    form = client.get(edit_url(brno)).content.decode()
    assert 'name="action-submit"' in form and "Submit to Reviewers" in form
    assert 'name="action-publish"' not in form

    response = client.post(edit_url(brno), city_form(brno, summary=NEW_SUMMARY))
    assert response.status_code == 302
    brno.refresh_from_db()
    assert brno.has_unpublished_changes and brno.summary == live_summary
    assert brno.latest_revision.as_object().summary == NEW_SUMMARY
    assert api_city(api, brno)["summary"] == live_summary
    assert hub_city(api, brno)["summary"] == live_summary
    assert NEW_SUMMARY not in api.get("/api/v2/partner-cities/", {"fields": "*"}).content.decode()


def test_an_editor_who_presses_publish_does_not_make_the_change_live(
    client, editor_user, brno, api
):
    client.force_login(editor_user)
    client.post(edit_url(brno), city_form(brno, summary=NEW_SUMMARY, **{"action-publish": "1"}))
    assert api_city(api, brno)["summary"] != NEW_SUMMARY
    assert PartnerCity.objects.get(pk=brno.pk).summary != NEW_SUMMARY


def test_a_reviewer_approves_a_submitted_change_and_every_read_path_shows_it_on_the_next_request(
    client, editor_user, reviewer_user, brno, api, django_capture_on_commit_callbacks
):
    live_summary = brno.summary
    # Read while live, so the response cache holds the old answers.
    assert hub_city(api, brno)["summary"] == live_summary
    assert api_city(api, brno)["summary"] == live_summary

    client.force_login(editor_user)
    data = city_form(brno, summary=NEW_SUMMARY, **{"action-submit": "1"})
    assert client.post(edit_url(brno), data).status_code == 302
    brno.refresh_from_db()
    assert brno.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert brno.current_workflow_state.current_task_state.task.name == "Reviewer approves"
    assert api_city(api, brno)["summary"] == live_summary
    assert hub_city(api, brno)["summary"] == live_summary

    client.force_login(reviewer_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert approve(client, brno).status_code in (200, 302)
    brno.refresh_from_db()
    assert brno.live and not brno.has_unpublished_changes and brno.summary == NEW_SUMMARY
    assert brno.current_workflow_state is None
    assert api_city(api, brno)["summary"] == NEW_SUMMARY
    assert hub_city(api, brno)["summary"] == NEW_SUMMARY
    listed = api.get("/api/v2/partner-cities/", {"fields": "summary", "limit": 100}).json()
    assert NEW_SUMMARY in [item["summary"] for item in listed["items"]]


def test_an_editor_cannot_approve_their_own_submission(client, editor_user, brno, api):
    client.force_login(editor_user)
    client.post(edit_url(brno), city_form(brno, summary=NEW_SUMMARY, **{"action-submit": "1"}))
    approve(client, brno)
    brno.refresh_from_db()
    assert brno.summary != NEW_SUMMARY
    assert brno.current_workflow_state is not None


def test_a_new_partner_city_saved_by_an_editor_is_nowhere_in_the_api(client, editor_user, api):
    client.force_login(editor_user)
    add_url = reverse("wagtailsnippets_pages_partnercity:add")
    data = nested_form_data(
        {
            "name": "Siegen",
            "country": "DE",
            "year_signed": "",
            "period": "2020s",
            "summary": "A draft partnership.",
            "latitude": "",
            "longitude": "",
            "image": "",
            "go_live_at": "",
            "expire_at": "",
            "agreements": inline_formset([]),
            "locale": "en",
        }
    )
    assert client.post(add_url, data).status_code == 302
    siegen = PartnerCity.objects.get(name="Siegen")
    assert not siegen.live
    assert "Siegen" not in listed_names(api)
    assert "Siegen" not in listed_names(api, search="Siegen")
    assert api.get(f"/api/v2/partner-cities/{siegen.pk}/").status_code == 404


def test_the_admin_preview_of_a_partner_city_shows_the_draft_in_the_front_end_only(
    client, editor_user, brno, api
):
    client.force_login(editor_user)
    preview_url = reverse("wagtailsnippets_pages_partnercity:preview_on_edit", args=[brno.pk])
    posted = client.post(preview_url, city_form(brno, summary=NEW_SUMMARY))
    assert posted.json()["is_valid"]
    response = client.get(preview_url)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("http://127.0.0.1:3000/preview?preview_token=")
    token = parse_qs(urlsplit(location).query)["preview_token"][0]

    draft = api.get("/api/v2/preview/", {"preview_token": token})
    assert draft.status_code == 200 and draft["Cache-Control"] == "private, no-store"
    data = draft.json()
    assert data["meta"]["type"] == "pages.PartnerCity"
    assert data["meta"]["locale"] == "en"
    assert (data["name"], data["summary"]) == ("Brno", NEW_SUMMARY)
    assert [a["title"] for a in data["agreements"]] == [a.title for a in brno.agreements.all()]
    published = api_city(api, brno)
    assert published["summary"] != NEW_SUMMARY
    assert set(data) == set(published)


def test_a_network_preview_token_names_the_network(api):
    from pages.preview import create_preview_token

    network = NetworkFactory(name="Draft network", live=False)
    data = api.get("/api/v2/preview/", {"preview_token": create_preview_token(network)}).json()
    assert (data["meta"]["type"], data["name"]) == ("pages.Network", "Draft network")
    assert data["meta"]["preview"]["live"] is False


@pytest.fixture
def run_scheduler_at(django_capture_on_commit_callbacks):
    def run(moment):
        with mock.patch("django.utils.timezone.now", return_value=moment):
            with django_capture_on_commit_callbacks(execute=True):
                call_command("publish_scheduled", stdout=open(os.devnull, "w"))

    return run


def test_a_scheduled_partner_city_goes_live_when_the_scheduler_runs_after_its_time(
    api, run_scheduler_at
):
    go_live = timezone.now() + timedelta(minutes=1)
    city = PartnerCityFactory(name="Leipzig", live=False)
    city.go_live_at = go_live
    city.save_revision().publish()  # a future go-live time schedules instead of publishing
    city.refresh_from_db()
    assert not city.live and city.status_string == "scheduled"
    assert "Leipzig" not in listed_names(api)

    run_scheduler_at(go_live - timedelta(seconds=30))
    assert "Leipzig" not in listed_names(api)
    run_scheduler_at(go_live + timedelta(seconds=30))
    assert "Leipzig" in listed_names(api)


def test_a_scheduled_change_to_a_live_city_waits_for_its_time(brno, api, run_scheduler_at):
    live_summary = brno.summary
    go_live = timezone.now() + timedelta(hours=1)
    brno.summary = NEW_SUMMARY
    brno.go_live_at = go_live
    brno.save_revision().publish()
    assert api_city(api, brno)["summary"] == live_summary
    assert hub_city(api, brno)["summary"] == live_summary
    run_scheduler_at(go_live + timedelta(minutes=1))
    assert api_city(api, brno)["summary"] == NEW_SUMMARY
    assert hub_city(api, brno)["summary"] == NEW_SUMMARY


def test_an_expired_city_leaves_the_api_before_the_scheduler_runs(
    brno, api, run_scheduler_at, django_capture_on_commit_callbacks
):
    expire = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        brno.expire_at = expire
        brno.save_revision().publish()
    # Read (and cached) while it is live; then the clock passes the expiry.
    assert hub_city(api, brno) is not None and "Brno" in listed_names(api)
    later = expire + timedelta(minutes=1)
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        mock.patch("time.time", return_value=later.timestamp()),
    ):
        assert "Brno" not in listed_names(api)
        assert api.get(f"/api/v2/partner-cities/{brno.pk}/").status_code == 404
        assert hub_city(api, brno) is None
    run_scheduler_at(later)
    brno.refresh_from_db()
    assert not brno.live and brno.expired


def test_a_city_a_reviewer_locked_cannot_be_changed_by_an_editor(
    client, editor_user, reviewer_user, brno
):
    client.force_login(reviewer_user)
    lock_url = reverse("wagtailsnippets_pages_partnercity:lock", args=[brno.pk])
    assert client.post(lock_url).status_code == 302
    brno.refresh_from_db()
    assert brno.locked and brno.locked_by == reviewer_user

    client.force_login(editor_user)
    form = client.get(edit_url(brno)).content.decode()
    assert "locked" in form.lower()
    client.post(edit_url(brno), city_form(brno, summary=NEW_SUMMARY))
    brno.refresh_from_db()
    assert brno.latest_revision.as_object().summary != NEW_SUMMARY


def test_the_data_migration_keeps_existing_snippets_live_with_a_first_revision(api):
    """What 0008 does to a city and a network that existed before drafts: run on rows
    without a revision, as every row was before it."""
    city = PartnerCityFactory(name="Kraków")
    AgreementFactory(city=city, title="Cooperation agreement")
    network = NetworkFactory(name="Energy Cities")
    assert city.latest_revision is None and network.latest_revision is None
    migration = importlib.import_module("pages.migrations.0008_snippets_live_with_a_first_revision")
    migration.first_revisions(apps, None)

    for obj in (PartnerCity.objects.get(pk=city.pk), Network.objects.get(pk=network.pk)):
        assert obj.live and not obj.has_unpublished_changes
        assert obj.live_revision_id == obj.latest_revision_id is not None
        assert obj.latest_revision.as_object().name == obj.name
    restored = PartnerCity.objects.get(pk=city.pk).latest_revision.as_object()
    assert [a.title for a in restored.agreements.all()] == ["Cooperation agreement"]
    assert "Kraków" in listed_names(api)
