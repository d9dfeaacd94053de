"""The API's OpenAPI 3.1 document, `/api/v2/openapi.json`, generated from the code that makes
the JSON.

Nothing here says what a field looks like: each endpoint's own field lists (Wagtail's
`get_available_fields`, `get_listing_default_fields`, `detail_only_fields`...) say which
fields an answer has, and each field says what it gives (`api_schema` beside its
`to_representation` or `get_api_representation`, or its model field's type; `pages.schema`).
This module only assembles them into paths, parameters and responses, so the document cannot
describe fields the code does not send, and the test suite validates every answer it receives
against it (tests/conftest.py).

`fields=` with Wagtail's removal syntax (`-title`, `_`) answers without the removed fields;
such answers are outside the required lists below (said in the parameter's description).
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from csp.decorators import csp_update
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from wagtail.api.rich_text import APIRichText
from wagtail.models import Page

from api.errors import MAX_URL_LENGTH, allow_methods, error_schema, moved_schema
from api.health import health_schema
from api.preview import TOKEN_PARAMETER, PreviewAPIViewSet
from api.router import api_router
from api.routing import REDIRECTS_LIMIT_MAX, SITEMAP_LIMIT_MAX
from api.views import PagesAPIViewSet, SnippetAPIViewSet
from media.views import ALLOWED_WIDTHS
from pages.models import Network, PartnerCity
from pages.representation import model_field_schema, model_label, model_ref, model_schema
from pages.schema import (
    BOOLEAN,
    INTEGER,
    Schema,
    SchemaError,
    array,
    components,
    nullable,
    obj,
    ref,
    string,
)

API_PREFIX = "/api/v2"
TITLE = "International cooperation CMS: content API"
# Fields Wagtail's own serializers add, which this project does not redefine.
WAGTAIL_FIELDS: dict[str, Schema] = {
    "id": INTEGER,
    "detail_url": string("This object's detail URL in this API."),
    "locale": string("The language of this version."),
    "tags": array(string(), description="Tag names."),
    "download_url": string("Where the original file can be downloaded."),
}
# The API guard's limits (cms.middleware; tests/api/test_openapi.py keeps them equal).
MAX_OFFSET = 2**31 - 1
MAX_SEARCH_LENGTH = 500
# Query parameters that exist only for Wagtail's browsable API and jQuery cache busting.
UNDOCUMENTED_PARAMETERS = {"_", "format"}


# --- fields ---------------------------------------------------------------------------------


def field_schema(view, model, name: str) -> Schema:
    """What field `name` of `model` gives at endpoint `view`: its declaration, in this order:
    the API field's serializer, the endpoint serializer's own field, Wagtail's own fields, the
    model field."""
    if name == "type":
        return {"const": model_label(model)}
    override = view.get_field_serializer_overrides(model).get(name)
    if override is not None:
        if not hasattr(override, "api_schema"):
            raise SchemaError(f"{model.__name__}.{name}: its serializer has no api_schema")
        return override.api_schema(model, name)
    declared = view.base_serializer_class._declared_fields.get(name)
    if declared is not None and hasattr(declared, "api_schema"):
        return declared.api_schema(model, name)
    if name in WAGTAIL_FIELDS:
        return WAGTAIL_FIELDS[name]
    field = model._meta.get_field(name)
    if field.one_to_many and issubclass(model, Page):
        # A page's inline rows through Wagtail's ChildRelationField: {id, meta: {type}, ...}.
        child = model_schema(field.related_model)
        child["properties"] = {
            "id": INTEGER,
            "meta": obj({"type": {"const": model_label(field.related_model)}}),
            **{k: v for k, v in child["properties"].items() if k != "id"},
        }
        child["required"] = list(child["properties"])
        return array(child)
    return model_field_schema(model, name)


def item_schema(view, model, *, listing: bool, preview: bool = False) -> Schema:
    """One object as endpoint `view` answers it: in a listing (default listing fields
    required, the rest there when `fields=` asks) or as a detail (every default field)."""
    meta_names = view.get_meta_fields_names(model)
    names = [n for n in view.get_available_fields(model) if n != "meta"]
    if listing:
        names = [n for n in names if n not in view.detail_only_fields]
        required = set(view.get_listing_default_fields(model))
    else:
        required = set(view.get_detail_default_fields(model))
    body: dict[str, Schema] = {}
    meta: dict[str, Schema] = {}
    for name in dict.fromkeys(names):
        (meta if name in meta_names else body)[name] = field_schema(view, model, name)
    if preview:
        # A page being created has no id (nor detail URL) yet, nor have inline rows added
        # in the editor since the last save; `meta.preview` says which revision is shown.
        body["id"] = nullable(INTEGER)
        for name, schema in body.items():
            rows = schema.get("items", {}) if schema.get("type") == "array" else {}
            if "id" in rows.get("properties", {}):
                body[name] = array(
                    {**rows, "properties": {**rows["properties"], "id": nullable(INTEGER)}}
                )
        meta["detail_url"] = nullable(meta["detail_url"])
        meta["html_url"] = nullable(meta["html_url"])
        meta["preview"] = obj(
            {
                "revision": nullable(INTEGER),
                "live": {**BOOLEAN, "description": "Whether the page is live."},
            }
        )
        required.add("preview")
    properties: dict[str, Schema] = {}
    if "id" in body:
        properties["id"] = body.pop("id")
    properties["meta"] = obj(meta, required=[n for n in meta if n in required])
    properties.update(body)
    return obj(
        properties,
        required=["meta", *(n for n in properties if n in required)],
        description=(model.__doc__ or "").strip() or None,
    )


# Snippets the admin previews in the front end (pages.preview.FrontendPreviewMixin).
PREVIEWED_SNIPPETS = (PartnerCity, Network)


def snippet_preview_schema(model) -> Schema:
    """A snippet's draft at the preview endpoint: its public shape, plus `meta.preview`
    (a snippet being created has no id nor detail URL yet)."""
    schema = model_schema(model)
    meta = schema["properties"]["meta"]
    properties = {
        **meta["properties"],
        "detail_url": nullable(meta["properties"]["detail_url"]),
        "preview": obj(
            {
                "revision": nullable(INTEGER),
                "live": {**BOOLEAN, "description": "Whether the object is live."},
            }
        ),
    }
    return {
        **schema,
        "properties": {
            **schema["properties"],
            "id": nullable(INTEGER),
            "meta": {**meta, "properties": properties, "required": [*meta["required"], "preview"]},
        },
    }


def listing_schema(items: Schema, description: str) -> Schema:
    return obj(
        {
            "meta": obj({"total_count": {**INTEGER, "description": "Matches in all."}}),
            "items": array(items),
        },
        description=description,
    )


def page_models() -> list[type[Page]]:
    """Page types the API serves (those that declare `api_fields`)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if issubclass(model, Page) and model is not Page and "api_fields" in model.__dict__
    ]


