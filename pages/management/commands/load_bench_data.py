"""A large synthetic site on top of the seed, for `make bench` and scale checks.

    python manage.py load_bench_data                       # 2,000 case studies, 200 cities, 500 images
    python manage.py load_bench_data --case-studies 20000  # a bigger site (adds what is missing)

Idempotent: bench objects are recognisable by name (`Bench image 17`, `Bench city 3`,
`bench-case-study-00042`), and a rerun only adds what is missing up to the requested counts.

Fast because it writes rows in bulk instead of one `save()` (and one revision, search-index
and reference-index task) per object:

* images: a few template images get real renditions (every spec the API serves); each bench
  image is its own row with its own rendition rows, pointing at a template's files. The API
  reads rows, never pixels, so this costs a request what real images would.
* pages: case studies are inserted directly into the tree (treebeard paths computed here,
  `numchild` updated once), live, without revisions: the API serves live rows. Editing one
  in the admin works (its first save makes a revision). Bench pages are not in the search
  index nor the reference index.

Then `ANALYZE`, so the query planner knows the new table sizes; on PostgreSQL `VACUUM ANALYZE`,
which also sets the visibility map, as autovacuum does soon after a bulk insert in production:
without it an index-only scan (a listing's `total_count`) reads the table as well.
"""

from __future__ import annotations

import io
import time
import uuid
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from pages.models import (
    Agreement,
    CaseStudyPage,
    HubPage,
    Network,
    PartnerCity,
    PartnerOrganisation,
)
from pages.models.case_study import CaseStudyTag
from pages.representation import all_filters
from pages.signals import bulk_changed

IMAGE_PREFIX = "Bench image "
CITY_PREFIX = "Bench city "
NETWORK_PREFIX = "Bench network "
SLUG_PREFIX = "bench-case-study-"
TEMPLATE_COLOURS = ("#2b6f77", "#a34a28", "#4b5d9a")
TEMPLATE_SIZE = (1600, 1000)  # like the seed's photographs: every rendition width applies
THEMES = (
    "children and young people",
    "culture",
    "education",
    "regeneration",
    "smart cities",
    "climate",
    "health",
    "trade",
    "sport",
    "universities",
)
COUNTRIES = ("FR", "DE", "CN", "CZ", "ZA", "IT", "ES", "PL", "JP", "BR")
BATCH = 500


