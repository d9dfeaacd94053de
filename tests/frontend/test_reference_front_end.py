"""The reference front end, in a real browser, on its own origin: everything it shows comes
from the JSON API through real CORS requests."""

import re

import pytest

# django_db: the test database must exist even when only browser tests run; each test runs in
# a rolled-back transaction that the live server shares on SQLite.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

PARTNER_CITIES = ["Lille", "Dortmund", "Hangzhou", "Brno", "Durban"]


def open_path(page, front_end, path="/"):
    page.goto(front_end.url + path)
    page.wait_for_selector("main h1")
    return page


def test_hub_renders_every_section_and_all_partner_cities_from_the_api_without_console_errors(
    site, browser_page
):
    live_server, front_end = site
    api_requests = []
    browser_page.on(
        "request",
        lambda r: (
            r.url.startswith(live_server.url + "/api/")
            and r.resource_type == "fetch"  # images (<img>, no CORS) come from /api/ too
            and api_requests.append(r)
        ),
    )
    page = open_path(browser_page, front_end)

    assert page.locator("h1").inner_text() == "A city that champions international cooperation"
    assert page.locator(".introduction").inner_text().startswith("Leeds has a long")
    assert page.locator(".partner-city h3").all_inner_texts() == [
        f"{name} {country}"
        for name, country in zip(PARTNER_CITIES, ["FR", "DE", "CN", "CZ", "ZA"], strict=True)
    ]
    assert page.locator(".networks .network").count() >= 3
    assert page.locator(".key-figure strong").all_inner_texts()[:2] == ["190", "39"]
    assert page.locator(".teasers .teaser h3").count() == 4
    assert page.locator(".section h2").first.inner_text() == "Partners from Europe to China"
    assert page.locator(".cta a").first.get_attribute("href") == "/lille/"
    # Responsive images at the layout's widths (made on request): AVIF/WebP sources, JPEG
    # fallback.
    hero = page.locator("article.hub > figure picture")
    srcset = hero.locator("source[type='image/webp']").get_attribute("srcset")
    assert [entry.rsplit(" ", 1)[1] for entry in srcset.split(", ")] == [
        "320w",
        "640w",
        "960w",
        "1200w",
        "1920w",
    ]
    loaded = "[...document.querySelectorAll(SELECTOR)].every(i => i.complete && i.naturalWidth)"
    page.wait_for_function(loaded.replace("SELECTOR", "'img[loading=eager]'"))
    page.locator(".teasers").scroll_into_view_if_needed()
    page.wait_for_function(loaded.replace("SELECTOR", "'.teasers img'"))
    assert api_requests and all(
        r.all_headers().get("origin") == front_end.url for r in api_requests
    )
    assert page.console.errors == []


