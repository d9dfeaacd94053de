"""Security wiring that has no better home: API v3 visibility and error shape.

Wagtail 8's v3 read tier decides what anonymous clients see with
`wagtail.api.v3.querysets.get_public_pages_queryset`, which knows nothing of this project's
definition of "public" (children of unpublished pages, expired pages awaiting the cron job,
every view restriction regardless of session). `install()` points it at
`pages.visibility.public_pages`, so v2 and v3 answer the same question the same way, and
unlinks rich-text links to hidden pages and private documents in v3's `markdown` format.
"""

from __future__ import annotations


def install_v3_visibility() -> None:
    import wagtail.api.v3.querysets as v3_querysets

    from pages.visibility import public_pages

    v3_querysets.get_public_pages_queryset = public_pages


def install_v3_rich_text() -> None:
    """v3's `?rich_text_format=markdown` resolves links from the database HTML itself (not
    through the link handlers of `pages/rich_text.py`): hidden targets are unlinked first."""
    from wagtail.api.rich_text import APIRichText

    from pages.rich_text import public_only_db_html

    resolve = APIRichText._serialize_markdown

    def serialize_markdown(value: str, *, features: list[str] | None = None) -> str:
        return resolve(public_only_db_html(value), features=features)

    APIRichText._serialize_markdown = staticmethod(serialize_markdown)


def install() -> None:
    install_v3_visibility()
    install_v3_rich_text()