def page_components() -> dict[str, Schema]:
    found: dict[str, Schema] = {}
    view = PagesAPIViewSet
    for model in page_models():
        name = model.__name__
        found[name] = item_schema(view, model, listing=False)
        found[f"{name}ListingItem"] = item_schema(view, model, listing=True)
        found[f"{name}Preview"] = item_schema(PreviewAPIViewSet, model, listing=False, preview=True)
    names = [model.__name__ for model in page_models()]
    union = "A page; its type is `meta.type` (each member's `meta.type` is a constant)."
    found["Page"] = {"oneOf": [ref(n) for n in names], "description": union}
    found["PageListingItem"] = {
        "oneOf": [ref(f"{n}ListingItem") for n in names],
        "description": union,
    }
    found["PagePreview"] = {"oneOf": [ref(f"{n}Preview") for n in names], "description": union}
    for model in PREVIEWED_SNIPPETS:
        found[f"{model.__name__}Preview"] = snippet_preview_schema(model)
    found["PageListing"] = listing_schema(ref("PageListingItem"), "A page of pages.")
    return found


# --- parameters -----------------------------------------------------------------------------


def parameter(name: str, schema: Schema, description: str, required: bool = False) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


def field_names_pattern() -> str:
    name = r"[A-Za-z_][A-Za-z0-9_]*"
    item = rf"(\*|{name}(\({name}(,{name})*\))?)"
    return rf"^{item}(,{item})*$"


