"""Images and documents: every image carries the alt text, caption and credit a front end needs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.documents.models import AbstractDocument, Document
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.search import index

from media.validators import validate_document_content, validate_image_frames


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

    def clean(self):
        # Wagtail's field checks size, format and pixels of one frame; an animation's
        # frames count too (media/validators.py).
        super().clean()
        if self.file and not getattr(self.file, "_committed", True):
            try:
                validate_image_frames(self.file, settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS)
            except ValidationError as error:
                raise ValidationError({"file": error.messages}) from error

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

    def clean(self):
        # Wagtail checks the extension against WAGTAILDOCS_EXTENSIONS; the content must then
        # be what the extension says (no HTML or script renamed .pdf).
        super().clean()
        if self.file and not getattr(self.file, "_committed", True):
            try:
                validate_document_content(self.file)
            except ValidationError as error:
                raise ValidationError({"file": error.messages}) from error

    class Meta(AbstractDocument.Meta):
        verbose_name = "document"
        verbose_name_plural = "documents"
        permissions = [("choose_document", "Can choose document")]
