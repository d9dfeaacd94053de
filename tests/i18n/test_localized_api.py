"""What a front end gets in another language: locale filters, translations, fallbacks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pages.models import CaseStudyPage, HubPage, Network, PartnerCity
from tests.factories import CaseStudyPageFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def page_in(language, **lookup):
    return (
        HubPage.objects.get(depth=2, locale__language_code=language)
        if not lookup
        else CaseStudyPage.objects.get(locale__language_code=language, **lookup)
    )


def listing(api, **query):
    response = api.get("/api/v2/pages/", query)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def follow_find(api, html_path):
    response = api.get("/api/v2/pages/find/", {"html_path": html_path})
    if response.status_code != 302:
        return response
    return api.get(response["Location"])


def embedded(body, block_type):
    value = next(block["value"] for block in body if block["type"] == block_type)
    return value["cities"] if block_type == "partner_cities" else value["networks"]


def test_the_french_listing_lists_only_french_pages(api):
    items = listing(api, locale="fr")
    assert {(i["meta"]["locale"], i["meta"]["path"]) for i in items} == {
        ("fr", "/fr/"),
        ("fr", "/fr/lille/"),
    }
    assert [i["title"] for i in listing(api, locale="fr", type="pages.CaseStudyPage")] == ["Lille"]


def test_a_listing_without_locale_is_in_the_source_language(api):
    items = listing(api)
    assert items and {i["meta"]["locale"] for i in items} == {"en"}
    assert len(listing(api, type="pages.CaseStudyPage")) == 4


def test_a_language_without_pages_lists_nothing(api):
    assert listing(api, locale="de") == []


def test_translation_of_lists_the_other_languages_of_a_page(api):
    english = page_in("en", slug="lille")
    french = page_in("fr", slug="lille")
    assert [i["id"] for i in listing(api, translation_of=english.pk)] == [french.pk]
    assert [i["id"] for i in listing(api, translation_of=french.pk)] == [english.pk]


@pytest.mark.parametrize(
    ("html_path", "language", "title"),
    [
        ("/fr/", "fr", "Une ville qui défend la coopération internationale"),
        ("/fr/lille/", "fr", "Lille"),
        ("/lille/", "en", "Lille"),
    ],
)
def test_find_resolves_language_prefixed_paths(api, html_path, language, title):
    data = follow_find(api, html_path).json()
    assert (data["meta"]["locale"], data["meta"]["path"], data["title"]) == (
        language,
        html_path,
        title,
    )


def test_every_detail_lists_its_translations_for_a_language_switcher(api):
    english, french = page_in("en"), page_in("fr")
    en_meta = api.get(f"/api/v2/pages/{english.pk}/").json()["meta"]
    fr_meta = api.get(f"/api/v2/pages/{french.pk}/").json()["meta"]
    assert en_meta["translations"] == [
        {"locale": "fr", "id": french.pk, "title": french.title, "path": "/fr/"}
    ]
    assert fr_meta["locale"] == "fr"
    assert fr_meta["translations"] == [
        {"locale": "en", "id": english.pk, "title": english.title, "path": "/"}
    ]


def test_a_page_without_translation_says_so_and_has_no_localized_path(api):
    page = page_in("en", slug="bambisanani-partnership")
    assert api.get(f"/api/v2/pages/{page.pk}/").json()["meta"]["translations"] == []
    missing = follow_find(api, "/fr/bambisanani-partnership/")
    assert missing.status_code == 404 and missing.json()["message"]


def test_the_french_hub_embeds_french_snippets_and_falls_back_to_english_ones(api):
    body = api.get(f"/api/v2/pages/{page_in('fr').pk}/").json()["body"]
    cities = {c["name"]: c for c in embedded(body, "partner_cities")}
    assert list(cities) == ["Lille", "Dortmund", "Hangzhou", "Brno", "Durban"]
    assert (cities["Lille"]["meta"]["locale"], cities["Lille"]["meta"]["fallback"]) == ("fr", False)
    assert cities["Lille"]["summary"].startswith("Première ville partenaire officielle")
    assert cities["Lille"]["country"] == "FR"
    assert cities["Lille"]["agreements"][0]["title"] == "Twinning agreement"  # synchronized
    assert (cities["Dortmund"]["meta"]["locale"], cities["Dortmund"]["meta"]["fallback"]) == (
        "en",
        True,
    )
    assert all(
        n["meta"]["fallback"] and n["meta"]["locale"] == "en" for n in embedded(body, "networks")
    )


def test_an_english_page_embeds_english_snippets_without_fallback(api):
    body = api.get(f"/api/v2/pages/{page_in('en').pk}/").json()["body"]
    assert {
        (c["meta"]["locale"], c["meta"]["fallback"]) for c in embedded(body, "partner_cities")
    } == {("en", False)}


def test_a_snippet_translated_later_replaces_the_fallback(api):
    eurocities = Network.objects.get(name="Eurocities")
    french = eurocities.copy_for_translation(page_in("fr").locale)
    french.role = "Présidence du groupe de travail Enfance et jeunesse"
    french.save()
    body = api.get(f"/api/v2/pages/{page_in('fr').pk}/").json()["body"]
    network = embedded(body, "networks")[0]
    assert (network["id"], network["meta"]["locale"], network["meta"]["fallback"]) == (
        french.pk,
        "fr",
        False,
    )
    assert network["role"] == "Présidence du groupe de travail Enfance et jeunesse"


def test_a_french_case_study_links_its_french_partner_city(api):
    data = api.get(f"/api/v2/pages/{page_in('fr', slug='lille').pk}/").json()
    assert data["related_partner_city"]["meta"]["locale"] == "fr"
    assert data["related_partner_city"]["meta"]["fallback"] is False
    assert data["summary"].startswith("Fort de liens éducatifs")


def test_snippets_are_localized_with_one_query_per_model_whatever_their_number(api):
    hub = page_in("fr")

    def queries_per_table():
        with CaptureQueriesContext(connection) as queries:
            body = api.get(f"/api/v2/pages/{hub.pk}/").json()["body"]
        sql = [q["sql"] for q in queries.captured_queries]
        return (
            len(embedded(body, "networks")),
            sum('FROM "pages_network"' in q for q in sql),
            sum('FROM "pages_partnercity"' in q for q in sql),
        )

    # One query loads the chosen networks, one finds their French translations (same for
    # partner cities)...
    assert queries_per_table() == (3, 2, 2)
    # ...and three more untranslated networks to fall back on cost no more.
    block = next(b for b in hub.body if b.block_type == "networks")
    block.value["networks"].extend(NetworkFactory(name=f"Extra network {i}") for i in range(3))
    hub.save_revision().publish()
    assert queries_per_table() == (6, 2, 2)


def test_snippet_listings_in_french_show_every_object_in_french_where_translated(api):
    response = api.get("/api/v2/partner-cities/", {"locale": "fr"})
    items = {item["name"]: item for item in response.json()["items"]}
    assert len(items) == 5
    assert items["Lille"]["meta"]["locale"] == "fr"
    assert items["Dortmund"]["meta"]["locale"] == "en"
    assert (items["Lille"]["meta"]["fallback"], items["Dortmund"]["meta"]["fallback"]) == (
        False,
        True,
    )
    english = api.get("/api/v2/partner-cities/").json()["items"]
    assert {item["meta"]["locale"] for item in english} == {"en"} and len(english) == 5


def test_a_translated_snippet_has_its_own_detail_url(api):
    french = PartnerCity.objects.get(name="Lille", locale__language_code="fr")
    data = api.get(f"/api/v2/partner-cities/{french.pk}/").json()
    assert data["meta"]["locale"] == "fr" and data["summary"].startswith("Première")


def test_a_page_link_on_the_french_hub_goes_to_the_french_page_where_one_exists(api):
    body = api.get(f"/api/v2/pages/{page_in('fr').pk}/").json()["body"]
    cta = next(block["value"] for block in body if block["type"] == "call_to_action")
    french_lille = page_in("fr", slug="lille")
    assert cta["page"]["id"] == french_lille.pk
    assert (cta["page"]["locale"], cta["page"]["path"], cta["url"]) == (
        "fr",
        "/fr/lille/",
        "/fr/lille/",
    )
    assert cta["page"]["fallback"] is False


def test_a_draft_translation_is_not_linked(api):
    french_lille = page_in("fr", slug="lille")
    french_lille.unpublish()
    body = api.get(f"/api/v2/pages/{page_in('fr').pk}/").json()["body"]
    cta = next(block["value"] for block in body if block["type"] == "call_to_action")
    assert (cta["page"]["locale"], cta["page"]["path"]) == ("en", "/lille/")
    assert cta["page"]["fallback"] is True


# --- case-study teasers on a translated hub ---------------------------------------------------
HAND_PICKED = [
    "lille",
    "eurocities-working-group-children-and-young-people",
    "g20-global-smart-cities-alliance",
    "bambisanani-partnership",
]


@pytest.fixture
def hand_picked(db):
    """Both hubs' teasers blocks hand-pick the four seeded English case studies (the seed's
    hub lists the latest instead; wagtail-localize keeps a translated hub's choosers pointing
    at the English pages)."""
    chosen = [page_in("en", slug=slug) for slug in HAND_PICKED]
    for language in ("en", "fr"):
        hub = page_in(language)
        block = next(b for b in hub.body if b.block_type == "case_study_teasers")
        block.value["case_studies"].extend(chosen)
        hub.save_revision().publish()


def chosen_teasers(api, hub) -> list[dict]:
    body = api.get(f"/api/v2/pages/{hub.pk}/").json()["body"]
    block = next(b["value"] for b in body if b["type"] == "case_study_teasers")
    return block["case_studies"]["items"]


def test_teasers_chosen_on_the_french_hub_are_french_or_flag_their_english_fallback(
    api, hand_picked
):
    items = chosen_teasers(api, page_in("fr"))
    french_lille = page_in("fr", slug="lille")
    assert [(i["id"], i["locale"], i["path"], i["fallback"]) for i in items] == [
        (french_lille.pk, "fr", "/fr/lille/", False),
        *(
            (page_in("en", slug=slug).pk, "en", f"/{slug}/", True)
            for slug in (
                "eurocities-working-group-children-and-young-people",
                "g20-global-smart-cities-alliance",
                "bambisanani-partnership",
            )
        ),
    ]
    assert items[0]["summary"].startswith("Fort de liens éducatifs")


def test_teasers_chosen_on_the_english_hub_are_english_without_fallback(api, hand_picked):
    items = chosen_teasers(api, page_in("en"))
    assert len(items) == 4
    assert {(i["locale"], i["fallback"]) for i in items} == {("en", False)}


def test_a_case_study_translated_later_replaces_its_teaser_fallback(api, hand_picked):
    hub = page_in("fr")
    before = {i["path"]: i for i in chosen_teasers(api, hub)}
    assert before["/bambisanani-partnership/"]["fallback"] is True

    english = page_in("en", slug="bambisanani-partnership")
    french = english.copy_for_translation(hub.locale)
    french.title = "Le partenariat Bambisanani"
    french.save_revision().publish()

    items = chosen_teasers(api, hub)
    assert len(items) == 4
    teaser = items[3]
    assert (teaser["id"], teaser["title"], teaser["locale"], teaser["fallback"]) == (
        french.pk,
        "Le partenariat Bambisanani",
        "fr",
        False,
    )
    assert teaser["path"] == "/fr/bambisanani-partnership/"


def test_an_unpublished_translation_is_not_a_teaser_the_source_stands_in(api, hand_picked):
    page_in("fr", slug="lille").unpublish()
    lille = chosen_teasers(api, page_in("fr"))[0]
    assert (lille["id"], lille["locale"], lille["fallback"]) == (
        page_in("en", slug="lille").pk,
        "en",
        True,
    )


def test_the_french_hubs_automatic_teasers_are_its_own_french_case_studies(api):
    hub = page_in("fr")
    teasers = api.get(f"/api/v2/pages/{hub.pk}/").json()["meta"]["case_study_teasers"]
    assert teasers["total_count"] == 1
    assert [(i["path"], i["locale"], i["fallback"]) for i in teasers["items"]] == [
        ("/fr/lille/", "fr", False)
    ]


def test_localizing_chosen_teasers_costs_the_same_queries_whatever_their_number(
    api, hand_picked, settings
):
    settings.API_CACHE_ENABLED = False
    hub = page_in("fr")

    def hub_queries():
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"/api/v2/pages/{hub.pk}/").status_code == 200
        return len(queries.captured_queries)

    hub_queries()  # warm Django's and Wagtail's per-process caches (content types, sites)
    few = hub_queries()
    block = next(b for b in hub.body if b.block_type == "case_study_teasers")
    extra = [CaseStudyPageFactory(title=f"Extra story {i}") for i in range(3)]
    for page in extra[:2]:  # two with a French version, one falling back
        page.copy_for_translation(hub.locale).save_revision().publish()
    block.value["case_studies"].extend(extra)
    hub.save_revision().publish()
    items = chosen_teasers(api, hub)
    assert [i["fallback"] for i in items[4:]] == [False, False, True]
    assert hub_queries() == few
