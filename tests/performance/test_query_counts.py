"""One request renders a page with a constant number of SQL queries.

Each test renders the same kind of page at a small and at a large size and asserts that the
query count is the same: it must not grow with blocks, images, snippets, agreements or pages.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from wagtail.models import Page

from media.models import CustomImage, CustomRendition
from pages.models import CaseStudyPage
from tests.factories import ImageFactory, image_file

from .conftest import add_case_study, make_cities, make_image, make_networks

pytestmark = pytest.mark.django_db


def set_hub_body(hub, size: int, images) -> None:
    lille = CaseStudyPage.objects.filter(slug="lille", locale__language_code="en").first()
    cities = make_cities(size, images)
    networks = make_networks(max(2, size // 5), images)
    hub.body = [
        {"type": "section", "value": {"heading": "Why", "text": "<p>Because.</p>"}},
        {
            "type": "partner_cities",
            "value": {"heading": "Cities", "cities": [c.pk for c in cities]},
        },
        {
            "type": "networks",
            "value": {"heading": "Networks", "networks": [n.pk for n in networks]},
        },
        *[
            {"type": "image", "value": {"image": image.pk, "caption": ""}}
            for image in images(max(2, size // 5))
        ],
        {"type": "case_study_teasers", "value": {"heading": "Stories", "case_studies": []}},
        {"type": "call_to_action", "value": {"label": "Read", "page": lille.pk, "url": ""}},
    ]
    hub.hero_image = images(1)[0]
    hub.save()


def test_hub_detail_queries_do_not_grow_with_partner_cities_networks_and_images(
    hub, images, count_queries
):
    set_hub_body(hub, 5, images)
    _small, small_queries = count_queries(f"/api/v2/pages/{hub.pk}/")
    set_hub_body(hub, 50, images)
    large, large_queries = count_queries(f"/api/v2/pages/{hub.pk}/")

    blocks = {block["type"]: block["value"] for block in large.json()["body"]}
    cities = blocks["partner_cities"]["cities"]
    assert len(cities) == 50
    assert [a["status"] for a in cities[-1]["agreements"]] == ["signed", "re-signed"]
    assert cities[-1]["image"]["renditions"]["jpeg"]
    assert len(blocks["networks"]["networks"]) == 10
    assert large.json()["meta"]["case_study_teasers"]["items"]
    assert large_queries == small_queries


def case_study_with(image_blocks: int, extras: int, images) -> CaseStudyPage:
    body = [
        {"type": "image", "value": {"image": image.pk, "caption": f"Image {n}"}}
        for n, image in enumerate(images(image_blocks))
    ]
    lille = CaseStudyPage.objects.filter(slug="lille", locale__language_code="en").first()
    body.append({"type": "call_to_action", "value": {"label": "More", "page": lille.pk, "url": ""}})
    page = add_case_study(
        hero_image=images(1)[0],
        related_partner_city=make_cities(1, images)[0],
        related_network=make_networks(1, images)[0],
        body=body,
    )
    page.themes.add(*[f"theme {n}" for n in range(extras)])
    for n in range(extras):
        page.partner_organisations.create(name=f"Organisation {n}")
    page.save()
    return page


def test_case_study_detail_queries_do_not_grow_with_image_blocks_themes_and_partners(
    images, count_queries
):
    small_page = case_study_with(image_blocks=2, extras=1, images=images)
    large_page = case_study_with(image_blocks=20, extras=6, images=images)

    _small, small_queries = count_queries(f"/api/v2/pages/{small_page.pk}/")
    large, large_queries = count_queries(f"/api/v2/pages/{large_page.pk}/")

    data = large.json()
    assert len([b for b in data["body"] if b["type"] == "image"]) == 20
    assert len(data["themes"]) == 6 and len(data["partner_organisations"]) == 6
    assert data["related_partner_city"]["agreements"]
    assert large_queries == small_queries


LISTING = "/api/v2/pages/"
LISTING_PARAMS = {"type": "pages.CaseStudyPage", "fields": "*", "order": "-id"}


def test_listing_with_all_fields_queries_do_not_grow_with_listed_pages(images, count_queries):
    for _n in range(20):
        case_study_with(image_blocks=2, extras=2, images=images)

    _two, two_queries = count_queries(LISTING, **LISTING_PARAMS, limit=2)
    twenty, twenty_queries = count_queries(LISTING, **LISTING_PARAMS, limit=20)

    items = twenty.json()["items"]
    assert len(items) == 20
    assert all(item["hero_image"]["renditions"]["webp"] for item in items)
    assert all(item["related_partner_city"]["agreements"] for item in items)
    assert all(len(item["themes"]) == 2 for item in items)
    assert all(item["body"][-1]["value"]["page"]["path"] for item in items)
    assert twenty_queries == two_queries


def test_a_listing_of_twenty_pages_makes_missing_renditions_once_and_then_never_again(api):
    for _n in range(20):
        add_case_study(hero_image=make_image(with_renditions=False))

    first = api.get(LISTING, {**LISTING_PARAMS, "limit": 20})
    assert first.status_code == 200
    made = CustomRendition.objects.count()
    assert all(item["hero_image"]["renditions"]["jpeg"] for item in first.json()["items"])

    second = api.get(LISTING, {**LISTING_PARAMS, "limit": 20})
    assert second.status_code == 200
    assert CustomRendition.objects.count() == made
    assert second.json()["items"] == first.json()["items"]


def test_images_listing_queries_do_not_grow_with_listed_images_and_their_tags(count_queries):
    for n in range(20):
        image = ImageFactory(title=f"Tagged {n}", file=image_file(size=(48, 32)))
        image.tags.add("zebra", f"tag {n:02d}", "apple")
    params = {"fields": "tags", "order": "-id"}
    _two, two_queries = count_queries("/api/v2/images/", **params, limit=2)
    twenty, twenty_queries = count_queries("/api/v2/images/", **params, limit=20)
    assert twenty_queries == two_queries
    items = twenty.json()["items"]
    assert len(items) == 20
    for item in items[:3]:
        image = CustomImage.objects.get(pk=item["id"])
        # As Wagtail lists them: sorted by name, and the same as on the image's own detail.
        assert item["meta"]["tags"] == sorted(image.tags.names())
        detail = count_queries(f"/api/v2/images/{image.pk}/")[0].json()
        assert detail["meta"]["tags"] == item["meta"]["tags"]


def test_hub_detail_queries_do_not_grow_with_its_latest_case_studies(hub, images, count_queries):
    Page.objects.child_of(hub).type(CaseStudyPage).update(live=False)
    for _n in range(3):
        add_case_study(hero_image=images(1)[0], first_published_at=timezone.now(), live=True)
    few, few_queries = count_queries(f"/api/v2/pages/{hub.pk}/")
    for _n in range(9):
        add_case_study(hero_image=images(1)[0], first_published_at=timezone.now(), live=True)
    full, full_queries = count_queries(f"/api/v2/pages/{hub.pk}/")

    assert len(few.json()["meta"]["case_study_teasers"]["items"]) == 3
    teasers = full.json()["meta"]["case_study_teasers"]["items"]
    assert len(teasers) == 12
    assert all(teaser["thumbnail"]["url"] for teaser in teasers)
    # One more: a full list of teasers (12) counts how many there are in all.
    assert full_queries == few_queries + 1