def common_parameters(view, model) -> dict[str, Schema]:
    db_fields = [n for n in view.get_available_fields(model, db_fields_only=True) if n != "id"]
    order_values = ["id", "-id", *db_fields, *(f"-{n}" for n in db_fields), "random"]
    codes = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    return {
        "limit": parameter(
            "limit",
            {"type": "integer", "minimum": 0, "maximum": settings.WAGTAILAPI_LIMIT_MAX},
            "Items per page (default 20).",
        ),
        "offset": parameter(
            "offset",
            {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
            "Items to skip.",
        ),
        "fields": parameter(
            "fields",
            {"type": "string", "pattern": field_names_pattern()},
            "Fields to add to the default ones, comma-separated (`fields=body,themes`), or "
            "`*` for all. Wagtail's removal syntax (`-title`, `_` for none) also works; "
            "its answers lack the removed fields and so fall outside the required lists "
            "of this document.",
        ),
        "order": parameter(
            "order",
            {"type": "string", "enum": order_values},
            "Order by a field (`-` for descending) or `random` (not with `offset`).",
        ),
        "search": parameter(
            "search",
            {"type": "string", "minLength": 1, "maxLength": MAX_SEARCH_LENGTH},
            "Full-text search (at most 32 words). Results are ordered by relevance "
            "unless `order` is given.",
        ),
        "search_operator": parameter(
            "search_operator",
            {"type": "string", "enum": ["and", "or"]},
            "How search words combine.",
        ),
        "locale": parameter(
            "locale",
            {"type": "string", "enum": codes},
            "Language. Without it a listing is in the default language.",
        ),
        "rich_text_format": parameter(
            "rich_text_format",
            {"type": "string", "enum": sorted(APIRichText._serializers())},
            f"How rich text comes out (default `{settings.WAGTAILAPI_RICH_TEXT_FORMAT}`).",
        ),
    }


def filter_parameters(view, model, known: set[str]) -> list[Schema]:
    """Wagtail's filters by field value (`?slug=lille`, `?country=FR`)."""
    found = []
    for name in view.get_available_fields(model, db_fields_only=True):
        if name in known or name == "id":
            continue
        field = model._meta.get_field(name)
        if field.is_relation:
            schema: Schema = {"type": "integer", "minimum": 1}
        else:
            base = model_field_schema(model, name)
            kind = base.get("type")
            kind = (
                next((k for k in kind if k != "null"), "string") if isinstance(kind, list) else kind
            )
            schema = {"type": kind if kind in ("integer", "boolean") else "string"}
            if "enum" in base:
                schema["enum"] = [v for v in base["enum"] if v is not None]
        found.append(parameter(name, schema, f"Only objects whose `{name}` equals this."))
    return found


def listing_parameters(view, model) -> list[Schema]:
    common = common_parameters(view, model)
    extra = {
        "type": parameter(
            "type",
            {"type": "string", "enum": [model_label(m) for m in page_models()]},
            "Only pages of this type; then `fields` may name that type's fields.",
        ),
        "child_of": parameter(
            "child_of", {"type": "integer", "minimum": 1}, "Only children of this page."
        ),
        "ancestor_of": parameter(
            "ancestor_of", {"type": "integer", "minimum": 1}, "Only ancestors of this page."
        ),
        "descendant_of": parameter(
            "descendant_of", {"type": "integer", "minimum": 1}, "Only pages below this one."
        ),
        "translation_of": parameter(
            "translation_of",
            {"type": "integer", "minimum": 1},
            "Only other language versions of this page.",
        ),
        "site": parameter(
            "site",
            {"type": "string"},
            "The site (host name, with `:port` if not 80) whose pages are listed; default: the "
            "site that answers the request's host.",
        ),
        "year_from": parameter(
            "year_from",
            {"type": "integer", "minimum": 1, "maximum": 9999},
            "Only objects from this year on (partner cities: `year_signed`; networks: "
            "`year_joined`).",
        ),
        "year_to": parameter(
            "year_to",
            {"type": "integer", "minimum": 1, "maximum": 9999},
            "Only objects up to this year.",
        ),
    }
    available = {**common, **extra}
    names = sorted(set(view.known_query_parameters) - UNDOCUMENTED_PARAMETERS)
    missing = [name for name in names if name not in available]
    if missing:
        raise SchemaError(f"{view.__name__}: undocumented query parameters {missing}")
    listed = [available[name] for name in names if name != TOKEN_PARAMETER]
    return listed + filter_parameters(view, model, set(names))


def detail_parameters(view, model) -> list[Schema]:
    common = common_parameters(view, model)
    return [common["fields"], common["rich_text_format"]]


def id_parameter() -> Schema:
    return {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
        "description": "The object's id.",
    }


# --- responses ------------------------------------------------------------------------------


def json_response(description: str, schema: Schema) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def errors(*statuses: int) -> dict[str, Schema]:
    statuses = tuple(sorted({*statuses, 414}))
    text = {
        400: "A query parameter is invalid: the message says which and why.",
        403: "The preview token is forged, tampered with or expired.",
        404: "Nothing public has this id or path.",
        414: f"The URL (path and query) is longer than {MAX_URL_LENGTH} characters.",
        503: "The database is unavailable; retry after `Retry-After` seconds.",
    }
    found: dict[str, Schema] = {}
    for status in statuses:
        response = json_response(text[status], ref("Error"))
        if status == 503:
            response["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}
            }
        found[str(status)] = response
    return found


NOT_MODIFIED = {
    "304": {
        "description": "Not modified: the `If-None-Match` / `If-Modified-Since` validators "
        "still match (no body)."
    }
}
LOCATION = {"Location": {"schema": {"type": "string"}}}
FOUND = {
    "302": {
        **json_response(
            "Found: `Location` is the object's detail URL (relative, other query parameters "
            "kept). Follow it.",
            ref("Moved"),
        ),
        "headers": LOCATION,
    }
}


def operation(operation_id: str, summary: str, tag: str, parameters, responses) -> Schema:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": [tag],
            "parameters": parameters,
            "responses": responses,
        }
    }


