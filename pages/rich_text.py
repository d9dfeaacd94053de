"""Rich text as the API renders it: links and embeds to what is not public lose what would
reveal it.

Wagtail renders every page link with the target's URL and every document link with the
file's URL, whether the target is live or not. On a public page that would publish the slug
of a draft, an unpublished or a private page, or the file name of a document in a private
collection. Here such a link keeps its text but loses its `href` (`<a>`, the same output
Wagtail gives a link to a deleted page); an image embedded from a private collection is
left out. The handlers are registered in `pages/wagtail_hooks.py` in place of Wagtail's own
(API v2 and v3 `html`); `public_only_db_html` does the same for the formats that convert the
database HTML in other ways (v3 `markdown`, wired in `cms/security.py`).
"""

from __future__ import annotations

from django.forms.utils import flatatt
from django.utils.html import escape
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.images.formats import get_image_format
from wagtail.images.rich_text import ImageEmbedHandler
from wagtail.rich_text.pages import PageLinkHandler
from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, MultiRuleRewriter

from pages.visibility import is_public_media, public_page_check


class PublicPageLinkHandler(PageLinkHandler):
    """`<a href="/path/">` for a public page, `<a>` for any other."""

    @classmethod
    def public_targets(cls, attrs_list: list[dict]) -> list:
        is_public = public_page_check()
        return [page if page and is_public(page) else None for page in cls.get_many(attrs_list)]

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        return [
            f'<a href="{escape(page.localized.url)}">' if page else "<a>"
            for page in cls.public_targets(attrs_list)
        ]


class PublicDocumentLinkHandler(DocumentLinkHandler):
    """`<a href="/documents/...">` for a document in a public collection, `<a>` otherwise."""

    @classmethod
    def public_targets(cls, attrs_list: list[dict]) -> list:
        return [doc if is_public_media(doc) else None for doc in cls.get_many(attrs_list)]

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        return [
            f'<a href="{escape(doc.url)}">' if doc else "<a>"
            for doc in cls.public_targets(attrs_list)
        ]


class PublicImageEmbedHandler(ImageEmbedHandler):
    """An image embedded from a private collection renders as nothing."""

    @classmethod
    def public_targets(cls, attrs_list: list[dict]) -> list:
        return [image if is_public_media(image) else None for image in cls.get_many(attrs_list)]

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        tags = []
        for attrs, image in zip(attrs_list, cls.public_targets(attrs_list), strict=True):
            if image is None:
                tags.append("")
            else:
                image_format = get_image_format(attrs["format"])
                tags.append(image_format.image_to_html(image, attrs.get("alt", "")))
        return tags


def _keep_public(handler, tag: str, hidden: str):
    """A rewrite rule: the tag as it was for a public target, `hidden` for any other."""

    def rule(attrs_list: list[dict]) -> list[str]:
        return [
            hidden if target is None else f"<{tag}{flatatt(attrs)}>"
            for attrs, target in zip(attrs_list, handler.public_targets(attrs_list), strict=True)
        ]

    return rule


class _ImageEmbedRewriter(EmbedRewriter):
    def get_tag_replacements(self, tag_type, attrs_list):
        # Only image embeds are filtered; other embeds (media) stay as they are.
        return super().get_tag_replacements(tag_type, attrs_list) if tag_type == "image" else []


def public_only_db_html(html: str) -> str:
    """Database HTML with links to hidden pages and private documents unlinked (`<a>`) and
    images from private collections removed; everything else unchanged."""
    rewrite = MultiRuleRewriter(
        [
            LinkRewriter(
                bulk_rules={
                    "page": _keep_public(PublicPageLinkHandler, "a", "<a>"),
                    "document": _keep_public(PublicDocumentLinkHandler, "a", "<a>"),
                }
            ),
            _ImageEmbedRewriter(
                bulk_rules={"image": _keep_public(PublicImageEmbedHandler, "embed", "")}
            ),
        ]
    )
    return rewrite(html)
