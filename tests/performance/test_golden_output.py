"""The render path answers exactly what it answered before it was made faster (issue #17).

Every seed page, every listing and lookup a front end makes, every snippet, and factory-made
pages holding every block type are rendered with the response cache off, and each answer's
bytes are compared with `tests/performance/golden/<database>/`, recorded from the code before
the render path was optimised and reviewed. A speed-up must not change one byte a client
receives. There is one set per database because two answers differ between them, before and
after: SQLite sorts partner cities without a year first, PostgreSQL last; and case studies'
partner organisations of equal `sort_order` come in each database's own order.

Re-record (after a deliberate change of the API's output, on both databases, then review the
diff):

    .venv/bin/python -m pytest tests/performance/test_golden_output.py --record-golden
    DATABASE_URL=postgres://... .venv/bin/python -m pytest tests/performance/test_golden_output.py --record-golden

The content is deterministic: the seed (ids from a fresh test database), factory objects with
fixed ids, names and slugs, publication dates pinned in the order they were published, and
media files in a directory of their own (so no file name gets a random suffix).
Search (`?search=`) is left out: the reference front end does not search, and relevance
order is the search backend's (SQLite FTS5 and PostgreSQL rank differently).
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import F
from wagtail.models import Locale, Page

from pages.models import Agreement, CaseStudyPage, HubPage, Network, PartnerCity
from pages.representation import all_filters
from pages.routing import public_path
from tests.factories import (
    AgreementFactory,
    CaseStudyPageFactory,
    DocumentFactory,
    ImageFactory,
    NetworkFactory,
    PartnerCityFactory,
    image_file,
)

pytestmark = pytest.mark.django_db

GOLDEN_ROOT = Path(__file__).parent / "golden"
PINNED = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def record(request) -> bool:
    return request.config.getoption("--record-golden")


@pytest.fixture
def golden_site(settings, tmp_path):
    """The render path (no response cache), media files in a directory of their own."""
    settings.API_CACHE_ENABLED = False
    settings.MEDIA_ROOT = tmp_path


def pin_publication_dates() -> None:
    """Each page's dates a minute apart from a fixed moment, in the order they were published
    (the hub's latest case studies keep their order)."""
    pages = Page.objects.order_by(F("first_published_at").asc(nulls_first=True), "pk")
    for n, page in enumerate(pages.values("pk", "first_published_at")):
        stamp = PINNED + datetime.timedelta(minutes=n)
        Page.objects.filter(pk=page["pk"]).update(
            first_published_at=stamp if page["first_published_at"] else None,
            last_published_at=stamp if page["first_published_at"] else None,
            latest_revision_created_at=stamp,
        )


# Django's storage gives a file whose name is taken a random suffix (`seed-lille_pn4h7Yy.jpg`);
# renditions of seed images whose names start alike get one in the order they happen to be
# made. The suffix is the only part of an answer left out of the comparison.
STORAGE_SUFFIX = re.compile(rb"(/media/[^\"\s]*?)_[A-Za-z0-9]{7}(?=\.)")


def check(api, record: bool, name: str, url: str) -> list[str]:
    """Compare (or record) one answer; return what differs."""
    response = api.get(url)
    if response.status_code in (301, 302):
        body = json.dumps(
            {"status": response.status_code, "location": response["Location"]}, indent=1
        ).encode()
    else:
        assert response.status_code == 200, (url, response.content[:300])
        body = STORAGE_SUFFIX.sub(rb"\1", response.content)
    golden = GOLDEN_ROOT / connection.vendor
    path = golden / f"{name}.json"
    if record:
        golden.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        return []
    if not path.exists():
        return [f"{name}: no golden file for {url} (record with --record-golden)"]
    expected = path.read_bytes()
    if body != expected:
        at = next(
            (i for i, (a, b) in enumerate(zip(body, expected, strict=False)) if a != b),
            len(expected),
        )
        return [
            f"{name}: {url} answers other bytes than {path.name} from byte {at}: "
            f"{body[max(0, at - 60) : at + 60]!r} instead of {expected[max(0, at - 60) : at + 60]!r}"
        ]
    return []


def check_all(api, record: bool, cases: dict[str, str]) -> None:
    differences = [diff for name, url in cases.items() for diff in check(api, record, name, url)]
    assert differences == []


def seed_cases() -> dict[str, str]:
    cases: dict[str, str] = {}
    for page in Page.objects.live().filter(depth__gte=2).select_related("locale"):
        slug = page.slug if page.depth > 2 else "hub"
        language = page.locale.language_code
        cases[f"page-{language}-{slug}"] = f"/api/v2/pages/{page.pk}/"
        cases[f"find-{language}-{slug}"] = f"/api/v2/pages/find/?html_path={public_path(page)}"
    for model, endpoint in ((PartnerCity, "partner-cities"), (Network, "networks")):
        for obj in model.objects.filter(live=True).select_related("locale"):
            name = f"{endpoint}-{obj.locale.language_code}-{obj.pk}"
            cases[name] = f"/api/v2/{endpoint}/{obj.pk}/"
    return cases


LISTINGS = {
    "listing-pages": "/api/v2/pages/",
    "listing-pages-fr": "/api/v2/pages/?locale=fr",
    "listing-case-studies": "/api/v2/pages/?type=pages.CaseStudyPage",
    "listing-case-studies-all-fields": "/api/v2/pages/?type=pages.CaseStudyPage&fields=*",
    "listing-case-studies-all-fields-20": (
        "/api/v2/pages/?type=pages.CaseStudyPage&fields=*&limit=20&order=-first_published_at"
    ),
    "listing-case-studies-all-fields-fr": (
        "/api/v2/pages/?type=pages.CaseStudyPage&fields=*&locale=fr"
    ),
    "listing-case-studies-some-fields": (
        "/api/v2/pages/?type=pages.CaseStudyPage&fields=summary,hero_image,themes"
    ),
    "listing-hubs-all-fields": "/api/v2/pages/?type=pages.HubPage&fields=*",
    "listing-partner-cities": "/api/v2/partner-cities/",
    "listing-partner-cities-fr": "/api/v2/partner-cities/?locale=fr",
    "listing-partner-cities-years": "/api/v2/partner-cities/?year_from=1960&year_to=1990",
    "listing-networks": "/api/v2/networks/",
    "listing-networks-fr": "/api/v2/networks/?locale=fr",
    "listing-images": "/api/v2/images/",
    "listing-images-all-fields": "/api/v2/images/?fields=*",
    "listing-documents": "/api/v2/documents/",
}


def test_seed_pages_snippets_and_lookups_answer_the_recorded_bytes(golden_site, api, record):
    pin_publication_dates()
    check_all(api, record, seed_cases())


def test_listings_answer_the_recorded_bytes(golden_site, api, record):
    pin_publication_dates()
    hub = HubPage.objects.get(depth=2, locale__language_code="en")
    cases = {**LISTINGS, "listing-children-of-hub": f"/api/v2/pages/?child_of={hub.pk}"}
    check_all(api, record, cases)


def with_ids(owner: str, blocks: list[dict]) -> list[dict]:
    """StreamField blocks with fixed ids (a block's id is part of its JSON)."""
    return [{**block, "id": f"{owner}-{n}"} for n, block in enumerate(blocks)]


def next_page_id(pk: int) -> None:
    """The next page gets this id (Wagtail saves a page given an id as an existing one)."""
    table = Page._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, pk - 1])
        else:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [pk - 1, table])


