"""Security wiring that has no better home: API v3 visibility and error shape.

Wagtail 8's v3 read tier decides what anonymous clients see with
`wagtail.api.v3.querysets.get_public_pages_queryset`, which knows nothing of this project's
definition of "public" (children of unpublished pages, expired pages awaiting the cron job,
every view restriction regardless of session). `install()` points it at
`pages.visibility.public_pages`, so v2 and v3 answer the same question the same way.
"""

from __future__ import annotations


def install_v3_visibility() -> None:
    import wagtail.api.v3.querysets as v3_querysets

    from pages.visibility import public_pages

    v3_querysets.get_public_pages_queryset = public_pages


def install() -> None:
    install_v3_visibility()
