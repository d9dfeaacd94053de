"""Filters the stock v2 endpoints lack: locale for snippets, year ranges, country lists."""

from __future__ import annotations

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


class LocaleFilter(BaseFilterBackend):
    """?locale=fr on snippet listings (pages get it from Wagtail)."""

    def filter_queryset(self, request, queryset, view):
        code = request.GET.get("locale")
        if code is None:
            return queryset
        try:
            locale = Locale.objects.get_for_language(code) if code else None
        except (Locale.DoesNotExist, LookupError):
            locale = None
        if locale is None:
            raise BadRequestError(f"locale {code!r} is not one of this site's languages")
        return queryset.filter(locale=locale)


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
