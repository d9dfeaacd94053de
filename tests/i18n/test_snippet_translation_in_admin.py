"""A translator translates a partner city and a network through wagtail-localize's own admin
views (the snippet listing's "Translate" button, the translation editor), a reviewer publishes
it ("Publish in French": partner cities and networks go through review like pages, so the
Editors group may translate but not publish), and the French hub's JSON then embeds the French
snippet."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail_localize.models import StringSegment, Translation

from pages.models import HubPage, Network, PartnerCity

pytestmark = pytest.mark.django_db

CASES = [
    pytest.param(
        PartnerCity,
        "Dortmund",
        "summary",
        "partner_cities",
        "cities",
        "Ville partenaire depuis 1969 : échanges scolaires, sport et culture.",
        id="partner city",
    ),
    pytest.param(
        Network,
        "Eurocities",
        "role",
        "networks",
        "networks",
        "Présidence du groupe de travail « Enfance et jeunesse »",
        id="network",
    ),
]


@pytest.fixture
def reviewer_client(db):
    """A member of the "Reviewers" group from the migrations: publishes translations."""
    user = get_user_model().objects.create_user("rene", "rene@example.com", "pw-rene-1")
    user.groups.add(Group.objects.get(name="Reviewers"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def translator_client(db):
    """A member of the "Editors" group from the migrations, and nothing more: the group alone
    lets them submit translations (cms/migrations/0004)."""
    user = get_user_model().objects.create_user("camille", "camille@example.com", "pw-camille-1")
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


def editor_props(client, edit_url: str) -> dict:
    """What wagtail-localize's translation editor (a React app) is told it may do."""
    html = client.get(edit_url).content.decode()
    return json.loads(
        unescape(re.search(r'class="js-translation-editor" data-props="([^"]*)"', html)[1])
    )


def french_hub_embedded(api, block_type: str, key: str) -> dict[str, dict]:
    hub = HubPage.objects.get(depth=2, locale__language_code="fr")
    body = api.get(f"/api/v2/pages/{hub.pk}/").json()["body"]
    block = next(b["value"] for b in body if b["type"] == block_type)
    return {item["name"]: item for item in block[key]}


@pytest.mark.parametrize(("model", "name", "field", "block_type", "key", "french"), CASES)
def test_a_translator_translates_a_snippet_in_the_admin_and_the_french_hub_embeds_it(
    translator_client, reviewer_client, api, fr, model, name, field, block_type, key, french
):
    english = model.objects.get(name=name, locale__language_code="en")
    assert french_hub_embedded(api, block_type, key)[name]["meta"]["fallback"] is True
    opts = model._meta
    submit_url = reverse(
        "wagtail_localize:submit_snippet_translation",
        args=[opts.app_label, opts.model_name, english.pk],
    )

    # The snippet listing offers "Translate" for the untranslated English object.
    listing = translator_client.get(
        reverse(f"wagtailsnippets_{opts.app_label}_{opts.model_name}:list")
    )
    assert listing.status_code == 200
    assert submit_url in listing.content.decode()

    # "Translate" -> pick French -> submit.
    form = translator_client.get(submit_url)
    assert form.status_code == 200 and "French" in form.content.decode()
    response = translator_client.post(submit_url, {"locales": [fr.pk]})
    assert response.status_code == 302, response.content[:500]
    translation = Translation.objects.get(
        source__object_id=english.translation_key, target_locale=fr
    )
    target = translation.get_target_instance()
    assert target.locale == fr and getattr(target, field) == getattr(english, field)

    # The French object's edit view is wagtail-localize's translation editor.
    edit_url = reverse(f"wagtailsnippets_{opts.app_label}_{opts.model_name}:edit", args=[target.pk])
    editor = translator_client.get(edit_url)
    assert editor.status_code == 200
    assert "wagtail_localize/admin/edit_translation.html" in [t.name for t in editor.templates]
    assert f"Translation of {name} into French" in editor.content.decode()

    # Translate one segment, as the editor's text box does.
    segment = StringSegment.objects.get(source=translation.source, context__path=field)
    response = translator_client.put(
        reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk]),
        urlencode({"value": french}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201, response.content

    # The translator may not publish it: no "Publish" in the editor, and posting it changes
    # nothing.
    assert editor_props(translator_client, edit_url)["perms"]["canPublish"] is False
    translator_client.post(edit_url, {"action": "publish"})
    target.refresh_from_db()
    assert getattr(target, field) != french

    # A reviewer publishes the translation from the same editor.
    assert editor_props(reviewer_client, edit_url)["perms"]["canPublish"] is True
    response = reviewer_client.post(edit_url, {"action": "publish"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert getattr(target, field) == french

    embedded = french_hub_embedded(api, block_type, key)[name]
    assert (embedded["id"], embedded["meta"]["locale"], embedded["meta"]["fallback"]) == (
        target.pk,
        "fr",
        False,
    )
    assert embedded[field] == french
    english_hub = HubPage.objects.get(depth=2, locale__language_code="en")
    english_body = api.get(f"/api/v2/pages/{english_hub.pk}/").json()["body"]
    assert french not in str(english_body)


def test_syncing_translations_publishes_them_only_for_a_reviewer(
    translator_client, reviewer_client, api, fr
):
    """wagtail-localize's "Sync translated snippets" offers "Publish immediately" to reviewers
    only (a member of Editors posting it anyway is ignored): a sync never publishes past
    review."""
    from wagtail_localize.models import TranslationSource

    english = PartnerCity.objects.get(name="Lille", locale__language_code="en")
    french = PartnerCity.objects.get(name="Lille", locale__language_code="fr")
    french_summary = french.summary
    english.summary = "A new English summary."
    english.save_revision().publish()
    source = TranslationSource.objects.get(object_id=english.translation_key, locale=english.locale)
    url = reverse("wagtail_localize:update_translations", args=[source.pk])

    assert (
        'type="checkbox" name="publish_translations"'
        not in translator_client.get(url).content.decode()
    )
    assert (
        'type="checkbox" name="publish_translations"' in reviewer_client.get(url).content.decode()
    )
    assert translator_client.post(url, {"publish_translations": "on"}).status_code == 302
    french.refresh_from_db()
    assert french.summary == french_summary  # synced, not published

    assert reviewer_client.post(url, {"publish_translations": "on"}).status_code == 302
    french.refresh_from_db()
    assert french.summary == "A new English summary."  # untranslated text falls back to English
