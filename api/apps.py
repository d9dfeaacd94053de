"""Connects the response cache to the models (api.cache, api.cache_invalidation)."""

from __future__ import annotations

from django.apps import AppConfig, apps

# Apps whose rows appear in API responses (pages come from every app through `Page`).
TRACKED_APPS = ("pages", "media", "taggit")


def tracked_models() -> list:
    from wagtail.images.models import AbstractRendition
    from wagtail.models import Page

    models = []
    for model in apps.get_models():
        if issubclass(model, Page):
            continue
        if model._meta.app_label not in TRACKED_APPS or issubclass(model, AbstractRendition):
            continue
        if model._meta.label_lower in ("pages.seedrecord", "pages.frontendsettings"):
            continue
        models.append(model)
    return models


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_init, post_save
        from wagtail.models import (
            CollectionViewRestriction,
            Locale,
            Page,
            PageViewRestriction,
            Site,
        )
        from wagtail.signals import post_page_move, pre_page_move

        from api import cache_invalidation as inv
        from api.cache import record_instance

        page_models = [model for model in apps.get_models() if issubclass(model, Page)]
        for model in page_models:
            post_init.connect(record_instance, sender=model, dispatch_uid="api-cache-record")
            post_save.connect(inv.page_saved, sender=model, dispatch_uid="api-cache-page-save")
            post_delete.connect(inv.page_deleted, sender=model, dispatch_uid="api-cache-page-del")
        pre_page_move.connect(inv.page_moving, dispatch_uid="api-cache-page-moving")
        post_page_move.connect(inv.page_moved, dispatch_uid="api-cache-page-moved")
        for model in tracked_models():
            post_init.connect(record_instance, sender=model, dispatch_uid="api-cache-record")
            post_save.connect(inv.object_changed, sender=model, dispatch_uid="api-cache-obj-save")
            post_delete.connect(inv.object_changed, sender=model, dispatch_uid="api-cache-obj-del")
        for model in (PageViewRestriction,):
            post_save.connect(inv.restriction_changed, sender=model, dispatch_uid="api-cache-pvr")
            post_delete.connect(inv.restriction_changed, sender=model, dispatch_uid="api-cache-pvr")
        for signal in (post_save, post_delete):
            signal.connect(
                inv.collection_restriction_changed,
                sender=CollectionViewRestriction,
                dispatch_uid="api-cache-cvr",
            )
        from wagtail_localize.models import TranslationSource

        # A sync rewrites the source's content: its translations' `translation_out_of_date`.
        post_save.connect(
            inv.translation_source_synced, sender=TranslationSource, dispatch_uid="api-cache-tsrc"
        )
        from pages.models import FrontendSettings  # every page's html_url depends on it

        for model in (Site, Locale, FrontendSettings):
            post_save.connect(inv.everything_changed, sender=model, dispatch_uid="api-cache-all")
            post_delete.connect(inv.everything_changed, sender=model, dispatch_uid="api-cache-all")
