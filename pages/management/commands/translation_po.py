"""Export or import the PO file of one translation: the translator's PO workflow from a shell.

manage.py translation_po export --page /lille/ --locale fr > lille-fr.po
manage.py translation_po import --page /lille/ --locale fr lille-fr.po   # imports + publishes
manage.py translation_po export --snippet pages.PartnerCity:Lille --locale fr
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Locale

from pages.models import HubPage
from pages.routing import default_language
from pages.translation import import_po, translation_for


def find_source(page_path: str | None, snippet: str | None):
    if bool(page_path) == bool(snippet):
        raise CommandError("Give exactly one of --page /path/ or --snippet app.Model:name")
    locale = Locale.objects.get(language_code=default_language())
    if page_path:
        hub = HubPage.objects.filter(depth=2, locale=locale).first()
        if hub is None:
            raise CommandError("There is no hub in the default language: run load_seed first.")
        slugs = [part for part in page_path.strip("/").split("/") if part]
        url_path = hub.url_path + "".join(f"{slug}/" for slug in slugs)
        page = hub.__class__.objects.none()
        from wagtail.models import Page

        page = Page.objects.filter(url_path=url_path, locale=locale).first()
        if page is None:
            raise CommandError(f"No page at {page_path} in {locale.language_code}")
        return page.specific
    label, _, name = snippet.partition(":")
    model = apps.get_model(label)
    obj = model._default_manager.filter(locale=locale, name=name).first()
    if obj is None:
        raise CommandError(f"No {label} named {name!r} in {locale.language_code}")
    return obj


class Command(BaseCommand):
    help = "Export (to stdout) or import (and publish) the PO file of a page's or snippet's translation."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "import"])
        parser.add_argument("po_file", nargs="?", help="import: the translated PO file")
        parser.add_argument("--page", help="the page's front-end path in the source language")
        parser.add_argument("--snippet", help="app.Model:name, e.g. pages.PartnerCity:Lille")
        parser.add_argument("--locale", required=True, help="target language code, e.g. fr")

    def handle(self, *args, action: str, po_file: str | None, **options):
        source = find_source(options["page"], options["snippet"])
        try:
            locale = Locale.objects.get(language_code=options["locale"])
        except Locale.DoesNotExist as exc:
            raise CommandError(f"No locale {options['locale']!r}: run load_seed first.") from exc
        if action == "export":
            self.stdout.write(str(translation_for(source, locale).export_po()), ending="")
            return
        if not po_file:
            raise CommandError("import needs the PO file to read")
        target, warnings = import_po(source, locale, Path(po_file))
        for warning in warnings:
            self.stderr.write(f"warning: {warning!r}")
        self.stdout.write(f"Imported and published {target} ({locale.language_code}).")
