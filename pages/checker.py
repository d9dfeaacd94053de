"""Wagtail's content checker (axe) on a headless preview.

The admin's Checks panel runs axe in the editor and asks the axe in the preview frame to test
the page and extract its text. Here that frame is the front end, on another origin: axe only
talks to the origins in its `allowedOrigins` (its own by default), so both ends get the CMS's
origin and the page's site's front end and preview origins (all configured ones when the page's
site is unknown). The front end loads Wagtail's userbar (which carries axe) from
/api/v2/preview/userbar/ when it shows a preview (frontend/app.js).
"""

from __future__ import annotations

from django.conf import settings
from wagtail.admin.userbar import ContentCheckerItem

from pages.headless import (
    front_end_preview_url,
    front_end_root,
    origin,
    page_site_id,
    preview_urls,
    site_front_ends,
)


def front_end_origins(page=None, request=None) -> set[str]:
    """The origins of the page's site's front end and preview URL; without a page (or one on no
    site), of every configured front end and preview URL (setting and per site)."""
    site_id = page_site_id(page, request) if page is not None else None
    if site_id is not None:
        urls = [front_end_root(site_id), front_end_preview_url(site_id)]
    else:
        urls = [settings.FRONTEND_URL, *site_front_ends().values(), *preview_urls()]
    return {origin(url) for url in urls} - {""}


class HeadlessContentCheckerItem(ContentCheckerItem):
    """Wagtail's checker with the same rules, allowed to talk across the CMS and front ends."""

    def __init__(self, *, in_editor: bool = False, page=None):
        super().__init__(in_editor=in_editor)
        self.page = page

    def get_axe_spec(self, request):
        spec = super().get_axe_spec(request)
        cms = origin(request.build_absolute_uri("/")) if request else ""
        cms = cms or origin(settings.WAGTAILADMIN_BASE_URL)
        spec["allowedOrigins"] = sorted(front_end_origins(self.page, request) | {cms})
        return spec


def use_headless_checker(request, items, page) -> None:
    """`construct_wagtail_userbar` hook: swap Wagtail's checker item for the headless one."""
    for index, item in enumerate(items):
        if isinstance(item, ContentCheckerItem) and not isinstance(
            item, HeadlessContentCheckerItem
        ):
            items[index] = HeadlessContentCheckerItem(in_editor=item.in_editor, page=page)
