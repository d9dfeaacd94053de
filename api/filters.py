"""Filters the stock v2 endpoints lack: locale for snippets, year ranges, country lists."""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import Q
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.filters import LocaleFilter as WagtailPageLocaleFilter
from wagtail.api.v2.filters import SearchFilter as WagtailSearchFilter
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Locale
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

from pages.visibility import public_snippets


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
        view.wanted_locale = locale.language_code  # items in another language are fallbacks
        source = default_locale()
        if source is None or source == locale:
            return queryset.filter(locale=locale)
        # Only a live translation replaces the default language's object.
        translated = public_snippets(queryset.model).filter(locale=locale)
        translated = translated.values("translation_key")
        return queryset.filter(
            Q(locale=locale) | (Q(locale=source) & ~Q(translation_key__in=translated))
        )


class PageLocaleFilter(WagtailPageLocaleFilter):
    """Wagtail's ?locale= on pages, with an unknown language a 400 (a bad parameter), not a
    404 (Wagtail's), which reads as "no such listing"."""

    def filter_queryset(self, request, queryset, view):
        code = request.GET.get("locale")
        if code is not None and not Locale.objects.filter(language_code=code).exists():
            raise BadRequestError(f"locale {code!r} is not one of this site's languages")
        return super().filter_queryset(request, queryset, view)


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


class SearchFilter(WagtailSearchFilter):
    """Wagtail's ?search= (its database backend: PostgreSQL full-text search in production,
    SQLite FTS5 by default), with the query reduced to words the backend can always parse.

    The SQLite backend quotes each word for FTS5 without escaping quotes inside it, so a stray
    `"` was an SQL error (a 503). The query is plain text (no phrase syntax), and FTS5 and
    PostgreSQL both split words on quotes and control characters, so replacing them with
    spaces finds the same pages."""

    unsafe = re.compile(r'["\x00-\x1f\x7f]')

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        if not getattr(settings, "WAGTAILAPI_SEARCH_ENABLED", True):
            raise BadRequestError("search is disabled")
        if getattr(queryset, "_filtered_by_tag", False):
            raise BadRequestError("filtering by tag with a search query is not supported")
        operator = request.GET.get("search_operator") or None
        if operator not in (None, "and", "or"):
            raise BadRequestError(f"search_operator must be 'and' or 'or', got {operator!r}")
        query = self.unsafe.sub(" ", request.GET["search"]).strip()
        try:
            return get_search_backend().search(
                query,
                queryset,
                operator=operator,
                order_by_relevance="order" not in request.GET,
            )
        except FilterFieldError as exc:
            raise BadRequestError(
                f"cannot filter by '{exc.field_name}' while searching (field is not indexed)"
            ) from exc
        except OrderByFieldError as exc:
            raise BadRequestError(
                f"cannot order by '{exc.field_name}' while searching (field is not indexed)"
            ) from exc
