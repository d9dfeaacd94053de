"""Security wiring that has no better home: rich text in Markdown never links hidden pages.

`?rich_text_format=markdown` (Wagtail's `APIRichText`) converts the database HTML itself,
not through the link handlers of `pages/rich_text.py`: `install()` makes it unlink hidden
targets first, as the `html` format does.
"""

from __future__ import annotations


def install_markdown_links() -> None:
    from wagtail.api.rich_text import APIRichText

    from pages.rich_text import public_only_db_html

    resolve = APIRichText._serialize_markdown

    def serialize_markdown(value: str, *, features: list[str] | None = None) -> str:
        return resolve(public_only_db_html(value), features=features)

    APIRichText._serialize_markdown = staticmethod(serialize_markdown)


def install() -> None:
    install_markdown_links()
