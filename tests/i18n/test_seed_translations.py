"""The seed's French hub and Lille come from PO files, through wagtail-localize."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from wagtail.models import Locale, Page
from wagtail_localize.models import StringTranslation, Translation

from pages.models import HubPage

pytestmark = pytest.mark.django_db


def french_pages():
    return sorted(
        Page.objects.filter(locale__language_code="fr").values_list(
            "id", "title", "latest_revision_id", "live"
        )
    )


def test_every_configured_content_language_has_a_locale():
    codes = {code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES}
    assert set(Locale.objects.values_list("language_code", flat=True)) >= codes


def test_the_seeds_french_hub_is_fully_translated_through_the_po_workflow(fr):
    english = HubPage.objects.get(depth=2, locale__language_code="en")
    translation = Translation.objects.get(
        source__object_id=english.translation_key, target_locale=fr
    )
    total, translated = translation.get_progress()
    assert total > 25 and translated == total
    assert StringTranslation.objects.filter(locale=fr, tool_name="load_seed").count() >= total
    french = english.get_translation(fr)
    assert french.live and french.title == "Une ville qui défend la coopération internationale"


def test_rerunning_the_seed_leaves_the_translations_as_they_are():
    before = french_pages()
    output = io.StringIO()
    call_command("load_seed", stdout=output)
    assert french_pages() == before and len(before) == 2
    assert "0 created, 0 updated" in output.getvalue()


def test_a_translators_change_survives_a_rerun_even_after_the_source_changed(fr):
    english = HubPage.objects.get(depth=2, locale__language_code="en")
    english.hero_caption = "Leeds welcomes the Chinese Olympic Committee"
    english.save_revision().publish()
    french = english.get_translation(fr)
    french.title = "Leeds, ville de la coopération internationale"
    french.save_revision().publish()

    output = io.StringIO()
    call_command("load_seed", stdout=output)
    french.refresh_from_db()
    assert french.title == "Leeds, ville de la coopération internationale"
    assert "kept translation:fr:page:hub" in output.getvalue()
