"""Translators' fixtures: a logged-in admin client and the site's locales."""

from __future__ import annotations

import pytest
from django.test import Client
from wagtail.models import Locale


@pytest.fixture
def translator(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def fr(db):
    return Locale.objects.get(language_code="fr")


def fill(po, translations: dict[str, str]):
    """A translator's edit of a downloaded PO file: msgstr for every msgid given."""
    for entry in po:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
    return po
