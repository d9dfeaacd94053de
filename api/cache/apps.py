"""Connects every change to what the API shows to the content generation."""

from __future__ import annotations

from django.apps import AppConfig, apps

# Apps whose rows appear in API responses (pages come from every app through `Page`).
CONTENT_APPS = ("pages", "media", "taggit")


class CacheConfig(AppConfig):
    name = "api.cache"
    label = "api_cache"
    verbose_name = "API response cache"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from wagtail.contrib.redirects.models import Redirect
        from wagtail.images.models import AbstractRendition
        from wagtail.models import (
            CollectionViewRestriction,
            Locale,
            Page,
            PageViewRestriction,
            Site,
        )
        from wagtail.signals import page_slug_changed, post_page_move, pre_page_move
        from wagtail_localize.models import TranslationSource

        from api.cache import signals
        from pages.signals import bulk_changed

        def connect(receiver, model, uid: str) -> None:
            post_save.connect(receiver, sender=model, dispatch_uid=f"api-cache-{uid}-save")
            post_delete.connect(receiver, sender=model, dispatch_uid=f"api-cache-{uid}-delete")

        for model in apps.get_models():
            if issubclass(model, Page):
                connect(signals.page_changed, model, "page")
            elif model._meta.app_label in CONTENT_APPS and not issubclass(
                model,
                AbstractRendition,  # made by reads, and never shown by themselves
            ):
                connect(signals.object_changed, model, "object")
        pre_page_move.connect(signals.page_moving, dispatch_uid="api-cache-page-moving")
        post_page_move.connect(signals.page_moved, dispatch_uid="api-cache-page-moved")
        connect(signals.restriction_changed, PageViewRestriction, "pvr")
        connect(signals.collection_restriction_changed, CollectionViewRestriction, "cvr")
        # A sync rewrites a source's content (its translations' `translation_out_of_date`);
        # sites, locales and front-end settings change every page's URLs; a redirect changes
        # what `find` answers for its old path (any path) and the redirects listing.
        for model in (TranslationSource, Site, Locale, Redirect):
            connect(signals.everything_changed, model, "all")
        # Wagtail bulk-creates a renamed page's redirects after the commit, without save
        # signals: the generation moves again once they exist (this app comes after
        # wagtail.contrib.redirects in INSTALLED_APPS, so its receiver runs after Wagtail's).
        page_slug_changed.connect(signals.everything_changed, dispatch_uid="api-cache-slug")
        bulk_changed.connect(signals.everything_changed, dispatch_uid="api-cache-bulk")
