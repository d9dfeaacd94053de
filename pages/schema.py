"""JSON Schema declarations of the API's output, beside the code that produces it.

Every block (`api_schema()` next to `get_api_representation`), every API field class
(`api_schema(model, name)` next to `to_representation`) and every model field the API shows
as is (by its Django type, `pages.representation.model_field_schema`) says what JSON it gives.
`api.openapi` builds the OpenAPI document from these declarations and from the endpoints' own
field lists, so the document and the JSON come from one place; the test suite validates every
answer it receives against the document, which catches a declaration that no longer matches
its code.

Named schemas (`component`) become `#/components/schemas/<name>`; `ref(name)` points at one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wagtail import blocks

Schema = dict[str, Any]


class SchemaError(Exception):
    """Something the API shows has no declared schema, or two declarations disagree."""


# name -> factory; filled at import time by `@component` and while blocks are described.
_components: dict[str, Callable[[], Schema]] = {}


def component(name: str) -> Callable[[Callable[[], Schema]], Callable[[], Schema]]:
    """Register a named schema; the decorated function builds it when the document is made."""

    def register(factory: Callable[[], Schema]) -> Callable[[], Schema]:
        _components[name] = factory
        return factory

    return register


def define(name: str, schema: Schema) -> Schema:
    """Register a schema built on the fly (a stream child's item); the same name must always
    describe the same JSON."""
    known = _components.get(name)
    if known is not None and known() != schema:
        raise SchemaError(f"two different schemas are both named {name!r}")
    _components[name] = lambda: schema
    return ref(name)


def components() -> dict[str, Callable[[], Schema]]:
    return dict(_components)


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    if isinstance(schema.get("type"), str) and "$ref" not in schema:
        return {**schema, "type": [schema["type"], "null"]}
    if "const" in schema and schema["const"] is None:
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def obj(
    properties: dict[str, Schema],
    required: list[str] | None = None,
    description: str | None = None,
) -> Schema:
    """A closed object: every property listed (all required unless said otherwise), nothing
    else, so an undeclared field in an answer fails validation."""
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def array(items: Schema, description: str | None = None) -> Schema:
    schema: Schema = {"type": "array", "items": items}
    if description:
        schema["description"] = description
    return schema


def string(description: str | None = None, **extra: Any) -> Schema:
    schema: Schema = {"type": "string", **extra}
    if description:
        schema["description"] = description
    return schema


INTEGER: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOLEAN: Schema = {"type": "boolean"}
HTML: Schema = string("HTML (rich text, links resolved to front-end paths)")


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


# --- blocks --------------------------------------------------------------------------------


def block_schema(block: blocks.Block) -> Schema:
    """A block's JSON: its own `api_schema()` where it declares one, else Wagtail's
    representation of a built-in block. A block that changes its JSON
    (`get_api_representation`) without declaring it is an error, not a guess."""
    mro = type(block).__mro__
    represents = next(c for c in mro if "get_api_representation" in c.__dict__)
    declares = next((c for c in mro if "api_schema" in c.__dict__), None)
    if not represents.__module__.startswith("wagtail.") and (
        declares is None or not issubclass(declares, represents)
    ):
        # Its JSON is the project's own: the declaration must sit with (or below) it.
        raise SchemaError(
            f"{type(block).__name__} overrides get_api_representation but declares no api_schema"
        )
    if declares is not None:
        return declares.__dict__["api_schema"](block)
    if isinstance(block, blocks.StreamBlock):
        return stream_schema(block)
    if isinstance(block, blocks.StructBlock):
        return obj({name: block_schema(child) for name, child in block.child_blocks.items()})
    if isinstance(block, blocks.ListBlock):
        return array(block_schema(block.child_block))
    if isinstance(block, blocks.RichTextBlock):
        return dict(HTML)
    if isinstance(block, blocks.BooleanBlock):
        return dict(BOOLEAN)
    if isinstance(block, blocks.IntegerBlock):
        return dict(INTEGER) if block.required else nullable(dict(INTEGER))
    if isinstance(block, (blocks.FloatBlock, blocks.DecimalBlock)):
        return dict(NUMBER) if block.required else nullable(dict(NUMBER))
    if isinstance(block, (blocks.CharBlock, blocks.TextBlock, blocks.URLBlock, blocks.EmailBlock)):
        return string()
    raise SchemaError(f"no JSON type known for block {type(block).__name__}")


def stream_schema(stream: blocks.StreamBlock) -> Schema:
    """A StreamField's JSON: a list of blocks, each `{"type", "value", "id"}`, discriminated
    by `type`. Each child is a component `<Type>Block` ("section" -> `SectionBlock`), shared
    by every stream that has a child of that name (which must then give the same JSON)."""
    members: dict[str, Schema] = {}
    for name, child in stream.child_blocks.items():
        item = obj(
            {
                "type": {"const": name},
                "value": block_schema(child),
                "id": string("The block's id, stable across revisions."),
            },
            description=str(getattr(child.meta, "description", "") or "") or None,
        )
        members[name] = define(f"{camel(name)}Block", item)
    union = {
        "oneOf": list(members.values()),
        "discriminator": {
            "propertyName": "type",
            "mapping": {name: member["$ref"] for name, member in members.items()},
        },
    }
    name = type(stream).__name__.removesuffix("Block")
    return define(name, array(union, description=f"The blocks of a {name}, in order."))
