"""Translations: the site's locales, the PO workflow (wagtail-localize) and snippets in a page's
own locale.

* `ensure_locales()` creates a `Locale` for every language in `WAGTAIL_CONTENT_LANGUAGES`.
* `import_po()` is the translator's PO workflow in code (TranslationSource -> Translation ->
  import the PO file -> save and publish the target); `load_seed` ships its French pages that way.
* `out_of_date()` says whether a source changed since its translations were last synced;
  `translation_out_of_date()` says it of a translated object, `stale_translations()` lists
  what is out of date (the admin's dashboard and edit views, the API's meta), and
  `translation_statuses()` says it of a page of snippets at once (the admin's listings).
* `in_page_locale()` resolves a snippet chosen on a page to the page's locale, falling back to
  the object as chosen (the source) where no translation exists; one query per model and locale
  per request (it reuses `pages.prefetch`'s request identity map).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polib
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from modelcluster.models import (
    ClusterableModel,
    get_all_child_relations,
    get_serializable_data_for_fields,
)
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource

from .prefetch import _identity_map, _queryset
from .routing import language_codes
from .visibility import public_snippets

LOCALE_DIR = Path(__file__).resolve().parent / "data" / "locale"


def ensure_locales() -> list[Locale]:
    """Every configured content language has a Locale (idempotent)."""
    return [Locale.objects.get_or_create(language_code=code)[0] for code in language_codes()]


# --- the PO workflow ------------------------------------------------------------------------
def _content_json(instance: models.Model) -> Any:
    if isinstance(instance, ClusterableModel):
        return json.loads(instance.to_json())
    return json.loads(json.dumps(get_serializable_data_for_fields(instance), cls=DjangoJSONEncoder))


# Wagtail's bookkeeping on a page row: tree position, revisions, publishing and locks. A draft
# save, a new child page or a move changes them and gives a translator nothing to translate.
BOOKKEEPING_FIELDS = frozenset(
    {
        "path",
        "depth",
        "numchild",
        "url_path",
        "live",
        "has_unpublished_changes",
        "first_published_at",
        "last_published_at",
        "live_revision",
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "locked",
        "locked_at",
        "locked_by",
        "owner",
        "go_live_at",
        "expire_at",
        "expired",
    }
)


def _translatable_content(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: value for key, value in data.items() if key not in BOOKKEEPING_FIELDS}
    return data


def out_of_date(source: TranslationSource, instance: models.Model | None = None) -> bool:
    """True when the source object (as published) differs from what its translations were
    last synced from: the translator should sync ("Sync translated pages") and translate the
    new strings. wagtail-localize itself only notices at sync time. Wagtail's bookkeeping
    (`BOOKKEEPING_FIELDS`) does not count: a saved draft is not yet something to translate.
    `instance`: the source object, when the caller has loaded it already."""
    if instance is None:
        instance = source.get_source_instance()
    if isinstance(instance, Page):
        instance = instance.specific
    return _translatable_content(_content_json(instance)) != _translatable_content(
        json.loads(source.content_json)
    )


def translation_made_from(obj: models.Model) -> Translation | None:
    """The enabled wagtail-localize Translation whose target `obj` is, if any."""
    translation_key = getattr(obj, "translation_key", None)
    if translation_key is None or not _is_translation_target(translation_key, obj.locale_id):
        return None
    return (
        Translation.objects.filter(
            source__object_id=translation_key, target_locale_id=obj.locale_id, enabled=True
        )
        .exclude(source__locale_id=obj.locale_id)
        .select_related("source", "source__locale")
        .first()
    )


def _is_translation_target(translation_key: Any, locale_id: Any) -> bool:
    """Whether an enabled Translation targets this object (the conditions of
    `translation_made_from`), in one plain statement: most objects shown (every source, every
    object nobody translated) are not, and building the ORM query with its joins cost more
    than the rest of a partner city's detail."""
    from django.db import connection

    key = TranslationSource._meta.get_field("object_id").get_db_prep_value(
        translation_key, connection
    )
    with connection.cursor() as cursor:
        cursor.execute(_TARGET_SQL, [key, locale_id, locale_id])
        return cursor.fetchone() is not None


