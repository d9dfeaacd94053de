"""A request reads the site its Host names, by Wagtail's own rules (`Site.find_for_request`):
hostname and port, then hostname on the default site, then the default site."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from wagtail.models import Page, Site

from tests.factories import HubPageFactory

pytestmark = pytest.mark.django_db

HOSTS = [
    "testserver",
    "unknown.example",
    "twinning.example",
    "twinning.example:8080",
    "twinning.example:9000",
    "shared.example",
    "shared.example:8080",
]


@pytest.fixture
def sites(settings):
    settings.ALLOWED_HOSTS = ["*"]
    root = Page.get_first_root_node()
    twinning = HubPageFactory(title="Twinning", slug="twinning", parent=root)
    twinning_8080 = HubPageFactory(title="Twinning 8080", slug="twinning-8080", parent=root)
    shared = HubPageFactory(title="Shared", slug="shared", parent=root)
    Site.objects.create(hostname="twinning.example", port=80, root_page=twinning)
    Site.objects.create(hostname="twinning.example", port=8080, root_page=twinning_8080)
    Site.objects.create(hostname="shared.example", port=80, root_page=shared)


def hubs_listed(api, host: str) -> list[int]:
    response = api.get("/api/v2/pages/", {"type": "pages.HubPage"}, HTTP_HOST=host)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def hubs_of_wagtails_site(host: str) -> list[int]:
    site = Site.find_for_request(RequestFactory().get("/", HTTP_HOST=host))
    return [site.root_page_id] if site is not None else []


@pytest.mark.parametrize("host", HOSTS)
def test_each_host_reads_the_site_wagtail_finds_for_it(api, sites, host):
    assert hubs_listed(api, host) == hubs_of_wagtails_site(host)


def test_a_host_of_no_site_reads_the_default_site(api, sites):
    default = Site.objects.get(is_default_site=True)

    assert hubs_listed(api, "unknown.example") == [default.root_page_id]
