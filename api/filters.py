"""Filters the stock v2 endpoints lack: locale for snippets, year ranges, country lists."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Locale


def parse_year(value: str, name: str) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError) as exc:
        raise BadRequestError(f"{name} must be a year such as 1968, got {value!r}") from exc
    if not 0 < year < 10000:
        raise BadRequestError(f"{name} must be a year between 1 and 9999, got {year}")
    return year


def default_locale() -> Locale | None:
    return Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()


class LocaleFilter(BaseFilterBackend):
    """?locale=fr on snippet listings (pages get it from Wagtail).

    Snippets are reference data: a partner city exists whatever the language. So ?locale=fr
    lists every object, in French where a French translation exists and otherwise in the
    default language (`meta.locale` says which). Without ?locale=, the default language only."""

    def filter_queryset(self, request, queryset, view):
        code = request.GET.get("locale")
        if code is None:
            if getattr(view, "action", None) != "listing_view":
                return queryset  # a detail URL names its object, whatever its language
            source = default_locale()
            return queryset if source is None else queryset.filter(locale=source)
        try:
            locale = Locale.objects.get_for_language(code) if code else None
        except (Locale.DoesNotExist, LookupError):
            locale = None
        if locale is None:
            raise BadRequestError(f"locale {code!r} is not one of this site's languages")
        source = default_locale()
        if source is None or source == locale:
            return queryset.filter(locale=locale)
        translated = queryset.model._default_manager.filter(locale=locale).values("translation_key")
        return queryset.filter(
            Q(locale=locale) | (Q(locale=source) & ~Q(translation_key__in=translated))
        )


class DefaultLanguageFilter(BaseFilterBackend):
    """Page listings without ?locale= list the default language only (the site at "/"),
    unless the query already picks pages by their relation to another page
    (translation_of, child_of, descendant_of, ancestor_of), which fixes the language."""

    scoped_by = ("locale", "translation_of", "child_of", "descendant_of", "ancestor_of")

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) != "listing_view":
            return queryset  # a detail URL names its page, whatever its language
        if any(name in request.GET for name in self.scoped_by):
            return queryset
        source = default_locale()
        if source is None:
            return queryset
        filtered_by_child_of = getattr(queryset, "_filtered_by_child_of", None)
        queryset = queryset.filter(locale=source)
        if filtered_by_child_of:
            queryset._filtered_by_child_of = filtered_by_child_of
        return queryset


class YearRangeFilter(BaseFilterBackend):
    """?year_from=1960&year_to=1990 on the model's year field (`year_filter_field`)."""

    def filter_queryset(self, request, queryset, view):
        field = getattr(view, "year_filter_field", None)
        if field is None:
            return queryset
        if "year_from" in request.GET:
            queryset = queryset.filter(
                **{f"{field}__gte": parse_year(request.GET["year_from"], "year_from")}
            )
        if "year_to" in request.GET:
            queryset = queryset.filter(
                **{f"{field}__lte": parse_year(request.GET["year_to"], "year_to")}
            )
        return queryset
