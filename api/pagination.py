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
from django.db.models.query import ModelIterable
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


def _page_table_queryset(queryset: QuerySet) -> QuerySet | None:
    """The same selection on the page table alone, or None when a condition or the ordering
    needs another table."""
    if not isinstance(queryset, QuerySet):  # search results
        return None
    model = queryset.model
    query = queryset.query
    if (
        not issubclass(model, Page)
        or query.combinator
        or query.distinct
        or _where_aliases(query.where) != {Page._meta.db_table}
    ):
        return None
    ordering = list(query.order_by) or list(model._meta.ordering)
    page_fields = {f.name for f in Page._meta.concrete_fields} | {"pk"}
    if any(not isinstance(o, str) or o.lstrip("-") not in page_fields for o in ordering):
        return None
    page_table = Page.objects.all()
    if model is not Page:
        page_table = page_table.filter(content_type_id__in=_content_type_ids(model))
    page_table.query.where.add(query.where.clone(), "AND")
    # A unique key last, so that a page of ids is well defined; `path` is one already (and
    # ordering by path alone lets the database read it from the index, with no sort).
    if not any(o.lstrip("-") in ("path", "pk", "id") for o in ordering):
        ordering.append("pk")
    return page_table.order_by(*ordering)


class IndexedCountPagination(WagtailPagination):
    """total_count from the page table's index; a page of results by "deferred join": the
    offset walks the page table's index for `limit` ids, and only those rows are loaded with
    their joins (an OFFSET over the joined query built every skipped row's joins: 1.1 s for
    the last 20 of 20,000 case studies with fields=* on PostgreSQL)."""

    def paginate_queryset(self, queryset, request, view=None):
        page_table = _page_table_queryset(queryset)
        selection = _Selection(queryset, page_table)
        return super().paginate_queryset(selection, request, view)


class _Selection:
    """What WagtailPagination needs of a queryset: count() and a slice."""

    def __init__(self, queryset: QuerySet, page_table: QuerySet | None) -> None:
        self._queryset = queryset
        self._page_table = page_table

    def count(self) -> int:
        return (self._page_table if self._page_table is not None else self._queryset).count()

    def __getitem__(self, item: slice):
        source = self._page_table if self._page_table is not None else self._queryset
        if not isinstance(source, QuerySet):  # search results
            return source[item]
        if self._queryset._iterable_class is not ModelIterable:  # values rather than rows
            return self._queryset[item]
        ids = list(source.values_list("pk", flat=True)[item])
        # Unordered: the rows come back in the order of `ids`. Ordering the joined query made
        # Django hash each of its ~150 selected columns (a fifth of a `fields=*` listing).
        rows = {row.pk: row for row in self._queryset.filter(pk__in=ids).order_by()}
        return [rows[pk] for pk in ids if pk in rows]
