"""`manage.py load_bench_data` builds a large site quickly and safely (here at a tiny size)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from wagtail.models import Page

from media.models import CustomImage
from pages.models import CaseStudyPage, HubPage, PartnerCity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_templates(monkeypatch):
    # Full-size templates make 30 renditions (AVIF included); small ones keep the test fast.
    monkeypatch.setattr("pages.management.commands.load_bench_data.TEMPLATE_SIZE", (160, 100))


SIZES = {"case_studies": 6, "cities": 3, "networks": 2, "images": 4}


def load(**sizes) -> str:
    out = io.StringIO()
    call_command("load_bench_data", stdout=out, **{**SIZES, **sizes})
    return out.getvalue()


def test_bench_data_adds_case_studies_the_api_serves_fully_resolved(api, settings):
    settings.API_CACHE_ENABLED = False
    load()

    bench = CaseStudyPage.objects.filter(slug__startswith="bench-case-study-").order_by("pk")
    assert bench.count() == 6
    assert PartnerCity.objects.filter(name__startswith="Bench city ").count() == 3
    assert CustomImage.objects.filter(title__startswith="Bench image ").count() == 4
    assert not any(Page.find_problems())  # the tree (paths, depth, numchild) is consistent

    data = api.get(f"/api/v2/pages/{bench.last().pk}/").json()
    assert data["meta"]["path"] == "/bench-case-study-00006/"
    images = [block["value"]["image"] for block in data["body"] if block["type"] == "image"]
    assert images and all(image["renditions"]["jpeg"] for image in images)
    assert data["related_partner_city"]["agreements"]
    link = data["body"][-1]["value"]["page"]
    assert link["type"] == "pages.CaseStudyPage" and link["locale"] == "en" and link["path"]
    found = api.get("/api/v2/pages/find/", {"html_path": "/bench-case-study-00002/"})
    assert found.status_code == 302

    hub = HubPage.objects.get(depth=2, locale__language_code="en")
    teasers = api.get(f"/api/v2/pages/{hub.pk}/").json()["meta"]["case_study_teasers"]
    assert teasers["items"][0]["title"] == "Bench case study 6"  # the newest first


def test_bench_data_runs_again_adding_only_what_is_missing():
    load()
    counts = (Page.objects.count(), CustomImage.objects.count(), PartnerCity.objects.count())
    assert "(0 new)" in load()
    assert (
        Page.objects.count(),
        CustomImage.objects.count(),
        PartnerCity.objects.count(),
    ) == counts

    load(case_studies=9)
    assert CaseStudyPage.objects.filter(slug__startswith="bench-case-study-").count() == 9
    assert not any(Page.find_problems())