def template_image_file(colour: str, number: int) -> ImageFile:
    image = PILImage.new("RGB", TEMPLATE_SIZE, colour)
    ImageDraw.Draw(image).text((60, 60), f"Bench template {number}", fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return ImageFile(io.BytesIO(buffer.getvalue()), name=f"bench-template-{number}.jpg")


class Command(BaseCommand):
    help = "Add a large synthetic site (case studies, partner cities, images) on top of the seed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case-studies", type=int, default=2000)
        parser.add_argument("--cities", type=int, default=200)
        parser.add_argument("--networks", type=int, default=20)
        parser.add_argument("--images", type=int, default=500)

    def handle(self, *args, **options) -> None:
        self.verbosity = options.get("verbosity", 1)
        started = time.monotonic()
        if not HubPage.objects.filter(depth=2).exists():
            self.log("No hub yet: loading the seed first")
            call_command("load_seed", verbosity=self.verbosity)
        with transaction.atomic():
            self.locale = Locale.get_default()
            images = self.ensure_images(options["images"])
            cities = self.ensure_cities(options["cities"], images)
            networks = self.ensure_networks(options["networks"], images)
            created = self.ensure_case_studies(options["case_studies"], images, cities, networks)
            bulk_changed.send(sender=type(self))  # bulk writes send no model signals
        with connection.cursor() as cursor:
            # VACUUM cannot run in a transaction (a test's, for one): ANALYZE alone there.
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.log(
            f"Bench data ready in {time.monotonic() - started:.1f} s: "
            f"{len(images)} images, {len(cities)} partner cities, {len(networks)} networks, "
            f"{CaseStudyPage.objects.filter(slug__startswith=SLUG_PREFIX).count()} bench case "
            f"studies ({created} new)."
        )

    def log(self, message: str) -> None:
        if self.verbosity:
            self.stdout.write(message)

    # --- images ----------------------------------------------------------------------------
    def template_images(self) -> list:
        Image = get_image_model()
        templates = []
        for number, colour in enumerate(TEMPLATE_COLOURS, start=1):
            title = f"Bench template {number}"
            image = Image.objects.filter(title=title).first()
            if image is None:
                image = Image.objects.create(
                    title=title,
                    description=f"A flat {colour} placeholder used by the benchmark",
                    file=template_image_file(colour, number),
                )
            image.get_renditions(*all_filters())  # made once, then found
            templates.append(image)
        return templates

    def ensure_images(self, count: int) -> list:
        Image = get_image_model()
        Rendition = Image.get_rendition_model()
        existing = list(Image.objects.filter(title__startswith=IMAGE_PREFIX).order_by("pk"))
        missing = count - len(existing)
        if missing > 0:
            templates = self.template_images()
            renditions = {t.pk: list(t.renditions.all()) for t in templates}
            new = [
                Image(
                    title=f"{IMAGE_PREFIX}{n}",
                    description=f"Placeholder photograph number {n} of the benchmark site",
                    caption=f"Bench caption {n}",
                    credit="Photo: benchmark",
                    file=templates[n % len(templates)].file.name,
                    width=templates[n % len(templates)].width,
                    height=templates[n % len(templates)].height,
                    file_size=templates[n % len(templates)].file_size,
                    # Same file and renditions as the template, so the same rendition set.
                    rendition_set=templates[n % len(templates)].rendition_set,
                )
                for n in range(len(existing) + 1, count + 1)
            ]
            new = Image.objects.bulk_create(new, batch_size=BATCH)
            if not all(image.pk for image in new):  # backends without RETURNING
                new = list(
                    Image.objects.filter(title__startswith=IMAGE_PREFIX).order_by("pk")[
                        len(existing) :
                    ]
                )
            Rendition.objects.bulk_create(
                [
                    Rendition(
                        image=image,
                        filter_spec=r.filter_spec,
                        focal_point_key=r.focal_point_key,
                        file=r.file.name,
                        width=r.width,
                        height=r.height,
                    )
                    for n, image in enumerate(new, start=len(existing) + 1)
                    for r in renditions[templates[n % len(templates)].pk]
                ],
                batch_size=BATCH,
            )
            existing += new
            self.log(f"Images: {len(new)} added")
        return existing[: max(count, 1)] if existing else self.template_images()

    # --- snippets --------------------------------------------------------------------------
    def ensure_cities(self, count: int, images: list) -> list[PartnerCity]:
        existing = list(PartnerCity.objects.filter(name__startswith=CITY_PREFIX).order_by("pk"))
        numbers = range(len(existing) + 1, count + 1)
        if numbers:
            new = PartnerCity.objects.bulk_create(
                [
                    PartnerCity(
                        name=f"{CITY_PREFIX}{n}",
                        country=COUNTRIES[n % len(COUNTRIES)],
                        year_signed=1950 + n % 70,
                        summary=f"Bench partner city {n}: schools, universities and trade.",
                        latitude=f"{-60 + (n * 7) % 120}.123456",
                        longitude=f"{-170 + (n * 13) % 340}.654321",
                        image=images[n % len(images)],
                        locale=self.locale,
                    )
                    for n in numbers
                ],
                batch_size=BATCH,
            )
            if not all(city.pk for city in new):
                new = list(
                    PartnerCity.objects.filter(name__startswith=CITY_PREFIX).order_by("pk")[
                        len(existing) :
                    ]
                )
            Agreement.objects.bulk_create(
                [
                    Agreement(
                        city=city,
                        sort_order=order,
                        title=title,
                        status=status,
                        date=date(1950 + (city.pk + order) % 70, 6, 1),
                        date_precision="year",
                    )
                    for city in new
                    for order, (title, status) in enumerate(
                        [
                            ("Twinning agreement", Agreement.Status.SIGNED),
                            ("Cooperation agreement", Agreement.Status.RESIGNED),
                            ("Education memorandum", Agreement.Status.PLANNED),
                        ][: 1 + city.pk % 3]
                    )
                ],
                batch_size=BATCH,
            )
            existing += new
            self.log(f"Partner cities: {len(new)} added")
        return existing

    def ensure_networks(self, count: int, images: list) -> list[Network]:
        existing = list(Network.objects.filter(name__startswith=NETWORK_PREFIX).order_by("pk"))
        numbers = range(len(existing) + 1, count + 1)
        if numbers:
            Network.objects.bulk_create(
                [
                    Network(
                        name=f"{NETWORK_PREFIX}{n}",
                        url=f"https://network-{n}.example.org/",
                        year_joined=1990 + n % 30,
                        role="Member",
                        member_city_count=20 + n,
                        country_count=5 + n % 30,
                        summary=f"Bench network {n} of cities working together.",
                        image=images[(n * 3) % len(images)],
                        locale=self.locale,
                    )
                    for n in numbers
                ],
                batch_size=BATCH,
            )
            existing = list(Network.objects.filter(name__startswith=NETWORK_PREFIX).order_by("pk"))
            self.log(f"Networks: {len(numbers)} added")
        return existing

    # --- pages -----------------------------------------------------------------------------
    def body(self, n: int, images: list, previous_page_id: int | None) -> list[dict]:
        first, second = images[n % len(images)], images[(n * 7 + 3) % len(images)]
        body = [
            {
                "type": "section",
                "value": {
                    "heading": f"How partnership {n} began",
                    "text": "<p>Schools exchanged letters, then pupils, then teachers. "
                    "<b>Universities</b> followed with joint research.</p>",
                },
            },
            {"type": "image", "value": {"image": first.pk, "caption": ""}},
            {
                "type": "paragraph",
                "value": "<p>Ten years on, the partnership covers culture, trade and sport, "
                "with visits in both directions every year.</p>",
            },
            {
                "type": "key_figure",
                "value": {"figure": f"{n % 900 + 100}", "label": "students", "context": ""},
            },
            {"type": "image", "value": {"image": second.pk, "caption": f"Visit {n}"}},
            {
                "type": "section",
                "value": {"heading": "What comes next", "text": "<p>A new agreement.</p>"},
            },
        ]
        if previous_page_id:
            body.append(
                {
                    "type": "call_to_action",
                    "value": {"label": "Read a related story", "page": previous_page_id, "url": ""},
                }
            )
        return body

    def ensure_case_studies(self, count: int, images: list, cities: list, networks: list) -> int:
        hub = HubPage.objects.filter(depth=2, locale=self.locale).order_by("path").first()
        existing = CaseStudyPage.objects.filter(slug__startswith=SLUG_PREFIX).count()
        numbers = range(existing + 1, count + 1)
        if not numbers:
            return 0
        content_type = ContentType.objects.get_for_model(CaseStudyPage)
        last_child = hub.get_last_child()
        step = Page._str2int(last_child.path[-Page.steplen :]) if last_child else 0
        # Each page's call to action links to an earlier case study (the seed's at first).
        previous_id = (
            CaseStudyPage.objects.filter(locale=self.locale)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        now = timezone.now()
        themes = [
            Tag.objects.get_or_create(name=name, defaults={"slug": name.replace(" ", "-")})[0]
            for name in THEMES
        ]
        cities = cities or [None]
        networks = networks or [None]

        pages: list[CaseStudyPage] = []
        for n in numbers:
            step += 1
            published = now - timedelta(minutes=count - n)  # the newest is the last added
            page = CaseStudyPage(
                path=Page._get_path(hub.path, hub.depth + 1, step),
                depth=hub.depth + 1,
                numchild=0,
                title=f"Bench case study {n}",
                draft_title=f"Bench case study {n}",
                slug=f"{SLUG_PREFIX}{n:05d}",
                url_path=f"{hub.url_path}{SLUG_PREFIX}{n:05d}/",
                content_type=content_type,
                locale=self.locale,
                translation_key=uuid.uuid4(),
                live=True,
                has_unpublished_changes=False,
                first_published_at=published,
                last_published_at=published,
                live_revision=None,
                seo_title="",
                search_description=f"Bench case study number {n}.",
                summary=f"Bench case study {n}: how two cities built a partnership through "
                "schools, universities, culture and trade.",
                hero_image=images[n % len(images)],
                related_partner_city=cities[n % len(cities)],
                related_network=networks[n % len(networks)] if n % 3 == 0 else None,
                find_out_more_url="https://example.org/more/" if n % 2 else "",
                find_out_more_label="Find out more" if n % 2 else "",
            )
            page.body = self.body(n, images, previous_id)
            pages.append(page)
            if len(pages) == BATCH or n == count:
                previous_id = self.insert_pages(pages, themes)
                pages = []
        Page.objects.filter(pk=hub.pk).update(numchild=hub.get_children().count())
        self.log(f"Case studies: {len(numbers)} added")
        return len(numbers)

    def insert_pages(self, pages: list[CaseStudyPage], themes: list[Tag]) -> int:
        """Insert the Page rows in bulk, then the CaseStudyPage rows in one statement (Django's
        bulk_create refuses multi-table models)."""
        base_fields = [f.attname for f in Page._meta.concrete_fields if not f.primary_key]
        base_rows = [Page(**{name: getattr(page, name) for name in base_fields}) for page in pages]
        created = Page.objects.bulk_create(base_rows, batch_size=BATCH)
        if not all(row.pk for row in created):
            ids = dict(
                Page.objects.filter(path__in=[p.path for p in pages]).values_list("path", "pk")
            )
        else:
            ids = {row.path: row.pk for row in created}
        for page in pages:
            page.page_ptr_id = page.id = ids[page.path]
        # What bulk_create does for a plain model, on the child table alone (no signals: the
        # pages are not indexed for search, which the benchmark does not exercise).
        CaseStudyPage._base_manager._insert(
            pages, fields=CaseStudyPage._meta.local_concrete_fields, using=connection.alias
        )
        CaseStudyTag.objects.bulk_create(
            [
                CaseStudyTag(content_object_id=page.pk, tag=themes[(page.pk + k) % len(themes)])
                for page in pages
                for k in range(1 + page.pk % 3)
            ],
            batch_size=BATCH,
        )
        PartnerOrganisation.objects.bulk_create(
            [
                PartnerOrganisation(
                    page_id=page.pk,
                    sort_order=k,
                    name=f"Partner organisation {k + 1} of {page.title}",
                    url="https://example.org/" if k == 0 else "",
                )
                for page in pages
                for k in range(2)
            ],
            batch_size=BATCH,
        )
        return pages[-1].pk
