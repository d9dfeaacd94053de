"""?search= on /api/v2/pages/: Wagtail's database search backend (PostgreSQL full-text search
when DATABASE_URL points at PostgreSQL, SQLite's FTS by default), in the requested language,
public pages only. The seed is indexed by load_seed itself (conftest loads it once)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from pages.models import CaseStudyPage, HubPage
from tests.factories import CaseStudyPageFactory

pytestmark = pytest.mark.django_db


def search(api, query: str, **params) -> dict:
    response = api.get("/api/v2/pages/", {"search": query, **params})
    assert response.status_code == 200, response.content
    return response.json()


def found_ids(api, query: str, **params) -> set[int]:
    return {item["id"] for item in search(api, query, **params)["items"]}


def hub_in(language: str) -> HubPage:
    return HubPage.objects.get(depth=2, locale__language_code=language)


def test_search_uses_the_database_backend_of_the_configured_database():
    from django.db import connection
    from wagtail.search.backends import get_search_backend

    backend = type(get_search_backend()).__module__
    expected = "postgres" if connection.vendor == "postgresql" else "sqlite"
    assert f"backends.database.{expected}" in backend, backend


def test_seeded_case_study_is_found_by_a_word_of_its_summary(api):
    lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    data = search(api, "educational", type="pages.CaseStudyPage")
    assert lille.pk in {item["id"] for item in data["items"]}
    assert data["meta"]["total_count"] == len(data["items"])


def test_french_query_in_french_finds_the_french_hub_not_the_english_one(api):
    ids = found_ids(api, "coopération", locale="fr")
    assert hub_in("fr").pk in ids
    assert hub_in("en").pk not in ids


def test_english_query_in_english_finds_the_english_hub_not_the_french_one(api):
    ids = found_ids(api, "vibrant", locale="en")
    assert hub_in("en").pk in ids
    assert hub_in("fr").pk not in ids


def test_english_query_finds_nothing_in_french(api):
    assert found_ids(api, "vibrant", locale="fr") == set()


def test_search_without_locale_stays_in_the_default_language(api):
    ids = found_ids(api, "coopération")
    assert hub_in("fr").pk not in ids
    assert hub_in("en").pk in found_ids(api, "vibrant")


def test_french_case_study_is_found_by_its_french_summary(api):
    lille_fr = CaseStudyPage.objects.get(slug="lille", locale__language_code="fr")
    assert lille_fr.pk in found_ids(api, "jumelage", locale="fr")
    assert lille_fr.pk not in found_ids(api, "jumelage", locale="en")


def test_a_page_published_now_is_found_at_once(api):
    page = CaseStudyPageFactory(title="Kitakyushu environmental exchange")
    assert page.pk in found_ids(api, "Kitakyushu")


def test_draft_pages_are_never_found(api):
    CaseStudyPageFactory(title="Zanzibarwordone draft", live=False)
    data = search(api, "Zanzibarwordone")
    assert data["items"] == [] and data["meta"]["total_count"] == 0


def test_an_unpublished_draft_of_a_live_page_is_not_searchable(api):
    page = CaseStudyPageFactory(title="Ouagadougou water partnership")
    page.title = "Quixotically renamed draft"
    page.summary = "Quixotically changed summary"
    page.save_revision()
    assert found_ids(api, "Quixotically") == set()
    assert page.pk in found_ids(api, "Ouagadougou")


def test_private_pages_and_their_children_are_never_found(api, hub):
    private = CaseStudyPageFactory(title="Valparaisoword private case study")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    grouped = CaseStudyPageFactory(title="Valparaisoword group-only case study")
    restriction = PageViewRestriction.objects.create(page=grouped, restriction_type="groups")
    restriction.groups.set([Group.objects.get(name="Editors")])
    data = search(api, "Valparaisoword")
    assert data["items"] == [] and data["meta"]["total_count"] == 0


def test_unpublished_page_leaves_the_results(api):
    page = CaseStudyPageFactory(title="Tegucigalpa street lighting")
    assert page.pk in found_ids(api, "Tegucigalpa")
    page.unpublish()
    assert found_ids(api, "Tegucigalpa") == set()


def test_hub_is_found_by_a_word_of_its_introduction_or_body(api):
    assert hub_in("fr").pk in found_ids(api, "nouons", locale="fr")  # introduction
    assert hub_in("en").pk in found_ids(api, "apartheid")  # a section of the body


ODD_QUERIES = ['"', "'", 'lille"', "AND", "OR NOT", "NEAR(", "*", "-", "a:b", "(", "^", "\\"]
ODD_QUERIES += ["%", "_", "lille\x00", "l" * 5000, "' OR 1=1 --", "漢字", "  "]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_search_queries_answer_json_not_a_server_error(api, query):
    response = api.get("/api/v2/pages/", {"search": query})
    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json")


def test_unknown_search_operator_is_a_400(api):
    response = api.get("/api/v2/pages/", {"search": "lille", "search_operator": "xor"})
    assert response.status_code == 400
    assert response.json()["message"] == "search_operator must be 'and' or 'or', got 'xor'"


@pytest.mark.parametrize("endpoint", ["images", "documents", "partner-cities", "networks"])
def test_a_stray_quote_in_any_search_is_not_a_server_error(api, endpoint):
    response = api.get(f"/api/v2/{endpoint}/", {"search": 'lille"'})
    assert response.status_code == 200, response.content
