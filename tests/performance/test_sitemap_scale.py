"""The sitemap at 20,000 pages: exactly the public pages, with as many queries as at the seed's
size (the pages are bulk-inserted by `load_bench_data`, as `make bench-scale` builds them)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from pages.models import CaseStudyPage

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PAGES = 20_000


def all_entries(api) -> tuple[list[dict], list[int]]:
    """Every sitemap entry, page by page, and the queries each page of it took."""
    entries, queries, offset = [], [], 0
    while True:
        with CaptureQueriesContext(connection) as ctx:
            response = api.get("/api/v2/sitemap/", {"offset": offset})
        assert response.status_code == 200
        data = response.json()
        entries += data["items"]
        queries.append(len(ctx.captured_queries))
        offset += len(data["items"])
        if not data["items"] or offset >= data["meta"]["total_count"]:
            return entries, queries


def test_the_sitemap_lists_exactly_the_public_pages_of_20000_with_constant_queries(
    api, monkeypatch
):
    seed_entries, seed_queries = all_entries(api)
    seed_paths = {(e["locale"], e["path"]) for e in seed_entries}

    monkeypatch.setattr("pages.management.commands.load_bench_data.TEMPLATE_SIZE", (160, 100))
    call_command("load_bench_data", case_studies=PAGES, cities=3, networks=2, images=4, verbosity=0)
    bench = CaseStudyPage.objects.filter(slug__startswith="bench-case-study-")
    hidden = list(bench.order_by("path").values_list("pk", flat=True)[:: PAGES // 4][:3])
    Page.objects.filter(pk=hidden[0]).update(live=False)
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=hidden[1]), restriction_type="password", password="x"
    )
    Page.objects.filter(pk=hidden[2]).update(expire_at="2000-01-01T00:00:00Z")
    expected = seed_paths | {
        ("en", f"/{slug}/") for slug in bench.exclude(pk__in=hidden).values_list("slug", flat=True)
    }

    entries, queries = all_entries(api)

    assert len(entries) == len(expected) == len(seed_paths) + PAGES - 3
    assert {(e["locale"], e["path"]) for e in entries} == expected
    assert set(queries) == set(seed_queries)
