"""A listing whose items are all stored is answered from two SQL statements
(api/materialised_listing.py) with exactly the bytes a render gives, and with the same pages
and count: nothing hidden, nothing from another site."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from pages.models import CaseStudyPage
from tests.factories import CaseStudyPageFactory, HubPageFactory

pytestmark = pytest.mark.django_db

LISTING = "/api/v2/pages/?type=pages.CaseStudyPage"
OTHER_HOST = "twinning-cms.example.net"


@pytest.fixture(autouse=True)
def _response_cache_off(settings):
    settings.API_CACHE_ENABLED = False
    settings.API_MATERIALISED_ENABLED = True


def rendered(api, settings, url: str, **extra) -> bytes:
    settings.API_MATERIALISED_ENABLED = False
    try:
        return api.get(url, **extra).content
    finally:
        settings.API_MATERIALISED_ENABLED = True


def served_from_store(api, url: str, **extra):
    """The second read of a listing: every item is stored by then."""
    api.get(url, **extra)
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url, **extra)
    assert response.status_code == 200
    assert response["X-Materialised"] == "HIT"
    return response, len(ctx.captured_queries)


def test_a_stored_listing_is_two_queries_and_the_rendered_bytes_for_any_page(api, settings):
    for n in range(5):
        CaseStudyPageFactory(title=f"Listed {n}", slug=f"listed-{n}")
    total = CaseStudyPage.objects.live().filter(locale__language_code="en").count()
    for query in (
        "&fields=*",
        "&fields=*&limit=3",
        "&fields=*&limit=2&offset=3",
        "&limit=4&offset=1",
        "&fields=*&limit=0",
        f"&fields=*&offset={total + 5}",
    ):
        response, queries = served_from_store(api, LISTING + query)
        assert queries == 2, query
        assert response.content == rendered(api, settings, LISTING + query), query
        assert response.json()["meta"]["total_count"] == total


def test_a_stored_listing_neither_lists_nor_counts_hidden_pages(api, settings, hub):
    draft = CaseStudyPageFactory(title="Draft", slug="draft", live=False)
    private = CaseStudyPageFactory(title="Private", slug="private")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    expired = CaseStudyPageFactory(title="Expired", slug="expired")
    CaseStudyPage.objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    url = LISTING + "&fields=*&limit=50"
    response, _queries = served_from_store(api, url)
    listed = {item["id"] for item in response.json()["items"]}
    assert not listed & {draft.pk, private.pk, expired.pk}
    assert response.json()["meta"]["total_count"] == len(listed)
    assert response.content == rendered(api, settings, url)


def test_a_stored_listing_on_another_sites_host_lists_that_sites_pages(api, settings, hub):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, OTHER_HOST]
    other_hub = HubPageFactory(title="Twinning", slug="twinning", parent=Page.get_first_root_node())
    Site.objects.create(hostname=OTHER_HOST, port=80, root_page=other_hub)
    story = CaseStudyPageFactory(title="Dortmund", slug="dortmund", parent=other_hub)
    url = LISTING + "&fields=*&limit=50"

    other, _queries = served_from_store(api, url, HTTP_HOST=OTHER_HOST)
    assert [item["id"] for item in other.json()["items"]] == [story.pk]
    assert other.content == rendered(api, settings, url, HTTP_HOST=OTHER_HOST)

    default, _queries = served_from_store(api, url)
    assert story.pk not in {item["id"] for item in default.json()["items"]}
    assert default.content == rendered(api, settings, url)


def test_a_listing_with_an_item_not_stored_yet_is_rendered_and_stores_it(api, settings):
    url = LISTING + "&fields=*&limit=50"
    api.get(url)
    CaseStudyPageFactory(title="Newcomer", slug="newcomer")
    first = api.get(url)
    assert first["X-Materialised"] == "MISS"
    assert "Newcomer" in [item["title"] for item in first.json()["items"]]
    second = api.get(url)
    assert second["X-Materialised"] == "HIT"
    assert second.content == first.content == rendered(api, settings, url)
