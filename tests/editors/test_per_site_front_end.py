"""Each site has its own front end (admin: Settings > Front end): "View live", page URLs, the API's
html_url, the redirect of page URLs on the CMS host and the admin's Preview go to that site's
front end; a site that sets none uses the FRONTEND_URL and FRONTEND_PREVIEW_URL settings."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from wagtail.models import Page, Site

from pages.models import CaseStudyPage, FrontendSettings
from pages.preview import create_preview_token
from tests.factories import CaseStudyPageFactory, HubPageFactory

pytestmark = pytest.mark.django_db

DEFAULT_FRONT_END = "https://international.example.org"
OTHER_FRONT_END = "https://twinning.example.net"
OTHER_HOST = "twinning-cms.example.net"


@pytest.fixture
def two_sites(settings, hub):
    """The seeded site (no setting of its own) and a second site with its own hub, case study
    and front end."""
    settings.FRONTEND_URL = DEFAULT_FRONT_END
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, OTHER_HOST]
    other_hub = HubPageFactory(title="Twinning", slug="twinning", parent=Page.get_first_root_node())
    other_site = Site.objects.create(hostname=OTHER_HOST, port=80, root_page=other_hub)
    story = CaseStudyPageFactory(title="Dortmund", slug="dortmund", parent=other_hub)
    FrontendSettings.objects.create(site=other_site, frontend_url=OTHER_FRONT_END + "/")
    lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    return lille, story


def test_each_sites_pages_have_their_own_front_ends_url(two_sites):
    lille, story = two_sites
    assert lille.full_url == DEFAULT_FRONT_END + "/lille/"  # no setting: FRONTEND_URL
    assert story.full_url == OTHER_FRONT_END + "/dortmund/"
    assert story.url == OTHER_FRONT_END + "/dortmund/"
    assert story.get_parent().specific.full_url == OTHER_FRONT_END + "/"


def test_the_api_html_url_follows_the_pages_site(api, two_sites):
    lille, story = two_sites
    assert api.get(f"/api/v2/pages/{lille.pk}/").json()["meta"]["html_url"] == (
        DEFAULT_FRONT_END + "/lille/"
    )
    # The API serves each site's pages on that site's host, as Wagtail's API does.
    assert api.get(f"/api/v2/pages/{story.pk}/", HTTP_HOST=OTHER_HOST).json()["meta"][
        "html_url"
    ] == (OTHER_FRONT_END + "/dortmund/")


def test_a_page_url_on_each_cms_host_redirects_to_that_sites_front_end(client, two_sites):
    response = client.get("/dortmund/", HTTP_HOST=OTHER_HOST)
    assert response.status_code == 302
    assert response["Location"] == OTHER_FRONT_END + "/dortmund/"
    response = client.get("/lille/")
    assert response.status_code == 302
    assert response["Location"] == DEFAULT_FRONT_END + "/lille/"


def test_view_live_in_the_admin_opens_the_pages_own_front_end(admin_client, two_sites):
    _lille, story = two_sites
    explore = reverse("wagtailadmin_explore", args=(story.get_parent().pk,))
    html = admin_client.get(explore).content.decode()
    assert f'href="{OTHER_FRONT_END}/dortmund/"' in html
    assert DEFAULT_FRONT_END not in html


def test_a_changed_front_end_url_applies_at_once_also_to_cached_api_responses(api, two_sites):
    _lille, story = two_sites
    detail = f"/api/v2/pages/{story.pk}/"
    assert (
        api.get(detail, HTTP_HOST=OTHER_HOST).json()["meta"]["html_url"].startswith(OTHER_FRONT_END)
    )
    assert api.get(detail, HTTP_HOST=OTHER_HOST)["X-Cache"] == "HIT"
    setting = FrontendSettings.objects.get(site__hostname=OTHER_HOST)
    setting.frontend_url = "https://new-front-end.example.net"
    setting.save()
    assert CaseStudyPage.objects.get(pk=story.pk).full_url == (
        "https://new-front-end.example.net/dortmund/"
    )
    meta = api.get(detail, HTTP_HOST=OTHER_HOST).json()["meta"]
    assert meta["html_url"] == "https://new-front-end.example.net/dortmund/"

    setting.frontend_url = ""  # emptied: back to FRONTEND_URL
    setting.save()
    assert CaseStudyPage.objects.get(pk=story.pk).full_url == DEFAULT_FRONT_END + "/dortmund/"


def test_editors_set_a_sites_front_end_in_the_admin(admin_client, two_sites):
    site = Site.objects.get(hostname=OTHER_HOST)
    url = reverse("wagtailsettings:edit", args=("pages", "frontendsettings", site.pk))
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Front-end URL" in response.content.decode()
    response = admin_client.post(url, {"frontend_url": "https://edited.example.net"})
    assert response.status_code == 302
    story = CaseStudyPage.objects.get(slug="dortmund")
    assert story.full_url == "https://edited.example.net/dortmund/"


# --- Preview: each site's drafts are previewed on its own front end ----------------------------

DEFAULT_PREVIEW = "https://preview.example.org/draft"


def preview_location(client, page) -> str:
    """Where the admin's Preview of the page's draft sends the editor."""
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=(page.pk,)))
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    return response["Location"]


def test_the_admin_preview_goes_to_each_sites_own_front_end(admin_client, settings, two_sites):
    settings.FRONTEND_PREVIEW_URL = DEFAULT_PREVIEW
    lille, story = two_sites
    # A site with its own front end previews on that front end's /preview ...
    assert preview_location(admin_client, story).startswith(
        OTHER_FRONT_END + "/preview?preview_token="
    )
    # ... a site without a setting on FRONTEND_PREVIEW_URL.
    assert preview_location(admin_client, lille).startswith(DEFAULT_PREVIEW + "?preview_token=")


def test_a_sites_preview_url_takes_the_place_of_its_front_ends_preview(
    admin_client, api, two_sites
):
    _lille, story = two_sites
    setting = FrontendSettings.objects.get(site__hostname=OTHER_HOST)
    setting.preview_url = "https://drafts.twinning.example.net/api/preview?mode=draft"
    setting.save()
    location = preview_location(admin_client, story)
    assert location.startswith(
        "https://drafts.twinning.example.net/api/preview?mode=draft&preview_token="
    )
    # The token in it shows that site's draft.
    token = parse_qs(urlsplit(location).query)["preview_token"][0]
    assert api.get("/api/v2/preview/", {"preview_token": token}).json()["title"] == "Dortmund"


def test_a_new_page_being_created_is_previewed_on_its_sites_front_end(rf, two_sites):
    _lille, story = two_sites
    new_page = CaseStudyPage(title="Not saved yet", slug="not-saved-yet", summary="Draft")
    new_page.set_url_path(story.get_parent())  # what Wagtail's preview on create does
    response = new_page.serve_preview(rf.get("/admin/"), "")
    assert response["Location"].startswith(OTHER_FRONT_END + "/preview?preview_token=")


def test_the_admin_may_frame_each_configured_preview_origin_and_no_other(
    admin_client, settings, two_sites
):
    settings.FRONTEND_PREVIEW_URL = DEFAULT_PREVIEW
    _lille, story = two_sites
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=(story.pk,)))
    frame_src = next(
        directive
        for directive in response["Content-Security-Policy"].split("; ")
        if directive.startswith("frame-src")
    ).split()
    assert OTHER_FRONT_END in frame_src and "https://preview.example.org" in frame_src
    assert "https://drafts.twinning.example.net" not in frame_src  # not configured (yet)


def test_the_content_checker_talks_to_the_pages_own_front_end_only(admin_client, two_sites):
    lille, story = two_sites
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=(story.pk,))).content.decode()
    origins = axe_allowed_origins(html)
    assert OTHER_FRONT_END in origins and DEFAULT_FRONT_END not in origins
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=(lille.pk,))).content.decode()
    origins = axe_allowed_origins(html)
    assert DEFAULT_FRONT_END in origins and OTHER_FRONT_END not in origins


def axe_allowed_origins(html: str) -> list[str]:
    found = re.search(
        r'<script id="checker-axe-configuration" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, "no content checker configuration in the page"
    return json.loads(found.group(1))["spec"]["allowedOrigins"]


def test_a_sites_preview_origin_gets_cors_only_when_configured_in_cors_allowed_origins(
    api, settings, two_sites
):
    """The per-site preview URL does not widen CORS: CORS_ALLOWED_ORIGINS stays the list."""
    _lille, story = two_sites
    token = create_preview_token(story)
    params = {"preview_token": token}
    refused = api.get("/api/v2/preview/", params, HTTP_ORIGIN=OTHER_FRONT_END)
    assert refused.status_code == 200 and "Access-Control-Allow-Origin" not in refused
    settings.CORS_ALLOWED_ORIGINS = [*settings.CORS_ALLOWED_ORIGINS, OTHER_FRONT_END]
    granted = api.get("/api/v2/preview/", params, HTTP_ORIGIN=OTHER_FRONT_END)
    assert granted["Access-Control-Allow-Origin"] == OTHER_FRONT_END
