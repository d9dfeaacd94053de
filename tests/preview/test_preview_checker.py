"""Wagtail's content checker on a headless preview: the front end gets Wagtail's userbar (with the
checker's axe configuration) for a valid preview token only, and the admin's checker and the
front end's may talk across their two origins."""

import json
import re

import pytest
from django.test import override_settings

from pages.models import CaseStudyPage
from pages.preview import create_preview_token

pytestmark = pytest.mark.django_db

FRONT_END = "https://international.example.org"


@pytest.fixture
def lille(db):
    return CaseStudyPage.objects.get(slug="lille", locale__language_code="en")


def axe_configuration(html: str) -> dict:
    found = re.search(
        r'<script id="checker-axe-configuration" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert found, "no content checker configuration in the page"
    return json.loads(found.group(1))


def userbar(api, **params):
    return api.get("/api/v2/preview/userbar/", params)


def test_the_userbar_for_a_preview_needs_a_valid_token(api):
    missing = userbar(api)
    assert missing.status_code == 400 and "preview_token" in missing.json()["message"]
    forged = userbar(api, preview_token="forged")
    assert forged.status_code == 403
    assert "wagtail-userbar" not in forged.content.decode()


@override_settings(FRONTEND_URL=FRONT_END, FRONTEND_PREVIEW_URL=FRONT_END + "/preview")
def test_the_preview_panels_userbar_carries_wagtails_checker_open_to_the_front_end(api, lille):
    response = userbar(api, preview_token=create_preview_token(lille), in_preview_panel="true")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = response.json()["html"]
    assert "<wagtail-userbar>" in html and "wagtailadmin/js/userbar.js" in html
    assert "<aside hidden" in html  # in the admin's panel the userbar itself stays out of sight
    config = axe_configuration(html)
    assert "alt-text-quality" in config["options"]["runOnly"]  # Wagtail's own rules
    assert config["spec"]["allowedOrigins"] == sorted([FRONT_END, "http://testserver"])


@override_settings(FRONTEND_URL=FRONT_END, FRONTEND_PREVIEW_URL=FRONT_END + "/preview")
def test_the_editors_checks_panel_may_talk_to_the_front_ends_preview(admin_client, lille):
    html = admin_client.get(f"/admin/pages/{lille.pk}/edit/").content.decode()
    assert 'data-side-panel="checks"' in html
    config = axe_configuration(html)
    assert FRONT_END in config["spec"]["allowedOrigins"]
