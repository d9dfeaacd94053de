"""Public paths of pages as the front end sees them.

The hub is "/" and each case study "/<slug>/"; a translation lives under its language
prefix ("/fr/", "/fr/lille/"). Paths are derived from `url_path` alone, so computing
one costs no query.
"""

from __future__ import annotations

from django.conf import settings


def default_language() -> str:
    return settings.LANGUAGE_CODE


def language_codes() -> list[str]:
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


def public_path(page) -> str:
    language = page.locale.language_code if getattr(page, "locale_id", None) else default_language()
    return path_for(page.url_path, language)


def path_for(url_path: str | None, language: str) -> str:
    """The front-end path of a page with this `url_path`, in this language (no query: a row of
    values is enough)."""
    parts = [part for part in (url_path or "").strip("/").split("/") if part]
    below_hub = parts[1:]  # parts[0] is the hub (depth 2); the tree root has no slug here
    path = "/" + "".join(f"{part}/" for part in below_hub)
    if language != default_language():
        path = f"/{language}{path}"
    return path


def split_language(html_path: str) -> tuple[str, list[str]]:
    """'/fr/lille/' -> ('fr', ['lille']); '/lille/' -> (default, ['lille'])."""
    parts = [part for part in html_path.strip("/").split("/") if part]
    languages = {code.lower(): code for code in language_codes()}
    if parts and parts[0].lower() in languages and parts[0].lower() != default_language():
        return languages[parts[0].lower()], parts[1:]
    return default_language(), parts