def test_hub_screenshots_at_desktop_and_mobile_widths(site, browser_page, artifacts):
    _live_server, front_end = site
    page = open_path(browser_page, front_end)
    for name, width, height in (("desktop", 1280, 900), ("mobile", 390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(100)
        path = artifacts / f"hub-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
    # On a phone the page is one column: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_navigate_from_the_hub_to_a_case_study_and_back(site, browser_page):
    _live_server, front_end = site
    page = open_path(browser_page, front_end)
    page.locator(".teasers a", has_text="Lille").click()
    page.wait_for_url(re.compile(r"/lille/$"))
    page.wait_for_selector("article.case-study h1")
    assert page.locator("h1").inner_text() == "Lille"
    assert page.locator(".breadcrumbs a").inner_text().startswith("A city that champions")
    assert page.locator(".themes li").count() >= 3
    page.go_back()
    page.wait_for_selector("article.hub h1")
    assert page.url == front_end.url + "/"
    assert page.console.errors == []


def test_language_switcher_shows_the_french_hub(site, browser_page):
    _live_server, front_end = site
    page = open_path(browser_page, front_end)
    page.locator(".languages a[hreflang='fr']").click()
    page.wait_for_url(re.compile(r"/fr/$"))
    page.wait_for_function("document.documentElement.lang === 'fr'")
    assert page.locator("article.hub h1").inner_text() != (
        "A city that champions international cooperation"
    )
    assert page.locator(".languages [aria-current]").inner_text() == "Français"
    assert page.console.errors == []


def test_unknown_paths_and_an_unreachable_api_get_a_clear_message(site, browser_page):
    _live_server, front_end = site
    page = open_path(browser_page, front_end, "/no-such-page/")
    assert page.locator("[role=alert] h1").inner_text() == "Page not found"

    from tests.frontend.conftest import FrontEnd

    offline = FrontEnd("http://127.0.0.1:9")  # nothing listens on the discard port
    try:
        page.goto(offline.url + "/")
        page.wait_for_selector("[role=alert]")
        assert page.locator("[role=alert] h1").inner_text() == "Content unavailable"
    finally:
        offline.stop()


def test_an_origin_that_is_not_allowed_gets_no_cors_grant(site, browser_page):
    live_server, _front_end = site
    # The same front end on another origin (localhost is not in CORS_ALLOWED_ORIGINS).
    from tests.frontend.conftest import FrontEnd

    stranger = FrontEnd(live_server.url, host="localhost")
    try:
        failed = []
        browser_page.on("requestfailed", lambda r: "/api/" in r.url and failed.append(r.url))
        browser_page.goto(stranger.url + "/")
        browser_page.wait_for_selector("[role=alert]")
        assert browser_page.locator("[role=alert] h1").inner_text() == "Content unavailable"
        assert failed, "the browser asked the API and refused to hand the answer to the page"
        answer = browser_page.request.get(
            f"{live_server.url}/api/v2/pages/find/?html_path=/",
            headers={"Origin": stranger.url},
            max_redirects=0,
        )
        assert "access-control-allow-origin" not in answer.headers
    finally:
        stranger.stop()


@pytest.fixture
def french_hub_hand_picks_the_seeded_case_studies(site):
    """The French hub's teasers block chooses the four English case studies (the seed's lists
    the latest, which on the French hub are only its own French ones); rolled back."""
    from pages.models import CaseStudyPage, HubPage

    chosen = CaseStudyPage.objects.filter(locale__language_code="en").order_by("path")
    hub = HubPage.objects.get(depth=2, locale__language_code="fr")
    block = next(b for b in hub.body if b.block_type == "case_study_teasers")
    block.value["case_studies"].extend(chosen)
    hub.save_revision().publish()


def test_the_french_hub_marks_english_fallbacks_with_their_language_and_a_note(
    site, french_hub_hand_picks_the_seeded_case_studies, browser_page
):
    """Items the API serves in English in place of a missing French translation
    (`fallback: true`) carry lang="en" and a short note in French; translated items neither."""
    _live_server, front_end = site
    page = open_path(browser_page, front_end, "/fr/")
    page.wait_for_function("document.documentElement.lang === 'fr'")
    teasers = page.locator(".teasers .teaser")
    assert teasers.count() == 4
    lille = teasers.filter(has=page.locator("a[href='/fr/lille/']"))
    assert lille.get_attribute("lang") is None and lille.locator(".untranslated").count() == 0
    english = teasers.filter(has_not=page.locator("a[href='/fr/lille/']"))
    assert english.count() == 3
    for index in range(3):
        teaser = english.nth(index)
        assert teaser.get_attribute("lang") == "en"
        note = teaser.locator(".untranslated")
        assert note.inner_text() == "Pas encore traduit" and note.get_attribute("lang") == "fr"
        assert note.is_visible()
    # Snippets too: the French Lille, the other partner cities and the networks in English.
    cities = page.locator(".partner-city")
    assert cities.first.get_attribute("lang") is None
    assert [cities.nth(i).get_attribute("lang") for i in range(1, cities.count())] == ["en"] * 4
    assert page.locator(".partner-city .untranslated").count() == 4
    networks = page.locator(".networks .network")
    assert networks.count() >= 3
    assert page.locator(".networks .network[lang='en'] .untranslated").count() == networks.count()
    assert page.console.errors == []


def test_the_english_hub_has_no_translation_notes(site, browser_page):
    _live_server, front_end = site
    page = open_path(browser_page, front_end, "/")
    page.wait_for_selector(".teasers .teaser")
    assert page.locator(".untranslated").count() == 0
    assert page.locator("main [lang]").count() == 0


def test_a_case_study_shows_its_related_network_and_its_citys_agreements_in_words(
    site, browser_page
):
    _live_server, front_end = site
    page = open_path(
        browser_page, front_end, "/eurocities-working-group-children-and-young-people/"
    )
    network = page.locator("aside.related-network")
    assert network.locator("h2").inner_text() == "Network: Eurocities"
    assert "Working Group Children and Young People" in network.locator(".role").inner_text()
    page = open_path(browser_page, front_end, "/lille/")
    agreements = page.locator("aside.related-city .agreement").all_inner_texts()
    assert agreements == ["Twinning agreement: signed (1968)", "New cooperation agreement: planned"]
    # The hub's timeline words statuses in the reader's language: Dortmund's renewal in French.
    page = open_path(browser_page, front_end, "/fr/")
    page.wait_for_function("document.documentElement.lang === 'fr'")
    dortmund = page.locator(".partner-city", has_text="Dortmund")
    assert (
        "Cooperation agreement: renouvelé (2021-02)"
        in dortmund.locator(".agreement").all_inner_texts()
    )
    assert page.console.errors == []


def test_an_old_url_redirects_to_where_the_page_is_now(site, browser_page):
    from wagtail.contrib.redirects.models import Redirect

    from pages.models import CaseStudyPage
    from tests.editors.browser import django_orm

    _live_server, front_end = site
    with django_orm():
        lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
        Redirect.add_redirect("/lille-twinning", redirect_to=lille)
    page = open_path(browser_page, front_end, "/lille-twinning/")
    page.wait_for_url(re.compile(r"/lille/$"))
    assert page.locator("article.case-study h1").inner_text() == "Lille"
    page = open_path(browser_page, front_end, "/fr/lille-twinning/")
    page.wait_for_url(re.compile(r"/fr/lille/$"))
    assert page.console.errors == []


def test_pages_name_their_other_languages_and_images_come_at_the_layouts_widths(site, browser_page):
    _live_server, front_end = site
    page = open_path(browser_page, front_end, "/lille/")
    page.wait_for_selector("article.case-study h1")
    alternates = page.eval_on_selector_all(
        'link[rel="alternate"][hreflang]', "links => links.map(l => [l.hreflang, l.href])"
    )
    assert ["fr", front_end.url + "/fr/lille/"] in alternates
    assert ["en", front_end.url + "/lille/"] in alternates
    image = page.locator("picture img").first
    image.scroll_into_view_if_needed()
    assert "/resize/?width=640&format=jpeg 640w" in image.get_attribute("srcset")
    page.wait_for_function("document.querySelector('picture img').naturalWidth > 0")
    assert page.console.errors == []


def test_sitemap_xml_lists_every_language_with_hreflang_alternates(site, browser_page):
    _live_server, front_end = site
    response = browser_page.request.get(front_end.url + "/sitemap.xml")
    assert response.status == 200
    xml = response.text()
    assert f"<loc>{front_end.url}/lille/</loc>" in xml
    assert f"<loc>{front_end.url}/fr/lille/</loc>" in xml
    assert f'hreflang="fr" href="{front_end.url}/fr/lille/"' in xml
