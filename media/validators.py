"""Upload checks Wagtail does not make itself.

Wagtail checks an image's content against its extension, its size and pixel count
(`WAGTAILIMAGES_*` settings). For documents it checks the extension (`WAGTAILDOCS_EXTENSIONS`)
and the size (`WAGTAILDOCS_MAX_UPLOAD_SIZE`) but not the content, so an HTML page or a PHP
script renamed `report.pdf` would be stored. `validate_document_content` closes that: the
file must be what its extension says. `validate_image_frames` counts an animation's frames,
which Wagtail's pixel limit misses with the Pillow backend.
"""

from __future__ import annotations

import os
import re
import zipfile

from django.core.exceptions import ValidationError
from PIL import Image as PILImage

# Office Open XML: the part every file of the format has.
OOXML_MAIN_PART = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
# OpenDocument: the `mimetype` entry every file of the format starts with.
ODF_MIMETYPE = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
FORMAT_NAMES = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "xlsx": "Excel (.xlsx)",
    "pptx": "PowerPoint (.pptx)",
    "odt": "OpenDocument text",
    "ods": "OpenDocument spreadsheet",
    "odp": "OpenDocument presentation",
    "csv": "CSV text",
    "txt": "plain text",
}
# What a browser (or a PHP interpreter) would take for markup or code, not text.
MARKUP_START = re.compile(rb"^\s*<\s*[a-zA-Z!?/]")
MARKUP_ANYWHERE = re.compile(rb"<\s*script|<\?php|<\s*iframe|javascript\s*:", re.IGNORECASE)


def _read(file) -> bytes:
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def _is_ooxml(file, extension: str) -> bool:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and OOXML_MAIN_PART[extension] in names


def _is_odf(file, extension: str) -> bool:
    try:
        with zipfile.ZipFile(file) as archive:
            with archive.open("mimetype") as entry:
                mimetype = entry.read(100)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False
    return mimetype.strip() == ODF_MIMETYPE[extension]


def _is_text(data: bytes) -> bool:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        return False
    return not MARKUP_START.match(data) and not MARKUP_ANYWHERE.search(data)


def content_matches_extension(file, extension: str) -> bool:
    extension = extension.lower()
    try:
        if extension == "pdf":
            file.seek(0)
            matches = file.read(5) == b"%PDF-"
        elif extension in OOXML_MAIN_PART:
            matches = _is_ooxml(file, extension)
        elif extension in ODF_MIMETYPE:
            matches = _is_odf(file, extension)
        elif extension in ("csv", "txt"):
            matches = _is_text(_read(file))
        else:  # an extension added to WAGTAILDOCS_EXTENSIONS without a rule here
            return False
    finally:
        file.seek(0)
    return matches


def validate_document_content(file) -> None:
    """Refuse a document whose content is not the format its extension names."""
    extension = os.path.splitext(file.name)[1].lstrip(".").lower()
    if content_matches_extension(file, extension):
        return
    expected = FORMAT_NAMES.get(extension, f".{extension}")
    raise ValidationError(
        f"This file is not a real {expected} file: its content does not match its "
        f".{extension} extension. Save or export it as {expected} and upload it again.",
        code="document_content_mismatch",
    )


def validate_image_frames(file, max_pixels: int | None) -> None:
    """Frames x width x height within `max_pixels` (WAGTAILIMAGES_MAX_IMAGE_PIXELS).

    Wagtail means to count every frame of an animation, but with the Pillow backend Willow
    reports one frame, so a GIF of 2000 frames passed as one."""
    if not max_pixels:
        return
    try:
        file.seek(0)
        with PILImage.open(file) as image:
            frames = getattr(image, "n_frames", 1)
            width, height = image.size
    except Exception:  # noqa: BLE001 - unreadable files are Wagtail's field's to report
        return
    finally:
        file.seek(0)
    pixels = frames * width * height
    if pixels > max_pixels:
        raise ValidationError(
            f"This file has too many pixels ({pixels}). Maximum pixels {max_pixels}. "
            f"It is an animation of {frames} frames of {width}×{height}: "
            "use fewer or smaller frames.",
            code="file_too_many_pixels",
        )
