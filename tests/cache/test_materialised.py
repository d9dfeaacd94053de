"""Materialised page representations (api/materialised.py): one stored row per page answers a
detail or a listing item with exactly the bytes the renderer would produce, and never shows
anything that is no longer public. Freshness after each kind of change is tested in
test_invalidation.py (every test there runs against this store too)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api import materialised
from api.models import MaterialisedPage
from pages.models import CaseStudyPage
from tests.factories import CaseStudyPageFactory

pytestmark = pytest.mark.django_db

LISTING = "/api/v2/pages/?type=pages.CaseStudyPage&fields=*"


@pytest.fixture(autouse=True)
def _response_cache_off(settings):
    settings.API_CACHE_ENABLED = False
    settings.API_MATERIALISED_ENABLED = True


def rendered(api, settings, url: str) -> bytes:
    settings.API_MATERIALISED_ENABLED = False
    try:
        return api.get(url).content
    finally:
        settings.API_MATERIALISED_ENABLED = True


def test_a_stored_detail_is_one_query_and_the_same_bytes_as_a_render(api, hub, settings):
    url = f"/api/v2/pages/{hub.pk}/"
    assert api.get(url)["X-Materialised"] == "MISS"
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response["X-Materialised"] == "HIT"
    assert len(ctx.captured_queries) == 1
    assert response["Content-Type"] == "application/json"
    assert response.content == rendered(api, settings, url)


def test_a_listing_is_assembled_from_stored_items_with_the_same_bytes(api, settings):
    first = api.get(LISTING)
    assert first["X-Materialised"] == "MISS"
    second = api.get(LISTING)
    assert second["X-Materialised"] == "HIT"
    assert second.content == first.content == rendered(api, settings, LISTING)
    paged = f"{LISTING}&limit=2&offset=1"
    api.get(paged)
    assert api.get(paged).content == rendered(api, settings, paged)


def test_listing_query_count_does_not_grow_with_stored_items(api):
    for n in range(20):
        CaseStudyPageFactory(title=f"Stored {n}", slug=f"stored-{n}")
    counts = []
    for limit in (2, 20):
        url = f"{LISTING}&limit={limit}"
        api.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(url)["X-Materialised"] == "HIT"
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_other_shapes_and_formats_are_rendered_not_stored(api, hub):
    for url in (f"/api/v2/pages/{hub.pk}/?fields=title", f"{LISTING}&search=lille"):
        assert "X-Materialised" not in api.get(url)
    browsable = api.get(f"/api/v2/pages/{hub.pk}/", HTTP_ACCEPT="text/html")
    assert "X-Materialised" not in browsable
    assert not MaterialisedPage.objects.exists()


def test_a_stored_page_is_not_served_after_its_expiry(api, monkeypatch):
    page = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    soon = timezone.now() + datetime.timedelta(minutes=5)
    CaseStudyPage.objects.filter(pk=page.pk).update(expire_at=soon)
    url = f"/api/v2/pages/{page.pk}/"
    api.get(url)
    assert api.get(url)["X-Materialised"] == "HIT"
    later = soon + datetime.timedelta(seconds=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert api.get(url).status_code == 404
    assert page.pk not in [item["id"] for item in api.get(LISTING).json()["items"]]


def test_a_render_that_began_before_a_change_is_not_stored(hub):
    epoch = materialised.current_epoch()
    materialised.forget({f"tree:{hub.path}"})  # an editor's change commits meanwhile
    stored = materialised.store(
        hub.pk, "detail@x", "http://testserver/", b"{}", {"all"}, None, epoch
    )
    assert not stored
    assert not MaterialisedPage.objects.exists()


def test_unpublishing_deletes_the_stored_rows_in_the_same_transaction(api, hub):
    page = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    api.get(f"/api/v2/pages/{page.pk}/")
    api.get(f"/api/v2/pages/{hub.pk}/")  # its teasers show Lille
    assert MaterialisedPage.objects.filter(page=page).exists()
    page.unpublish()  # no on_commit hooks run here: the delete is part of the change itself
    assert not MaterialisedPage.objects.filter(page_id__in=[page.pk, hub.pk]).exists()
    assert api.get(f"/api/v2/pages/{page.pk}/").status_code == 404


def test_publishing_stores_the_page_for_the_hosts_already_served(
    api, hub, django_capture_on_commit_callbacks
):
    api.get(f"/api/v2/pages/{hub.pk}/")  # the API has been read on this host
    with django_capture_on_commit_callbacks(execute=True):
        page = CaseStudyPageFactory(title="Published just now", slug="published-just-now")
    row = MaterialisedPage.objects.get(page=page, variant=materialised.detail_variant())
    assert b"Published just now" in bytes(row.body)
    assert api.get(f"/api/v2/pages/{page.pk}/")["X-Materialised"] == "HIT"


def test_rows_built_by_other_code_are_not_served(api, hub, monkeypatch):
    url = f"/api/v2/pages/{hub.pk}/"
    api.get(url)
    monkeypatch.setattr(materialised, "fingerprint", lambda: "another-deploy")
    assert api.get(url)["X-Materialised"] == "MISS"
