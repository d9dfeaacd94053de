"""Listing pagination whose `total_count` is counted from an index, not from the joined rows.

Wagtail's paginator runs `queryset.count()`. For `?type=pages.CaseStudyPage` that counts the
case-study rows joined to their page rows: one lookup into the (wide) case-study table per page,
20,000 of them at the scale `make bench --scale` measures. When every condition of the listing is
on the page table itself (visibility, site, locale, tree filters; not a filter on a case-study
field), the same count comes from the page table alone, restricted to the model's content types,
and the index `pages_page_live_locale_path` answers it without reading a row.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.db.models.expressions import Col
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.models import Page


def _where_aliases(node) -> set[str]:
    """Table aliases of the columns a WHERE tree reads (subqueries keep their own tables)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Col):
            found.add(item.alias)
            continue
        stack.extend(getattr(item, "children", ()) or ())
        for attr in ("lhs", "rhs"):
            value = getattr(item, attr, None)
            if value is not None and hasattr(value, "resolve_expression"):
                stack.append(value)
        if hasattr(item, "get_source_expressions") and not hasattr(item, "children"):
            stack.extend(e for e in item.get_source_expressions() if e is not None)
    return found


def _content_type_ids(model: type[Model]) -> list[int]:
    models = [m for m in apps.get_models() if issubclass(m, model) and not m._meta.abstract]
    return [ct.pk for ct in ContentType.objects.get_for_models(*models).values()]


def page_table_count(queryset: QuerySet) -> int:
    """`queryset.count()`, from the page table alone when the conditions allow it."""
    if not isinstance(queryset, QuerySet):  # search results count themselves
        return queryset.count()
    model = queryset.model
    page_table = Page._meta.db_table
    if (
        model is Page
        or not issubclass(model, Page)
        or queryset.query.combinator
        or queryset.query.distinct
        or _where_aliases(queryset.query.where) != {page_table}
    ):
        return queryset.count()
    counting = Page.objects.filter(content_type_id__in=_content_type_ids(model))
    counting.query.where.add(queryset.query.where.clone(), "AND")
    return counting.count()


class IndexedCountPagination(WagtailPagination):
    def paginate_queryset(self, queryset, request, view=None):
        return super().paginate_queryset(_CountOverride(queryset), request, view)


class _CountOverride:
    """Hands WagtailPagination a queryset whose count() is `page_table_count`."""

    def __init__(self, queryset: QuerySet) -> None:
        self._queryset = queryset

    def count(self) -> int:
        return page_table_count(self._queryset)

    def __getitem__(self, item):
        return self._queryset[item]
