"""Builds the site from `pages/data/seed.toml`. Idempotent, and it keeps editors' work.

Every object load_seed writes gets a SeedRecord with two hashes: the seed entry it came from
(`fingerprint`) and the object's state right after writing (`state`). On a rerun an object is

* created if it has no record (load_seed never made it),
* left deleted (with a message) if its record points at an object that is gone: an editor
  deleted it, and only `force_keys` naming its key (`load_seed --force <key>`) recreates it,
* left alone if the seed entry is unchanged,
* updated if the seed entry changed and the object is still as load_seed left it,
* kept (with a message) if an editor changed it since, or has a draft of it (a draft,
  unpublished or scheduled snippet, a page draft), unless forced (`force=True`: every such
  object; `force_keys`: those named).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import tomllib
import uuid
from collections.abc import Callable, Collection
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import DraftStateMixin, Locale, Page, Site

from pages.models import (
    Agreement,
    CaseStudyPage,
    HubPage,
    Network,
    PartnerCity,
    PartnerOrganisation,
    SeedRecord,
)

SEED_FILE = Path(__file__).resolve().parent / "data" / "seed.toml"


def digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def load_seed_file(path: Path = SEED_FILE) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def placeholder_image(title: str, caption: str, colour: str) -> bytes:
    """An honest placeholder: a flat colour with the source's file name written on it."""
    image = PILImage.new("RGB", (1600, 1000), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=56)
    small = ImageFont.load_default(size=36)
    draw.text((80, 380), title, fill="white", font=font)
    draw.text((80, 480), caption, fill="white", font=small)
    draw.text(
        (80, 880),
        "Placeholder image: the original photograph is not part of the seed",
        fill="white",
        font=small,
    )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def coordinate(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.000001"))


class UnknownSeedKey(ValueError):
    """`force_keys` names an entry the seed does not have."""


class SeedLoader:
    def __init__(
        self,
        data: dict,
        *,
        force: bool = False,
        force_keys: Collection[str] = (),
        log: Callable[[str], None] = print,
    ):
        self.data = data
        self.force = force
        self.force_keys = set(force_keys)
        unknown = self.force_keys - set(self.keys())
        if unknown:
            raise UnknownSeedKey(
                f"not in the seed: {', '.join(sorted(unknown))} "
                f"(seed entries: {', '.join(self.keys())})"
            )
        self.log = log
        self.images: dict[str, Any] = {}
        self.cities: dict[str, PartnerCity] = {}
        self.networks: dict[str, Network] = {}
        self.pages: dict[str, CaseStudyPage] = {}
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0, "deleted": 0}

    def keys(self) -> list[str]:
        """The key of every entry of the seed (what `force_keys` may name)."""
        return [
            *(f"image:{entry['key']}" for entry in self.data["images"]),
            *(f"partner_city:{entry['key']}" for entry in self.data["partner_cities"]),
            *(f"network:{entry['key']}" for entry in self.data["networks"]),
            "page:hub",
            *(f"page:case_study:{entry['slug']}" for entry in self.data["case_studies"]),
            *(f"translation:{language}:{key}" for key, language, _name in self.TRANSLATIONS),
        ]

    def forced(self, key: str) -> bool:
        return self.force or key in self.force_keys

    # --- bookkeeping -------------------------------------------------------------------
    def _record(self, key: str, model) -> tuple[SeedRecord | None, Any]:
        record = SeedRecord.objects.filter(key=key).first()
        if record is None:
            return None, None
        obj = model._default_manager.filter(pk=record.object_id).first()
        return record, obj

    def _save_record(self, key: str, obj, fingerprint: str, state: str) -> None:
        SeedRecord.objects.update_or_create(
            key=key,
            defaults={
                "content_type": obj._meta.label_lower,
                "object_id": obj.pk,
                "fingerprint": fingerprint,
                "state": state,
            },
        )

    def _sync(self, key: str, model, entry: dict, state_of, create, update) -> Any:
        """Create, update, keep or leave one seeded object (see the module docstring); None
        when an editor deleted it."""
        fingerprint = digest(entry)
        record, obj = self._record(key, model)
        if obj is None and record is not None and key not in self.force_keys:
            self.counts["deleted"] += 1
            self.log(f"  left deleted {key}: an editor deleted it (--force {key} recreates it)")
            return None
        if obj is None:
            obj = create()
            self._save_record(key, obj, fingerprint, state_of(obj))
            self.counts["created"] += 1
            self.log(f"  created {key}")
            return obj
        if record.fingerprint == fingerprint and not self.forced(key):
            self.counts["unchanged"] += 1
            return obj
        if self._edited(obj, record, state_of) and not self.forced(key):
            self.counts["kept"] += 1
            self.log(
                f"  kept {key}: changed by an editor since the last load "
                f"(--force {key} overwrites it)"
            )
            return obj
        update(obj)
        self._save_record(key, obj, fingerprint, state_of(obj))
        self.counts["updated"] += 1
        self.log(f"  updated {key}")
        return obj

    @staticmethod
    def _edited(obj, record: SeedRecord, state_of) -> bool:
        """Changed since load_seed wrote it, or with an editor's draft, unpublishing or
        schedule pending (a snippet's draft leaves the fields load_seed compares alone)."""
        if state_of(obj) != record.state:
            return True
        return isinstance(obj, DraftStateMixin) and (obj.has_unpublished_changes or not obj.live)

    # --- images --------------------------------------------------------------------------
    def load_images(self) -> None:
        Image = get_image_model()
        self.log("Images")

        def state(image) -> str:
            return digest(
                [image.title, image.description, image.caption, image.credit, image.file_hash]
            )

        for entry in self.data["images"]:

            def apply(image, entry=entry):
                image.title = entry["title"]
                image.description = entry["alt"]
                image.caption = entry["caption"]
                image.credit = entry.get("credit", "Placeholder generated by load_seed")
                content = placeholder_image(entry["title"], entry["caption"], entry["colour"])
                image.file = ImageFile(io.BytesIO(content), name=f"seed-{entry['key']}.jpg")
                image.file_size = len(content)
                image.file_hash = hashlib.sha1(content).hexdigest()
                image.save()
                return image

            image = self._sync(
                f"image:{entry['key']}",
                Image,
                entry,
                state,
                lambda apply=apply: apply(Image()),
                apply,
            )
            if image is not None:
                self.images[entry["key"]] = image

    def prepare_renditions(self) -> None:
        """Renditions are made here, once, so that no request has to make them."""
        from pages.representation import all_filters

        for image in self.images.values():
            image.get_renditions(*all_filters())

    # --- snippets --------------------------------------------------------------------------
    def _load_snippets(
        self, model, section: str, record_key: str, locale: Locale, state_of, fill
    ) -> dict[str, Any]:
        """Create, update or keep the snippets of one seed section (`_sync`), in `locale`:
        `fill(obj, entry)` copies the entry's own fields; locale, image, validation and saving
        are the same for every snippet."""
        loaded = {}
        for entry in self.data[section]:

            def apply(obj, entry=entry):
                obj.locale = locale
                fill(obj, entry)
                obj.image = self.images.get(entry.get("image", ""))
                obj.full_clean()
                obj.save()
                # Published like an editor's change: a revision, live, in the history.
                obj.save_revision(log_action=True).publish()
                return model._default_manager.get(pk=obj.pk)

            obj = self._sync(
                f"{record_key}:{entry['key']}",
                model,
                entry,
                state_of,
                lambda apply=apply: apply(model()),
                apply,
            )
            if obj is not None:
                loaded[entry["key"]] = obj
        return loaded

    def load_partner_cities(self, locale: Locale) -> None:
        self.log("Partner cities")

        def state(city) -> str:
            return digest(
                [
                    city.name,
                    city.country,
                    city.year_signed,
                    city.period,
                    city.summary,
                    coordinate(city.latitude),
                    coordinate(city.longitude),
                    city.image_id,
                    [(a.title, a.date, a.date_precision, a.status) for a in city.agreements.all()],
                ]
            )

        def fill(city, entry) -> None:
            city.name = entry["name"]
            city.country = entry["country"]
            city.year_signed = entry.get("year_signed")
            city.period = entry.get("period", "")
            city.summary = entry["summary"]
            city.latitude = coordinate(entry.get("latitude"))
            city.longitude = coordinate(entry.get("longitude"))
            city.agreements = [
                Agreement(
                    title=a["title"],
                    date=datetime.date.fromisoformat(a["date"]) if a.get("date") else None,
                    date_precision=a.get("date_precision", "day"),
                    status=a["status"],
                )
                for a in entry.get("agreements", [])
            ]

        self.cities.update(
            self._load_snippets(PartnerCity, "partner_cities", "partner_city", locale, state, fill)
        )

    def load_networks(self, locale: Locale) -> None:
        self.log("Networks")
        fields = [
            "name",
            "url",
            "year_joined",
            "role",
            "member_city_count",
            "country_count",
            "summary",
        ]

        def state(network) -> str:
            return digest([getattr(network, f) for f in fields] + [network.image_id])

        def fill(network, entry) -> None:
            for field in fields:
                setattr(network, field, entry.get(field, "" if field in {"url", "role"} else None))

        self.networks.update(
            self._load_snippets(Network, "networks", "network", locale, state, fill)
        )

    # --- pages -------------------------------------------------------------------------------
    def _stream(self, body: list[dict], owner: str = "") -> list[dict]:
        """Seed body entries -> StreamField data, with seed keys resolved to ids.

        Block ids are derived from the owner and position, so they are the same in every
        database: the shipped PO files name their strings by them (`body.<id>.heading`).
        What an editor deleted (a city, an image, a case study) is left out."""
        out = []
        for index, item in enumerate(body):
            kind = item["type"]
            value = {k: v for k, v in item.items() if k != "type"}
            if kind == "partner_cities":
                value["cities"] = [self.cities[k].pk for k in value["cities"] if k in self.cities]
            elif kind == "networks":
                value["networks"] = [
                    self.networks[k].pk for k in value["networks"] if k in self.networks
                ]
            elif kind == "case_study_teasers":
                value["case_studies"] = [
                    self.pages[s].pk for s in value.get("case_studies", []) if s in self.pages
                ]
            elif kind == "image":
                if value["image"] not in self.images:
                    continue
                value["image"] = self.images[value["image"]].pk
            elif kind == "call_to_action":
                key = value.pop("page", "")
                if key and key not in self.pages:
                    continue  # its page was deleted: no button to nowhere
                value["page"] = self.pages[key].pk if key else None
                value.setdefault("url", "")
            elif kind == "paragraph":
                value = value["text"]
            block = {"type": kind, "value": value}
            if owner:
                block["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"seed:{owner}:body:{index}"))
            out.append(block)
        return out

    @staticmethod
    def _page_state(page: Page) -> str:
        page = Page.objects.get(pk=page.pk)
        return digest([page.latest_revision_id, page.live, page.has_unpublished_changes])

    def _publish(self, page: Page) -> None:
        page.full_clean()
        revision = page.save_revision(log_action=True)
        revision.publish()

    def load_hub(self, root: Page, locale: Locale) -> HubPage:
        entry = self.data["hub"]
        site = self.data["site"]

        def apply(hub: HubPage) -> HubPage:
            hub.title = entry["title"]
            hub.introduction = entry["introduction"]
            hub.hero_image = self.images.get(entry["hero_image"])
            hub.hero_caption = entry["hero_caption"]
            hub.search_description = entry.get("search_description", "")
            hub.body = self._stream(entry["body"], "hub")
            if hub.pk is None:
                hub.slug = site["hub_slug"]
                hub.locale = locale
                root.add_child(instance=hub)
            self._publish(hub)
            return hub

        # The hub's body refers to case studies, which must exist first: create a bare hub
        # (without body) on the first run, then write its full content in a second pass.
        return self._sync(
            "page:hub",
            HubPage,
            {"hub": entry, "refs": self._refs()},
            self._page_state,
            lambda: apply(HubPage()),
            apply,
        )

    def _refs(self) -> dict:
        return {
            "images": {k: v.pk for k, v in self.images.items()},
            "cities": {k: v.pk for k, v in self.cities.items()},
            "networks": {k: v.pk for k, v in self.networks.items()},
            "pages": {k: v.pk for k, v in self.pages.items()},
        }

    def load_case_studies(self, hub: HubPage) -> None:
        self.log("Case studies")
        for entry in self.data["case_studies"]:

            def apply(page: CaseStudyPage, entry=entry) -> CaseStudyPage:
                page.title = entry["title"]
                page.summary = entry["summary"]
                page.hero_image = self.images.get(entry["hero_image"])
                page.body = self._stream(entry["body"], f"case_study:{entry['slug']}")
                page.related_partner_city = self.cities.get(entry.get("related_partner_city", ""))
                page.related_network = self.networks.get(entry.get("related_network", ""))
                page.find_out_more_url = entry.get("find_out_more_url", "")
                page.find_out_more_label = entry.get("find_out_more_label", "")
                page.partner_organisations = [
                    PartnerOrganisation(name=o["name"], url=o.get("url", ""))
                    for o in entry.get("partner_organisations", [])
                ]
                if page.pk is None:
                    page.slug = entry["slug"]
                    page.locale = hub.locale
                    hub.add_child(instance=page)
                page.themes.set(entry.get("themes", []))
                self._publish(page)
                return page

            page = self._sync(
                f"page:case_study:{entry['slug']}",
                CaseStudyPage,
                {"entry": entry, "refs": self._refs()},
                self._page_state,
                lambda apply=apply: apply(CaseStudyPage()),
                apply,
            )
            if page is not None:
                self.pages[entry["slug"]] = page

    def ensure_hub_shell(self, root: Page, locale: Locale) -> HubPage | None:
        """The hub (a bare one on the first run); None when an editor deleted it."""
        record, hub = self._record("page:hub", HubPage)
        if hub is not None:
            return hub
        if record is not None and "page:hub" not in self.force_keys:
            return None  # deleted by an editor: _sync says so in load_hub
        entry = self.data["hub"]
        hub = HubPage(
            title=entry["title"],
            slug=self.data["site"]["hub_slug"],
            introduction=entry["introduction"],
            locale=locale,
        )
        root.add_child(instance=hub)
        hub.save_revision().publish()
        # An empty fingerprint makes the full load below write the real content.
        self._save_record("page:hub", hub, "", self._page_state(hub))
        return hub

    # --- translations ------------------------------------------------------------------------
    TRANSLATIONS = (
        # (seed key of the source, language, PO file under pages/data/locale/<language>/)
        ("partner_city:lille", "fr", "partner-city-lille"),
        ("page:hub", "fr", "hub"),
        ("page:case_study:lille", "fr", "case-study-lille"),
    )

    def load_translations(self) -> None:
        """Locales for every content language, then the shipped translations, imported through
        wagtail-localize's PO workflow (as a translator's PO upload) and published."""
        from pages.translation import (
            _content_json,
            _translatable_content,
            ensure_locales,
            import_po,
            po_file,
        )

        self.log("Translations")
        locales = {locale.language_code: locale for locale in ensure_locales()}
        models = {"partner_city": PartnerCity, "page": Page}
        for source_key, language, name in self.TRANSLATIONS:
            record, source = self._record(source_key, models[source_key.split(":")[0]])
            path = po_file(language, name)
            if source is None or not path.exists():
                continue
            if isinstance(source, Page):
                source = source.specific
            target_model = type(source)

            def state(target) -> str:
                if isinstance(target, Page):
                    return self._page_state(target)
                # Without Wagtail's bookkeeping (revisions, live state, locks): a snippet's
                # first revision (pages/migrations/0008) is not an editor's change.
                return digest(_translatable_content(_content_json(target)))

            def apply(_target=None, source=source, path=path, language=language):
                target, warnings = import_po(source, locales[language], path, tool_name="load_seed")
                for warning in warnings:
                    self.log(f"  {path.name}: {warning!r}")
                return target

            self._sync(
                f"translation:{language}:{source_key}",
                target_model,
                {
                    "po": path.read_text(encoding="utf-8"),
                    # What is translated, not Wagtail's bookkeeping (a draft save, a revision).
                    "source": digest(_translatable_content(_content_json(source))),
                },
                state,
                apply,
                apply,
            )

    def point_site_at(self, hub: HubPage) -> None:
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True)
        old_root_id = site.root_page_id
        site.root_page = hub
        site.site_name = self.data["site"]["site_name"]
        site.save()
        # Wagtail's own "Welcome to your new Wagtail site!" page has no place here.
        if old_root_id and old_root_id != hub.pk:
            stale = Page.objects.filter(pk=old_root_id, depth=2).exclude(pk=hub.pk).first()
            if stale is not None and stale.specific_class is Page:
                stale.delete()

    @transaction.atomic
    def run(self) -> dict[str, int]:
        locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.get_first_root_node()
        self.load_images()
        self.load_partner_cities(locale)
        self.load_networks(locale)
        self.log("Hub")
        hub = self.ensure_hub_shell(root, locale)
        if hub is not None:
            self.point_site_at(hub)
            self.load_case_studies(hub)
        hub = self.load_hub(root, locale)
        if hub is not None:
            self.point_site_at(hub)
        self.load_translations()
        transaction.on_commit(self.prepare_renditions)
        return self.counts
