"""The hub: the site's root page, rendered by the front end at "/"."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from pages.blocks import HubBodyBlock
from pages.headless import HeadlessURLMixin
from pages.models.panels import page_tabs
from pages.preview import FrontendPreviewMixin
from pages.representation import image_field


class HubPage(HeadlessURLMixin, FrontendPreviewMixin, Page):
    """The international-cooperation hub: introduction, hero image, and the sections
    (partner cities, networks, key figures, case-study teasers). One per language."""

    introduction = models.TextField(
        help_text="The opening paragraph under the page title: why Leeds works internationally."
    )
    hero_image = models.ForeignKey(
        "media.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The large picture at the top of the page. It needs alt text.",
    )
    hero_caption = models.CharField(
        max_length=255,
        blank=True,
        help_text="Caption under the hero image, e.g. 'Leeds welcomes Chinese Olympic Committee'.",
    )
    body = StreamField(
        HubBodyBlock(),
        blank=True,
        help_text="The hub's sections, in the order they appear on the page.",
    )

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["pages.CaseStudyPage"]
    max_count_per_parent = 1

    # ?search= on the pages endpoint finds a hub by its text, not only by its title.
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        FieldPanel("body"),
    ]
    image_panels = [
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_caption")], heading="Hero image"
        ),
    ]
    edit_handler = page_tabs(("Content", content_panels), ("Images", image_panels))

    api_fields = [
        APIField("introduction"),
        image_field("hero_image"),
        APIField("hero_caption"),
        APIField("body"),
    ]
    # Loaded with the page (api/views.py); the image carries its renditions as plain values.
    api_select_related = ("hero_image",)
    api_prefetch_related = ()

    class Meta:
        verbose_name = "hub page"
