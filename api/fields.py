"""Representation helpers shared by blocks, models and endpoints.

`pages` imports this module (never the other way round): models declare `image_field(...)`
in `api_fields`, blocks call `image_representation(...)` from `get_api_representation`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from rest_framework.fields import Field
from wagtail.api import APIField
from wagtail.images.models import Filter

# Widths a front end picks from (srcset), and the "src" fallback width.
RENDITION_WIDTHS: tuple[int, ...] = (480, 960, 1600)
FALLBACK_WIDTH = 960
THUMBNAIL_SPEC = "fill-480x320-c100|format-webp"


@lru_cache(maxsize=1)
def rendition_formats() -> tuple[str, ...]:
    """AVIF where this Pillow build can encode it, then WebP, then JPEG as the fallback."""
    from PIL import features

    formats = ["webp", "jpeg"]
    if getattr(settings, "API_IMAGE_AVIF", True) and features.check("avif"):
        formats.insert(0, "avif")
    return tuple(formats)


def rendition_specs() -> list[tuple[str, int, str]]:
    return [
        (fmt, width, f"width-{width}|format-{fmt}")
        for fmt in rendition_formats()
        for width in RENDITION_WIDTHS
    ]


@lru_cache(maxsize=64)
def _filter(spec: str) -> Filter:
    # Parsing a filter spec is a measurable share of a rendition lookup; parse each spec once.
    return Filter(spec=spec)


@lru_cache(maxsize=1)
def _all_filters() -> tuple[Filter, ...]:
    return (*(_filter(spec) for _fmt, _width, spec in rendition_specs()), _filter(THUMBNAIL_SPEC))


def all_filters() -> list[Filter]:
    return list(_all_filters())


def absolute_url(url: str, context: dict | None) -> str:
    """Media URLs are made absolute so a front end on another origin can use them directly."""
    if url.startswith(("http://", "https://")):
        return url
    base = getattr(settings, "WAGTAILAPI_BASE_URL", "")
    request = (context or {}).get("request")
    if not base and request is not None:
        base = getattr(request, "_api_media_base", None)
        if base is None:
            base = request.build_absolute_uri("/").rstrip("/")
            request._api_media_base = base
    return f"{base.rstrip('/')}{url}"


def _rendition_dict(rendition, context) -> dict[str, Any]:
    return {
        "url": absolute_url(rendition.url, context),
        "width": rendition.width,
        "height": rendition.height,
    }


def _prefetched(image, filters: list[Filter]) -> dict[str, Any] | None:
    """The renditions for `filters` from the image's prefetched set, or None if one is
    missing (then Wagtail's get_renditions makes it). Wagtail's own lookup does the same
    with more work per call, and get_rendition() writes each hit back to the cache."""
    prefetched = image._get_prefetched_renditions()
    if prefetched is None:
        return None
    by_key = {(r.filter_spec, r.focal_point_key): r for r in prefetched}
    found = {}
    for filter in filters:
        rendition = by_key.get((filter.spec, filter.get_cache_key(image)))
        if rendition is None:
            return None
        found[filter.spec] = rendition
    return found


def renditions_of(image, filters: list[Filter]) -> dict[str, Any]:
    return _prefetched(image, filters) or image.get_renditions(*filters)


def embeddable(obj) -> bool:
    """An image or document in a collection under a view restriction is never embedded in
    a response: its place holds null (no title, no rendition or file URL)."""
    from pages.visibility import is_public_media

    return is_public_media(obj)


def image_representation(image, context: dict | None = None) -> dict[str, Any] | None:
    """Everything a front end needs to render an image responsively, from one object;
    None when there is no image or it is private (`embeddable`)."""
    if image is None or not embeddable(image):
        return None
    renditions = renditions_of(image, all_filters())
    by_format: dict[str, list[dict[str, Any]]] = {}
    seen: dict[str, set[int]] = {}
    fallback = None
    for fmt, width, spec in rendition_specs():
        rendition = renditions[spec]
        entry = _rendition_dict(rendition, context)
        # A small original yields identical renditions at several widths; list each size once.
        if entry["width"] in seen.setdefault(fmt, set()):
            continue
        seen[fmt].add(entry["width"])
        by_format.setdefault(fmt, []).append(entry)
        if fmt == "jpeg" and (fallback is None or width <= FALLBACK_WIDTH):
            fallback = entry
    focal_point = None
    if image.has_focal_point():
        focal_point = {
            "x": image.focal_point_x,
            "y": image.focal_point_y,
            "width": image.focal_point_width,
            "height": image.focal_point_height,
        }
    return {
        "id": image.pk,
        "title": image.title,
        "alt": image.alt_text or image.title,
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
        "focal_point": focal_point,
        "url": fallback["url"],
        "src": fallback,
        "thumbnail": _rendition_dict(renditions[THUMBNAIL_SPEC], context),
        "renditions": by_format,
        "srcset": {
            fmt: ", ".join(f"{r['url']} {r['width']}w" for r in entries)
            for fmt, entries in by_format.items()
        },
        "sizes": "(min-width: 1024px) 960px, 100vw",
    }


def thumbnail_representation(image, context: dict | None = None) -> dict[str, Any] | None:
    if image is None or not embeddable(image):
        return None
    rendition = renditions_of(image, [_filter(THUMBNAIL_SPEC)])[THUMBNAIL_SPEC]
    return {
        "id": image.pk,
        "alt": image.alt_text or image.title,
        **_rendition_dict(rendition, context),
    }


class ContextField(Field):
    """A DRF field that renders through a plain function taking (value, context)."""

    represent = staticmethod(lambda value, context: value)

    def to_representation(self, value):
        return self.represent(value, self.context)


class ImageRepresentationField(ContextField):
    represent = staticmethod(image_representation)


def image_field(name: str) -> APIField:
    return APIField(name, serializer=ImageRepresentationField(read_only=True))


def locale_code(obj) -> str | None:
    locale = getattr(obj, "locale", None)
    return locale.language_code if locale is not None else None


def page_path(page, context: dict | None = None) -> str:
    """The page's path on the front end: its url_path below the site root, language-prefixed
    for non-default locales (matching `find?html_path=`)."""
    from pages.routing import public_path

    return public_path(page)


def page_link_representation(page, context: dict | None = None) -> dict[str, Any] | None:
    if page is None:
        return None
    current = (context or {}).get("page")
    fallback = None
    if current is not None and hasattr(page, "translation_key"):
        # A link on a translated page goes to the linked page's live translation, if any;
        # otherwise to the page as chosen, flagged like a snippet that falls back.
        from pages.translation import in_page_locale

        page, fallback = in_page_locale(page, current)
    specific_class = page.specific_class
    link = {
        "id": page.pk,
        "title": page.title,
        "type": f"{specific_class._meta.app_label}.{specific_class.__name__}"
        if specific_class
        else None,
        "locale": locale_code(page),
        "path": page_path(page, context),
    }
    if fallback is not None:
        link["fallback"] = fallback
    return link


def plain_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def model_representation(obj, context: dict | None = None) -> dict[str, Any] | None:
    """A snippet (or inline child) as JSON, following its `api_fields` allowlist.

    Used where a snippet is embedded (StreamField choosers, page foreign keys), so that the
    embedded object has the same shape as the snippet's own endpoint."""
    if obj is None:
        return None
    page = (context or {}).get("page")
    fallback = None
    if page is not None and hasattr(obj, "translation_key"):
        # Embedded in a page: the snippet in the page's locale, else the source, flagged.
        from pages.translation import in_page_locale

        obj, fallback = in_page_locale(obj, page)
    out: dict[str, Any] = {"id": obj.pk}
    if hasattr(obj, "locale_id"):
        out["locale"] = locale_code(obj)
    if fallback is not None:
        out["fallback"] = fallback
    for api_field in obj.api_fields:
        name = api_field.name
        value = getattr(obj, name)
        serializer = api_field.serializer
        if isinstance(serializer, ContextField):
            out[name] = serializer.represent(value, context)
        elif hasattr(value, "all") and callable(value.all):
            out[name] = [model_representation(child, context) for child in value.all()]
        else:
            out[name] = plain_value(value)
    return out


class ModelRepresentationField(ContextField):
    represent = staticmethod(model_representation)


def snippet_field(name: str) -> APIField:
    return APIField(name, serializer=ModelRepresentationField(read_only=True))


class PageLinkField(ContextField):
    represent = staticmethod(page_link_representation)


class TagNamesField(Field):
    def to_representation(self, value):
        return sorted(tag.name for tag in value.all())
