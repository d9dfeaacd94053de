"""Shared fixtures. The seed is loaded once per test database (it is what every user sees
first); each test then runs in a transaction that is rolled back."""

from __future__ import annotations

import shutil

import pytest
from django.conf import settings
from django.core.cache import caches
from rest_framework.test import APIClient


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from pages.seed import SeedLoader, load_seed_file

    with django_db_blocker.unblock():
        SeedLoader(load_seed_file(), log=lambda message: None).run()
        SeedLoader(load_seed_file(), log=lambda message: None).prepare_renditions()


@pytest.fixture(scope="session", autouse=True)
def _clean_media():
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_caches():
    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def hub(db):
    from pages.models import HubPage

    return HubPage.objects.get(depth=2, locale__language_code="en")


@pytest.fixture
def editor(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("editor", "editor@example.com", "pw-editor-1")
