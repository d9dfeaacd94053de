"""At any size, PostgreSQL can answer the API's page queries from indexes, never a table scan.

The test database is small, and on a small table a sequential scan is the planner's cheapest
choice; with `enable_seqscan = off` it still scans when no index can serve a query, so a plan
without "Seq Scan on wagtailcore_page" here means an index (pages/migrations/0002_scale_indexes)
serves it. The measured effect at 20,000 pages is in docs/benchmarks.md ("Scale")."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from pages.models import CaseStudyPage

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PAGE_TABLES = ("wagtailcore_page", "pages_casestudypage")


@pytest.fixture(autouse=True)
def _postgres_only(settings):
    settings.API_CACHE_ENABLED = False
    if connection.vendor != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL (set DATABASE_URL)")


def plans_of(api, url: str) -> dict[str, str]:
    """SQL of every query a request makes that reads a page table -> its plan."""
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code in (200, 302), response.content
    plans = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in ctx.captured_queries:
            sql = query["sql"]
            if sql.startswith("SELECT") and any(f'"{t}"' in sql for t in PAGE_TABLES):
                cursor.execute("EXPLAIN " + sql)
                plans[sql] = "\n".join(row[0] for row in cursor.fetchall())
    return plans


def table_scans(plans: dict[str, str]) -> list[str]:
    return [
        f"{sql[:200]}\n{plan}"
        for sql, plan in plans.items()
        if any(f"Seq Scan on {table}" in plan for table in PAGE_TABLES)
    ]


def lille() -> CaseStudyPage:
    return CaseStudyPage.objects.get(slug="lille", locale__language_code="en")


def test_the_case_study_listing_reads_pages_through_indexes(api):
    plans = plans_of(api, "/api/v2/pages/?type=pages.CaseStudyPage&fields=*&limit=20&offset=1")
    # The page of ids (the offset walks the page table's index), then those rows with joins.
    ids = [sql for sql in plans if "OFFSET" in sql]
    assert ids, "the listing query was not seen"
    assert "Index" in plans[ids[0]] and "Sort" not in plans[ids[0]], plans[ids[0]]
    assert table_scans(plans) == []


def test_the_default_listing_reads_pages_through_indexes(api):
    assert table_scans(plans_of(api, "/api/v2/pages/")) == []


def test_find_by_path_reads_pages_through_indexes(api):
    assert table_scans(plans_of(api, "/api/v2/pages/find/?html_path=/lille/")) == []


def test_a_case_study_detail_reads_pages_through_indexes(api):
    assert table_scans(plans_of(api, f"/api/v2/pages/{lille().pk}/")) == []


def test_the_hub_detail_reads_pages_through_indexes(api, hub):
    assert table_scans(plans_of(api, f"/api/v2/pages/{hub.pk}/")) == []
