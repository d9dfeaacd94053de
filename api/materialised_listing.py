"""The canonical materialised page listing (`?type=<one page type>&fields=*&limit=&offset=`)
answered in two SQL statements built once, with no ORM query building and no DRF rendering.

The ORM path of `MaterialisedPagesMixin.listing_view` asks seven questions (hidden pages, the
site, its root's translations, the default language, the count, the page of ids, the stored
items), each a few hundred microseconds of SQL and one to three milliseconds of query building
and compilation: ~20 ms per listing, where the SQL itself was ~3.5 ms. Here the same questions
are two statements:

1. the context: the sites that may answer this host (with their root page and its siblings,
   the root's translations), the paths of unpublished, expired and restricted pages (the same
   UNION of index lookups as `pages.visibility`), and the default language's id;
2. the listing: `COUNT(*)` of the public pages of the type, and the page of ids in tree order
   with their stored items (a LEFT JOIN on `api_materialisedpage`'s unique key), in one
   `UNION ALL`.

The conditions are exactly those of the ORM path (`pages.visibility.public_pages`,
`api.filters.DefaultLanguageFilter`, `api.pagination`'s page-table count and id page), and
so is the SQL they produce, operator by operator, so both answer with the same pages, the
same count and the same plans. Anything else (another parameter, several types, no site for
the host, a missing or expired item) returns None and the caller takes the ORM path, which
renders and stores what is missing: this module only ever serves what is already stored.
"""

from __future__ import annotations

import datetime
import json
import uuid
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.api.v2.utils import page_models_from_string
from wagtail.models import Page

from api.cache import _recorder, record_page
from api.materialised import host_of, render_json
from api.pagination import _content_type_ids
from pages.visibility import collapse_hidden_paths

# Parameters this path answers; `fields` must be "" or "*" (checked by the caller).
PARAMETERS = frozenset({"type", "fields", "limit", "offset"})
STEP = Page.steplen

# Wagtail's get_site_for_hostname ranks the candidate sites like this.
MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT, MATCH_DEFAULT, MATCH_HOSTNAME = 0, 1, 2, 3

KIND_SITE, KIND_HIDDEN, KIND_LOCALE = 0, 1, 2

CONTEXT_SQL = f"""
SELECT {KIND_SITE}, s.hostname, s.port, s.is_default_site, r.id, r.path, r.depth,
       r.translation_key, r.expire_at, sib.path, sib.translation_key
  FROM wagtailcore_site s
  JOIN wagtailcore_page r ON r.id = s.root_page_id
  LEFT JOIN wagtailcore_page sib
    ON sib.depth = r.depth
   AND substr(sib.path, 1, (r.depth - 1) * {STEP}) = substr(r.path, 1, (r.depth - 1) * {STEP})
 WHERE s.hostname = %s OR s.is_default_site
UNION ALL
SELECT {KIND_HIDDEN}, NULL, NULL, NULL, NULL, h.path, NULL, NULL, NULL, NULL, NULL
  FROM (SELECT path FROM wagtailcore_page WHERE NOT live
        UNION SELECT path FROM wagtailcore_page WHERE expire_at <= %s
        UNION SELECT path FROM wagtailcore_page
               WHERE id IN (SELECT page_id FROM wagtailcore_pageviewrestriction)) h
UNION ALL
SELECT {KIND_LOCALE}, NULL, NULL, NULL, l.id, NULL, NULL, NULL, NULL, NULL, NULL
  FROM wagtailcore_locale l WHERE l.language_code = %s
"""


def _startswith(column: str) -> str:
    """`<column> LIKE %s`, exactly as the ORM writes `path__startswith` on this database."""
    return (
        connection.ops.lookup_cast("startswith", "CharField") % column
        + " "
        + connection.operators["startswith"] % "%s"
    )


def _like_prefix(path: str) -> str:
    return connection.ops.prep_for_like_query(path) + "%"


@lru_cache(maxsize=256)
def listing_sql(
    vendor: str, types: int, hidden: int, scopes: int, has_locale: bool, with_tags: bool
) -> str:
    """The listing statement for this shape of conditions (built once per shape)."""
    table = '"wagtailcore_page"'
    path = f'{table}."path"'
    conditions = [
        f'{table}."content_type_id" IN ({", ".join(["%s"] * types)})',
        f'{table}."live"',
    ]
    if hidden:
        conditions.append("NOT (" + " OR ".join(_startswith(path) for _ in range(hidden)) + ")")
    scope = f'({table}."depth" >= %s AND {_startswith(path)})'
    conditions.append("(" + " OR ".join([scope] * scopes) + ")" if scopes > 1 else scope)
    if has_locale:
        conditions.append(f'{table}."locale_id" = %s')
    where = " AND ".join(conditions)
    tags = ", m.tags" if with_tags else ""
    no_tags = ", NULL" if with_tags else ""
    return (
        f"SELECT 0, COUNT(*), NULL, NULL, NULL{no_tags} FROM {table} WHERE {where} "
        "UNION ALL "
        f"SELECT 1, t.id, t.path, m.body, m.expires_at{tags} FROM ("
        f'SELECT {table}."id" AS id, {path} AS path FROM {table} WHERE {where} '
        f"ORDER BY {path} ASC LIMIT %s OFFSET %s) t "
        "LEFT JOIN api_materialisedpage m ON m.page_id = t.id AND m.variant = %s "
        "AND m.host = %s AND (m.expires_at IS NULL OR m.expires_at > %s)"
    )


