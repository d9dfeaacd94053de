"""Where an old front-end URL goes: Wagtail's redirects, read for a headless front end.

Wagtail makes a redirect whenever an editor changes a slug or moves a page (its `old_path` is
the page's old public path, "/old-slug" or "/fr/old-slug", because page URLs are front-end
URLs, `pages.headless`), and editors add their own under Settings > Redirects. Wagtail's
`RedirectMiddleware` only serves them on the CMS host; `resolve_redirect` gives a front end the
same answer as data: the final location (a front-end path for a page of the site, else an
absolute URL) and whether every hop is permanent.

* A redirect to a page goes to the page's current path; one to a page that is not public (a
  draft, private, expired) goes nowhere: it must not publish that page's path.
* A path with a language prefix ("/fr/old") that has no redirect of its own uses the redirect
  of the same path without it ("/old"), to the target page's translation in that language.
* A redirect to a URL on the site's own front end (or to a bare path) is another front-end
  path: when no public page has it and it is itself redirected, the chain is followed, at
  most `MAX_HOPS` redirects; a longer chain or a loop is refused (`RedirectLoop`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from pages.headless import front_end_root, html_url, origin
from pages.routing import default_language, path_for, public_path, split_language
from pages.schema import BOOLEAN, INTEGER, Schema, component, nullable, obj, string
from pages.visibility import public_page_check

MAX_HOPS = 5


class RedirectLoop(ValueError):
    """The redirects from a path come back to it, or go on for more than MAX_HOPS."""


@dataclass
class Resolution:
    redirect: Redirect  # the first redirect of the chain
    location: str  # a front-end path of this site, or an absolute URL
    is_permanent: bool  # every hop is permanent
    page: Page | None  # the public page it ends at, if any


def normalise(path: str) -> str:
    return Redirect.normalise_path(path)


def _lookup(site: Site | None, paths: list[str]) -> Redirect | None:
    """The redirect for the first of `paths` that has one (a site's own before an all-sites
    one), in one query."""
    paths = [p for p in dict.fromkeys(paths) if "\0" not in p]
    rows = list(
        Redirect.get_for_site(site)
        .filter(old_path__in=paths)
        .select_related("redirect_page", "redirect_page__locale")
    )
    rows.sort(key=lambda r: (paths.index(r.old_path), r.site_id is None))
    return rows[0] if rows else None


def _page_at(site: Site | None, path: str) -> Page | None:
    """The live page whose front-end path is `path` on this site (visibility checked later)."""
    language, slugs = split_language(path)
    root = site.root_page if site is not None else None
    if root is None:
        return None
    roots = Page.objects.filter(translation_key=root.translation_key, depth=root.depth)
    hub = roots.filter(locale__language_code=language).first()
    if hub is None:
        return None
    url_path = hub.url_path + "".join(f"{slug}/" for slug in slugs)
    return (
        Page.objects.filter(url_path=url_path, locale_id=hub.locale_id, live=True)
        .select_related("locale")
        .first()
    )


def _in_language(page: Page, language: str | None) -> Page:
    if language is None or page.locale.language_code == language:
        return page
    translation = (
        Page.objects.filter(
            translation_key=page.translation_key, locale__language_code=language, live=True
        )
        .select_related("locale")
        .first()
    )
    return translation or page


def _page_location(page: Page, site: Site | None) -> str | None:
    url = html_url(page)
    if url is None:
        return None
    own = front_end_root(site.pk if site is not None else None)
    return public_path(page) if url.startswith(own + "/") else url


def _internal_path(link: str, site: Site | None) -> str | None:
    """The front-end path a redirect link names, if it is on this site's front end."""
    if link.startswith("/") and not link.startswith("//"):
        return link
    own = origin(front_end_root(site.pk if site is not None else None))
    if own and origin(link) == own:
        parts = urlsplit(link)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return None


def resolve_redirect(
    site: Site | None,
    path: str,
    is_public: Callable[[Page], bool] | None = None,
    first: Redirect | None = None,
) -> Resolution | None:
    """Where a front-end `path` that no public page has is redirected on `site`; None if it is
    not, or only to something not public. Raises RedirectLoop for a loop or a long chain."""
    is_public = is_public or public_page_check()
    seen: set[str] = set()
    permanent = True
    start: Redirect | None = None
    for _hop in range(MAX_HOPS + 1):
        language, slugs = split_language(path)
        exact = normalise(path)
        if exact in seen:
            raise RedirectLoop(f"the redirects from {exact} loop")
        seen.add(exact)
        candidates = [exact]
        if language != default_language():
            candidates.append(normalise("/" + "/".join(slugs)))
        else:
            language = None
        redirect = first if first is not None else _lookup(site, candidates)
        if first is not None and first.old_path != exact:
            # A listed redirect with a language-less old path: no translation asked for.
            language = None
        first = None
        if redirect is None:
            if start is None:
                return None
            # The chain ends at a path nothing redirects: a page, or the front end's 404.
            page = _page_at(site, path)
            if page is not None and not is_public(page):
                return None
            return Resolution(start, path, permanent, page)
        if redirect.old_path != exact:
            seen.add(redirect.old_path)
        else:
            language = None  # the path's own redirect: its target as chosen
        start = start or redirect
        permanent = permanent and redirect.is_permanent
        if redirect.redirect_page_id is not None:
            page = _in_language(redirect.redirect_page, language)
            if not is_public(page):
                return None
            location = _page_location(page, site)
            return Resolution(start, location, permanent, page) if location else None
        link = redirect.redirect_link
        if not link:
            return None
        internal = _internal_path(link, site)
        if internal is None:
            return Resolution(start, link, permanent, None)
        page = _page_at(site, internal)
        if page is not None:
            if not is_public(page):
                return None
            return Resolution(start, public_path(page), permanent, page)
        path = internal
    raise RedirectLoop(f"more than {MAX_HOPS} redirects in a row from {start.old_path}")


