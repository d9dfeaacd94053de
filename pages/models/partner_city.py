"""Partner cities (twinning) and their agreements: reference data chosen by pages."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PublishingPanel,
)
from wagtail.api import APIField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from pages.preview import FrontendPreviewMixin
from pages.representation import image_field


def validate_not_in_future(year: int) -> None:
    from django.core.exceptions import ValidationError

    if year is not None and year > timezone.now().year:
        raise ValidationError(
            f"{year} is in the future. Enter the year the agreement was actually signed, "
            "or leave the year empty and describe the period in 'Period' instead."
        )


class PartnerCity(
    FrontendPreviewMixin,
    PreviewableMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    TranslatableMixin,
    index.Indexed,
    ClusterableModel,
):
    """A city Leeds is twinned with. Chosen by the hub's partner-cities timeline and by case
    studies; listed at /api/v2/partner-cities/ for maps and timelines.

    Edited like a page: drafts, preview in the front end, the Reviewers workflow, scheduled
    publishing, locking. The row holds the live version; the API shows only live, unexpired
    cities (`pages.visibility.public_snippets`)."""

    name = models.CharField(
        max_length=100, help_text="The city's name as readers know it, e.g. 'Lille'."
    )
    country = models.CharField(
        max_length=2,
        validators=[
            RegexValidator(
                r"^[A-Z]{2}$",
                "Use the two-letter ISO 3166 country code in capitals, e.g. FR, DE, CN, CZ, ZA.",
            )
        ],
        help_text="Two-letter ISO 3166 country code in capitals, e.g. FR for France.",
    )
    year_signed = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), validate_not_in_future],
        help_text="Year the partnership was signed. Leave empty if the sources give no exact year.",
    )
    period = models.CharField(
        max_length=50,
        blank=True,
        help_text="When the year is unknown, the period the partnership began, e.g. 'late 1980s'.",
    )
    summary = models.TextField(
        help_text="One or two sentences on the partnership, shown on maps and timelines."
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="For the map: latitude in decimal degrees (between -90 and 90).",
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text="For the map: longitude in decimal degrees (between -180 and 180).",
    )
    image = models.ForeignKey(
        "media.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A picture of the city, shown beside it on the timeline.",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("country"),
                FieldRowPanel([FieldPanel("year_signed"), FieldPanel("period")]),
                FieldPanel("summary"),
            ],
            heading="Partnership",
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]), FieldPanel("image")],
            heading="Map and image",
        ),
        InlinePanel("agreements", heading="Agreements", label="Agreement"),
        # "Set schedule" in the Status side panel: go-live and expiry, as on pages.
        PublishingPanel(),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("country"),
        index.FilterField("year_signed"),
        index.FilterField("locale_id"),
        index.FilterField("translation_key"),  # ?search= with ?locale= (translations)
        # The API searches live, unexpired objects only (pages.visibility.public_snippets).
        index.FilterField("live"),
        index.FilterField("expire_at"),
    ]

    # An ISO country code is the same in every language: copied to translations, never
    # offered to translators as a string.
    override_translatable_fields = [SynchronizedField("country")]

    api_fields = [
        APIField("name"),
        APIField("country"),
        APIField("year_signed"),
        APIField("period"),
        APIField("summary"),
        APIField("latitude"),
        APIField("longitude"),
        image_field("image"),
        APIField("agreements"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = "partner city"
        verbose_name_plural = "partner cities"
        ordering = ["year_signed", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def signed_label(self) -> str:
        return str(self.year_signed) if self.year_signed else self.period


class Agreement(Orderable):
    """A cooperation or twinning agreement with a partner city (signed, re-signed or planned)."""

    class Status(models.TextChoices):
        SIGNED = "signed", "Signed"
        RESIGNED = "re-signed", "Re-signed"
        PLANNED = "planned", "Planned"

    city = ParentalKey(PartnerCity, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(
        max_length=255, help_text="e.g. 'Twinning agreement' or 'Cooperation agreement'."
    )
    date = models.DateField(
        null=True,
        blank=True,
        help_text="When it was signed. For a planned agreement leave empty or enter the planned date.",
    )
    date_precision = models.CharField(
        max_length=5,
        choices=[("day", "Day"), ("month", "Month"), ("year", "Year")],
        default="day",
        help_text="How exact the date is: the source may give only a month or a year.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.SIGNED,
        help_text="Signed, re-signed (renewed) or planned.",
    )

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("date"), FieldPanel("date_precision")]),
        FieldPanel("status"),
    ]
    api_fields = [
        APIField("title"),
        APIField("date"),
        APIField("date_precision"),
        APIField("status"),
    ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"
