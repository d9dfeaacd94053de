"""A translated partner city or network has its own draft and live state: the French hub and
`?locale=fr` show a French object only while it is live (its live version, not a newer draft),
and fall back to the English one, flagged, while the French one is a draft or unpublished."""

from __future__ import annotations

import pytest
from wagtail_localize.operations import translate_object

from pages.models import HubPage, Network, PartnerCity
from tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db

DRAFT_SUMMARY = "Brouillon : nouvelle coopération universitaire."


def french_hub_cities(api) -> dict[str, dict]:
    hub = HubPage.objects.get(depth=2, locale__language_code="fr")
    body = api.get(f"/api/v2/pages/{hub.pk}/").json()["body"]
    cities = next(b["value"]["cities"] for b in body if b["type"] == "partner_cities")
    return {city["name"]: city for city in cities}


def french_listing(api, endpoint: str = "partner-cities") -> dict[str, dict]:
    response = api.get(f"/api/v2/{endpoint}/", {"locale": "fr", "fields": "*", "limit": 100})
    assert response.status_code == 200
    return {item["name"]: item for item in response.json()["items"]}


@pytest.fixture
def french_lille(db) -> PartnerCity:
    return PartnerCity.objects.get(name="Lille", locale__language_code="fr")


def test_a_newer_draft_of_a_french_city_leaves_its_live_text_in_place(api, french_lille):
    live_summary = french_lille.summary
    french_lille.summary = DRAFT_SUMMARY
    french_lille.save_revision()  # a draft of the translation
    assert french_hub_cities(api)["Lille"]["summary"] == live_summary
    assert french_listing(api)["Lille"]["summary"] == live_summary
    assert (
        DRAFT_SUMMARY not in api.get(f"/api/v2/partner-cities/{french_lille.pk}/").json()["summary"]
    )


def test_an_unpublished_french_city_gives_way_to_the_english_one(api, french_lille):
    english = PartnerCity.objects.get(name="Lille", locale__language_code="en")
    french_lille.unpublish()
    embedded = french_hub_cities(api)["Lille"]
    assert (embedded["id"], embedded["meta"]["locale"], embedded["meta"]["fallback"]) == (
        english.pk,
        "en",
        True,
    )
    listed = french_listing(api)["Lille"]
    assert (listed["id"], listed["meta"]["locale"]) == (english.pk, "en")
    assert api.get(f"/api/v2/partner-cities/{french_lille.pk}/").status_code == 404


def test_translating_a_draft_network_makes_a_french_draft_that_shows_nowhere(api, fr):
    network = NetworkFactory(name="Energy Cities", live=False)
    network.save_revision()
    translate_object(network, [fr])
    french = Network.objects.get(translation_key=network.translation_key, locale=fr)
    assert not french.live
    assert "Energy Cities" not in french_listing(api, "networks")

    # The English network is published: it stands in for its French draft, flagged.
    network.save_revision().publish()
    listed = french_listing(api, "networks")["Energy Cities"]
    assert (listed["id"], listed["meta"]["locale"]) == (network.pk, "en")