def redirects_for_site(site: Site | None):
    """The redirects that apply on `site` (its own and all sites'), in a stable order."""
    queryset = Redirect.get_for_site(site) if site is not None else Redirect.objects.none()
    return queryset.select_related("redirect_page", "redirect_page__locale").order_by(
        "old_path", "id"
    )


@component("Redirect")
def redirect_schema() -> Schema:
    return obj(
        {
            "id": INTEGER,
            "old_path": string(
                "The old front-end path, as Wagtail stores it (no trailing slash): /old-slug, "
                "/fr/old-slug."
            ),
            "location": string(
                "Where to send the visitor: a front-end path of this site (/new-slug/), or an "
                "absolute URL (another site, an external page). Chains are already followed."
            ),
            "is_permanent": {**BOOLEAN, "description": "true: every hop is permanent (301)."},
            "status": {
                "type": "integer",
                "enum": [301, 302],
                "description": "The HTTP status to answer with: 301 if permanent, else 302.",
            },
            "page": {
                **nullable(INTEGER),
                "description": "The id of the public page it ends at (null: an external URL, or "
                "a path no page has).",
            },
        },
        description="An old URL and where it goes now (Wagtail's redirects: made when an editor "
        "changes a slug or moves a page, or by hand under Settings > Redirects).",
    )


def redirect_representation(resolution: Resolution) -> dict[str, Any]:
    return {
        "id": resolution.redirect.pk,
        "old_path": resolution.redirect.old_path,
        "location": resolution.location,
        "is_permanent": resolution.is_permanent,
        "status": 301 if resolution.is_permanent else 302,
        "page": resolution.page.pk if resolution.page is not None else None,
    }


class RefuseRedirectLoops:
    """Mixed into Wagtail's redirect form (`pages.wagtail_hooks`): a redirect that would loop,
    or make a chain longer than MAX_HOPS, is refused with a message instead of being saved."""

    def clean(self):
        super().clean()  # Wagtail's returns nothing
        cleaned = self.cleaned_data
        old_path = cleaned.get("old_path")
        link = cleaned.get("redirect_link")
        if not old_path or cleaned.get("redirect_page") or not link:
            return cleaned
        site = cleaned.get("site")
        sites = [site] if site is not None else list(Site.objects.all())
        for one in sites:
            target = _internal_path(link, one)
            if target is None:
                continue
            unsaved = Redirect(
                old_path=normalise(old_path),
                site=site,
                redirect_link=link,
                is_permanent=bool(cleaned.get("is_permanent")),
            )
            try:
                resolve_redirect(one, old_path, is_public=lambda page: True, first=unsaved)
            except RedirectLoop as exc:
                raise forms.ValidationError(
                    f"This redirect would loop or make too long a chain ({exc}); "
                    "point it at the final page or URL instead."
                ) from exc
        return cleaned


def redirect_pages_moved_to_another_site(
    instance: Page, url_path_before: str, url_path_after: str, **kwargs
) -> None:
    """`post_page_move`: a page moved into another site's tree leaves a redirect on each site it
    left, from its old front-end path to the page (which resolves to its URL on its new site's
    front end). Wagtail makes redirects only for moves within a site, so without this the old
    site's front end would answer its old links with a 404."""
    if url_path_before == url_path_after or not getattr(
        settings, "WAGTAILREDIRECTS_AUTO_CREATE", True
    ):
        return
    root_paths = Site.get_site_root_paths()

    def sites_of(url_path: str) -> set[int]:
        return {root.site_id for root in root_paths if url_path.startswith(root.root_path)}

    left = sites_of(url_path_before) - sites_of(url_path_after)
    if not left:
        return
    moved = [instance, *instance.get_descendants().live().select_related("locale")]
    for page in moved:
        old_url_path = url_path_before + page.url_path[len(url_path_after) :]
        old_path = normalise(path_for(old_url_path, page.locale.language_code))
        for site_id in left:
            Redirect.objects.filter(
                site_id=site_id, old_path=old_path, automatically_created=True
            ).delete()
            Redirect.objects.create(
                site_id=site_id, old_path=old_path, redirect_page=page, automatically_created=True
            )


__all__ = [
    "MAX_HOPS",
    "RedirectLoop",
    "RefuseRedirectLoops",
    "Resolution",
    "redirect_pages_moved_to_another_site",
    "redirect_representation",
    "redirect_schema",
    "redirects_for_site",
    "resolve_redirect",
]
