"""What an anonymous client may see: live, public pages whose ancestors are all live."""

from __future__ import annotations

from django.db.models import Q
from wagtail.api.querysets import get_public_pages_queryset
from wagtail.models import Page


def hidden_subtree_filter() -> Q | None:
    """Pages below an unpublished page are unreachable on the site, so not public either."""
    paths = list(Page.objects.filter(live=False, depth__gt=1).values_list("path", flat=True))
    if not paths:
        return None
    # Collapse nested subtrees: a path under an already-hidden path adds nothing.
    paths.sort()
    roots: list[str] = []
    for path in paths:
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    condition = Q()
    for path in roots:
        condition |= Q(path__startswith=path)
    return condition


def public_pages(request, model=Page):
    queryset = get_public_pages_queryset(request, model)
    hidden = hidden_subtree_filter()
    if hidden is not None:
        queryset = queryset.exclude(hidden)
    return queryset
