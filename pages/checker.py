"""Wagtail's content checker (axe) on a headless preview.

The admin's Checks panel runs axe in the editor and asks the axe in the preview frame to test
the page and extract its text. Here that frame is the front end, on another origin: axe only
talks to the origins in its `allowedOrigins` (its own by default), so both ends get the CMS's
and the front ends' origins. The front end loads Wagtail's userbar (which carries axe) from
/api/v2/preview/userbar/ when it shows a preview (frontend/app.js).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from wagtail.admin.userbar import ContentCheckerItem

from pages.headless import site_front_ends


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def front_end_origins() -> set[str]:
    urls = [settings.FRONTEND_URL, getattr(settings, "FRONTEND_PREVIEW_URL", "")]
    return {origin(url) for url in [*urls, *site_front_ends().values()]} - {""}


class HeadlessContentCheckerItem(ContentCheckerItem):
    """Wagtail's checker with the same rules, allowed to talk across the CMS and front ends."""

    def get_axe_spec(self, request):
        spec = super().get_axe_spec(request)
        cms = origin(request.build_absolute_uri("/")) if request else ""
        cms = cms or origin(settings.WAGTAILADMIN_BASE_URL)
        spec["allowedOrigins"] = sorted(front_end_origins() | {cms})
        return spec


def use_headless_checker(request, items, page) -> None:
    """`construct_wagtail_userbar` hook: swap Wagtail's checker item for the headless one."""
    for index, item in enumerate(items):
        if isinstance(item, ContentCheckerItem) and not isinstance(
            item, HeadlessContentCheckerItem
        ):
            items[index] = HeadlessContentCheckerItem(in_editor=item.in_editor)
