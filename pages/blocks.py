"""StreamField blocks. Each block owns its JSON (`get_api_representation`): choosers come out
resolved (images as rendition sets, snippets as full objects, pages as links), never as ids.

The keys of the StreamBlocks are API contract: a front end switches on them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from pages.representation import (
    image_representation,
    model_ref,
    model_representation,
    page_link_representation,
)
from pages.schema import BOOLEAN, Schema, array, nullable, obj, ref, string

from .prefetch import prefetched_in_bulk
from .teasers import case_study_teasers
from .visibility import public_page_check


def sample_objects(model_label: str, count: int = 3) -> list:
    """A few existing objects of the default language: the block picker's previews show the
    editor's own partner cities, networks, images and case studies rather than made-up ones."""
    from django.apps import apps
    from wagtail.models import Locale

    model = apps.get_model(model_label)
    objects = model.objects.all()
    if hasattr(model, "locale"):
        objects = objects.filter(locale=Locale.get_default())
    if hasattr(model, "live"):  # pages, and snippets with drafts
        objects = objects.filter(live=True)
    if hasattr(model, "url_path"):  # pages: the latest; snippets keep their own order
        objects = objects.order_by("-first_published_at", "pk")
    return list(objects[:count])


class PrefetchingChooserMixin:
    """Load chosen objects with the related rows their JSON needs (renditions, agreements)
    in one query per block type, and reuse objects already loaded in this request."""

    def bulk_to_python(self, values):
        objects = prefetched_in_bulk(self.model_class, values)
        return [objects.get(value) if value is not None else None for value in values]


class ImageBlock(PrefetchingChooserMixin, ImageChooserBlock):
    def get_api_representation(self, value, context=None):
        return image_representation(value, context)

    def api_schema(self) -> Schema:
        return nullable(ref("Image"))


class PartnerCityChooserBlock(PrefetchingChooserMixin, SnippetChooserBlock):
    def __init__(self, **kwargs):
        super().__init__("pages.PartnerCity", **kwargs)

    def deconstruct(self):
        return blocks.Block.deconstruct(self)

    def get_api_representation(self, value, context=None):
        return model_representation(value, context)

    def api_schema(self) -> Schema:
        return nullable(model_ref(self.model_class))


class NetworkChooserBlock(PrefetchingChooserMixin, SnippetChooserBlock):
    def __init__(self, **kwargs):
        super().__init__("pages.Network", **kwargs)

    def deconstruct(self):
        return blocks.Block.deconstruct(self)

    def get_api_representation(self, value, context=None):
        return model_representation(value, context)

    def api_schema(self) -> Schema:
        return nullable(model_ref(self.model_class))


def public_link(page, context: dict | None) -> dict[str, Any] | None:
    """A link to a chosen page, or None while that page is not public (a draft's title must
    not be published through a page that links to it)."""
    if page is None or not public_page_check((context or {}).get("request"))(page):
        return None
    return page_link_representation(page, context)


class PageLinkBlock(PrefetchingChooserMixin, blocks.PageChooserBlock):
    def get_api_representation(self, value, context=None):
        return public_link(value, context)

    def api_schema(self) -> Schema:
        return nullable(ref("PageLink"))


class SectionBlock(blocks.StructBlock):
    """A heading and a few paragraphs: the running text of a page."""

    heading = blocks.CharBlock(
        max_length=200, help_text="Short heading, e.g. 'Partners from Europe to China'."
    )
    text = blocks.RichTextBlock(
        features=["bold", "italic", "link", "document-link", "ol", "ul"],
        help_text="The section's text. Link to other pages with the link button.",
    )

    class Meta:
        icon = "doc-full"
        label = "Section"
        preview_value = {
            "heading": "Partners from Europe to China",
            "text": "<p>Leeds' first official partner city agreement was signed in 1968.</p>",
        }
        description = "A heading with paragraphs of text"


class ImageWithCaptionBlock(blocks.StructBlock):
    """An image with its caption (the image's own caption unless overridden here)."""

    image = ImageBlock(help_text="Choose or upload an image. It must have alt text.")
    caption = blocks.CharBlock(
        required=False,
        max_length=500,
        help_text="Overrides the image's own caption on this page. Leave empty to use it.",
    )

    class Meta:
        icon = "image"
        label = "Image with caption"
        description = "A picture with a caption underneath"

    def get_preview_value(self):
        images = sample_objects("media.CustomImage", 1)
        return self.normalize({"image": images[0] if images else None, "caption": ""})

    def get_api_representation(self, value, context=None):
        image = image_representation(value["image"], context)
        caption = value["caption"] or (image["caption"] if image else "")
        return {"image": image, "caption": caption}

    def api_schema(self) -> Schema:
        return obj(
            {
                "image": nullable(ref("Image")),
                "caption": string("This page's caption, else the image's own."),
            }
        )


class KeyFigureBlock(blocks.StructBlock):
    """A number that tells the story at a glance: '190 cities', '10,000 students'."""

    figure = blocks.CharBlock(
        max_length=30, help_text="The number as readers see it, e.g. '190' or '10,000'."
    )
    label = blocks.CharBlock(
        max_length=60, help_text="What is counted, e.g. 'cities' or 'students'."
    )
    context = blocks.CharBlock(
        required=False,
        max_length=200,
        help_text="Optional: one line of context, e.g. 'in the Eurocities network'.",
    )

    class Meta:
        icon = "pick"
        label = "Key figure"
        preview_value = {"figure": "190", "label": "cities", "context": "in Eurocities"}
        description = "A big number with a label"


