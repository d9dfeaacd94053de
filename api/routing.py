"""What a front end needs to route: redirects (old URLs) and the sitemap (every public path).

Both are listings of one site (the request's host, or `?site=`), paginated with `limit` and
`offset` like the rest of the API, and cached like every anonymous GET (`api.cache`): a page
published, moved or unpublished, or a redirect saved, moves the content generation.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.apps import apps
from django.http import Http404
from django.urls import path
from rest_framework.response import Response
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from api.views import BoundedQueriesMixin
from pages.prefetch import request_identity_map
from pages.redirects import (
    RedirectLoop,
    redirect_representation,
    redirects_for_site,
    resolve_redirect,
)
from pages.routing import path_for
from pages.schema import INTEGER, Schema, component, nullable, obj, string
from pages.visibility import public_page_check, public_pages, request_site

REDIRECTS_LIMIT_MAX = 100
SITEMAP_LIMIT_MAX = 1000


def paginate(request, limit_max: int, default: int) -> tuple[int, int]:
    """(offset, limit) from the query, or a 400 saying what is wrong."""
    try:
        offset = int(request.GET.get("offset", 0))
        limit = int(request.GET.get("limit", default))
    except ValueError as exc:
        raise BadRequestError("limit and offset must be whole numbers") from exc
    if offset < 0 or limit < 0:
        raise BadRequestError("limit and offset must be positive")
    if limit > limit_max:
        raise BadRequestError(f"limit cannot be higher than {limit_max}")
    return offset, limit


class ListingOnlyViewSet(BoundedQueriesMixin, BaseAPIViewSet):
    """An endpoint with a listing and nothing else (no detail, no find)."""

    known_query_parameters = frozenset(["limit", "offset", "site"])

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]

    def listing_view(self, request):
        with request_identity_map():
            self.check_query_parameters()
            return self.listing(request, self.site())

    def check_query_parameters(self, queryset=None):
        unknown = set(self.request.GET) - set(self.known_query_parameters)
        if unknown:
            raise BadRequestError(
                "query parameter is not an operation or a recognised field: "
                + ", ".join(sorted(unknown))
            )

    def site(self):
        try:
            return request_site(self.request)
        except Http404 as exc:
            raise BadRequestError(
                f"site {self.request.GET.get('site')!r} is not one of this CMS's sites"
            ) from exc


# --- redirects ---------------------------------------------------------------------------------


class RedirectsAPIViewSet(ListingOnlyViewSet):
    """`/api/v2/redirects/`: every redirect of the site that leads somewhere public, resolved."""

    name = "redirects"
    model = Redirect

    def listing(self, request, site):
        offset, limit = paginate(request, REDIRECTS_LIMIT_MAX, 20)
        redirects = redirects_for_site(site)
        # Not to a page an anonymous client may not see (its path would leak).
        redirects = redirects.filter(redirect_page__isnull=True) | redirects.filter(
            redirect_page__in=public_pages(request).values("pk")
        )
        total = redirects.count()
        is_public = public_page_check(request)
        items = []
        for redirect in redirects[offset : offset + limit]:
            try:
                found = resolve_redirect(site, redirect.old_path, is_public, first=redirect)
            except RedirectLoop:
                found = None
            if found is not None:
                items.append(redirect_representation(found))
        return Response({"meta": {"total_count": total}, "items": items})


# --- sitemap -----------------------------------------------------------------------------------


@component("SitemapEntry")
def sitemap_entry_schema() -> Schema:
    alternate = obj(
        {
            "locale": string("Language code (hreflang)."),
            "path": string("The translation's front-end path."),
        }
    )
    return obj(
        {
            "id": INTEGER,
            "type": string('The page type, e.g. "pages.CaseStudyPage".'),
            "locale": string("The page's language."),
            "path": string("Its front-end path: /, /lille/, /fr/lille/."),
            "last_published_at": {
                **nullable(string()),
                "format": "date-time",
                "description": "When it was last published (ISO 8601; `<lastmod>`).",
            },
            "translations": {
                "type": "array",
                "items": alternate,
                "description": "Its public translations, this page included, by language: the "
                '`<link rel="alternate" hreflang>` set.',
            },
        },
        description="One public page of the site, in one language.",
    )


class SitemapAPIViewSet(ListingOnlyViewSet):
    """`/api/v2/sitemap/`: every public page of the site in every language, in tree order.

    Four queries whatever the size: what is hidden, the count, a page of rows, and their
    translations."""

    name = "sitemap"
    model = Page

    def listing(self, request, site):
        offset, limit = paginate(request, SITEMAP_LIMIT_MAX, SITEMAP_LIMIT_MAX)
        public = public_pages(request).filter(depth__gt=1)
        total = public.count()
        rows = list(
            public.order_by("path").values(
                "pk",
                "url_path",
                "locale__language_code",
                "last_published_at",
                "translation_key",
                "content_type__app_label",
                "content_type__model",
            )[offset : offset + limit]
        )
        translations: dict[Any, list[dict[str, str]]] = defaultdict(list)
        keys = {row["translation_key"] for row in rows}
        if keys:
            for key, url_path, language in (
                public.filter(translation_key__in=keys)
                .order_by("locale__language_code")
                .values_list("translation_key", "url_path", "locale__language_code")
            ):
                translations[key].append({"locale": language, "path": path_for(url_path, language)})
        items = [
            {
                "id": row["pk"],
                "type": type_label(row["content_type__app_label"], row["content_type__model"]),
                "locale": row["locale__language_code"],
                "path": path_for(row["url_path"], row["locale__language_code"]),
                "last_published_at": row["last_published_at"].isoformat()
                if row["last_published_at"]
                else None,
                "translations": translations[row["translation_key"]],
            }
            for row in rows
        ]
        return Response({"meta": {"total_count": total}, "items": items})


def type_label(app_label: str, model: str) -> str:
    return f"{app_label}.{apps.get_model(app_label, model).__name__}"
