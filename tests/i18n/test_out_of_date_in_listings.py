"""The Partner cities and Networks listings in the admin say which translations are out of date
(a translation behind its English source, or a source whose translations are behind it), with
the sync link, in a constant number of queries whatever the number of rows."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail import hooks
from wagtail.models import Locale
from wagtail_localize.models import TranslationSource

from pages.models import Network, PartnerCity
from pages.translation import translation_for
from tests.factories import PartnerCityFactory

pytestmark = pytest.mark.django_db

CITIES = "wagtailsnippets_pages_partnercity:list"
NETWORKS = "wagtailsnippets_pages_network:list"


def row(html: str, edit_url: str) -> str:
    """The listing's table row that links to an object's edit view, as text (tags dropped)."""
    rows = [r for r in re.findall(r"<tr\b.*?</tr>", html, re.S) if f'href="{edit_url}"' in r]
    assert len(rows) == 1, f"no single row for {edit_url}"
    return rows[0]


def status(html: str, obj) -> str:
    cells = re.findall(r"<td\b.*?</td>", row(html, edit_url(obj)), re.S)
    text = re.sub(r"<[^>]+>", " ", cells[-2])  # the column before "Updated"
    return " ".join(text.split())


def edit_url(obj) -> str:
    return reverse(f"wagtailsnippets_pages_{obj._meta.model_name}:edit", args=(obj.pk,))


def french() -> Locale:
    return Locale.objects.get(language_code="fr")


def sync_url(source_object) -> str:
    source = TranslationSource.objects.get(
        object_id=source_object.translation_key, locale_id=source_object.locale_id
    )
    return reverse("wagtail_localize:update_translations", args=(source.pk,))


def in_french(obj):
    """A published French translation made through wagtail-localize, in sync."""
    translation_for(obj, french()).save_target(publish=True)
    return obj.get_translation(french())


def change(obj, **fields) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()


def test_a_partner_city_translation_behind_its_source_says_so_in_the_listing(admin_client):
    english = PartnerCity.objects.get(name="Lille", locale__language_code="en")
    french_lille = english.get_translation(french())
    dortmund = PartnerCity.objects.get(name="Dortmund", locale__language_code="en")
    html = admin_client.get(reverse(CITIES)).content.decode()
    assert "Translation" in html  # the column
    assert status(html, french_lille) == "up to date" and status(html, english) == "up to date"
    assert status(html, dortmund) in ("", "-", "—")  # nobody translated it

    change(english, summary="Leeds' first partner city, since 1968.")
    html = admin_client.get(reverse(CITIES)).content.decode()
    assert status(html, french_lille) == "out of date Sync"
    assert status(html, english) == "translations out of date Sync"
    assert f'href="{sync_url(english)}"' in row(html, edit_url(french_lille))
    assert status(html, dortmund) in ("", "-", "—")


def test_a_network_translation_behind_its_source_says_so_in_the_listing(admin_client):
    english = Network.objects.get(name="Eurocities")
    french_network = in_french(english)
    html = admin_client.get(reverse(NETWORKS)).content.decode()
    assert status(html, french_network) == "up to date"
    change(english, role="Chair of the Children and Young People working group")
    html = admin_client.get(reverse(NETWORKS)).content.decode()
    assert status(html, french_network) == "out of date Sync"
    assert status(html, english) == "translations out of date Sync"


def test_the_translation_column_costs_the_same_queries_with_one_or_many_stale_translations(
    admin_client, monkeypatch
):
    """wagtail-localize's own row buttons ("Translate", "Sync translated snippets") cost 2-4
    queries per row: its hook, not this column, so it is left out of the count."""
    buttons = "register_snippet_listing_buttons"
    monkeypatch.setitem(
        hooks._hooks,
        buttons,
        [h for h in hooks._hooks[buttons] if not h[0].__module__.startswith("wagtail_localize")],
    )

    def stale_cities(count: int) -> None:
        for index in range(count):
            city = PartnerCityFactory(name=f"Stale city {index}")
            in_french(city)
            change(city, summary=f"Changed after the translation {index}.")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(reverse(CITIES), {"ordering": "name"})
        assert response.status_code == 200
        return len(captured.captured_queries)

    stale_cities(1)
    admin_client.get(reverse(CITIES))  # warm per-process caches (content types, locales)
    few = queries()
    stale_cities(6)
    many = queries()
    html = admin_client.get(reverse(CITIES), {"ordering": "name"}).content.decode()
    assert html.count(">translations out of date<") == 7  # each changed English city
    assert html.count(">out of date<") == 7  # and its French translation
    assert few == many