def endpoint_paths(
    prefix: str, view, model, items: tuple[Schema, Schema], item_name: str, tag: str
) -> dict:
    listed, item = items
    listing = listing_schema(listed, f"A page of {tag.lower()}.")
    find_parameters = [
        parameter("id", {"type": "integer", "minimum": 1}, "The object's id.", required=True),
    ]
    return {
        f"{prefix}/": operation(
            f"list{item_name}s",
            f"List {tag.lower()}",
            tag,
            listing_parameters(view, model),
            {"200": json_response("The listing.", listing), **NOT_MODIFIED, **errors(400, 503)},
        ),
        f"{prefix}/{{id}}/": operation(
            f"get{item_name}",
            f"One of the {tag.lower()}",
            tag,
            [id_parameter(), *detail_parameters(view, model)],
            {
                "200": json_response("The object.", item),
                **NOT_MODIFIED,
                **errors(400, 404, 503),
            },
        ),
        f"{prefix}/find/": operation(
            f"find{item_name}",
            f"Find one of the {tag.lower()} by id",
            tag,
            find_parameters,
            {**FOUND, **errors(400, 404, 503)},
        ),
    }


def snippet_item(view, model) -> Schema:
    """A snippet at its endpoint: the same component as where pages embed it (checked)."""
    embedded = model_schema(model)
    served = item_schema(view, model, listing=False)
    if set(served["properties"]) != set(embedded["properties"]) or set(
        served["properties"]["meta"]["properties"]
    ) - set(embedded["properties"]["meta"]["properties"]):
        raise SchemaError(f"{model.__name__} has another shape at its endpoint than embedded")
    return model_ref(model)


