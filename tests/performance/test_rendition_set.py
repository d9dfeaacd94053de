"""Images carry their renditions as plain values (`CustomImage.rendition_set`), so a page's JSON
is built without loading Rendition rows, and the set never points at stale files."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from media.models import CustomImage
from pages.representation import THUMBNAIL_SPEC, all_filters

from .conftest import make_image

pytestmark = pytest.mark.django_db


def test_making_renditions_fills_the_images_rendition_set():
    image = make_image()
    stored = CustomImage.objects.get(pk=image.pk).known_renditions()
    assert set(stored) == {f.spec for f in all_filters()}
    rendition = image.renditions.get(filter_spec=THUMBNAIL_SPEC)
    assert stored[THUMBNAIL_SPEC] == [rendition.url, rendition.width, rendition.height]


def test_a_page_renders_its_images_without_reading_rendition_rows(api, hub):
    hub.hero_image = make_image()
    hub.save()
    api.get(f"/api/v2/pages/{hub.pk}/")
    with CaptureQueriesContext(connection) as ctx:
        data = api.get(f"/api/v2/pages/{hub.pk}/").json()
    assert data["hero_image"]["renditions"]["jpeg"][0]["url"].startswith("http://testserver/")
    assert not [q for q in ctx.captured_queries if "customrendition" in q["sql"]]


def test_a_new_focal_point_gets_new_thumbnails_not_the_stored_ones(api, hub):
    image = make_image()
    hub.hero_image = image
    hub.save()
    before = api.get(f"/api/v2/pages/{hub.pk}/").json()["hero_image"]["thumbnail"]["url"]
    image.focal_point_x, image.focal_point_y = 5, 5
    image.focal_point_width, image.focal_point_height = 4, 4
    image.save()
    after = api.get(f"/api/v2/pages/{hub.pk}/").json()["hero_image"]
    assert after["thumbnail"]["url"] != before
    assert after["focal_point"] == {"x": 5, "y": 5, "width": 4, "height": 4}
    assert THUMBNAIL_SPEC in CustomImage.objects.get(pk=image.pk).known_renditions()


def test_deleting_renditions_empties_the_set():
    image = make_image()
    image.renditions.all().delete()
    assert CustomImage.objects.get(pk=image.pk).known_renditions() == {}
