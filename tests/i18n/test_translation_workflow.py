"""A translator's path through wagtail-localize's own admin views, down to the JSON."""

from __future__ import annotations

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail_localize.models import StringSegment, Translation
from wagtail_localize.operations import translate_object

from pages.models import CaseStudyPage, Network
from pages.translation import out_of_date
from tests.factories import CaseStudyPageFactory
from tests.i18n.conftest import fill

pytestmark = pytest.mark.django_db

FRENCH = {
    "Twinning in Roubaix": "Jumelage à Roubaix",
    "Summary of a twinning": "Résumé d’un jumelage – « l’été des écoles » ✨",
    "Schools exchange letters every spring.": "Les écoles échangent des lettres chaque printemps.",
}


def submit_for_translation(translator, page, locale):
    response = translator.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
        {"locales": [locale.pk]},
    )
    assert response.status_code == 302, response.content[:500]
    return Translation.objects.get(source__object_id=page.translation_key, target_locale=locale)


def publish_translation(translator, translation, django_capture_on_commit_callbacks):
    target = translation.get_target_instance()
    with django_capture_on_commit_callbacks(execute=True):
        response = translator.post(
            reverse("wagtailadmin_pages:edit", args=[target.pk]), {"action": "publish"}
        )
    assert response.status_code in (200, 302), response.content[:500]
    return CaseStudyPage.objects.get(pk=target.pk)


def english_page():
    return CaseStudyPageFactory(
        title="Twinning in Roubaix",
        slug="roubaix",
        summary="Summary of a twinning",
        body=[{"type": "paragraph", "value": "<p>Schools exchange letters every spring.</p>"}],
    )


def test_po_export_edit_import_publish_and_the_api_shows_the_french_text(
    translator, api, fr, django_capture_on_commit_callbacks
):
    page = english_page()
    translation = submit_for_translation(translator, page, fr)

    download = translator.get(reverse("wagtail_localize:download_pofile", args=[translation.pk]))
    assert download.status_code == 200
    po = polib.pofile(download.content.decode("utf-8"))
    assert {"Twinning in Roubaix", "Summary of a twinning"} <= {e.msgid for e in po}

    edited = str(fill(po, FRENCH)).encode("utf-8")
    upload = translator.post(
        reverse("wagtail_localize:upload_pofile", args=[translation.pk]),
        {"file": SimpleUploadedFile("roubaix-fr.po", edited, "text/x-gettext-translation")},
    )
    assert upload.status_code == 302
    assert translation.get_progress() == (4, 3)  # the slug is left as it is

    french = publish_translation(translator, translation, django_capture_on_commit_callbacks)
    assert french.live and french.locale == fr

    found = api.get("/api/v2/pages/find/", {"html_path": "/fr/roubaix/"})
    assert found.status_code == 302
    data = api.get(found["Location"]).json()
    assert data["title"] == "Jumelage à Roubaix"
    assert data["summary"] == FRENCH["Summary of a twinning"]
    assert data["body"][0]["value"] == "<p>Les écoles échangent des lettres chaque printemps.</p>"
    assert data["meta"]["locale"] == "fr" and data["meta"]["path"] == "/fr/roubaix/"
    assert {"locale": "en", "id": page.pk, "title": page.title, "path": "/roubaix/"} in data[
        "meta"
    ]["translations"]


def test_a_translator_translates_one_segment_at_a_time_in_the_editor(
    translator, fr, django_capture_on_commit_callbacks
):
    page = english_page()
    translation = submit_for_translation(translator, page, fr)
    segment = StringSegment.objects.get(source=translation.source, context__path="title")

    response = translator.put(
        reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk]),
        "value=Jumelage+%C3%A0+Roubaix",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201, response.content

    french = publish_translation(translator, translation, django_capture_on_commit_callbacks)
    assert french.title == "Jumelage à Roubaix"
    assert french.summary == "Summary of a twinning"  # untranslated: the source text until done


def test_a_changed_source_marks_the_translation_out_of_date_until_it_is_synced(
    translator, api, fr, django_capture_on_commit_callbacks
):
    english = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    translation = Translation.objects.get(
        source__object_id=english.translation_key, target_locale=fr
    )
    assert not out_of_date(translation.source)
    total, done = translation.get_progress()
    assert total == done

    english.summary = "Leeds and Lille: partners since 1968."
    english.save_revision().publish()
    assert out_of_date(translation.source)

    with django_capture_on_commit_callbacks(execute=True):
        response = translator.post(
            reverse("wagtail_localize:update_translations", args=[translation.source.pk]),
            {"publish_translations": "on"},
        )
    assert response.status_code == 302
    translation.refresh_from_db()
    assert not out_of_date(translation.source)
    # The new English sentence waits for a translator; meanwhile the French page shows it.
    assert translation.get_progress() == (total, done - 1)
    french_id = translation.get_target_instance().pk
    assert api.get(f"/api/v2/pages/{french_id}/").json()["summary"] == english.summary

    po = fill(
        translation.export_po(), {english.summary: "Leeds et Lille : partenaires depuis 1968."}
    )
    translation.import_po(po)
    publish_translation(translator, translation, django_capture_on_commit_callbacks)
    french = api.get(f"/api/v2/pages/{french_id}/").json()
    assert french["summary"] == "Leeds et Lille : partenaires depuis 1968."
    assert french["title"] == "Lille"


def test_a_snippet_is_translated_with_wagtail_localize_and_listed_in_french(api, editor, fr):
    # The snippet admin's "Translate" button calls translate_object; the admin registration
    # of the snippets belongs to the editors' admin, so this goes one step below the view.
    network = Network.objects.get(name="Eurocities")
    translate_object(network, [fr], user=editor)
    translation = Translation.objects.get(
        source__object_id=network.translation_key, target_locale=fr
    )
    role = "Présidence du groupe de travail « Enfance et jeunesse »"
    translation.import_po(fill(translation.export_po(), {network.role: role}))
    translation.save_target(user=editor)

    items = api.get("/api/v2/networks/", {"locale": "fr"}).json()["items"]
    eurocities = next(item for item in items if item["name"] == "Eurocities")
    assert (eurocities["meta"]["locale"], eurocities["role"]) == ("fr", role)
    assert eurocities["url"] == network.url  # synchronized, not translated
    assert len(items) == Network.objects.filter(locale__language_code="en").count()