class CallToActionBlock(blocks.StructBlock):
    """A button linking to a page of this site or to another website."""

    label = blocks.CharBlock(max_length=80, help_text="The button text, e.g. 'Find out more'.")
    page = PageLinkBlock(required=False, help_text="Link to a page of this site, or…")
    url = blocks.URLBlock(
        required=False, help_text="…to another website (https://…). Fill in one of the two."
    )

    class Meta:
        icon = "link"
        label = "Call to action"
        preview_value = {"label": "Find out more", "url": "https://eurocities.eu/"}
        description = "A button that links somewhere"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = "Choose a page or enter a web address: exactly one of the two."
            raise blocks.StructBlockValidationError(
                block_errors={"page": ErrorList([ValidationError(message)])}
            )
        return value

    def get_api_representation(self, value, context=None):
        page = value.get("page")
        link = public_link(page, context)
        return {
            "label": value["label"],
            "page": link,
            "url": value.get("url") or (link["path"] if link else ""),
            "external": not page,
        }

    def api_schema(self) -> Schema:
        return obj(
            {
                "label": string(),
                "page": nullable(ref("PageLink")),
                "url": string("The web address, or the page's front-end path."),
                "external": {**BOOLEAN, "description": "true: a web address, not a page."},
            }
        )


class ChosenSnippetsBlock(blocks.StructBlock):
    """A heading and the snippets an editor chose (child `list_name`), in the editor's order.
    A chosen snippet that is not live (a draft, scheduled, expired) is left out."""

    list_name = ""

    def get_api_representation(self, value, context=None):
        shown = (model_representation(item, context) for item in value[self.list_name] if item)
        return {"heading": value["heading"], self.list_name: [item for item in shown if item]}

    def api_schema(self) -> Schema:
        model = self.child_blocks[self.list_name].child_block.model_class
        return obj({"heading": string(), self.list_name: array(model_ref(model))})


class PartnerCitiesTimelineBlock(ChosenSnippetsBlock):
    """The partner cities on a timeline, in the order the editor puts them (some cities have
    only a period, no year)."""

    list_name = "cities"

    heading = blocks.CharBlock(max_length=200, help_text="e.g. 'Our partner cities'.")
    cities = blocks.ListBlock(
        PartnerCityChooserBlock(), help_text="Choose the partner cities to show on the timeline."
    )

    class Meta:
        icon = "site"
        label = "Partner-cities timeline"
        description = "The partner cities with the years they were signed"

    def get_preview_value(self):
        cities = sample_objects("pages.PartnerCity")
        return self.normalize({"heading": "Our partner cities", "cities": cities})


class NetworksBlock(ChosenSnippetsBlock):
    """The city networks Leeds belongs to."""

    list_name = "networks"

    heading = blocks.CharBlock(max_length=200, help_text="e.g. 'Global networks'.")
    networks = blocks.ListBlock(NetworkChooserBlock(), help_text="Choose the networks to show.")

    class Meta:
        icon = "group"
        label = "Networks"
        description = "City networks and Leeds' role in them"

    def get_preview_value(self):
        networks = sample_objects("pages.Network")
        return self.normalize({"heading": "Global networks", "networks": networks})


class CaseStudyTeasersBlock(blocks.StructBlock):
    """Teasers of case studies: the latest published ones (the default: a case study shows up
    here as soon as it is published), or a hand-picked list."""

    heading = blocks.CharBlock(max_length=200, help_text="e.g. 'Case studies'.")
    case_studies = blocks.ListBlock(
        PageLinkBlock(page_type="pages.CaseStudyPage"),
        required=False,
        help_text=(
            "Leave empty to show the latest published case studies: a newly published one "
            "appears here at once. Choose case studies only to hand-pick the list: then a new "
            "case study appears only once you add it here."
        ),
    )

    class Meta:
        icon = "list-ul"
        label = "Case-study teasers"
        description = "Cards linking to case studies"

    def get_preview_value(self):
        latest = sample_objects("pages.CaseStudyPage")
        return self.normalize({"heading": "Case studies", "case_studies": latest})

    def get_api_representation(self, value, context=None):
        chosen = [page for page in value["case_studies"] if page is not None]
        model = self.child_blocks["case_studies"].child_block.target_model
        return {
            "heading": value["heading"],
            "case_studies": case_study_teasers(context, model, chosen=chosen),
        }

    def api_schema(self) -> Schema:
        return obj({"heading": string(), "case_studies": ref("CaseStudyTeasers")})


class HubBodyBlock(blocks.StreamBlock):
    section = SectionBlock()
    partner_cities = PartnerCitiesTimelineBlock()
    networks = NetworksBlock()
    case_study_teasers = CaseStudyTeasersBlock()
    image = ImageWithCaptionBlock()
    key_figure = KeyFigureBlock()
    call_to_action = CallToActionBlock()


class CaseStudyBodyBlock(blocks.StreamBlock):
    section = SectionBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul"],
        icon="pilcrow",
        label="Paragraph",
        help_text="Plain running text without a heading.",
        description="Running text without a heading",
        preview_value="<p>Leeds' first official partner city agreement was signed in 1968.</p>",
    )
    image = ImageWithCaptionBlock()
    key_figure = KeyFigureBlock()
    call_to_action = CallToActionBlock()
