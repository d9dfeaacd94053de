"""Case studies: stories of partnerships and networks, always directly under the hub."""

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from pages.blocks import CaseStudyBodyBlock
from pages.headless import HeadlessURLMixin
from pages.models.panels import page_tabs
from pages.preview import FrontendPreviewMixin
from pages.representation import TagNamesField, image_field, snippet_field


class CaseStudyTag(TaggedItemBase):
    content_object = ParentalKey(
        "pages.CaseStudyPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class CaseStudyPage(HeadlessURLMixin, FrontendPreviewMixin, Page):
    """A case study (e.g. the Lille partnership). Listed at
    /api/v2/pages/?type=pages.CaseStudyPage and teased on the hub."""

    summary = models.TextField(
        help_text=(
            "Two or three sentences shown on the hub's teaser card and in search results. "
            "Required: a case study without a summary shows an empty card."
        )
    )
    hero_image = models.ForeignKey(
        "media.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The main picture, also used as the teaser thumbnail.",
    )
    body = StreamField(
        CaseStudyBodyBlock(),
        blank=True,
        help_text="The story: sections, paragraphs, images, key figures.",
    )
    themes = ClusterTaggableManager(
        through=CaseStudyTag,
        blank=True,
        help_text="Themes such as 'children and young people', 'culture', 'smart cities'. "
        "Separate themes with commas.",
    )
    related_partner_city = models.ForeignKey(
        "pages.PartnerCity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_studies",
        help_text="The partner city this case study is about, if any.",
    )
    related_network = models.ForeignKey(
        "pages.Network",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_studies",
        help_text="The city network this case study is about, if any.",
    )
    find_out_more_url = models.URLField(
        blank=True,
        help_text="Optional link to another website with more information (https://…).",
    )
    find_out_more_label = models.CharField(
        max_length=80,
        blank=True,
        help_text="The link text, e.g. 'Visit the Bambisanani Partnership'. Needed with a link.",
    )

    parent_page_types = ["pages.HubPage"]
    subpage_types: list[str] = []

    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("themes"),
    ]
    partner_panels = [
        MultiFieldPanel(
            [FieldPanel("related_partner_city"), FieldPanel("related_network")],
            heading="Related partner city and network",
        ),
        InlinePanel("partner_organisations", heading="Partner organisations", label="Organisation"),
        MultiFieldPanel(
            [FieldPanel("find_out_more_url"), FieldPanel("find_out_more_label")],
            heading="Find out more",
        ),
    ]
    image_panels = [FieldPanel("hero_image")]
    edit_handler = page_tabs(
        ("Content", content_panels),
        ("Partners and networks", partner_panels),
        ("Images", image_panels),
    )

    api_fields = [
        APIField("summary"),
        image_field("hero_image"),
        APIField("body"),
        APIField("themes", serializer=TagNamesField(read_only=True)),
        snippet_field("related_partner_city"),
        snippet_field("related_network"),
        APIField("partner_organisations"),
        APIField("find_out_more_url"),
        APIField("find_out_more_label"),
    ]
    # Loaded with every listing and detail (api/views.py) so that a page's JSON costs the
    # same number of queries for 2 pages as for 20.
    api_select_related = (
        "hero_image",
        "related_partner_city__locale",
        "related_partner_city__image",
        "related_network__locale",
        "related_network__image",
    )
    api_prefetch_related = (
        "related_partner_city__agreements",
        "partner_organisations",
    )

    class Meta:
        verbose_name = "case study"
        verbose_name_plural = "case studies"

    def clean(self):
        super().clean()
        if self.find_out_more_url and not self.find_out_more_label:
            raise ValidationError(
                {
                    "find_out_more_label": "Add the link text readers will click, e.g. 'Find out more'."
                }
            )


class PartnerOrganisation(Orderable):
    """An organisation that takes part in a case study (a school, a university, a charity)."""

    page = ParentalKey(
        CaseStudyPage, on_delete=models.CASCADE, related_name="partner_organisations"
    )
    name = models.CharField(max_length=255, help_text="e.g. 'St Mary's High School Menston'.")
    url = models.URLField(blank=True, help_text="Optional: the organisation's website.")

    panels = [FieldPanel("name"), FieldPanel("url")]
    api_fields = [APIField("name"), APIField("url")]

    def __str__(self) -> str:
        return self.name
