"""Serializers: pages carry locale, breadcrumbs and translations in `meta`; snippets come out
in the same shape as where they are embedded."""

from __future__ import annotations

import functools
from collections import OrderedDict

from rest_framework.fields import Field
from wagtail.api.v2.serializers import (
    BaseSerializer,
    PageAliasOfField,
    PageParentField,
    TagsField,
    get_serializer_class,
)
from wagtail.api.v2.serializers import ChildRelationField as WagtailChildRelationField
from wagtail.api.v2.serializers import PageSerializer as WagtailPageSerializer
from wagtail.images.api.v2.serializers import ImageSerializer as WagtailImageSerializer
from wagtail.models import Page

from pages.headless import html_url
from pages.representation import locale_code, model_representation
from pages.routing import path_for, public_path
from pages.schema import BOOLEAN, INTEGER, Schema, array, component, nullable, obj, ref, string
from pages.teasers import case_study_teasers


@component("Breadcrumb")
def breadcrumb_schema() -> Schema:
    return obj({"id": INTEGER, "title": string(), "path": string(), "locale": string()})


@component("Translation")
def translation_schema() -> Schema:
    return obj(
        {"locale": string(), "id": INTEGER, "title": string(), "path": string()},
        description="Another live language version of the page (for a language switcher).",
    )


@component("PageSummary")
def page_summary_schema() -> Schema:
    return obj(
        {
            "id": INTEGER,
            "meta": obj(
                {
                    "type": string('The page type, e.g. "pages.HubPage".'),
                    "detail_url": string(),
                    "html_url": nullable(string("The page on the front end.")),
                }
            ),
            "title": string(),
        }
    )


class BreadcrumbsField(Field):
    """Ancestors from the hub (the site root) down to the page's parent."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, page):
        if page.depth <= 2:  # the hub, or a page above it: no ancestor below the tree's root
            return []
        # Values, not pages: a crumb shows four of a page row's thirty columns.
        ancestors = (
            page.get_ancestors()
            .filter(depth__gt=1)
            .order_by("depth")
            .values_list("pk", "title", "url_path", "locale__language_code")
        )
        return [
            {"id": pk, "title": title, "path": path_for(url_path, language), "locale": language}
            for pk, title, url_path, language in ancestors
        ]

    def api_schema(self, model, name: str) -> Schema:
        return array(ref("Breadcrumb"), description="Ancestors from the hub to the parent.")


class TranslationsField(Field):
    """Every live, public version of this page in another locale (for a language switcher)."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, page):
        base = self.context.get("base_queryset")
        if base is not None:
            # The public-page conditions on the translation rows themselves (an index lookup
            # by translation_key); `pk__in=<every public page id>` built that whole set first.
            queryset = base.filter(translation_key=page.translation_key).exclude(pk=page.pk)
        else:
            queryset = page.get_translations(inclusive=False).live()
        # Values, not pages: a translation shows four of a page row's thirty columns.
        rows = queryset.order_by("locale__language_code").values_list(
            "pk", "title", "url_path", "locale__language_code"
        )
        return [
            {"locale": language, "id": pk, "title": title, "path": path_for(url_path, language)}
            for pk, title, url_path, language in rows
        ]

    def api_schema(self, model, name: str) -> Schema:
        return array(ref("Translation"), description="Other live language versions.")


class TranslationOutOfDateField(Field):
    """On a translation made with wagtail-localize: true when its source changed since it was
    last synced (the front end may say so); null on a source or an untranslated object."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, obj):
        from pages.translation import translation_out_of_date

        return translation_out_of_date(obj)

    def api_schema(self, model, name: str) -> Schema:
        return {
            **nullable(BOOLEAN),
            "description": "true: this translation's source changed since it was last "
            "synced; false: in sync; null: a source, or nobody translated it. Detail only.",
        }


class PathField(Field):
    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, page):
        return public_path(page)

    def api_schema(self, model, name: str) -> Schema:
        return string("The page's path on the front end: /, /lille/, /fr/lille/.")


class CaseStudyTeasersMetaField(Field):
    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, page):
        from pages.models import CaseStudyPage, HubPage

        if not isinstance(page, HubPage):
            return None
        self.context["page"] = page
        return case_study_teasers(self.context, CaseStudyPage)

    def api_schema(self, model, name: str) -> Schema:
        from pages.models import HubPage

        if issubclass(model, HubPage):
            return {**ref("CaseStudyTeasers"), "description": "The hub's latest case studies."}
        return {"type": "null", "description": "Only a hub has teasers."}


class HtmlUrlField(Field):
    """`meta.html_url`: the page on its site's front end, in listings and search as in details."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, page):
        return html_url(page, self.context.get("request"))

    def api_schema(self, model, name: str) -> Schema:
        return string("The page on its site's front end (FRONTEND_URL or the site's setting).")


@functools.cache
def page_summary_serializer_class(model: type) -> type:
    """The serializer of a page summary, built once per page model (from code alone, so it
    never goes stale; one per model, so the cache stays small)."""
    return get_serializer_class(
        model,
        ["id", "type", "detail_url", "html_url", "title"],
        meta_fields=["type", "detail_url", "html_url"],
        base=PageSerializer,
    )


# What a page summary reads of its page: id, title, its type (content type), and its
# front-end URL (url_path, language).
PAGE_SUMMARY_COLUMNS = (
    "id",
    "title",
    "content_type_id",
    "url_path",
    "locale",
    "locale__language_code",
)


