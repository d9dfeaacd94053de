"""Images and documents: every image carries the alt text, caption and credit a front end needs."""

from django.db import models
from wagtail.documents.models import AbstractDocument, Document
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.search import index


class CustomImage(AbstractImage):
    """An image in the library. Shows up in the API wherever a page or snippet uses it,
    with its alt text, caption, credit, focal point and renditions."""

    alt_text = models.CharField(
        max_length=255,
        help_text=(
            "Describe what the image shows for people who cannot see it "
            "(for example: 'The Lord Mayor of Leeds shakes hands with the Mayor of Lille'). "
            "Required: a screen reader reads this aloud."
        ),
    )
    caption = models.CharField(
        max_length=500,
        blank=True,
        help_text="Shown under the image. Leave empty if the image needs no caption.",
    )
    credit = models.CharField(
        max_length=255,
        blank=True,
        help_text="Who took or owns the image, e.g. 'Photo: Leeds City Council'.",
    )

    admin_form_fields = (*Image.admin_form_fields, "alt_text", "caption", "credit")
    search_fields = [
        *AbstractImage.search_fields,
        index.SearchField("alt_text"),
        index.SearchField("caption"),
    ]

    @property
    def default_alt_text(self) -> str:
        return self.alt_text or super().default_alt_text

    class Meta(AbstractImage.Meta):
        verbose_name = "image"
        verbose_name_plural = "images"
        permissions = [("choose_image", "Can choose image")]


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, related_name="renditions", on_delete=models.CASCADE)

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class CustomDocument(AbstractDocument):
    """A downloadable file (report, agreement text). Listed at /api/v2/documents/."""

    admin_form_fields = Document.admin_form_fields

    class Meta(AbstractDocument.Meta):
        verbose_name = "document"
        verbose_name_plural = "documents"
        permissions = [("choose_document", "Can choose document")]
