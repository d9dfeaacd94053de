"""Headless preview: the admin's Preview shows the draft in the front end, not on the CMS host.

When an editor previews a page or a snippet (partner city, network: the preview panel, which
refreshes as they type, or "Preview in new tab"), Wagtail calls `serve_preview` on the object
built from the editor's form, saved or not.
`FrontendPreviewMixin.serve_preview` keeps that content in the cache for `PREVIEW_TOKEN_MAX_AGE`
seconds and redirects to the page's site's preview URL (`pages.headless.front_end_preview_url`:
the site's Front end setting, else `FRONTEND_PREVIEW_URL`) with `?preview_token=...`. The token is signed
(`TimestampSigner`), expires after the same time, and names one page, the revision the editor
started from and the stored snapshot; the front end exchanges it at /api/v2/preview/ for the
page JSON, or a snippet's JSON with `meta.type` (see api/preview.py). Nothing else of the
draft is reachable.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import models
from django.shortcuts import redirect
from wagtail.models import Page, Revision

from pages.headless import front_end_preview_url, page_site_id

SALT = "pages.preview"
CACHE_PREFIX = "page-preview:"


class PreviewTokenError(Exception):
    """The token is missing, forged, expired or names content that is gone."""


def max_age() -> int:
    return int(getattr(settings, "PREVIEW_TOKEN_MAX_AGE", 300))


def signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def create_preview_token(obj: Page | models.Model) -> str:
    """Store the page's (or snippet's) current, possibly unsaved, content and sign a token
    for it."""
    key = secrets.token_urlsafe(16)
    cache.set(
        CACHE_PREFIX + key,
        {"model": obj._meta.label_lower, "content": obj.serializable_data()},
        timeout=max_age(),
    )
    revision = obj.latest_revision_id if obj.pk else None
    if not isinstance(obj, Page):
        claims = {"snippet": obj._meta.label_lower, "object": obj.pk, "revision": revision}
        return signer().sign_object({**claims, "key": key}, compress=True)
    # A page being created has no pk yet; Wagtail gives it a provisional tree path.
    parent = obj.get_parent() if obj.pk is None else None
    return signer().sign_object(
        {
            "page": obj.pk,
            "parent": parent.pk if parent else None,
            "revision": revision,
            "key": key,
        },
        compress=True,
    )


def read_preview_token(token: str) -> dict:
    if not token:
        raise PreviewTokenError("A preview_token is required.")
    try:
        return signer().unsign_object(token, max_age=max_age())
    except signing.SignatureExpired as exc:
        raise PreviewTokenError("This preview has expired: click Preview again.") from exc
    except signing.BadSignature as exc:
        raise PreviewTokenError("Invalid preview token.") from exc


def object_from_preview_token(token: str) -> Page | models.Model:
    """The draft page or snippet the token was made for: the stored snapshot, else the
    revision it names."""
    claims = read_preview_token(token)
    if "snippet" in claims:
        return snippet_from_claims(claims)
    return page_from_claims(claims)


def snippet_from_claims(claims: dict) -> models.Model:
    try:
        model = apps.get_model(claims["snippet"])
    except (LookupError, ValueError) as exc:
        raise PreviewTokenError("Invalid preview token.") from exc
    if not issubclass(model, FrontendPreviewMixin):
        raise PreviewTokenError("Invalid preview token.")
    stored = cache.get(CACHE_PREFIX + str(claims.get("key")))
    if stored and stored["model"] != claims["snippet"]:
        stored = None
    if claims.get("object") is None:  # a snippet being created, never saved
        if not stored:
            raise PreviewTokenError("This preview has expired: click Preview again.")
        return model.from_serializable_data(stored["content"])
    obj = model._default_manager.filter(pk=claims["object"]).first()
    if obj is None:
        raise PreviewTokenError("The previewed object no longer exists.")
    if stored:
        return obj.with_content_json(stored["content"])
    revision = obj.revisions.filter(pk=claims.get("revision")).first()
    if revision is None:
        raise PreviewTokenError("This preview has expired: click Preview again.")
    return revision.as_object()


def page_from_preview_token(token: str) -> Page:
    """The draft page the token was made for (a snippet's token is refused)."""
    obj = object_from_preview_token(token)
    if not isinstance(obj, Page):
        raise PreviewTokenError("This preview token is not for a page.")
    return obj


def page_from_claims(claims: dict) -> Page:
    stored = cache.get(CACHE_PREFIX + str(claims.get("key")))
    if claims.get("page") is not None:
        page = Page.objects.filter(pk=claims["page"]).first()
        if page is None:
            raise PreviewTokenError("The previewed page no longer exists.")
        page = page.specific
        if stored and stored["model"] == page._meta.label_lower:
            return page.with_content_json(stored["content"])
        revision = Revision.page_revisions.filter(
            pk=claims.get("revision"), object_id=str(page.pk)
        ).first()
        if revision is None:
            raise PreviewTokenError("This preview has expired: click Preview again.")
        return revision.as_object()
    parent = Page.objects.filter(pk=claims.get("parent")).first()
    if not stored or parent is None:
        raise PreviewTokenError("This preview has expired: click Preview again.")
    return new_page_in_memory(stored, parent)


def new_page_in_memory(stored: dict, parent: Page) -> Page:
    """A page that is not saved yet, placed under its parent so paths and breadcrumbs work."""
    model = apps.get_model(stored["model"])
    page = model.from_serializable_data(stored["content"])
    page.depth = parent.depth + 1
    page.path = parent.path + "ZZZZ"  # in memory only: ancestors are computed from the path
    page.set_url_path(parent)
    page.locale_id = page.locale_id or parent.locale_id
    return page


def preview_url(token: str, site_id: int | None = None) -> str:
    base = front_end_preview_url(site_id)
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}{urlencode({'preview_token': token})}"


class FrontendPreviewMixin:
    """Page types and snippets whose admin preview is rendered by their site's front end
    (snippets have no site: the default preview URL)."""

    def serve_preview(self, request, mode_name):
        token = create_preview_token(self)
        response = redirect(preview_url(token, page_site_id(self, request)))
        response["Cache-Control"] = "private, no-store"
        return response