class PageSummaryMixin:
    """`meta.parent` and `meta.alias_of`: {id, meta: {type, detail_url, html_url}, title},
    through this project's serializer (so `html_url` is the front end's, as everywhere)."""

    def to_representation(self, value):
        serializer_class = page_summary_serializer_class(value.__class__)
        return serializer_class(context=self.context).to_representation(value)

    def api_schema(self, model, name: str) -> Schema:
        return nullable(ref("PageSummary"))


class ParentField(PageSummaryMixin, PageParentField):
    def get_attribute(self, instance):
        # Wagtail's: the parent row, then whether it is public (two queries and a third for
        # its locale). Here: the parent among the public pages, with its locale, in one.
        if instance.depth <= 1:
            return None
        parent = self.context["base_queryset"].filter(path=instance.path[: -Page.steplen])
        parent = parent.select_related("locale").only(*PAGE_SUMMARY_COLUMNS).order_by()
        return next(iter(parent[:1]), None)


class AliasOfField(PageSummaryMixin, PageAliasOfField):
    pass


class ChildRelationField(WagtailChildRelationField):
    """Wagtail's (a page's inline rows, such as partner organisations), with the rows'
    serializer and its fields built once per request instead of once per page listed."""

    def to_representation(self, value):
        serializer = getattr(self, "_rows_serializer", None)
        if serializer is None:
            serializer = self._rows_serializer = self.serializer_class(context=self.context)
        return [serializer.to_representation(row) for row in value.all()]


_STANDARD_FIELDS: dict = {}


class StandardFieldsOnceMixin:
    """DRF derives a plain field's arguments from its model field (lengths, validators,
    choices) for every serializer it builds, once per field per request: the same answer each
    time, from code alone, so derived once per model field (a bounded set)."""

    def build_standard_field(self, field_name, model_field):
        key = (field_name, model_field)
        if key not in _STANDARD_FIELDS:
            _STANDARD_FIELDS[key] = super().build_standard_field(field_name, model_field)
        field_class, kwargs = _STANDARD_FIELDS[key]
        return field_class, dict(kwargs)  # DRF pops arguments from it


class PageSerializer(StandardFieldsOnceMixin, WagtailPageSerializer):
    html_url = HtmlUrlField()
    parent = ParentField(read_only=True)
    alias_of = AliasOfField(read_only=True)
    path = PathField()
    breadcrumbs = BreadcrumbsField()
    translations = TranslationsField()
    translation_out_of_date = TranslationOutOfDateField()
    case_study_teasers = CaseStudyTeasersMetaField()

    def to_representation(self, instance):
        # Blocks read the page being serialized from the shared context (teasers need it).
        self.context["page"] = instance
        return super().to_representation(instance)

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        if field_class is WagtailChildRelationField:
            field_class = ChildRelationField
        return field_class, kwargs


def tags_by_object(model, ids: list) -> dict:
    """Tag names of each of these objects (a taggit manager named `tags`), in one query and in
    the order and form of Wagtail's `TagsField` (sorted by name in the database, distinct)."""
    from django.contrib.contenttypes.models import ContentType

    through = model.tags.through
    rows = (
        through.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=ids
        )
        .order_by("tag__name")
        .values_list("object_id", "tag__name")
    )
    found: dict = {pk: [] for pk in ids}
    for object_id, name in rows:
        names = found.setdefault(object_id, [])
        if name not in names:
            names.append(name)
    return found


class PrefetchedTagsField(TagsField):
    """Wagtail's TagsField, reading the tags a listing loaded for all its objects at once."""

    def to_representation(self, value):
        loaded = self.context.get("tags_by_object")
        instance = getattr(value, "instance", None)
        if loaded is None or instance is None or instance.pk not in loaded:
            return super().to_representation(value)
        return list(loaded[instance.pk])

    def api_schema(self, model, name: str) -> Schema:
        return array(string(), description="Tag names.")


class ImageSerializer(WagtailImageSerializer):
    def build_property_field(self, field_name, model_class):
        field_class, kwargs = super().build_property_field(field_name, model_class)
        if field_class is TagsField:
            return PrefetchedTagsField, kwargs
        return field_class, kwargs


class LocaleCodeField(Field):
    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return locale_code(obj)

    def api_schema(self, model, name: str) -> Schema:
        return string("The language of this version.")


class SnippetSerializer(StandardFieldsOnceMixin, BaseSerializer):
    """Snippets in their one shape (`pages.representation.model_representation`), the same as
    where a page embeds them; the detail adds `meta.translation_out_of_date`."""

    locale = LocaleCodeField()
    translation_out_of_date = TranslationOutOfDateField()

    def to_representation(self, instance):
        full = model_representation(instance, self.context)
        meta = full["meta"]
        # ?locale=fr lists a city without a French version in English: a fallback, as where
        # a French page embeds it.
        wanted = self.context.get("wanted_locale")
        meta["fallback"] = wanted is not None and meta["locale"] != wanted
        data: OrderedDict = OrderedDict(id=instance.pk, meta=meta)
        for name, field in self.fields.items():
            if name in self.meta_fields:
                if name not in meta:
                    meta[name] = field.to_representation(field.get_attribute(instance))
            elif name in full:
                data[name] = full[name]
        return data


__all__ = ["ImageSerializer", "PageSerializer", "SnippetSerializer", "tags_by_object"]
