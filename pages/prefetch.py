"""Bounded queries for StreamField choosers.

Stock Wagtail loads the objects chosen in a StreamField with one query per block type per
page, and then each object's related rows (renditions, agreements) with one query per object.
Here every chooser loads through `prefetched_in_bulk`, which

* fetches the related rows the object's JSON needs (`api_select_related`,
  `api_prefetch_related` declared on the model) in the same round trip, and
* inside `request_identity_map()`, reuses what an earlier page of the same request already
  loaded: a listing first calls `warm_stream_choosers(pages)` so that all pages' choosers are
  loaded together, and the query count no longer grows with the number of pages.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import models
from wagtail import blocks

_identity_map: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "stream_identity_map", default=None
)

# Related rows each kind of chosen object needs for its JSON (an image carries its
# renditions as plain values in `rendition_set`: no Rendition rows are loaded).
PREFETCH: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "pages.partnercity": (("locale", "image"), ("agreements",)),
    "pages.network": (("locale", "image"), ()),
}


def _queryset(model: type[models.Model]) -> models.QuerySet:
    label = model._meta.label_lower
    # Unordered: the rows are looked up by key (in_bulk, translations); ordering them made the
    # ORM compile an ORDER BY (Wagtail orders pages by path) that nothing reads.
    queryset = model._default_manager.all().order_by()
    if label in PREFETCH:
        select, prefetch = PREFETCH[label]
        queryset = queryset.select_related(*select).prefetch_related(*prefetch)
    elif hasattr(model, "url_path"):  # pages: a link needs locale and path, nothing more
        queryset = queryset.select_related("locale")
    return queryset


@contextlib.contextmanager
def request_identity_map() -> Iterator[dict]:
    token = _identity_map.set(defaultdict(dict))
    try:
        yield _identity_map.get()
    finally:
        _identity_map.reset(token)


def request_memo(key: str, compute: Callable[[], Any]) -> Any:
    """`compute()` once per request (inside `request_identity_map()`), every call outside."""
    identity = _identity_map.get()
    if identity is None:
        return compute()
    memo = identity["memo"]
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def prefetched_in_bulk(model: type[models.Model], ids: Iterable[Any]) -> dict[Any, models.Model]:
    wanted = {value for value in ids if value is not None}
    identity = _identity_map.get()
    if identity is None:
        return _queryset(model).in_bulk(wanted) if wanted else {}
    known = identity[model]
    missing = wanted - known.keys()
    if missing:
        found = _queryset(model).in_bulk(missing)
        known.update(found)
        for pk in missing - found.keys():
            known[pk] = None  # remember deletions so they are not queried again
    return {pk: known[pk] for pk in wanted if known.get(pk) is not None}


def _collect(block: blocks.Block, raw: Any, acc: dict[type, set]) -> None:
    if raw is None:
        return
    if isinstance(block, blocks.ChooserBlock):
        if isinstance(raw, (int, str)):
            acc[block.model_class].add(raw)
    elif isinstance(block, blocks.StreamBlock):
        for item in raw or []:
            child = block.child_blocks.get(item.get("type")) if isinstance(item, dict) else None
            if child is not None:
                _collect(child, item.get("value"), acc)
    elif isinstance(block, blocks.StructBlock):
        if isinstance(raw, dict):
            for name, child in block.child_blocks.items():
                _collect(child, raw.get(name), acc)
    elif isinstance(block, blocks.ListBlock):
        for item in raw or []:
            if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
                item = item["value"]
            _collect(block.child_block, item, acc)


def warm_stream_choosers(instances: Iterable[models.Model], field_names: Iterable[str]) -> None:
    """Load every object chosen in these instances' StreamFields with one query per model."""
    if _identity_map.get() is None:
        return
    acc: dict[type, set] = defaultdict(set)
    for instance in instances:
        for name in field_names:
            value = getattr(instance, name, None)
            if value is None or not hasattr(value, "stream_block"):
                continue
            _collect(value.stream_block, list(value.raw_data), acc)
    for model, ids in acc.items():
        prefetched_in_bulk(model, ids)


def load_tag_names(instances: list[models.Model], field_names: Iterable[str]) -> None:
    """The names of each instance's tags in each of these taggit fields (`TagNamesField`), one
    query of values per field: what a page's JSON shows of its tags, without building Tag rows
    through `prefetch_related`. Kept on the instances, so it lives as long as they do."""
    if not instances:
        return
    by_pk = {instance.pk: instance for instance in instances}
    model = type(instances[0])
    for name in field_names:
        through = model._meta.get_field(name).remote_field.through
        names: dict[Any, set[str]] = {pk: set() for pk in by_pk}
        rows = through.objects.filter(content_object_id__in=list(by_pk)).values_list(
            "content_object_id", "tag__name"
        )
        for pk, tag_name in rows.order_by():
            names[pk].add(tag_name)
        for pk, instance in by_pk.items():
            instance.__dict__.setdefault(_TAG_NAMES, {})[name] = sorted(names[pk])


_TAG_NAMES = "_loaded_tag_names"


def loaded_tag_names(instance: models.Model, name: str) -> list[str] | None:
    """What `load_tag_names` loaded for this instance's field `name`; None if it did not."""
    return instance.__dict__.get(_TAG_NAMES, {}).get(name)
