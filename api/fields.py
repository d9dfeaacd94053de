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


def _media_base(context: dict | None) -> str:
    base = getattr(settings, "WAGTAILAPI_BASE_URL", "")
    if base:
        return base.rstrip("/")
    request = (context or {}).get("request")
    if request is None:
        return ""
    found = getattr(request, "_api_media_base", None)
    if found is None:
        found = request._api_media_base = request.build_absolute_uri("/").rstrip("/")
    return found


def _absolute(url: str, base: str) -> str:
    return url if url.startswith(("http://", "https://")) else base + url


def rendition_values(image, specs: tuple[str, ...]) -> dict[str, list]:
    """spec -> [url, width, height] for these specs, from the image's stored rendition set.

    The request path reads plain values, never Rendition rows or Willow; only an image whose
    set lacks a spec (renditions never made, or made for another file or focal point) goes
    through Wagtail's get_renditions once, which creates what is missing and fills the set."""
    known = image.known_renditions() if hasattr(image, "known_renditions") else {}
    if all(spec in known for spec in specs):
        return known
    renditions = image.get_renditions(*(_filter(spec) for spec in specs))
    return {spec: [r.url, r.width, r.height] for spec, r in renditions.items()}


@lru_cache(maxsize=1)
def _all_specs() -> tuple[str, ...]:
    return tuple(f.spec for f in _all_filters())


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
    values = rendition_values(image, _all_specs())
    base = _media_base(context)
    by_format: dict[str, list[dict[str, Any]]] = {}
    seen: dict[str, set[int]] = {}
    fallback = None
    for fmt, width, spec in rendition_specs():
        url, w, h = values[spec]
        entry = {"url": _absolute(url, base), "width": w, "height": h}
        # A small original yields identical renditions at several widths; list each size once.
        if w in seen.setdefault(fmt, set()):
            continue
        seen[fmt].add(w)
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
    url, w, h = values[THUMBNAIL_SPEC]
    return {
        "id": image.pk,
        "title": image.title,
        "alt": image.description or image.title,
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
        "focal_point": focal_point,
        "url": fallback["url"],
        "src": fallback,
        "thumbnail": {"url": _absolute(url, base), "width": w, "height": h},
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
    url, w, h = rendition_values(image, (THUMBNAIL_SPEC,))[THUMBNAIL_SPEC]
    return {
        "id": image.pk,
        "alt": image.description or image.title,
        "url": _absolute(url, _media_base(context)),
        "width": w,
        "height": h,
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


def model_representation(
    obj, context: dict | None = None, *, public_only: bool = True
) -> dict[str, Any] | None:
    """A snippet (or inline child) as JSON, following its `api_fields` allowlist.

    Used where a snippet is embedded (StreamField choosers, page foreign keys), so that the
    embedded object has the same shape as the snippet's own endpoint. A draft, scheduled or
    expired snippet is None (`public_only=False`: the preview of that snippet itself)."""
    if obj is None:
        return None
    page = (context or {}).get("page")
    fallback = None
    if page is not None and hasattr(obj, "translation_key"):
        # Embedded in a page: the snippet in the page's locale, else the source, flagged.
        from pages.translation import in_page_locale

        obj, fallback = in_page_locale(obj, page)
    from pages.visibility import is_public_snippet

    if public_only and not is_public_snippet(obj):
        return None
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
