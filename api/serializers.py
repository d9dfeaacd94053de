"""Serializers: pages carry locale, breadcrumbs and translations in `meta`; snippets come out
in the same shape as where they are embedded."""

from __future__ import annotations

from collections import OrderedDict

from rest_framework.fields import Field
from wagtail.api.v2.serializers import BaseSerializer, TagsField
from wagtail.api.v2.serializers import PageSerializer as WagtailPageSerializer
from wagtail.images.api.v2.serializers import ImageSerializer as WagtailImageSerializer

from pages.representation import locale_code, model_representation
from pages.routing import public_path
from pages.teasers import case_study_teasers


class BreadcrumbsField(Field):
    """Ancestors from the hub (the site root) down to the page's parent."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, page):
        ancestors = (
            page.get_ancestors().filter(depth__gt=1).select_related("locale").order_by("depth")
        )
        return [
            {"id": a.pk, "title": a.title, "path": public_path(a), "locale": locale_code(a)}
            for a in ancestors
        ]


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
        queryset = queryset.select_related("locale")
        return [
            {
                "locale": locale_code(p),
                "id": p.pk,
                "title": p.title,
                "path": public_path(p),
            }
            for p in queryset.order_by("locale__language_code")
        ]


class TranslationOutOfDateField(Field):
    """On a translation made with wagtail-localize: true when its source changed since it was
    last synced (the front end may say so); null on a source or an untranslated object."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, obj):
        from pages.translation import translation_out_of_date

        return translation_out_of_date(obj)


class PathField(Field):
    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, page):
        return public_path(page)


class CaseStudyTeasersMetaField(Field):
    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, page):
        from pages.models import HubPage

        if not isinstance(page, HubPage):
            return None
        self.context["page"] = page
        return case_study_teasers(self.context)


class PageSerializer(WagtailPageSerializer):
    path = PathField()
    breadcrumbs = BreadcrumbsField()
    translations = TranslationsField()
    translation_out_of_date = TranslationOutOfDateField()
    case_study_teasers = CaseStudyTeasersMetaField()

    def to_representation(self, instance):
        # Blocks read the page being serialized from the shared context (teasers need it).
        self.context["page"] = instance
        return super().to_representation(instance)


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


class SnippetSerializer(BaseSerializer):
    """Snippets through their `api_fields` allowlist, identical to their embedded form."""

    locale = LocaleCodeField()
    translation_out_of_date = TranslationOutOfDateField()

    def to_representation(self, instance):
        full = model_representation(instance, self.context)
        data: OrderedDict = OrderedDict(id=instance.pk)
        meta = OrderedDict()
        for name, field in self.fields.items():
            if name in self.meta_fields:
                meta[name] = field.to_representation(field.get_attribute(instance))
            elif name in full:
                data[name] = full[name]
        data["meta"] = meta
        data.move_to_end("meta", last=False)
        data.move_to_end("id", last=False)
        return data


__all__ = ["ImageSerializer", "PageSerializer", "SnippetSerializer", "tags_by_object"]
