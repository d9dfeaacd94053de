"""Fixtures for query-count tests: content built at two sizes, renditions made up front.

Snippets are bulk-created and pages added to the tree without revisions: the tests are about
what a request costs, and building 50 cities one `save()` at a time would dominate their time.
"""

from __future__ import annotations

import itertools
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pages.models import Agreement, CaseStudyPage, HubPage, Network, PartnerCity
from pages.representation import all_filters
from tests.factories import ImageFactory, default_locale, image_file


@pytest.fixture(autouse=True)
def _response_cache_off(settings):
    # Query counts are about rendering; a cached answer would hide every query.
    settings.API_CACHE_ENABLED = False


def make_image(with_renditions: bool = True):
    # Tiny originals keep rendition encoding (AVIF included) fast.
    image = ImageFactory(file=image_file(size=(48, 32)))
    if with_renditions:
        image.get_renditions(*all_filters())
    return image


@pytest.fixture
def images(db):
    """A pool of images with their renditions; callers take distinct ones from it."""
    pool = [make_image() for _ in range(8)]
    return lambda n: [pool[i % len(pool)] for i in range(n)]


_names = itertools.count()


def make_cities(n: int, images) -> list[PartnerCity]:
    locale = default_locale()
    cities = PartnerCity.objects.bulk_create(
        PartnerCity(
            name=f"City {next(_names)}",
            country="FR",
            year_signed=1960 + i % 60,
            summary="A partner city.",
            locale=locale,
            image=image,
        )
        for i, image in enumerate(images(n))
    )
    Agreement.objects.bulk_create(
        Agreement(city=city, title=title, status=status, sort_order=order)
        for city in cities
        for order, (title, status) in enumerate(
            [("Twinning agreement", "signed"), ("Cooperation agreement", "re-signed")]
        )
    )
    return cities


def make_networks(n: int, images) -> list[Network]:
    locale = default_locale()
    return Network.objects.bulk_create(
        Network(name=f"Network {next(_names)}", summary="A network.", locale=locale, image=image)
        for image in images(n)
    )


def add_case_study(**fields) -> CaseStudyPage:
    hub = HubPage.objects.get(depth=2, locale__language_code="en")
    number = next(_names)
    page = CaseStudyPage(
        title=f"Case study {number}",
        slug=f"case-study-{number}",
        summary="A summary.",
        locale=hub.locale,
        **fields,
    )
    hub.add_child(instance=page)
    return page


@pytest.fixture
def count_queries(api):
    """GET a URL (after one warm-up request) and return (response, number of SQL queries).

    PRINT_QUERIES=1 prints each distinct query with its count, to find what grows."""

    def count(url: str, **params):
        api.get(url, params)  # warm process-level caches (content types, site, filters)
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(url, params)
        assert response.status_code == 200, response.content[:300]
        if os.environ.get("PRINT_QUERIES"):
            print(url, params)
            print_queries(ctx)
        return response, len(ctx.captured_queries)

    return count


def print_queries(ctx) -> None:
    from collections import Counter

    counts = Counter(q["sql"][:160] for q in ctx.captured_queries)
    for sql, n in counts.most_common():
        print(n, sql)