def every_block_content():
    """Factory objects with fixed ids (the same on SQLite and PostgreSQL, whatever ran
    before), and a case study with every case-study block type."""
    images = [
        ImageFactory(
            id=9201,
            title="Golden landscape",
            file=image_file(name="golden-landscape.png", size=(1000, 600)),
        ),
        ImageFactory(
            id=9202,
            title="Golden icon",
            description="",
            caption="",
            file=image_file(name="golden-icon.png", size=(48, 32), colour="orange"),
        ),
    ]
    for image in images:
        image.get_renditions(*all_filters())
    document = DocumentFactory(id=9301, title="Golden report")
    city = PartnerCityFactory(id=9401, name="Golden city", image=images[0])
    AgreementFactory(id=9411, city=city, title="Twinning agreement", sort_order=0)
    AgreementFactory(
        id=9412,
        city=city,
        title="Cooperation agreement",
        status=Agreement.Status.RESIGNED,
        sort_order=1,
    )
    draft_city = PartnerCityFactory(id=9402, name="Draft city", live=False)
    network = NetworkFactory(id=9501, name="Golden network", image=images[1])
    lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    section_text = (
        f'<p>See <a linktype="page" id="{lille.pk}">Lille</a> and '
        f'<a linktype="document" id="{document.pk}">the report</a>, '
        "<b>bold</b>, <i>italic</i> and &quot;quotes&quot; in Fran\u00e7ais \u2028.</p>"
        "<ul><li>one</li><li>two</li></ul>"
    )
    next_page_id(9601)
    case_study = CaseStudyPageFactory(
        title="Golden case study",
        slug="golden-case-study",
        summary="Every block type of a case study.",
        hero_image=images[0],
        related_partner_city=city,
        related_network=network,
        find_out_more_url="https://example.org/more",
        find_out_more_label="More on example.org",
        body=with_ids(
            "case-study",
            [
                {"type": "section", "value": {"heading": "A section", "text": section_text}},
                {"type": "paragraph", "value": "<p>A paragraph with <i>style</i>.</p>"},
                {"type": "image", "value": {"image": images[0].pk, "caption": "Our caption"}},
                {"type": "image", "value": {"image": images[1].pk, "caption": ""}},
                {
                    "type": "key_figure",
                    "value": {"figure": "190", "label": "cities", "context": ""},
                },
                {
                    "type": "key_figure",
                    "value": {"figure": "10,000", "label": "students", "context": "a year"},
                },
                {"type": "call_to_action", "value": {"label": "Read", "page": lille.pk, "url": ""}},
                {
                    "type": "call_to_action",
                    "value": {"label": "Elsewhere", "page": None, "url": "https://example.org/"},
                },
            ],
        ),
    )
    case_study.themes.add("culture", "education")
    for n, name in enumerate(["A school", "A university"]):
        case_study.partner_organisations.create(
            id=9611 + n, name=name, url=f"https://example.org/{n}", sort_order=n
        )
    case_study.save_revision().publish()
    return images, city, draft_city, network, lille, case_study, section_text


