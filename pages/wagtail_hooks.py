"""The admin for a headless site: front-end URLs, the partners menu and the editors' dashboard."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from wagtail import hooks

from pages.headless import front_end_url


@hooks.register("before_serve_page")
def redirect_to_front_end(page, request, serve_args, serve_kwargs):
    """The CMS host renders no page: send the visitor (or an editor's "View live") to the
    front end, at the same path. Only live pages get this far; drafts are 404 as before."""
    return HttpResponseRedirect(front_end_url(page))
