"""A cached API answer never outlives a change to anything it shows: every change moves the
content generation (api/cache/), and each test reads an answer until it is cached, changes
what it shows, and checks what the next reader gets."""

from __future__ import annotations

import pytest
from wagtail.models import Page, PageViewRestriction

from pages.models import CaseStudyPage, HubPage, Network, PartnerCity
from pages.routing import public_path
from tests.factories import AgreementFactory, CaseStudyPageFactory, ImageFactory

pytestmark = pytest.mark.django_db

LISTING = "/api/v2/pages/"


def titles(response) -> list[str]:
    return [item["title"] for item in response.json()["items"]]


def cached(read, url, **params):
    """Read twice: the answer is in the cache now, so serving it stale would be possible."""
    read(url, **params)
    return read(url, **params)


def lille() -> CaseStudyPage:
    return CaseStudyPage.objects.get(slug="lille", locale__language_code="en")


def test_a_second_read_is_served_from_the_cache_with_the_same_body(read, hub):
    first = read(f"/api/v2/pages/{hub.pk}/")
    second = read(f"/api/v2/pages/{hub.pk}/")
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert second.content == first.content


def test_publishing_a_new_case_study_shows_at_once_in_listing_teasers_and_find(
    read, hub, committed
):
    cached(read, LISTING, type="pages.CaseStudyPage")
    cached(read, f"/api/v2/pages/{hub.pk}/")
    page = committed(lambda: CaseStudyPageFactory(title="Freshly published", slug="fresh"))

    assert "Freshly published" in titles(read(LISTING, type="pages.CaseStudyPage"))
    teasers = read(f"/api/v2/pages/{hub.pk}/").json()["meta"]["case_study_teasers"]
    assert page.pk in [item["id"] for item in teasers["items"]]
    assert read("/api/v2/pages/find/", html_path="/fresh/").status_code == 302


def test_republishing_a_page_changes_its_detail_listing_and_find(read, committed):
    page = lille()
    cached(read, f"/api/v2/pages/{page.pk}/")
    cached(read, LISTING, type="pages.CaseStudyPage")
    cached(read, "/api/v2/pages/find/", html_path="/lille/")

    def edit():
        page.title = "Lille, renamed"
        page.slug = "lille-renamed"
        page.save_revision().publish()

    committed(edit)
    assert read(f"/api/v2/pages/{page.pk}/").json()["title"] == "Lille, renamed"
    assert "Lille, renamed" in titles(read(LISTING, type="pages.CaseStudyPage"))
    # The old path is now an old URL: it answers where the page went (Wagtail's redirect).
    assert read("/api/v2/pages/find/", html_path="/lille/").json()["location"] == "/lille-renamed/"
    assert read("/api/v2/pages/find/", html_path="/lille-renamed/").status_code == 302


def test_unpublishing_the_hub_hides_every_cached_case_study(read, hub, committed):
    page = lille()
    cached(read, f"/api/v2/pages/{page.pk}/")
    committed(lambda: hub.unpublish())
    assert read(f"/api/v2/pages/{page.pk}/").status_code == 404
    assert read(f"/api/v2/pages/{hub.pk}/").status_code == 404


def test_unpublishing_a_page_drops_it_from_cached_detail_and_listing(read, committed):
    page = lille()
    cached(read, f"/api/v2/pages/{page.pk}/")
    cached(read, LISTING)
    committed(lambda: page.unpublish())
    assert read(f"/api/v2/pages/{page.pk}/").status_code == 404
    assert "Lille" not in titles(read(LISTING))


def test_deleting_a_page_drops_it_from_cached_detail_listing_and_hub(read, hub, committed):
    page = lille()
    cached(read, f"/api/v2/pages/{page.pk}/")
    cached(read, LISTING)
    cached(read, f"/api/v2/pages/{hub.pk}/")
    committed(lambda: page.delete())
    assert read(f"/api/v2/pages/{page.pk}/").status_code == 404
    assert "Lille" not in titles(read(LISTING))
    teasers = read(f"/api/v2/pages/{hub.pk}/").json()["meta"]["case_study_teasers"]
    assert page.pk not in [item["id"] for item in teasers["items"]]


def test_moving_a_page_to_another_hub_changes_its_cached_path(read, hub, committed):
    page = committed(lambda: CaseStudyPageFactory(title="On the move", slug="on-the-move"))
    other_hub = HubPage.objects.exclude(locale=hub.locale).filter(depth=2).first()
    cached(read, f"/api/v2/pages/{page.pk}/")
    cached(read, "/api/v2/pages/find/", html_path="/on-the-move/")
    committed(lambda: Page.objects.get(pk=page.pk).move(other_hub, pos="last-child"))
    detail = read(f"/api/v2/pages/{page.pk}/").json()
    assert detail["meta"]["parent"]["id"] == other_hub.pk
    assert read("/api/v2/pages/find/", html_path="/on-the-move/").status_code == 404


