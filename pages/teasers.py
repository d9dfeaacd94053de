"""Case-study teasers: what the hub shows of its case studies (in its body and in `meta`)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.models import Page

from pages.representation import locale_code, page_path, thumbnail_representation
from pages.schema import BOOLEAN, INTEGER, Schema, array, component, nullable, obj, ref, string
from pages.visibility import hidden_subtree_filter

TEASER_LIMIT = 12
# What `teaser()` reads of a case study, its locale and its hero image (an image whose
# rendition set lacks a size loads the rest of its row when Wagtail makes it).
TEASER_COLUMNS = (
    "id",
    "title",
    "summary",
    "url_path",
    "first_published_at",
    "translation_key",
    "locale_id",
    "locale__language_code",
    "hero_image_id",
    *(
        f"hero_image__{name}"
        for name in (
            "id",
            "title",
            "description",
            "collection_id",
            "file",
            "width",  # read as the row is built (the file field's dimension fields)
            "height",
            "focal_point_x",
            "focal_point_y",
            "focal_point_width",
            "focal_point_height",
            "rendition_set",
        )
    ),
)


@component("Teaser")
def teaser_schema() -> Schema:
    return obj(
        {
            "id": INTEGER,
            "title": string(),
            "summary": string(),
            "path": string("The case study's path on the front end."),
            "locale": string(),
            "first_published_at": nullable(string(format="date-time")),
            "thumbnail": nullable(ref("Thumbnail")),
            "fallback": {
                **BOOLEAN,
                "description": "true: chosen on a page in another language that this case "
                "study has no live translation in; shown in its own (`locale`).",
            },
        },
        description="A case study's card.",
    )


@component("CaseStudyTeasers")
def case_study_teasers_schema() -> Schema:
    return obj(
        {
            "total_count": {
                **INTEGER,
                "description": "How many there are (the latest 12 are listed).",
            },
            "items": array(ref("Teaser")),
        }
    )


def teaser(page, context: dict | None, fallback: bool = False) -> dict[str, Any]:
    return {
        "id": page.pk,
        "title": page.title,
        "summary": page.summary,
        "path": page_path(page, context),
        "locale": locale_code(page),
        "first_published_at": page.first_published_at.isoformat()
        if page.first_published_at
        else None,
        "thumbnail": thumbnail_representation(page.hero_image, context),
        "fallback": fallback,
    }


def case_study_teasers(
    context: dict | None, model: type[Page], chosen: list | None = None
) -> dict[str, Any]:
    """Chosen case studies (pages of `model`, only those live and public), or the latest under
    the hub. The caller names the model (the teaser block, the page type it links to), so this
    module, which the page models' blocks use, imports no page model.

    On a hub in another language than the chosen pages, each chosen case study comes in the
    hub's language where a live, public translation exists, otherwise as chosen (the source)
    with `fallback: true`; the lookup is part of the same query. The latest case studies are
    the hub's own children, so always in its language.

    Computed once per request: the hub's body block and its `meta` share the result."""
    context = context if context is not None else {}
    hub = context.get("page")
    cache_key = ("case_study_teasers", tuple(page.pk for page in chosen or ()))
    cache = context.setdefault("_teaser_cache", {})
    if cache_key in cache:
        return cache[cache_key]
    queryset = model.objects.live()
    hidden = hidden_subtree_filter()  # unpublished, expired or private, and their subtrees
    if hidden is not None:
        queryset = queryset.exclude(hidden)
    # Only the columns a teaser shows (the thumbnail comes from the image's rendition set):
    # building twelve full case-study rows cost a third more than the rest of the teasers.
    # Unordered: rows are picked by key below, in the order of `ids` or of the editor's choice.
    queryset = queryset.select_related("locale", "hero_image").only(*TEASER_COLUMNS).order_by()
    fallbacks: set = set()
    if chosen:
        items = _chosen_in_hub_locale(queryset, chosen, getattr(hub, "locale_id", None))
        fallbacks = {page.pk for page, fallback in items if fallback}
        items = [page for page, _fallback in items]
        total = len(items)
    elif hub is not None:
        # Ids first, from the page table alone, so the database walks its index on
        # first_published_at and stops after 12 rows; sorting the joined case-study rows
        # scanned all of them (47 ms on SQLite with 2,000 case studies, under 1 ms now).
        latest = (
            Page.objects.live()
            .child_of(hub)
            .filter(content_type=ContentType.objects.get_for_model(model))
            .order_by("-first_published_at", "-id")
        )
        if hidden is not None:
            latest = latest.exclude(hidden)
        ids = list(latest.values_list("pk", flat=True)[:TEASER_LIMIT])
        by_id = queryset.in_bulk(ids)
        items = [by_id[pk] for pk in ids if pk in by_id]
        total = len(ids) if len(ids) < TEASER_LIMIT else latest.count()
    else:
        items, total = [], 0
    result = {
        "total_count": total,
        "items": [teaser(page, context, page.pk in fallbacks) for page in items],
    }
    cache[cache_key] = result
    return result


def _chosen_in_hub_locale(queryset, chosen: list, locale_id: int | None) -> list[tuple[Any, bool]]:
    """(page, fallback) for each chosen page that is public: its translation in `locale_id`
    where one is public, else the page as chosen. One query for both, in the editor's order,
    each case study once."""
    wanted = Q(pk__in=[page.pk for page in chosen])
    keys = {page.translation_key for page in chosen if page.locale_id != locale_id}
    if locale_id is not None and keys:
        wanted |= Q(locale_id=locale_id, translation_key__in=keys)
    found = list(queryset.filter(wanted))
    by_id = {page.pk: page for page in found}
    translated = {page.translation_key: page for page in found if page.locale_id == locale_id}
    items: list[tuple[Any, bool]] = []
    seen: set = set()
    for page in chosen:
        if locale_id is None or page.locale_id == locale_id:
            resolved, fallback = by_id.get(page.pk), False
        elif page.translation_key in translated:
            resolved, fallback = translated[page.translation_key], False
        else:
            resolved, fallback = by_id.get(page.pk), True
        if resolved is not None and resolved.pk not in seen:
            seen.add(resolved.pk)
            items.append((resolved, fallback))
    return items
