"""Page URLs on a headless site: the front end renders pages, not the CMS host.

Each site's front end is its `FrontendSettings.frontend_url` (admin: Settings > Front end), else
the `FRONTEND_URL` setting; its preview URL is `FrontendSettings.preview_url`, else its own front
end's `/preview`, else the `FRONTEND_PREVIEW_URL` setting. The per-site URLs, like Wagtail's site
root paths, are read once per API request (`pages.prefetch.request_memo`), never kept longer: a
saved setting applies to the next request of every process.

`HeadlessURLMixin` makes a page's `url`, `full_url` and the admin's "View live" links point at
the front end, at the page's public path (`pages.routing.public_path`: "/", "/lille/",
"/fr/lille/"); the API's `meta.html_url` follows. A request for a page URL on the CMS host is
redirected there too (`pages.wagtail_hooks`), instead of failing for want of a template.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Site

from pages.models.site_settings import FrontendSettings
from pages.prefetch import request_memo
from pages.routing import public_path


def site_urls() -> dict[int, tuple[str, str]]:
    """{site id: (front-end URL, preview URL)} for the sites that set either ("" if not set)."""
    return request_memo("frontend_settings", _site_urls)


def _site_urls() -> dict[int, tuple[str, str]]:
    rows = FrontendSettings.objects.exclude(frontend_url="", preview_url="")
    return {
        site_id: (front_end.rstrip("/"), preview)
        for site_id, front_end, preview in rows.values_list(
            "site_id", "frontend_url", "preview_url"
        )
    }


def site_front_ends() -> dict[int, str]:
    """{site id: front-end URL} for the sites that set their own."""
    return {site_id: url for site_id, (url, _preview) in site_urls().items() if url}


def front_end_root(site_id: int | None = None) -> str:
    """The front end of the site (by id), else the FRONTEND_URL setting."""
    if site_id is not None and (url := site_front_ends().get(site_id)):
        return url
    return settings.FRONTEND_URL.rstrip("/")


def front_end_preview_url(site_id: int | None = None) -> str:
    """Where the site's drafts are previewed: its own preview URL, else its own front end's
    /preview, else the FRONTEND_PREVIEW_URL setting (else FRONTEND_URL's /preview)."""
    front_end, preview = site_urls().get(site_id, ("", "")) if site_id is not None else ("", "")
    if preview:
        return preview
    if front_end:
        return front_end + "/preview"
    return getattr(settings, "FRONTEND_PREVIEW_URL", "") or front_end_root() + "/preview"


def preview_urls() -> set[str]:
    """Every preview URL in use: the setting's and each site's (for frame-src and the checker)."""
    return {front_end_preview_url()} | {front_end_preview_url(site_id) for site_id in site_urls()}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def page_site_id(page, request=None) -> int | None:
    """The id of the site a page (saved or being created) belongs to, from its URL path; None
    for a page not placed in the tree yet or not under any site."""
    if not getattr(page, "url_path", None):
        return None
    parts = page.get_url_parts(request=request)
    return parts[0] if parts else None


def html_url(page, request=None) -> str | None:
    """The page's front-end URL (the API's `meta.html_url`), whatever class the page is loaded
    as: listings, search and `meta.parent` load plain `Page` rows, for which Wagtail would
    give the CMS host's URL. None for a page under no site."""
    site_id = page_site_id(page, request)
    if site_id is None:
        return None
    return front_end_root(site_id) + public_path(page)


def front_end_url(page, request=None) -> str:
    """The page's public URL: on its site's front end at its public path."""
    return page.get_full_url(request=request) or front_end_root() + public_path(page)


class HeadlessURLMixin:
    """Page types that the front end renders: every URL of the page is a front-end URL."""

    def _get_site_root_paths(self, cache_object=None, **kwargs):
        # Once per API request for every page it shows, not once per page from the cache.
        if cache_object is None:
            return request_memo("site_root_paths", Site.get_site_root_paths)
        return super()._get_site_root_paths(cache_object, **kwargs)

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request=request)
        if parts is None:
            return None  # not under any site: not routable anywhere
        return (parts[0], front_end_root(parts[0]), public_path(self))

    def get_url(self, request=None, current_site=None):
        # Wagtail would return a path relative to the CMS host; that host renders nothing.
        return self.get_full_url(request=request)

    url = property(get_url)
