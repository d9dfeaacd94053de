"""Chinese, Czech diacritics and emoji come back byte for byte: admin, PO files, API."""

from __future__ import annotations

import io
import json

import polib
import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Locale
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from tests.factories import CaseStudyPageFactory
from tests.i18n.conftest import fill

pytestmark = pytest.mark.django_db

BRNO = "Brno – Jihomoravský kraj"
CZECH_SUMMARY = "Partnerství měst Leeds a Brno: příliš žluťoučký kůň úpěl ďábelské ódy 🤝"
CHINESE_TITLE = "杭州：人间天堂 🌸"
CHINESE_SUMMARY = "利兹与杭州自二十世纪八十年代末结为友好城市。"


def test_chinese_czech_and_emoji_round_trip_through_the_page_admin_and_api(translator, api):
    page = CaseStudyPageFactory(title="Brno", slug="brno")
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = querydict_from_html(
        translator.get(url).content.decode("utf-8"), form_id="page-edit-form"
    )
    # The StreamField editor is drawn by JavaScript: post its fields as the browser would.
    body = nested_form_data(
        {"body": streamfield([("paragraph", rich_text(f"<p>{CHINESE_SUMMARY}</p>"))])}
    )
    form.update(body)
    form["title"], form["summary"], form["action-publish"] = BRNO, CZECH_SUMMARY, "1"
    response = translator.post(url, form)
    assert response.status_code == 302, response.content[:300]

    raw = api.get(f"/api/v2/pages/{page.pk}/").content
    data = json.loads(raw)
    assert (data["title"], data["summary"]) == (BRNO, CZECH_SUMMARY)
    assert data["body"][0]["value"].endswith(f">{CHINESE_SUMMARY}</p>")  # Draftail keys <p>
    for text in (BRNO, CZECH_SUMMARY, CHINESE_SUMMARY):
        assert text.encode("utf-8") in raw  # UTF-8 in the bytes, not \\u escapes


def test_chinese_and_czech_translations_round_trip_through_po_files(api, tmp_path):
    page = CaseStudyPageFactory(
        title="Hangzhou", slug="hangzhou", summary="Partners since the late 1980s."
    )
    for language, title, summary in (
        ("zh-hans", CHINESE_TITLE, CHINESE_SUMMARY),
        ("cs", BRNO, CZECH_SUMMARY),
    ):
        exported = io.StringIO()
        call_command(
            "translation_po", "export", "--page", "/hangzhou/", "--locale", language,
            stdout=exported,
        )  # fmt: skip
        po = fill(
            polib.pofile(exported.getvalue()),
            {"Hangzhou": title, "Partners since the late 1980s.": summary},
        )
        path = tmp_path / f"hangzhou-{language}.po"
        path.write_bytes(str(po).encode("utf-8"))
        call_command(
            "translation_po", "import", str(path), "--page", "/hangzhou/", "--locale", language,
            stdout=io.StringIO(),
        )  # fmt: skip

        translated = page.get_translation(Locale.objects.get(language_code=language))
        response = api.get(f"/api/v2/pages/{translated.pk}/")
        data = response.json()
        assert (data["title"], data["summary"]) == (title, summary)
        assert data["meta"]["path"] == f"/{language}/hangzhou/"
        assert summary.encode("utf-8") in response.content

        again = io.StringIO()
        call_command(
            "translation_po", "export", "--page", "/hangzhou/", "--locale", language,
            stdout=again,
        )  # fmt: skip
        assert {e.msgid: e.msgstr for e in polib.pofile(again.getvalue())}["Hangzhou"] == title
