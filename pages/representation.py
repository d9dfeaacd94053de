"""How images, snippets and page links become JSON: shared by blocks, models and endpoints.

Models declare `image_field(...)` / `snippet_field(...)` in `api_fields`, blocks call
`image_representation(...)` from `get_api_representation`; `api` only wires these into
endpoints (imports run `api` -> `pages`, never back).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import models
from rest_framework.fields import Field
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.images.models import Filter

from pages.prefetch import loaded_tag_names
from pages.routing import public_path
from pages.schema import (
    BOOLEAN,
    HTML,
    INTEGER,
    NUMBER,
    Schema,
    SchemaError,
    array,
    component,
    define,
    nullable,
    obj,
    ref,
    stream_schema,
    string,
)
from pages.translation import in_page_locale
from pages.visibility import is_public_media, is_public_snippet

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


@lru_cache(maxsize=1)
def rendition_specs() -> tuple[tuple[str, int, str], ...]:
    return tuple(
        (fmt, width, f"width-{width}|format-{fmt}")
        for fmt in rendition_formats()
        for width in RENDITION_WIDTHS
    )


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
    return is_public_media(obj)


@component("Rendition")
def rendition_schema() -> Schema:
    return obj(
        {"url": string("Absolute URL of the file."), "width": INTEGER, "height": INTEGER},
        description="One rendition of an image: a file at one size and format.",
    )


@component("Image")
def image_schema() -> Schema:
    formats = ("avif", "webp", "jpeg")
    optional = "AVIF only where the server's Pillow can encode it."
    return obj(
        {
            "id": INTEGER,
            "title": string(),
            "alt": string("Alternative text (the image's title where it has none)."),
            "caption": string(),
            "credit": string(),
            "width": {**INTEGER, "description": "Width of the original, in pixels."},
            "height": {**INTEGER, "description": "Height of the original, in pixels."},
            "focal_point": nullable(
                obj({"x": INTEGER, "y": INTEGER, "width": INTEGER, "height": INTEGER})
            ),
            "url": string("The JPEG fallback's URL (the same as src.url)."),
            "src": ref("Rendition"),
            "thumbnail": ref("Rendition"),
            "renditions": obj(
                {fmt: array(ref("Rendition")) for fmt in formats},
                required=["webp", "jpeg"],
                description=f"Renditions by format, smallest first. {optional}",
            ),
            "srcset": obj(
                {fmt: string() for fmt in formats},
                required=["webp", "jpeg"],
                description=f"A ready `srcset` attribute per format. {optional}",
            ),
            "sizes": string("A ready `sizes` attribute."),
        },
        description="An image with everything needed to render it responsively "
        "(`<picture>` with AVIF/WebP sources and a JPEG fallback).",
    )


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


@component("Thumbnail")
def thumbnail_schema() -> Schema:
    return obj(
        {"id": INTEGER, "alt": string(), "url": string(), "width": INTEGER, "height": INTEGER},
        description="A 480x320 WebP crop of an image, for cards.",
    )


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
    """A DRF field that renders through a plain function taking (value, context), and says
    what JSON that function gives (`api_schema`)."""

    represent = staticmethod(lambda value, context: value)

    def to_representation(self, value):
        return self.represent(value, self.context)

    def api_schema(self, model, name: str) -> Schema:
        raise SchemaError(f"{type(self).__name__} declares no schema")


class ImageRepresentationField(ContextField):
    represent = staticmethod(image_representation)

    def api_schema(self, model, name: str) -> Schema:
        return nullable(ref("Image"))


def image_field(name: str) -> APIField:
    return APIField(name, serializer=ImageRepresentationField(read_only=True))


def locale_code(obj) -> str | None:
    locale = getattr(obj, "locale", None)
    return locale.language_code if locale is not None else None


def page_path(page, context: dict | None = None) -> str:
    """The page's path on the front end: its url_path below the site root, language-prefixed
    for non-default locales (matching `find?html_path=`)."""
    return public_path(page)


@component("PageLink")
def page_link_schema() -> Schema:
    return obj(
        {
            "id": INTEGER,
            "title": string(),
            "type": string('The page type, e.g. "pages.CaseStudyPage".'),
            "locale": string(),
            "path": string("The page's path on the front end, e.g. /lille/ or /fr/lille/."),
            "fallback": {
                **BOOLEAN,
                "description": "true: the page has no live translation in the linking "
                "page's language and is linked in its own (`locale`).",
            },
        },
        description="A link to a page of this site.",
    )


def page_link_representation(page, context: dict | None = None) -> dict[str, Any] | None:
    if page is None:
        return None
    current = (context or {}).get("page")
    fallback = None
    if current is not None and hasattr(page, "translation_key"):
        # A link on a translated page goes to the linked page's live translation, if any;
        # otherwise to the page as chosen, flagged like a snippet that falls back.
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
    # False unless a link on a translated page had to keep the page as chosen.
    link["fallback"] = bool(fallback)
    return link


def plain_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def model_label(model) -> str:
    """ "pages.PartnerCity": how the API names a model (Wagtail's `meta.type`)."""
    return f"{model._meta.app_label}.{model.__name__}"


def snippet_meta(obj, context: dict | None, fallback: bool = False) -> dict[str, Any]:
    """`meta` of a snippet, embedded or at its own endpoint: type, detail URL, language, and
    whether it stands in (in the default language) for a missing translation."""
    context = context or {}
    meta: dict[str, Any] = {"type": model_label(type(obj))}
    router = context.get("router")
    if router is not None:
        # Wagtail's helper module loads the Page model: importable only once models are.
        from wagtail.api.v2.utils import get_object_detail_url

        meta["detail_url"] = get_object_detail_url(
            router, context.get("request"), type(obj), obj.pk
        )
    meta["locale"] = locale_code(obj)
    meta["fallback"] = fallback
    return meta


def snippet_meta_schema(model) -> Schema:
    return obj(
        {
            "type": {"const": model_label(model)},
            "detail_url": string("This object at its own endpoint."),
            "locale": string("The language of this version."),
            "fallback": {
                **BOOLEAN,
                "description": "true: no version in the language asked for (the page's, or "
                "?locale=) exists, and this one, in the default language, stands in.",
            },
            "translation_out_of_date": {
                **nullable(BOOLEAN),
                "description": "At the object's own detail URL only: true when this "
                "translation's source changed since it was last synced, null on a source.",
            },
        },
        required=["type", "detail_url", "locale", "fallback"],
    )


# --- model fields shown as they are (`plain_value`) ---------------------------------------------


def model_field_schema(model: type[models.Model], name: str) -> Schema:
    """The JSON of a model field that the API shows as is: its Django type decides."""
    field = model._meta.get_field(name)
    if isinstance(field, StreamField):
        return stream_schema(field.stream_block)
    if field.one_to_many or field.many_to_many:
        related = field.related_model
        if getattr(related, "api_fields", None) is None:
            raise SchemaError(f"{model.__name__}.{name}: {related.__name__} has no api_fields")
        return array(model_schema(related))  # the rows' own shape
    if field.is_relation:
        raise SchemaError(
            f"{model.__name__}.{name} is a relation: declare it with a field that has a schema"
        )
    schema = _django_field_schema(field)
    if field.choices:
        values = [value for value, _label in field.flatchoices]
        schema = {**schema, "enum": values}
        labels = "; ".join(f"{value!r}: {label}" for value, label in field.flatchoices)
        schema["description"] = f"One of {labels}."
    help_text = str(field.help_text or "")
    if help_text and "description" not in schema:
        schema["description"] = help_text
    return nullable(schema) if field.null else schema


def _django_field_schema(field: models.Field) -> Schema:
    if isinstance(field, models.BooleanField):
        return dict(BOOLEAN)
    if isinstance(field, (models.IntegerField, models.AutoField)):
        return dict(INTEGER)
    if isinstance(field, (models.DecimalField, models.FloatField)):
        return dict(NUMBER)  # plain_value sends a Decimal as a JSON number
    if isinstance(field, models.DateTimeField):
        return string(format="date-time")
    if isinstance(field, models.DateField):
        return string(format="date")
    if isinstance(field, RichTextField):
        return dict(HTML)
    if isinstance(field, models.URLField):
        return string("A web address (empty when not given).")
    if isinstance(field, (models.CharField, models.TextField, models.UUIDField)):
        return string()
    raise SchemaError(f"no JSON type known for {type(field).__name__} {field.name!r}")


def api_field_schema(model, api_field: APIField) -> Schema:
    """The JSON of one `api_fields` entry: its serializer's declaration, else its model
    field's type."""
    serializer = api_field.serializer
    if serializer is None:
        return model_field_schema(model, api_field.name)
    declare = getattr(serializer, "api_schema", None)
    if declare is None:
        raise SchemaError(f"{model.__name__}.{api_field.name}: its serializer has no api_schema")
    return declare(model, api_field.name)


def model_schema(model) -> Schema:
    """What `model_representation` gives for an object of this model."""
    properties: dict[str, Schema] = {"id": INTEGER}
    if any(f.name == "locale" for f in model._meta.get_fields()):
        properties["meta"] = snippet_meta_schema(model)
    for api_field in model.api_fields:
        properties[api_field.name] = api_field_schema(model, api_field)
    return obj(properties, description=(model.__doc__ or "").strip() or None)


def model_representation(
    obj, context: dict | None = None, *, public_only: bool = True
) -> dict[str, Any] | None:
    """A snippet (or inline child) as JSON, following its `api_fields` allowlist.

    The one shape of a snippet: embedded (StreamField choosers, page foreign keys) and at
    its own endpoint (`api.serializers.SnippetSerializer` calls this too), `{"id", "meta":
    {"type", "detail_url", "locale", "fallback"}, <api_fields>}`. Inline child rows (a
    city's agreements) have no endpoint and no language of their own: `{"id", <api_fields>}`.
    A draft, scheduled or expired snippet is None (`public_only=False`: the preview of that
    snippet itself)."""
    if obj is None:
        return None
    page = (context or {}).get("page")
    fallback = False
    if page is not None and hasattr(obj, "translation_key"):
        # Embedded in a page: the snippet in the page's locale, else the source, flagged.
        obj, fallback = in_page_locale(obj, page)
    if public_only and not is_public_snippet(obj):
        return None
    out: dict[str, Any] = {"id": obj.pk}
    if hasattr(obj, "locale_id"):
        out["meta"] = snippet_meta(obj, context, fallback)
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


def model_ref(model) -> Schema:
    """The component of a snippet model (`PartnerCity`), one for every place it appears."""
    return define(model.__name__, model_schema(model))


class ModelRepresentationField(ContextField):
    represent = staticmethod(model_representation)

    def api_schema(self, model, name: str) -> Schema:
        return nullable(model_ref(model._meta.get_field(name).related_model))


def snippet_field(name: str) -> APIField:
    return APIField(name, serializer=ModelRepresentationField(read_only=True))


class PageLinkField(ContextField):
    represent = staticmethod(page_link_representation)

    def api_schema(self, model, name: str) -> Schema:
        return nullable(ref("PageLink"))


class TagNamesField(Field):
    def to_representation(self, value):
        names = loaded_tag_names(value.instance, self.source)
        if names is not None:
            return list(names)
        return sorted(tag.name for tag in value.all())

    def api_schema(self, model, name: str) -> Schema:
        return array(string(), description="Tag names, sorted.")


def tag_name_fields(model) -> tuple[str, ...]:
    """The model's `api_fields` shown through `TagNamesField` (`pages.prefetch.load_tag_names`)."""
    return tuple(
        field.name
        for field in getattr(model, "api_fields", ())
        if isinstance(field.serializer, TagNamesField)
    )
