"""Each site has its own front end (admin: Settings > Front end): "View live", page URLs, the API's
html_url and the redirect of page URLs on the CMS host go to that site's front end; a site that
sets none uses the FRONTEND_URL setting."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page, Site

from pages.models import CaseStudyPage, FrontendSettings
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


def test_a_changed_front_end_url_applies_at_once_also_to_cached_api_responses(
    api, two_sites, monkeypatch
):
    monkeypatch.setattr("api.cache.RACE_MARGIN_NS", 0)  # store a response rendered just now
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