def test_restricting_a_page_hides_its_cached_detail(read, committed):
    page = lille()
    cached(read, f"/api/v2/pages/{page.pk}/")
    cached(read, LISTING)
    committed(
        lambda: PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
    )
    assert read(f"/api/v2/pages/{page.pk}/").status_code == 404
    assert "Lille" not in titles(read(LISTING))


def test_saving_a_partner_city_updates_every_page_that_embeds_it(read, hub, committed):
    page = lille()
    city = PartnerCity.objects.get(pk=page.related_partner_city_id)
    cached(read, f"/api/v2/pages/{hub.pk}/")
    cached(read, f"/api/v2/pages/{page.pk}/")
    cached(read, "/api/v2/partner-cities/")
    cached(read, f"/api/v2/partner-cities/{city.pk}/")

    def rename():
        city.name = "Lille-Métropole"
        city.save()

    committed(rename)
    assert read(f"/api/v2/pages/{page.pk}/").json()["related_partner_city"]["name"] == (
        "Lille-Métropole"
    )
    assert "Lille-Métropole" in read(f"/api/v2/pages/{hub.pk}/").content.decode()
    assert "Lille-Métropole" in read("/api/v2/partner-cities/").content.decode()
    assert read(f"/api/v2/partner-cities/{city.pk}/").json()["name"] == "Lille-Métropole"


def test_adding_an_agreement_updates_the_partner_city_everywhere(read, committed):
    page = lille()
    city = PartnerCity.objects.get(pk=page.related_partner_city_id)
    cached(read, f"/api/v2/pages/{page.pk}/")
    committed(lambda: AgreementFactory(city=city, title="Youth exchange"))
    agreements = read(f"/api/v2/pages/{page.pk}/").json()["related_partner_city"]["agreements"]
    assert "Youth exchange" in [a["title"] for a in agreements]


def test_creating_a_network_shows_at_once_in_the_networks_listing(read, committed):
    cached(read, "/api/v2/networks/")
    committed(lambda: Network.objects.create(name="Brand new network", url="https://example.org/"))
    assert "Brand new network" in read("/api/v2/networks/").content.decode()


def test_saving_an_image_updates_pages_that_show_it(read, committed):
    page = lille()
    image = page.hero_image
    cached(read, f"/api/v2/pages/{page.pk}/")
    cached(read, f"/api/v2/images/{image.pk}/")

    def edit():
        image.description = "A new description of the picture"
        image.title = "A new title of the picture"
        image.save()

    committed(edit)
    assert read(f"/api/v2/pages/{page.pk}/").json()["hero_image"]["alt"] == (
        "A new description of the picture"
    )
    assert read(f"/api/v2/images/{image.pk}/").json()["title"] == "A new title of the picture"


def test_uploading_an_image_shows_at_once_in_the_images_listing(read, committed):
    cached(read, "/api/v2/images/")
    image = committed(lambda: ImageFactory(title="Just uploaded"))
    assert image.pk in [item["id"] for item in read("/api/v2/images/").json()["items"]]


def test_renaming_the_hub_updates_breadcrumbs_of_cached_case_studies(read, hub, committed):
    page = lille()
    cached(read, f"/api/v2/pages/{page.pk}/")

    def rename():
        hub.title = "A renamed hub"
        hub.save_revision().publish()

    committed(rename)
    crumbs = read(f"/api/v2/pages/{page.pk}/").json()["meta"]["breadcrumbs"]
    assert crumbs[0]["title"] == "A renamed hub"


def test_publishing_a_translation_updates_the_sources_cached_translations(read, committed):
    from wagtail.models import Locale

    page = lille()
    cached(read, f"/api/v2/pages/{page.pk}/")
    german = Locale.objects.get(language_code="de")
    existing = {
        t["locale"] for t in read(f"/api/v2/pages/{page.pk}/").json()["meta"]["translations"]
    }
    if "de" in existing:
        pytest.fail("the seed already has a German Lille; pick another locale for this test")
    german_hub = HubPage.objects.get(depth=2, locale=page.locale).copy_for_translation(german)
    german_hub.save_revision().publish()

    def translate():
        copy = page.copy_for_translation(german)
        copy.save_revision().publish()

    committed(translate)
    after = read(f"/api/v2/pages/{page.pk}/").json()["meta"]["translations"]
    assert "de" in {t["locale"] for t in after}


def test_draft_saves_keep_cached_responses(read, committed):
    page = lille()
    cached(read, f"/api/v2/pages/{page.pk}/")

    def draft():
        page.title = "A draft title nobody sees yet"
        page.save_revision()

    committed(draft)
    response = read(f"/api/v2/pages/{page.pk}/")
    assert response["X-Cache"] == "HIT"
    assert response.json()["title"] == "Lille"


def test_the_find_path_of_a_translation_is_a_separate_entry(read):
    french = read("/api/v2/pages/find/", html_path="/fr/")
    english = read("/api/v2/pages/find/", html_path="/")
    assert french["Location"] != english["Location"]
    assert public_path(lille()) == "/lille/"
