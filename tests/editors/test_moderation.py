"""Editors write, reviewers publish: the workflow the data migration sets up, driven through
the admin as a browser would, and what the API shows at each step."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page, WorkflowState

from pages.models import CaseStudyPage, HubPage

from .conftest import case_study_form, edit_form

pytestmark = pytest.mark.django_db


def add_url(parent: Page) -> str:
    return reverse("wagtailadmin_pages:add", args=("pages", "casestudypage", parent.pk))


def api_titles(api) -> list[str]:
    response = api.get("/api/v2/pages/", {"type": "pages.CaseStudyPage", "limit": 100})
    assert response.status_code == 200
    return [item["title"] for item in response.json()["items"]]


def hub_teaser_titles(api, hub: HubPage) -> list[str]:
    meta = api.get(f"/api/v2/pages/{hub.pk}/").json()["meta"]
    return [item["title"] for item in meta["case_study_teasers"]["items"]]


def save_new_case_study(client, hub, title="Dortmund", slug="dortmund") -> CaseStudyPage:
    response = client.post(add_url(hub), case_study_form(title, slug, "Twinned since 1969."))
    assert response.status_code == 302, response.content[:2000]
    return CaseStudyPage.objects.get(slug=slug)


def test_an_editor_who_presses_publish_does_not_make_the_page_live(client, editor_user, hub, api):
    client.force_login(editor_user)
    data = case_study_form("Brno", "brno", "A new partnership.", **{"action-publish": "1"})
    response = client.post(add_url(hub), data)
    assert response.status_code == 302
    page = CaseStudyPage.objects.get(slug="brno")
    assert not page.live
    assert "Brno" not in api_titles(api)


def test_an_editor_sees_no_publish_button(client, editor_user, hub):
    client.force_login(editor_user)
    page = hub.get_children().type(CaseStudyPage).first()
    html = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,))).content.decode()
    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html


def test_the_submit_button_says_the_page_goes_to_the_reviewers(client, editor_user, hub):
    # Wagtail labels it "Submit to <workflow name>"; it once read
    # "Submit to Editor submits -> Reviewer approves".
    client.force_login(editor_user)
    page = hub.get_children().type(CaseStudyPage).first()
    for url in (add_url(hub), reverse("wagtailadmin_pages:edit", args=(page.pk,))):
        html = client.get(url).content.decode()
        assert "Submit to Reviewers" in html
        assert "Editor submits" not in html


def test_submitting_puts_the_case_study_in_moderation_and_not_in_the_api(
    client, editor_user, hub, api
):
    client.force_login(editor_user)
    page = save_new_case_study(client, hub, "Siegen", "siegen")
    # A plain save is a draft; submitting starts the workflow.
    assert page.current_workflow_state is None
    data = edit_form(page, **{"action-submit": "1"})
    client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data)
    page.refresh_from_db()
    state = page.current_workflow_state
    assert state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == "Reviewer approves"
    assert not page.live
    assert "Siegen" not in api_titles(api)
    assert "Siegen" not in hub_teaser_titles(api, hub)
    assert api.get(f"/api/v2/pages/{page.pk}/").status_code == 404
    assert api.get("/api/v2/pages/find/", {"html_path": "/siegen/"}).status_code == 404


def test_changes_in_moderation_to_a_live_case_study_stay_out_of_the_api(client, editor_user, api):
    lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    live_summary = lille.summary
    client.force_login(editor_user)
    data = edit_form(lille, summary="DRAFT WORDING NOBODY APPROVED", **{"action-submit": "1"})
    response = client.post(reverse("wagtailadmin_pages:edit", args=(lille.pk,)), data)
    assert response.status_code == 302
    lille.refresh_from_db()
    assert lille.current_workflow_state is not None
    assert lille.has_unpublished_changes
    body = api.get(f"/api/v2/pages/{lille.pk}/").json()
    assert body["summary"] == live_summary
    listing = api.get("/api/v2/pages/", {"type": "pages.CaseStudyPage", "fields": "summary"})
    assert "DRAFT WORDING" not in listing.content.decode()


def approve(client, page: CaseStudyPage):
    page.refresh_from_db()
    task_state = page.current_workflow_state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    return client.post(url, {"comment": "Looks good."})


def test_a_reviewer_approves_and_the_case_study_is_live_in_the_api_and_the_hub_teasers(
    client, editor_user, reviewer_user, hub, api, django_capture_on_commit_callbacks
):
    client.force_login(editor_user)
    data = case_study_form("Dortmund", "dortmund", "Twinned since 1969.", **{"action-submit": "1"})
    assert client.post(add_url(hub), data).status_code == 302
    page = CaseStudyPage.objects.get(slug="dortmund")
    assert "Dortmund" not in api_titles(api)

    client.force_login(reviewer_user)
    # The API's response cache is invalidated on commit, as it would be in production.
    with django_capture_on_commit_callbacks(execute=True):
        response = approve(client, page)
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    assert page.current_workflow_state is None
    assert "Dortmund" in api_titles(api)
    assert "Dortmund" in hub_teaser_titles(api, hub)
    found = api.get("/api/v2/pages/find/", {"html_path": "/dortmund/"}, follow=True)
    assert found.json()["summary"] == "Twinned since 1969."


def test_an_editor_cannot_approve_their_own_submission(client, editor_user, hub, api):
    client.force_login(editor_user)
    data = case_study_form("Leipzig", "leipzig", "A summary.", **{"action-submit": "1"})
    client.post(add_url(hub), data)
    page = CaseStudyPage.objects.get(slug="leipzig")
    approve(client, page)
    page.refresh_from_db()
    assert not page.live
    assert "Leipzig" not in api_titles(api)


@pytest.mark.parametrize("where", ["tree root", "a case study"])
def test_an_editor_cannot_create_a_case_study_outside_the_hub(client, editor_user, where):
    client.force_login(editor_user)
    parent = (
        Page.get_first_root_node()
        if where == "tree root"
        else CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    )
    data = case_study_form("Stray", "stray", "Outside the hub.")
    assert client.get(add_url(parent)).status_code in (302, 403)
    client.post(add_url(parent), data)
    assert not CaseStudyPage.objects.filter(slug="stray").exists()