def test_factory_pages_with_every_block_type_answer_the_recorded_bytes(golden_site, api, record):
    images, city, draft_city, network, lille, case_study, section_text = every_block_content()
    hub = HubPage.objects.get(depth=2, locale__language_code="en")
    seed_city = PartnerCity.objects.filter(locale=hub.locale).order_by("pk").first()
    hub.hero_image = images[1]
    hub.body = with_ids(
        "hub",
        [
            {"type": "section", "value": {"heading": "Why", "text": section_text}},
            {
                "type": "partner_cities",
                "value": {"heading": "Cities", "cities": [city.pk, draft_city.pk, seed_city.pk]},
            },
            {"type": "networks", "value": {"heading": "Networks", "networks": [network.pk]}},
            {
                "type": "case_study_teasers",
                "value": {"heading": "Chosen", "case_studies": [case_study.pk, lille.pk]},
            },
            {"type": "case_study_teasers", "value": {"heading": "Latest", "case_studies": []}},
            {"type": "image", "value": {"image": images[0].pk, "caption": ""}},
            {"type": "image", "value": {"image": images[1].pk, "caption": "Hub caption"}},
            {
                "type": "key_figure",
                "value": {"figure": "5", "label": "cities", "context": "twinned"},
            },
            {"type": "call_to_action", "value": {"label": "Lille", "page": lille.pk, "url": ""}},
            {
                "type": "call_to_action",
                "value": {"label": "Out", "page": None, "url": "https://example.org/out"},
            },
        ],
    )
    hub.save_revision().publish()
    french = Locale.objects.get(language_code="fr")
    french_hub = HubPage.objects.get(depth=2, locale=french)
    french_hub.body = hub.body
    french_hub.save_revision().publish()
    pin_publication_dates()
    cases = {
        "factory-hub": f"/api/v2/pages/{hub.pk}/",
        "factory-hub-fr": f"/api/v2/pages/{french_hub.pk}/",
        "factory-case-study": f"/api/v2/pages/{case_study.pk}/",
        "factory-case-studies-all-fields": (
            "/api/v2/pages/?type=pages.CaseStudyPage&fields=*&order=-id&limit=3"
        ),
        "factory-partner-city": f"/api/v2/partner-cities/{city.pk}/",
        "factory-network": f"/api/v2/networks/{network.pk}/",
        "factory-image": f"/api/v2/images/{images[0].pk}/",
    }
    check_all(api, record, cases)
