"""Every change to what the API shows moves the generation in its own transaction, and once it
commits purges the CDN (wired to model signals in `api.cache.apps`)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from api.cache import generation, purge

logger = logging.getLogger(__name__)

# Saves that only touch draft bookkeeping leave the live row, and so the API, unchanged.
DRAFT_ONLY_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "has_unpublished_changes",
        "draft_title",
        "numchild",
        "locked",
        "locked_at",
        "locked_by",
    }
)


def changed(instance=None, urls: Callable[[], set[str]] | None = None) -> None:
    """Move the generation now (in the change's transaction); purge `urls()` after the commit.
    The URLs are computed now: after a delete the rows that give them are gone."""
    generation.bump(getattr(instance, "expire_at", None))
    if urls is None or not purge.enabled():
        return
    try:
        found = urls()
    except Exception:  # noqa: BLE001 - a purge list must never break an editor's save
        logger.exception("could not compute CDN purge URLs")
        return
    transaction.on_commit(lambda: purge.purge(found))


def page_changed(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS):
        return
    changed(instance, lambda: purge.page_urls(instance))


def page_moving(sender, instance, **kwargs) -> None:
    # The URLs under the old path, before the move rewrites them.
    if purge.enabled():
        old = purge.page_urls(instance)
        transaction.on_commit(lambda: purge.purge(old))


def page_moved(sender, instance, **kwargs) -> None:
    changed(instance, lambda: purge.page_urls(instance))


def restriction_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        changed(urls=lambda: purge.page_urls(instance.page))


def object_changed(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS):
        return
    changed(instance, lambda: purge.object_urls(instance))


def collection_restriction_changed(sender, instance, raw=False, **kwargs) -> None:
    """Every image and document in (or below) the collection is now shown or hidden."""
    if raw:
        return

    def urls() -> set[str]:
        try:
            collection = instance.collection
        except Collection.DoesNotExist:  # deleted with its collection: nothing of it is left
            return set()
        found: set[str] = set()
        for model in (get_image_model(), get_document_model()):
            for obj in model.objects.filter(collection__path__startswith=collection.path):
                found |= purge.object_urls(obj)
        return found

    changed(urls=urls)


def everything_changed(sender, instance=None, raw=False, **kwargs) -> None:
    """A site, locale, front-end setting or translation sync: no exact URL list."""
    if not raw:
        changed()
