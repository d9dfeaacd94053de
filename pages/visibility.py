"""What an anonymous client may see: the one definition of "public".

A page is public when it is live, has not expired (even if the `publish_scheduled` cron job
has not run yet), carries no view restriction (password, login or groups), and no ancestor
is unpublished, expired or restricted. A snippet with drafts (partner city, network) is public
when it is live and has not expired, by the same rule; its row holds the live version, so a
newer draft never shows. The API treats every client as anonymous: a session
cookie (an editor logged in to the admin, a visitor who typed a page's password) never
widens what it returns, so a shared response cache cannot hand private content to anyone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from wagtail.api.validators import SiteFilterValidator
from wagtail.models import DraftStateMixin, Page

from pages.prefetch import request_memo


def hidden_roots() -> list[str]:
    """Tree paths of the topmost hidden pages; everything under them is hidden too.

    Read once per API request (the endpoint, its serializer context, teasers and links all
    ask), not once per question."""
    return request_memo("hidden_page_roots", _hidden_roots)


def _hidden_roots() -> list[str]:
    # One statement, three index lookups (UNION), never a scan of the page table: the
    # unpublished pages through a partial index (`WHERE NOT live`), expiry dates through a
    # partial index on `expire_at` (pages/migrations/0002_scale_indexes.py), restrictions from
    # their own small table. An OR across the three, with a join, scanned every page.
    # The tree's root (depth 1, never served) is dropped here rather than in SQL, where a depth
    # condition tempted SQLite into walking a depth index over every page.
    # The statement the ORM wrote for three querysets and their UNION, written out: building
    # those cost more than the rest of the request's visibility work (it runs on every request).
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_HIDDEN_PATHS_SQL, [now])
        return collapse_hidden_paths(path for (path,) in cursor.fetchall())


_HIDDEN_PATHS_SQL = (
    "SELECT path FROM wagtailcore_page WHERE NOT live"
    " UNION SELECT path FROM wagtailcore_page WHERE expire_at <= %s"
    " UNION SELECT path FROM wagtailcore_page"
    " WHERE id IN (SELECT page_id FROM wagtailcore_pageviewrestriction)"
)


def collapse_hidden_paths(paths: Iterable[str]) -> list[str]:
    """The topmost of these hidden pages' paths (the tree's root, never served, dropped)."""
    paths = sorted({p for p in paths if len(p) > Page.steplen})
    # Collapse nested subtrees: a path under an already-hidden path adds nothing.
    roots: list[str] = []
    for path in paths:
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return roots


def hidden_subtree_filter() -> Q | None:
    """Pages at or below an unpublished, expired or restricted page (None: nothing hidden)."""
    roots = hidden_roots()
    if not roots:
        return None
    condition = Q()
    for path in roots:
        condition |= Q(path__startswith=path)
    return condition


def request_site(request):
    """The site a request asks about: `?site=` (Http404 if no site has it), else its host's."""
    return request_memo(
        f"site:{request.GET.get('site')}",
        lambda: SiteFilterValidator(site=request.GET.get("site"), request=request).site_obj,
    )


def _site_scope(request, queryset):
    """Wagtail's site scoping (`?site=`), translations of the site's root included."""
    site = request_site(request)
    if site is None:
        return queryset.none()
    root = site.root_page
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return queryset.descendant_of(root, inclusive=True)
    # The root and its siblings in one query (once per request: a listing asks for its own
    # model's pages and for all pages): the root's translations are among them.
    siblings = request_memo(
        f"site_root_siblings:{root.path}",
        lambda: list(
            Page.objects.filter(depth=root.depth, path__startswith=root.path[: -Page.steplen])
            .order_by()
            .values_list("path", "translation_key")
        ),
    )
    roots = [path for path, key in siblings if key == root.translation_key]
    if len(roots) == len(siblings):
        # The site owns every tree at its depth (one site, all its languages): the scope is a
        # depth condition, not an OR of path prefixes that stops the database from walking
        # the (locale, path) index in order and cutting a listing after `limit` rows.
        return queryset.filter(depth__gte=root.depth, path__startswith=root.path[: -Page.steplen])
    scoped = queryset.none()
    for path in roots:
        scoped |= queryset.filter(path__startswith=path, depth__gte=root.depth)
    return scoped


def public_pages(request, model=Page):
    """The pages (of `model`) an anonymous client may read on the requested site."""
    queryset = model._default_manager.all().live()
    hidden = hidden_subtree_filter()
    if hidden is not None:
        queryset = queryset.exclude(hidden)
    return _site_scope(request, queryset)


def public_page_check(request=None) -> Callable[[Page], bool]:
    """A predicate "is this page public?" costing one query per request, not per page.

    Used where a public page embeds another page (links, teasers): a link to a draft or a
    private page must not publish its title."""
    roots = getattr(request, "_hidden_page_roots", None) if request is not None else None
    if roots is None:
        roots = tuple(hidden_roots())
        if request is not None:
            try:
                request._hidden_page_roots = roots
            except AttributeError:  # pragma: no cover - exotic request objects
                pass
    now = timezone.now()

    def is_public(page: Page) -> bool:
        if not page.live or (page.expire_at is not None and page.expire_at <= now):
            return False
        return not any(page.path.startswith(root) for root in roots)

    return is_public


# --- snippets --------------------------------------------------------------------------------


def public_snippets(
    model: type[models.Model], queryset: models.QuerySet | None = None
) -> models.QuerySet:
    """The snippets of `model` (of `queryset`, if given) an anonymous client may read: live
    and not expired (even if `publish_scheduled` has not run yet). Models without drafts are
    always public. Written with conditions Wagtail's search backends can also filter on."""
    if queryset is None:
        queryset = model._default_manager.all()
    if issubclass(model, DraftStateMixin):
        queryset = queryset.filter(
            Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now()), live=True
        )
    return queryset


def is_public_snippet(obj) -> bool:
    """Whether a snippet loaded some other way (a chooser, a page's foreign key) may be
    embedded in what an anonymous client reads: the row-level form of `public_snippets`."""
    if not isinstance(obj, DraftStateMixin):
        return True
    return bool(obj.live) and not (obj.expire_at is not None and obj.expire_at <= timezone.now())


# --- images and documents ---------------------------------------------------------------------


def restricted_collection_ids() -> frozenset[int]:
    """Collections an anonymous client may not see: every collection under a view
    restriction (password, login or groups) and every collection below one.

    Like pages, a session never widens this: a visitor who typed a collection's password
    still gets no image or document of it through the API. Read once per API request."""
    return request_memo("restricted_collection_ids", _restricted_collection_ids)


def _restricted_collection_ids() -> frozenset[int]:
    from wagtail.models import Collection

    # Written out, as the hidden pages' statement: it runs on every request, and building
    # the ORM's join cost a twentieth of a partner city's detail.
    with connection.cursor() as cursor:
        cursor.execute(_RESTRICTED_COLLECTIONS_SQL)
        roots = {path for (path,) in cursor.fetchall()}
    if not roots:
        return frozenset()
    condition = Q()
    for path in roots:
        condition |= Q(path__startswith=path)
    return frozenset(Collection.objects.filter(condition).values_list("pk", flat=True))


_RESTRICTED_COLLECTIONS_SQL = (
    "SELECT c.path FROM wagtailcore_collectionviewrestriction r"
    " JOIN wagtailcore_collection c ON c.id = r.collection_id"
)


def is_public_media(obj) -> bool:
    """Whether an image or document may be embedded in what an anonymous client reads."""
    return obj is not None and obj.collection_id not in restricted_collection_ids()
