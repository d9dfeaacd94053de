"""City networks Leeds belongs to (Eurocities, OECD Champion Mayors, G20 Global Smart Cities Alliance)."""

from django.core.validators import MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PublishingPanel
from wagtail.api import APIField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index

from pages.preview import FrontendPreviewMixin
from pages.representation import image_field

from .partner_city import validate_not_in_future


class Network(
    FrontendPreviewMixin,
    PreviewableMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    TranslatableMixin,
    index.Indexed,
    models.Model,
):
    """A network or initiative of cities. Chosen by the hub's networks section and by case
    studies; listed at /api/v2/networks/. Drafts, preview, review, scheduling and locking as
    for partner cities; the API shows only the live version."""

    name = models.CharField(max_length=200, help_text="The network's full name, e.g. 'Eurocities'.")
    url = models.URLField(
        blank=True, help_text="The network's own website (starting with https://)."
    )
    year_joined = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), validate_not_in_future],
        help_text="Year Leeds joined or signed up. Leave empty if unknown.",
    )
    role = models.CharField(
        max_length=255,
        blank=True,
        help_text="Leeds' role in the network, e.g. 'Chair of the Working Group Children and Young People'.",
    )
    member_city_count = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How many cities are members, e.g. 190. Leave empty if unknown.",
    )
    country_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many countries the members come from, e.g. 39."
    )
    summary = models.TextField(help_text="What the network does and what Leeds gets from it.")
    image = models.ForeignKey(
        "media.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A logo or picture shown beside the network.",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("url"), FieldPanel("summary"), FieldPanel("image")],
            heading="Network",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("year_joined"), FieldPanel("role")]),
                FieldRowPanel([FieldPanel("member_city_count"), FieldPanel("country_count")]),
            ],
            heading="Leeds' membership",
        ),
        # "Set schedule" in the Status side panel: go-live and expiry, as on pages.
        PublishingPanel(),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("year_joined"),
        index.FilterField("locale_id"),
        index.FilterField("translation_key"),  # ?search= with ?locale= (translations)
        # The API searches live, unexpired objects only (pages.visibility.public_snippets).
        index.FilterField("live"),
        index.FilterField("expire_at"),
    ]

    api_fields = [
        APIField("name"),
        APIField("url"),
        APIField("year_joined"),
        APIField("role"),
        APIField("member_city_count"),
        APIField("country_count"),
        APIField("summary"),
        image_field("image"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = "network"
        verbose_name_plural = "networks"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
