"""Shared fixtures. The seed is loaded once per test database (it is what every user sees
first); each test then runs in a transaction that is rolled back."""

from __future__ import annotations

import functools
import shutil

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test.client import Client
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


@functools.cache
def contract():
    from api.openapi import document
    from tests.contract import Contract

    return Contract(document())


@pytest.fixture(autouse=True)
def _every_api_answer_matches_the_openapi_document(monkeypatch):
    """Every answer the test client (Django's or DRF's) receives under /api/ is checked
    against /api/v2/openapi.json: a documented path and status, JSON, valid against the
    status's schema (tests/contract.py). A test that gets an answer the document does not
    describe fails, whatever it asserts itself."""
    request = Client.request

    def checked_request(self, **environ):
        response = request(self, **environ)
        path = environ.get("PATH_INFO", "")
        if path.startswith("/api/") and not getattr(response, "streaming", False):
            contract().check(
                environ.get("REQUEST_METHOD", "GET"),
                path,
                environ.get("QUERY_STRING", ""),
                response.status_code,
                response,
                response.content,
            )
        return response

    monkeypatch.setattr(Client, "request", checked_request)


@pytest.fixture
def hub(db):
    from pages.models import HubPage

    return HubPage.objects.get(depth=2, locale__language_code="en")


@pytest.fixture
def editor(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("editor", "editor@example.com", "pw-editor-1")
