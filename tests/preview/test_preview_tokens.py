"""Headless preview: a draft is reachable only through a short-lived signed token from the admin."""

from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.test import override_settings

from pages.models import CaseStudyPage
from pages.preview import create_preview_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def lille(db):
    return CaseStudyPage.objects.get(slug="lille", locale__language_code="en")


def save_draft(page, title):
    page.title = title
    page.save_revision()  # a draft: the live page keeps its published title
    return CaseStudyPage.objects.get(pk=page.pk)


def preview(api, token):
    return api.get("/api/v2/preview/", {"preview_token": token})


def token_from_admin_preview(client, page):
    """What the editor's browser is sent to when they preview the page's draft."""
    response = client.get(f"/admin/pages/{page.pk}/view_draft/")
    assert response.status_code == 302
    return response["Location"], parse_qs(urlsplit(response["Location"]).query)["preview_token"][0]


def test_admin_preview_sends_the_editor_to_the_front_end_with_a_token(client, editor, lille):
    save_draft(lille, "Lille, draft title")
    client.force_login(editor)
    location, _token = token_from_admin_preview(client, lille)
    assert location.startswith("http://127.0.0.1:3000/preview?preview_token=")


@override_settings(FRONTEND_PREVIEW_URL="https://preview.example.org/draft")
def test_the_preview_url_is_a_setting_so_a_teams_own_front_end_can_take_its_place(
    client, editor, lille
):
    client.force_login(editor)
    location, _token = token_from_admin_preview(client, lille)
    assert location.startswith("https://preview.example.org/draft?preview_token=")


def test_a_token_shows_the_draft_in_the_page_detail_shape_while_the_api_shows_the_published_page(
    api, client, editor, lille
):
    save_draft(lille, "Lille, draft title")
    client.force_login(editor)
    _location, token = token_from_admin_preview(client, lille)

    draft = preview(api, token)
    assert draft.status_code == 200
    assert draft.json()["title"] == "Lille, draft title"
    published = api.get(f"/api/v2/pages/{lille.pk}/").json()
    assert published["title"] == "Lille"
    assert set(draft.json()) == set(published)
    assert set(draft.json()["meta"]) == set(published["meta"]) | {"preview"}
    assert draft.json()["hero_image"] == published["hero_image"]


def test_a_token_carries_unsaved_changes_for_live_preview(api, lille):
    lille.title = "Typed but not saved"
    response = preview(api, create_preview_token(lille))
    assert response.json()["title"] == "Typed but not saved"
    assert CaseStudyPage.objects.get(pk=lille.pk).title == "Lille"


def test_without_a_token_the_preview_endpoint_answers_400_json_and_nothing_of_the_draft(api, lille):
    save_draft(lille, "Secret draft title")
    response = api.get("/api/v2/preview/")
    assert response.status_code == 400
    assert response.json()["message"] == "A preview_token is required."
    assert "Secret draft title" not in response.content.decode()


def test_a_forged_or_tampered_token_is_refused(api, lille):
    lille.title = "Secret draft title"
    token = create_preview_token(lille)
    for bad in (token[:-2] + "xx", "not-a-token", token.replace(":", ".", 1)):
        response = preview(api, bad)
        assert response.status_code == 403, bad
        assert "Secret draft title" not in response.content.decode()


@override_settings(PREVIEW_TOKEN_MAX_AGE=300)
def test_a_token_expires_after_preview_token_max_age(api, lille):
    lille.title = "Secret draft title"
    token = create_preview_token(lille)
    assert preview(api, token).status_code == 200
    import time

    later = time.time() + 301
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = preview(api, token)
    assert response.status_code == 403
    assert "expired" in response.json()["message"]
    assert "Secret draft title" not in response.content.decode()


def test_a_token_is_scoped_to_the_revision_it_was_made_from(api, lille):
    first = save_draft(lille, "First draft").get_latest_revision_as_object()
    token = create_preview_token(first)
    cache.clear()  # the snapshot is gone (another worker, or evicted): the revision remains
    save_draft(CaseStudyPage.objects.get(pk=lille.pk), "Second draft")
    assert preview(api, token).json()["title"] == "First draft"


def test_preview_responses_are_never_cached(api, lille):
    ok = preview(api, create_preview_token(lille))
    refused = preview(api, "not-a-token")
    for response in (ok, refused):
        assert response["Cache-Control"] == "private, no-store"


def test_the_front_end_origin_may_read_previews_cross_origin(api, lille):
    response = api.get(
        "/api/v2/preview/",
        {"preview_token": create_preview_token(lille)},
        HTTP_ORIGIN="http://127.0.0.1:3000",
    )
    assert response["Access-Control-Allow-Origin"] == "http://127.0.0.1:3000"
    assert "Access-Control-Allow-Credentials" not in response
