"""A translation whose English source changed since it was last synced says so: in the admin
(dashboard, the translation's own edit view, the source's edit view) and in the API's meta."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail_localize.models import Translation

from pages.models import CaseStudyPage, HubPage, PartnerCity
from tests.factories import CaseStudyPageFactory

pytestmark = pytest.mark.django_db

NEW_SUMMARY = "Leeds and Lille: partners since 1968, and friends for longer."


def lille(language: str) -> CaseStudyPage:
    return CaseStudyPage.objects.get(slug="lille", locale__language_code=language)


def meta(api, page) -> dict:
    response = api.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200
    return response.json()["meta"]


def change_english_lille() -> CaseStudyPage:
    english = lille("en")
    english.summary = NEW_SUMMARY
    english.save_revision().publish()
    return english


def sync_url(page) -> str:
    translation = Translation.objects.get(
        source__object_id=page.translation_key, target_locale__language_code="fr"
    )
    return reverse("wagtail_localize:update_translations", args=[translation.source.pk])


def test_the_api_says_a_translation_is_out_of_date_until_it_is_synced(api, translator):
    assert meta(api, lille("fr"))["translation_out_of_date"] is False
    assert meta(api, lille("en"))["translation_out_of_date"] is None  # the source

    english = change_english_lille()
    assert meta(api, lille("fr"))["translation_out_of_date"] is True

    # "Sync translated pages" without publishing the French page: the cached answer goes too.
    response = translator.post(sync_url(english), {})
    assert response.status_code == 302
    assert meta(api, lille("fr"))["translation_out_of_date"] is False


def test_a_page_nobody_translated_has_no_out_of_date_flag(api):
    page = CaseStudyPage.objects.get(slug="bambisanani-partnership")
    assert meta(api, page)["translation_out_of_date"] is None


def test_listings_leave_the_flag_out_and_it_costs_nothing_there(api):
    items = api.get("/api/v2/pages/", {"locale": "fr", "fields": "*"}).json()["items"]
    assert items and all("translation_out_of_date" not in item["meta"] for item in items)


def test_a_saved_draft_or_a_new_child_of_the_source_is_not_something_to_translate(api):
    english = lille("en")
    english.summary = "A draft nobody has approved yet."
    english.save_revision()  # not published
    CaseStudyPageFactory(title="A new English case study")  # the English hub gets a child
    assert meta(api, lille("fr"))["translation_out_of_date"] is False
    french_hub = HubPage.objects.get(depth=2, locale__language_code="fr")
    assert meta(api, french_hub)["translation_out_of_date"] is False


def test_a_snippet_translation_is_flagged_on_its_detail(api):
    english = PartnerCity.objects.get(name="Lille", locale__language_code="en")
    french = PartnerCity.objects.get(name="Lille", locale__language_code="fr")
    detail = f"/api/v2/partner-cities/{french.pk}/"
    assert api.get(detail).json()["meta"]["translation_out_of_date"] is False
    english.summary = "Leeds' first partner city, since 1968."
    english.save()
    assert api.get(detail).json()["meta"]["translation_out_of_date"] is True
    listing = api.get("/api/v2/partner-cities/", {"locale": "fr"}).json()["items"]
    assert all("translation_out_of_date" not in item["meta"] for item in listing)


def dashboard_section(client) -> str:
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    return html.split("Translations out of date", 1)[1].split("<h3>", 1)[0]


def test_the_dashboard_lists_out_of_date_translations_with_a_sync_link(translator):
    assert "Every translation is up to date." in dashboard_section(translator)

    english = change_english_lille()
    section = dashboard_section(translator)
    assert "Lille" in section and "French" in section
    assert sync_url(english) in section
    assert reverse("wagtailadmin_pages:edit", args=[english.pk]) in section
    assert "Dortmund" not in section  # never translated: nothing to sync

    translator.post(sync_url(english), {})
    assert "Every translation is up to date." in dashboard_section(translator)


def test_the_dashboard_lists_an_out_of_date_snippet_translation(translator):
    english = PartnerCity.objects.get(name="Lille", locale__language_code="en")
    english.summary = "Leeds' first partner city, since 1968."
    english.save()
    section = dashboard_section(translator)
    assert "Lille" in section and "partner city" in section
    assert reverse("wagtailsnippets_pages_partnercity:edit", args=[english.pk]) in section


def test_the_translation_editor_warns_that_its_source_changed(translator):
    french_edit = reverse("wagtailadmin_pages:edit", args=[lille("fr").pk])
    html = translator.get(french_edit).content.decode()
    assert "changed since this translation was last synced" not in html

    english = change_english_lille()
    response = translator.get(french_edit)
    assert "wagtail_localize/admin/edit_translation.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "The English version changed since this translation was last synced" in html
    assert sync_url(english) in html


def test_the_source_page_warns_that_its_translations_are_out_of_date(translator):
    english_edit = reverse("wagtailadmin_pages:edit", args=[lille("en").pk])
    assert "translations of this" not in translator.get(english_edit).content.decode()
    english = change_english_lille()
    html = translator.get(english_edit).content.decode()
    assert "The translations of this case study are out of date" in html
    assert sync_url(english) in html