_TARGET_SQL = (
    "SELECT 1 FROM wagtail_localize_translation t"
    " JOIN wagtail_localize_translationsource s ON s.id = t.source_id"
    " WHERE s.object_id = %s AND t.target_locale_id = %s AND t.enabled"
    " AND NOT (s.locale_id = %s) LIMIT 1"
)


def translation_out_of_date(obj: models.Model) -> bool | None:
    """For a page or snippet made by wagtail-localize (the target of an enabled translation):
    whether its source changed since the last sync. None for anything else (a source, an
    object nobody translated, a translation whose source is gone)."""
    translation = translation_made_from(obj)
    if translation is None:
        return None
    try:
        return out_of_date(translation.source)
    except models.ObjectDoesNotExist:
        return None


def stale_translations(limit: int = 10, scan: int = 200) -> list[tuple[TranslationSource, Any]]:
    """(source, source object) of every source whose enabled translations are out of date,
    newest sync first, `limit` at most (checking `scan` sources at most)."""
    stale = []
    sources = (
        TranslationSource.objects.filter(translations__enabled=True)
        .distinct()
        .order_by("-last_updated_at")
    )
    for source in sources[:scan]:
        try:
            if out_of_date(source):
                stale.append((source, source.get_source_instance()))
        except models.ObjectDoesNotExist:  # the source object is gone: nothing to sync
            continue
        if len(stale) >= limit:
            break
    return stale


# What `translation_statuses()` says of an object (None: nobody translated it).
OUT_OF_DATE = "out of date"  # a translation whose source changed since the last sync
SOURCE_CHANGED = "translations out of date"  # a source that changed since its last sync
UP_TO_DATE = "up to date"  # a translation, or a translated source, in sync


def translation_statuses(objects: list[models.Model]) -> dict[int, tuple[str, int] | None]:
    """{pk: (status, TranslationSource pk) or None} for snippets of one model, in a constant
    number of queries (enabled translations and their sources, the source objects with their
    child rows), whatever their number: each source is compared once."""
    if not objects:
        return {}
    model = type(objects[0])
    keys = {obj.translation_key for obj in objects}
    translations = Translation.objects.filter(source__object_id__in=keys, enabled=True)
    translations = list(translations.select_related("source"))
    sources = {t.source_id: t.source for t in translations}
    child_relations = [relation.get_accessor_name() for relation in get_all_child_relations(model)]
    originals = {
        (obj.translation_key, obj.locale_id): obj
        for obj in model.objects.filter(translation_key__in=keys).prefetch_related(*child_relations)
    }
    changed: dict[int, bool] = {}
    for source in sources.values():
        original = originals.get((source.object_id, source.locale_id))
        if original is not None:  # else the source object is gone: nothing to sync
            changed[source.pk] = out_of_date(source, original)
    by_target = {(t.source.object_id, t.target_locale_id): t.source_id for t in translations}
    by_source = {(s.object_id, s.locale_id): s.pk for s in sources.values()}
    statuses: dict[int, tuple[str, int] | None] = {}
    for obj in objects:
        key = (obj.translation_key, obj.locale_id)
        source_pk = by_target.get(key) or by_source.get(key)
        if source_pk not in changed:
            statuses[obj.pk] = None
        elif not changed[source_pk]:
            statuses[obj.pk] = (UP_TO_DATE, source_pk)
        else:
            statuses[obj.pk] = (OUT_OF_DATE if key in by_target else SOURCE_CHANGED, source_pk)
    return statuses


def translation_for(instance: models.Model, locale: Locale) -> Translation:
    """The (enabled) Translation of `instance` into `locale`, its source synced with the
    object as it is now."""
    if isinstance(instance, Page):
        instance = instance.specific
    source, _created = TranslationSource.update_or_create_from_instance(instance)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    if not translation.enabled:
        translation.enabled = True
        translation.save(update_fields=["enabled"])
    return translation