@lru_cache(maxsize=64)
def _model_of(type_param: str):
    """The one page model `type` names, when its listing is ordered by tree path (the ORM
    path's order here), else None."""
    try:
        models = page_models_from_string(type_param)
    except (LookupError, ValueError):
        return None
    if len(models) != 1 or models[0] is Page:
        return None
    model = models[0]
    ordering = list(model._default_manager.all().query.order_by) or list(model._meta.ordering)
    return model if ordering == ["path"] else None


def _limits(request) -> tuple[int, int] | None:
    """(offset, limit) as WagtailPagination reads them; None where it would refuse them."""
    limit_max = getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20)
    try:
        offset = int(request.GET.get("offset", 0))
        limit = int(request.GET.get("limit", 20 if not limit_max else min(20, limit_max)))
    except ValueError:
        return None
    if offset < 0 or limit < 0 or (limit_max and limit > limit_max):
        return None
    return offset, limit


def _uuid(value: Any) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def _datetime(value: Any) -> datetime.datetime | None:
    """A timestamp column read by a raw cursor: SQLite gives text (UTC), PostgreSQL a datetime."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def _choose_site(sites: list[tuple], hostname: str, port: int) -> tuple | None:
    """Wagtail's `get_site_for_hostname` over the candidate rows (same ranking, same ties)."""

    def rank(site: tuple) -> int:
        if site[0] == hostname and site[1] == port:
            return MATCH_HOSTNAME_PORT
        if site[0] == hostname and site[2]:
            return MATCH_HOSTNAME_DEFAULT
        return MATCH_DEFAULT if site[2] else MATCH_HOSTNAME

    ranked = sorted(sites, key=rank)
    if not ranked:
        return None
    if len(ranked) == 1 or rank(ranked[0]) in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        return ranked[0]
    if rank(ranked[0]) == MATCH_DEFAULT:
        return ranked[len(ranked) == 2]
    return None


def listing_body(request, variant_of) -> bytes | None:
    """The listing's bytes from stored items, or None to take the ORM path.

    `variant_of(model)` names the stored items' variant (`api.materialised.item_variant`)."""
    if set(request.GET) - PARAMETERS:
        return None
    model = _model_of(request.GET.get("type", ""))
    limits = _limits(request)
    if model is None or limits is None:
        return None
    offset, limit = limits
    hostname = split_domain_port(request._get_raw_host())[0]
    try:
        port = int(request.get_port())
    except (TypeError, ValueError):
        return None
    now = timezone.now()
    db_now = connection.ops.adapt_datetimefield_value(now)

    with connection.cursor() as cursor:
        cursor.execute(CONTEXT_SQL, [hostname, db_now, settings.LANGUAGE_CODE])
        rows = cursor.fetchall()
    sites: dict[tuple, list[tuple]] = {}
    hidden_paths: list[str] = []
    locale_id = None
    for row in rows:
        if row[0] == KIND_SITE:
            site = (row[1], row[2], bool(row[3]), row[4], row[5], row[6], row[7], row[8])
            siblings = sites.setdefault(site, [])
            if row[9] is not None:
                siblings.append((row[9], _uuid(row[10])))
        elif row[0] == KIND_HIDDEN:
            hidden_paths.append(row[5])
        else:
            locale_id = row[4]
    site = _choose_site(list(sites), hostname, port)
    if site is None:
        return None
    _host, _port, _default, _root_id, root_path, root_depth, root_key, _expire = site

    # The site scope of pages.visibility._site_scope, in the same two forms.
    root_key = _uuid(root_key)
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        scopes = [root_path]
    else:
        siblings = sites[site]
        roots = [path for path, key in siblings if key == root_key]
        scopes = [root_path[:-STEP]] if len(roots) == len(siblings) else roots
    if not scopes:
        return None
    hidden = collapse_hidden_paths(hidden_paths)

    recorder = _recorder.get()
    with_tags = getattr(settings, "API_CACHE_ENABLED", True) and recorder is not None
    type_ids = _content_type_ids(model)
    if not type_ids:
        return None
    sql = listing_sql(
        connection.vendor, len(type_ids), len(hidden), len(scopes), locale_id is not None, with_tags
    )
    where: list[Any] = [*type_ids, *(_like_prefix(path) for path in hidden)]
    for path in scopes:
        where += [root_depth, _like_prefix(path)]
    if locale_id is not None:
        where.append(locale_id)
    params = [*where, *where, limit, offset, variant_of(model), host_of(request), db_now]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    count = 0
    items: list[tuple[str, bytes]] = []
    for row in rows:
        if row[0] == 0:
            count = row[1]
        elif row[3] is None:
            return None  # not stored (or expired): the ORM path renders and stores it
        else:
            items.append((row[2], bytes(row[3])))
            if with_tags:
                stored_tags = row[5]
                if isinstance(stored_tags, (str, bytes)):
                    stored_tags = json.loads(stored_tags)
                recorder.tags.update(stored_tags)
                expires = _datetime(row[4])
                if expires is not None:
                    recorder.note_expiry(expires.timestamp())
    if with_tags:
        # The ORM path loads every candidate site's root page (Site.find_for_request selects
        # it), and the response cache records it: so does this one.
        for candidate in sites:
            record_page(candidate[3], candidate[4], _uuid(candidate[6]), _datetime(candidate[7]))
    items.sort(key=lambda item: item[0])  # tree order (the statement's ORDER BY path)

    empty = render_json({"meta": {"total_count": count}, "items": []})
    return empty.replace(
        b'"items":[]', b'"items":[' + b",".join(body for _path, body in items) + b"]", 1
    )
