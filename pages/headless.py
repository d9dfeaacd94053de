"""Page URLs on a headless site: the front end (`FRONTEND_URL`) renders pages, not the CMS host.

`HeadlessURLMixin` makes a page's `url`, `full_url` and the admin's "View live" links point at
the front end, at the page's public path (`pages.routing.public_path`: "/", "/lille/",
"/fr/lille/"); the API's `meta.html_url` follows. A request for a page URL on the CMS host is
redirected there too (`pages.wagtail_hooks`), instead of failing for want of a template.
"""

from __future__ import annotations

from django.conf import settings

from pages.routing import public_path


def front_end_root() -> str:
    return settings.FRONTEND_URL.rstrip("/")


def front_end_url(page) -> str:
    return front_end_root() + public_path(page)


class HeadlessURLMixin:
    """Page types that the front end renders: every URL of the page is a front-end URL."""

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request=request)
        if parts is None:
            return None  # not under any site: not routable anywhere
        return (parts[0], front_end_root(), public_path(self))

    def get_url(self, request=None, current_site=None):
        # Wagtail would return a path relative to the CMS host; that host renders nothing.
        return self.get_full_url(request=request)

    url = property(get_url)
