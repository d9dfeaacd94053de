"""The same changes that invalidate the response cache purge a CDN, URL by URL."""

from __future__ import annotations

import pytest

from pages.models import CaseStudyPage, PartnerCity
from tests.conftest import CDN_BASE as BASE

pytestmark = pytest.mark.django_db


def lille() -> CaseStudyPage:
    return CaseStudyPage.objects.get(slug="lille", locale__language_code="en")


def test_publishing_a_page_purges_its_detail_find_listing_parent_and_translations(
    cdn, committed, hub
):
    page = lille()
    french = page.get_translations().first()
    committed(lambda: page.save_revision().publish())
    assert f"{BASE}/api/v2/pages/{page.pk}/" in cdn
    assert f"{BASE}/api/v2/pages/find/?html_path=%2Flille%2F" in cdn
    assert f"{BASE}/api/v2/pages/" in cdn
    assert f"{BASE}/api/v2/pages/{hub.pk}/" in cdn
    if french is not None:
        assert f"{BASE}/api/v2/pages/{french.pk}/" in cdn


def test_saving_a_partner_city_purges_it_and_every_page_that_references_it(cdn, committed, hub):
    page = lille()
    city = PartnerCity.objects.get(pk=page.related_partner_city_id)

    def rename():
        city.name = "Lille-Métropole"
        city.save()

    committed(rename)
    assert f"{BASE}/api/v2/partner-cities/{city.pk}/" in cdn
    assert f"{BASE}/api/v2/partner-cities/" in cdn
    assert f"{BASE}/api/v2/pages/{page.pk}/" in cdn  # chosen as its related partner city
    assert f"{BASE}/api/v2/pages/{hub.pk}/" in cdn  # on the hub's timeline


def test_unpublishing_the_hub_purges_every_case_study_below_it(cdn, committed, hub):
    committed(lambda: hub.unpublish())
    for page in CaseStudyPage.objects.child_of(hub):
        assert f"{BASE}/api/v2/pages/{page.pk}/" in cdn


def test_a_rolled_back_change_purges_nothing(cdn):
    page = lille()
    page.save_revision().publish()  # never committed
    assert [url for url in cdn if "/api/" in url] == []


def test_urls_served_with_query_strings_are_purged_with_the_url_they_vary(cdn, committed, api):
    """A CDN caches `/api/v2/pages/?type=...&offset=20` apart from `/api/v2/pages/`; Wagtail's
    purge knows exact URLs only, so the API records the variants it served and purges them."""
    page = lille()
    listing = "/api/v2/pages/?type=pages.CaseStudyPage&fields=%2A&limit=2&offset=2"
    detail = f"/api/v2/pages/{page.pk}/?fields=title"
    find = "/api/v2/pages/find/?html_path=lille&fields=title"
    cities = "/api/v2/partner-cities/?year_from=1960&order=name"
    for url in (listing, detail, find, cities):
        assert api.get(url).status_code in (200, 302)

    committed(lambda: page.save_revision().publish())

    assert f"{BASE}{listing}" in cdn
    assert f"{BASE}{detail}" in cdn
    assert f"{BASE}{find}" in cdn
    assert f"{BASE}{cities}" not in cdn  # a page's publish changes no partner-city listing

    cdn.clear()
    city = PartnerCity.objects.get(pk=page.related_partner_city_id)
    committed(city.save)
    assert f"{BASE}{cities}" in cdn


def test_a_purged_variant_is_purged_again_only_after_it_was_served_again(cdn, committed, api):
    page = lille()
    listing = "/api/v2/pages/?type=pages.CaseStudyPage&limit=3"
    api.get(listing)
    committed(lambda: page.save_revision().publish())
    assert f"{BASE}{listing}" in cdn

    cdn.clear()
    committed(lambda: page.save_revision().publish())
    assert f"{BASE}{listing}" not in cdn  # the CDN no longer holds it: nothing to purge
    assert f"{BASE}/api/v2/pages/" in cdn

    cdn.clear()
    api.get(listing)  # served (and so cached by the CDN) again
    committed(lambda: page.save_revision().publish())
    assert f"{BASE}{listing}" in cdn