def _retarget(po: polib.POFile, translation: Translation) -> polib.POFile:
    """A shipped PO file is not tied to one database: point it at this Translation, and map
    an entry whose context is unknown here (StreamField block ids differ between databases
    seeded before block ids were stable) by its source text when that text is unambiguous."""
    po.metadata["X-WagtailLocalize-TranslationID"] = str(translation.uuid)
    contexts_by_text: dict[str, set[str]] = {}
    for segment in translation.source.stringsegment_set.select_related("string", "context"):
        contexts_by_text.setdefault(segment.string.data, set()).add(segment.context.path)
    known = {path for paths in contexts_by_text.values() for path in paths}
    for entry in po:
        if entry.msgctxt not in known:
            candidates = contexts_by_text.get(entry.msgid, set())
            if len(candidates) == 1:
                entry.msgctxt = next(iter(candidates))
    return po


def import_po(
    instance: models.Model,
    locale: Locale,
    po: polib.POFile | Path,
    *,
    user=None,
    publish: bool = True,
    tool_name: str = "PO File",
) -> tuple[models.Model, list]:
    """Import a PO file into the translation of `instance` and save (and publish) the
    translated object. Returns the translated object and wagtail-localize's import warnings."""
    if isinstance(po, Path):
        po = polib.pofile(str(po), encoding="utf-8")
    translation = translation_for(instance, locale)
    warnings = translation.import_po(_retarget(po, translation), user=user, tool_name=tool_name)
    source_instance = translation.source.get_source_instance()
    if isinstance(source_instance, Page):
        # wagtail-localize publishes pages on transaction commit; publish the new revision
        # here instead, so that the caller sees the published page inside its transaction.
        translation.save_target(user=user, publish=False)
        target = translation.get_target_instance()
        if publish:
            target.get_latest_revision().publish(user=user)
            target.refresh_from_db()
    else:
        translation.save_target(user=user, publish=True)
        target = translation.get_target_instance()
    return target, warnings


def po_file(language: str, name: str) -> Path:
    return LOCALE_DIR / language / f"{name}.po"


# --- snippets in a page's locale ------------------------------------------------------------
def _translations_cache(model: type[models.Model], locale_id: int) -> dict | None:
    identity = _identity_map.get()
    if identity is None:
        return None
    return identity["translations"].setdefault((model, locale_id), {})


def _load_translations(
    model: type[models.Model], locale_id: int, keys: set
) -> dict[Any, models.Model]:
    found = _queryset(model).filter(locale_id=locale_id, translation_key__in=keys)
    if issubclass(model, Page):  # link a page's translation only where readers can see it
        found = found.live().public()
    else:  # a draft, scheduled or expired translation leaves the object as chosen
        found = public_snippets(model, found)
    return {obj.translation_key: obj for obj in found}


def in_page_locale(obj: models.Model, page: models.Model) -> tuple[models.Model, bool]:
    """`obj` (a snippet or page chosen on `page`) in the page's locale, and whether it
    had to fall back to the object as chosen because no translation exists.

    Inside a request (`request_identity_map()`), the first lookup for a model and locale loads
    the translations of every object of that model loaded so far in the request, in one query;
    later lookups reuse it."""
    locale_id = getattr(page, "locale_id", None)
    if locale_id is None or obj.locale_id == locale_id:
        return obj, False
    model = type(obj)
    cache = _translations_cache(model, locale_id)
    key = obj.translation_key
    if cache is None:
        translated = _load_translations(model, locale_id, {key}).get(key)
    else:
        if key not in cache:
            identity = _identity_map.get()
            wanted = {key} | {
                other.translation_key
                for other in identity[model].values()
                if other is not None and other.locale_id != locale_id
            }
            wanted -= cache.keys()
            found = _load_translations(model, locale_id, wanted)
            for wanted_key in wanted:
                cache[wanted_key] = found.get(wanted_key)
            identity[model].update({o.pk: o for o in found.values()})
        translated = cache[key]
    if translated is None:
        return obj, True
    return translated, False
