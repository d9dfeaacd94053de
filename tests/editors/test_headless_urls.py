"""Editors and visitors who open a page on the CMS host end up on the front end."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pages.models import CaseStudyPage
from tests.factories import CaseStudyPageFactory

from .conftest import edit_form

pytestmark = pytest.mark.django_db

FRONT_END = "https://international.example.org"


@pytest.fixture(autouse=True)
def front_end(settings):
    settings.FRONTEND_URL = FRONT_END + "/"


def lille(language: str = "en") -> CaseStudyPage:
    return CaseStudyPage.objects.get(slug="lille", locale__language_code=language)


@pytest.mark.parametrize(
    "path, expected",
    [("/", "/"), ("/lille/", "/lille/"), ("/fr/", "/fr/"), ("/fr/lille/", "/fr/lille/")],
)
def test_a_page_url_on_the_cms_host_redirects_to_the_front_end(client, path, expected):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == FRONT_END + expected


def test_a_draft_page_url_on_the_cms_host_is_not_found(client):
    CaseStudyPageFactory(title="Secret draft", slug="secret-draft", live=False)
    assert client.get("/secret-draft/").status_code == 404


def test_a_pages_public_url_is_on_the_front_end(hub):
    assert hub.full_url == FRONT_END + "/"
    assert lille().full_url == FRONT_END + "/lille/"
    assert lille().url == FRONT_END + "/lille/"
    assert lille("fr").full_url == FRONT_END + "/fr/lille/"


def test_the_api_html_url_is_the_front_end_url(api):
    page = lille()
    meta = api.get(f"/api/v2/pages/{page.pk}/").json()["meta"]
    assert meta["html_url"] == FRONT_END + "/lille/"


def test_view_live_in_the_admin_opens_the_front_end(admin_client, hub):
    html = admin_client.get(reverse("wagtailadmin_explore", args=(hub.pk,))).content.decode()
    assert f'href="{FRONT_END}/lille/"' in html


def test_view_live_after_publishing_opens_the_front_end(admin_client):
    page = lille()
    data = edit_form(page, **{"action-publish": "1"})
    url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    response = admin_client.post(url, data, follow=True)
    html = response.content.decode()
    assert "View live" in html
    assert f'href="{FRONT_END}/lille/"' in html