def paths() -> dict[str, Schema]:
    found: dict[str, Schema] = {}
    endpoints = dict(api_router._endpoints)
    pages = endpoints["pages"]
    found[f"{API_PREFIX}/pages/"] = operation(
        "listPages",
        "List pages",
        "Pages",
        listing_parameters(pages, Page),
        {
            "200": json_response("The listing.", ref("PageListing")),
            **NOT_MODIFIED,
            **errors(400, 503),
        },
    )
    found[f"{API_PREFIX}/pages/{{id}}/"] = operation(
        "getPage",
        "A page, with everything a front end needs to render it",
        "Pages",
        [id_parameter(), *detail_parameters(pages, Page)],
        {"200": json_response("The page.", ref("Page")), **NOT_MODIFIED, **errors(400, 404, 503)},
    )
    found[f"{API_PREFIX}/pages/find/"] = operation(
        "findPage",
        "Find a page by its front-end path (or id)",
        "Pages",
        [
            parameter(
                "html_path",
                {"type": "string", "maxLength": 2000},
                "The page's path on the front end: /, /lille/, /fr/lille/.",
            ),
            parameter("id", {"type": "integer", "minimum": 1}, "The page's id."),
            *detail_parameters(pages, Page),
        ],
        {
            "200": json_response(
                "No public page has this path, but it is an old URL (Wagtail's redirects, "
                "chains followed): send the visitor to `location` with `status`.",
                ref("Redirect"),
            ),
            **FOUND,
            **errors(400, 404, 503),
        },
    )
    found.update(routing_paths())
    found[f"{API_PREFIX}/preview/"] = operation(
        "getPreview",
        "The draft behind a preview token (same shape as a page, plus `meta.preview`)",
        "Preview",
        [
            parameter(
                TOKEN_PARAMETER,
                {"type": "string", "minLength": 1},
                "The token the admin's Preview gave the front end.",
                required=True,
            ),
            *detail_parameters(pages, Page),
        ],
        {
            "200": json_response(
                "The draft: a page, or a partner city or network (`meta.type`).",
                {
                    "oneOf": [
                        ref("PagePreview"),
                        *(ref(f"{m.__name__}Preview") for m in PREVIEWED_SNIPPETS),
                    ]
                },
            ),
            **errors(400, 403, 503),
        },
    )
    found[f"{API_PREFIX}/preview/userbar/"] = operation(
        "getPreviewUserbar",
        "Wagtail's userbar (content checks) for the previewed page, as HTML to insert",
        "Preview",
        [
            parameter(
                TOKEN_PARAMETER,
                {"type": "string", "minLength": 1},
                "The token the admin's Preview gave the front end.",
                required=True,
            ),
            parameter(
                "in_preview_panel",
                {"type": "string", "enum": ["true", "false"]},
                "Whether the front end is framed by the admin's preview panel.",
            ),
        ],
        {
            "200": json_response("The userbar.", obj({"html": string("HTML to insert.")})),
            **errors(400, 403, 503),
        },
    )
    for name, view in endpoints.items():
        if name in ("pages", "preview", "redirects", "sitemap"):
            continue
        model = view.model
        if issubclass(view, SnippetAPIViewSet):
            item_name = model.__name__
            items = (snippet_item(view, model),) * 2
        else:
            item_name = model.__name__.removeprefix("Custom")
            items = (ref(f"{item_name}ListingItem"), ref(f"{item_name}Detail"))
        tag = name.replace("-", " ").capitalize()
        found.update(endpoint_paths(f"{API_PREFIX}/{name}", view, model, items, item_name, tag))
    found[f"{API_PREFIX}/images/{{id}}/resize/"] = operation(
        "resizeImage",
        "The image at any width (and format): a redirect to a signed URL, for an image loader",
        "Images",
        [
            id_parameter(),
            parameter(
                "width",
                {"type": "integer", "minimum": 1, "maximum": ALLOWED_WIDTHS[-1]},
                "Pixels wanted; served at the next allowed width up "
                f"({', '.join(map(str, ALLOWED_WIDTHS))}), never wider than the original.",
                required=True,
            ),
            parameter(
                "format",
                {"type": "string", "enum": ["avif", "webp", "jpeg"]},
                "Default `jpeg`; `avif` only where the server's Pillow encodes it (else 400).",
            ),
        ],
        {
            "302": {
                **json_response(
                    "`Location` is the image file at that size: a signed URL of Wagtail's "
                    "image serve view (`/images/<signature>/<id>/<spec>/<name>`).",
                    ref("Moved"),
                ),
                "headers": LOCATION,
            },
            **NOT_MODIFIED,
            **errors(400, 404, 503),
        },
    )
    found["/api/health/"] = operation(
        "health",
        "Whether the service can answer (for load balancers)",
        "Health",
        [],
        {
            "200": json_response("The database answers.", ref("Health")),
            "503": json_response("The database does not answer.", ref("Health")),
            **errors(),
        },
    )
    found[f"{API_PREFIX}/openapi.json"] = operation(
        "openapi",
        "This document",
        "Contract",
        [],
        {"200": json_response("OpenAPI 3.1", {"type": "object"}), **NOT_MODIFIED, **errors()},
    )
    return found


