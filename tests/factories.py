"""Factories for every model; `tests/test_factories.py` proves each one works."""

from __future__ import annotations

import io

import factory
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.models import Locale, Page

from media.models import CustomDocument, CustomImage
from pages.models import Agreement, CaseStudyPage, HubPage, Network, PartnerCity


def image_file(
    name: str = "factory.png", size: tuple[int, int] = (1200, 800), colour="teal"
) -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    return ImageFile(io.BytesIO(buffer.getvalue()), name=name)


def default_locale() -> Locale:
    return Locale.objects.get_or_create(language_code="en")[0]


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomImage

    title = factory.Sequence(lambda n: f"Image {n}")
    description = factory.LazyAttribute(lambda o: f"Alt text for {o.title}")
    caption = factory.LazyAttribute(lambda o: f"Caption of {o.title}")
    credit = "Photo: test suite"
    file = factory.LazyFunction(image_file)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomDocument

    title = factory.Sequence(lambda n: f"Document {n}")
    file = factory.django.FileField(filename="report.pdf", data=b"%PDF-1.4 test")


class PartnerCityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerCity

    name = factory.Sequence(lambda n: f"Partner city {n}")
    country = "FR"
    year_signed = 1990
    summary = factory.LazyAttribute(lambda o: f"Summary of {o.name}")
    latitude = "50.000000"
    longitude = "3.000000"
    locale = factory.LazyFunction(default_locale)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    city = factory.SubFactory(PartnerCityFactory)
    title = "Cooperation agreement"
    status = Agreement.Status.SIGNED


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Network {n}")
    url = "https://example.org/"
    year_joined = 2010
    summary = "A network of cities."
    locale = factory.LazyFunction(default_locale)


class PageFactory(factory.Factory):
    """Pages go into the tree with add_child; `live=False` keeps them as drafts."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.LazyAttribute(lambda o: f"page-{abs(hash(o.title)) % 10**8}")

    @classmethod
    def _create(cls, model_class, *args, parent: Page | None = None, live: bool = True, **kwargs):
        page = model_class(*args, **kwargs)
        if parent is None:
            parent = cls.default_parent()
        if not live:
            page.live = False
        parent.add_child(instance=page)
        revision = page.save_revision()
        if live:
            revision.publish()
        page.refresh_from_db()
        return page

    @classmethod
    def default_parent(cls) -> Page:
        return Page.get_first_root_node()


class HubPageFactory(PageFactory):
    class Meta:
        model = HubPage

    introduction = "An introduction."


class CaseStudyPageFactory(PageFactory):
    class Meta:
        model = CaseStudyPage

    summary = factory.LazyAttribute(lambda o: f"Summary of {o.title}")
    body = factory.LazyFunction(lambda: [{"type": "paragraph", "value": "<p>A paragraph.</p>"}])

    @classmethod
    def default_parent(cls) -> Page:
        return HubPage.objects.filter(depth=2, locale__language_code="en").first()
