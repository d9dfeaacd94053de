"""Images and documents: every image carries the alt text, caption and credit a front end needs."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.documents.models import AbstractDocument, Document
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.search import index

from media.validators import validate_document_content, validate_image_frames


def rendition_set_key(image) -> str:
    """What an image's renditions were made from: its file and focal point (and the media
    URL their URLs start with). Any change makes the stored rendition set invalid."""
    return "|".join(
        str(part)
        for part in (
            image.file.name,
            image.focal_point_x,
            image.focal_point_y,
            image.focal_point_width,
            image.focal_point_height,
            settings.MEDIA_URL,
        )
    )


class CustomImage(AbstractImage):
    """An image in the library. Shows up in the API wherever a page or snippet uses it,
    with its alt text (Wagtail's `description`), caption, credit, focal point and renditions."""

    # Wagtail's own `description` is the alt text (one field, where Wagtail's rich-text image
    # embed and the API's `alt` both read it): required, and explained as such.
    description = models.CharField(
        max_length=255,
        default="",
        verbose_name="description (alt text)",
        help_text=(
            "Describe what the image shows for people who cannot see it "
            "(for example: 'The Lord Mayor of Leeds shakes hands with the Mayor of Lille'). "
            "Required: a screen reader reads this aloud, and the API serves it as the alt text."
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

    # The image's renditions as plain values, {"key": ..., "specs": {spec: [url, width,
    # height]}}, filled whenever renditions are made or found through get_rendition(s), so
    # the API builds an image's JSON without loading Rendition rows. Valid only while "key"
    # matches `rendition_set_key()` (same file, focal point and media URL).
    rendition_set = models.JSONField(default=dict, blank=True, editable=False)

    admin_form_fields = (*Image.admin_form_fields, "caption", "credit")
    search_fields = [*AbstractImage.search_fields, index.SearchField("caption")]

    def clean(self):
        # Wagtail's field checks size, format and pixels of one frame; an animation's
        # frames count too (media/validators.py).
        super().clean()
        if self.file and not getattr(self.file, "_committed", True):
            try:
                validate_image_frames(self.file, settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS)
            except ValidationError as error:
                raise ValidationError({"file": error.messages}) from error

    def rendition_set_key(self) -> str:
        return rendition_set_key(self)

    def known_renditions(self) -> dict[str, list]:
        """spec -> [url, width, height] of the renditions made for this image as it is now."""
        stored = self.rendition_set or {}
        if stored.get("key") != self.rendition_set_key():
            return {}
        return stored.get("specs", {})

    def remember_renditions(self, renditions) -> None:
        """Add these renditions to `rendition_set` (one UPDATE, only when something is new).

        Written with a queryset update: a rendition changes no image's JSON (it is made from
        the same file), so it is not a content change and sends no signal."""
        if self.pk is None:
            return
        known = dict(self.known_renditions())
        new = {
            r.filter_spec: [r.url, r.width, r.height]
            for r in renditions
            if known.get(r.filter_spec) != [r.url, r.width, r.height]
        }
        if not new:
            return
        known.update(new)
        self.rendition_set = {"key": self.rendition_set_key(), "specs": known}
        type(self).objects.filter(pk=self.pk).update(rendition_set=self.rendition_set)

    def get_renditions(self, *filters):
        renditions = super().get_renditions(*filters)
        self.remember_renditions(renditions.values())
        return renditions

    def get_rendition(self, filter):
        rendition = super().get_rendition(filter)
        self.remember_renditions([rendition])
        return rendition

    class Meta(AbstractImage.Meta):
        verbose_name = "image"
        verbose_name_plural = "images"
        permissions = [("choose_image", "Can choose image")]


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, related_name="renditions", on_delete=models.CASCADE)

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


@receiver(post_delete, sender=CustomRendition, dispatch_uid="media-rendition-deleted")
def forget_rendition(sender, instance, **kwargs) -> None:
    # A deleted rendition's file is gone: the image's set must not point at it any more.
    CustomImage.objects.filter(pk=instance.image_id).update(rendition_set={})


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