def routing_paths() -> dict[str, Schema]:
    """The redirects and the sitemap: listings of one site, paginated."""
    site = parameter(
        "site",
        {"type": "string"},
        "The site (host name, with `:port` if not 80); default: the site that answers the "
        "request's host.",
    )

    def page_parameters(limit_max: int, default: int) -> list[Schema]:
        return [
            parameter(
                "limit",
                {"type": "integer", "minimum": 0, "maximum": limit_max},
                f"Items per page (default {default}).",
            ),
            parameter(
                "offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}, "Items to skip."
            ),
            site,
        ]

    return {
        f"{API_PREFIX}/redirects/": operation(
            "listRedirects",
            "Old URLs and where they go, for front ends that pre-build",
            "Routing",
            page_parameters(REDIRECTS_LIMIT_MAX, 20),
            {
                "200": json_response(
                    "The site's redirects, ordered by old path (a redirect that loops is left "
                    "out of `items`, so a page may hold fewer than `limit`).",
                    listing_schema(ref("Redirect"), "A page of redirects."),
                ),
                **NOT_MODIFIED,
                **errors(400, 503),
            },
        ),
        f"{API_PREFIX}/sitemap/": operation(
            "getSitemap",
            "Every public page in every language: path, last publication, translations",
            "Routing",
            page_parameters(SITEMAP_LIMIT_MAX, SITEMAP_LIMIT_MAX),
            {
                "200": json_response(
                    "Public pages in tree order.",
                    listing_schema(ref("SitemapEntry"), "A page of the sitemap."),
                ),
                **NOT_MODIFIED,
                **errors(400, 503),
            },
        ),
    }


def media_components() -> dict[str, Schema]:
    found: dict[str, Schema] = {}
    endpoints = dict(api_router._endpoints)
    for name in ("images", "documents"):
        view = endpoints[name]
        label = view.model.__name__.removeprefix("Custom")
        found[f"{label}ListingItem"] = item_schema(view, view.model, listing=True)
        found[f"{label}Detail"] = item_schema(view, view.model, listing=False)
    return found


def _collect_components(document: dict, extra: dict[str, Schema]) -> dict[str, Schema]:
    """Every component the document refers to, transitively; a reference to a name nobody
    declares is an error."""
    declared = components()
    found: dict[str, Schema] = {}
    pending = [document, *extra.values()]
    known = dict(extra)
    found.update(extra)
    while pending:
        node = pending.pop()
        stack = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                target = item.get("$ref")
                if isinstance(target, str) and target.startswith("#/components/schemas/"):
                    name = target.rsplit("/", 1)[1]
                    if name not in found:
                        if name in known:
                            schema = known[name]
                        elif name in declared:
                            schema = declared[name]()
                        else:
                            raise SchemaError(f"nothing declares the schema {name!r}")
                        found[name] = schema
                        pending.append(schema)
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return dict(sorted(found.items()))


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": "2",
            "description": "Wagtail's API v2 with this site's endpoints: pages resolved for "
            "rendering (images as rendition sets, snippets as objects, page links with "
            "front-end paths), partner cities, networks, images (any size through signed URLs), "
            "documents, headless preview, redirects and a sitemap for front-end routing. "
            "Every answer under /api/ is JSON; errors are `{message, status}`. TypeScript "
            "types generated from this document: `frontend/types/api.d.ts`.",
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": name}
            for name in (
                "Pages",
                "Routing",
                "Preview",
                "Partner cities",
                "Networks",
                "Images",
                "Documents",
                "Health",
                "Contract",
            )
        ],
        "paths": paths(),
    }
    # Declared beside the code that answers them: error_body, redirects, the health view.
    extra = {
        **page_components(),
        **media_components(),
        "Error": error_schema(),
        "Moved": moved_schema(),
        "Health": health_schema(),
    }
    doc["components"] = {"schemas": _collect_components(doc, extra)}
    return doc


# --- views ----------------------------------------------------------------------------------


@allow_methods("GET", "HEAD")
def openapi_v2(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(copy.deepcopy(document()), json_dumps_params={"indent": 1})
    response["Cache-Control"] = "public, max-age=300"
    return response


@allow_methods("GET", "HEAD")
@csp_update({"worker-src": ["'self'", "blob:"]})  # Redoc's search runs in a blob: worker
def docs_v2(request: HttpRequest):
    """The document as a readable reference (Redoc, served from this server's static files)."""
    return render(request, "api/docs.html", {"title": TITLE})
