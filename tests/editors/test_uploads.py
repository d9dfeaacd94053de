"""Uploads through the admin, as an editor (not a superuser) does them: a bad file gets a
form error that says what is wrong and is not stored; a good image or document is stored.

Images: Wagtail's own checks, configured in settings/base.py (size, pixels, the content
must be the format the extension names, no SVG). Documents: Wagtail's extension allowlist
and size limit plus media/validators.py (the content must be what the extension says).
"""

from __future__ import annotations

import html
import io
import struct
import uuid
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.models import Collection, UploadedFile

from media.models import CustomDocument, CustomImage

pytestmark = pytest.mark.django_db


# --- files --------------------------------------------------------------------------------


def raster(fmt: str, size: tuple[int, int] = (640, 480)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "teal").save(buffer, format=fmt)
    return buffer.getvalue()


def png_of_size(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of any size in a few kilobytes: the shape of a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def animated_gif(frames: int, size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    images = [PILImage.new("RGB", size, (20 * i, 255 - 20 * i, 0)) for i in range(frames)]
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:])
    return buffer.getvalue()


SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>fetch('/admin/')</script><rect width='10' height='10'/></svg>"
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PHP_SCRIPT = b"<?php system($_GET['cmd']); ?>"


def office_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = office_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- the admin, as an editor --------------------------------------------------------------


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client


def root_collection() -> Collection:
    return Collection.get_first_root_node()


def upload_image(client, name: str, content: bytes):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": f"Upload {name}",
            "file": SimpleUploadedFile(name, content),
            "collection": root_collection().pk,
            "description": "The town hall in the sun",
            "caption": "",
            "credit": "",
            "tags": "",
        },
    )


def upload_document(client, name: str, content: bytes):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": f"Upload {name}",
            "file": SimpleUploadedFile(name, content),
            "collection": root_collection().pk,
            "tags": "",
        },
    )


def stored_files(folder: str, name: str) -> list[Path]:
    stem = Path(name).stem
    return list((Path(settings.MEDIA_ROOT) / folder).glob(f"{stem}*"))


def assert_refused(response, model, name: str, folder: str, message: str) -> None:
    """The form comes back (200, no redirect) with `message` on the file field, shown to
    the editor, and nothing of the upload is stored."""
    assert response.status_code == 200, response.get("Location")
    errors = " ".join(response.context["form"].errors.get("file", []))
    assert message in errors, errors
    assert message in html.unescape(response.content.decode())
    assert not model.objects.filter(title=f"Upload {name}").exists()
    assert not stored_files(folder, name)


# --- images -------------------------------------------------------------------------------

BAD_IMAGES = [
    pytest.param("logo.svg", SVG_WITH_SCRIPT, "Not a supported image format", id="svg_with_script"),
    pytest.param(
        "logo-svg.png",
        SVG_WITH_SCRIPT,
        "The extension does not match the file format (svg)",
        id="svg_renamed_png",
    ),
    pytest.param("page.jpg", HTML_PAGE, "Not a valid .jpeg image", id="html_renamed_jpg"),
    pytest.param(
        "shell.jpg", PHP_SCRIPT, "not an image or a corrupted image", id="php_renamed_jpg"
    ),
    pytest.param(
        "photo-png.jpg",
        raster("PNG"),
        "The extension does not match the file format (png)",
        id="png_renamed_jpg",
    ),
    pytest.param("photo.bmp", raster("BMP"), "Not a supported image format", id="bmp"),
    pytest.param(
        "bomb.png",
        png_of_size(20_000, 20_000),
        "This file has too many pixels",
        id="decompression_bomb_400_megapixels",
    ),
    pytest.param(
        "large.png",
        png_of_size(8_000, 6_000),
        "This file has too many pixels (48000000). Maximum pixels 40000000.",
        id="48_megapixels_over_the_40_megapixel_limit",
    ),
    pytest.param(
        "animation.gif",
        animated_gif(12, (2_000, 2_000)),
        "This file has too many pixels (48000000)",
        id="animated_gif_frames_times_pixels",
    ),
    pytest.param(
        "huge.jpg",
        raster("JPEG") + b"\x00" * (10 * 1024 * 1024),
        "This file is too big",
        id="over_10_MB",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_IMAGES)
def test_a_bad_image_is_refused_with_a_clear_error_and_not_stored(
    editor_client, name, content, message
):
    name = f"{uuid.uuid4().hex[:8]}-{name}"  # nothing of an earlier test can match
    response = upload_image(editor_client, name, content)

    assert_refused(response, CustomImage, name, "original_images", message)


@pytest.mark.parametrize(
    ("name", "fmt"), [("photo.jpg", "JPEG"), ("photo.png", "PNG"), ("photo.webp", "WEBP")]
)
def test_a_good_image_is_accepted(editor_client, name, fmt):
    response = upload_image(editor_client, name, raster(fmt))

    assert response.status_code == 302, response.context and response.context["form"].errors
    image = CustomImage.objects.get(title=f"Upload {name}")
    assert (image.width, image.height) == (640, 480)
    assert image.file.name.startswith("original_images/")


def test_the_image_form_has_one_alt_text_field_and_requires_it(editor_client):
    form = editor_client.get(reverse("wagtailimages:add")).content.decode()
    assert form.count('id="id_description"') == 1 and 'name="alt_text"' not in form
    assert "Description (alt text)" in form

    response = editor_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Upload without alt text",
            "file": SimpleUploadedFile("bare.png", raster("PNG")),
            "collection": root_collection().pk,
            "description": "",
            "tags": "",
        },
    )
    assert response.status_code == 200
    assert "description" in response.context["form"].errors
    assert not CustomImage.objects.filter(title="Upload without alt text").exists()

    upload_image(editor_client, "described.png", raster("PNG"))
    image = CustomImage.objects.get(title="Upload described.png")
    assert image.description == "The town hall in the sun"


def test_the_multiple_upload_view_refuses_the_same_files(editor_client):
    """The admin's drag-and-drop uploader answers JSON; a bad file is refused there too and
    not even kept as an unfinished upload."""
    url = reverse("wagtailimages:add_multiple")
    bad = (
        ("page.jpg", HTML_PAGE),
        ("bomb.png", png_of_size(20_000, 20_000)),
        ("animation.gif", animated_gif(12, (2_000, 2_000))),
    )
    for name, content in bad:
        response = editor_client.post(
            url,
            {"files[]": SimpleUploadedFile(name, content), "collection": root_collection().pk},
        )
        data = response.json()
        assert data["success"] is False and data["error_message"]
    assert not UploadedFile.objects.exists()
    assert not CustomImage.objects.filter(title__in=[name for name, _content in bad]).exists()

    response = editor_client.post(
        url,
        {
            "files[]": SimpleUploadedFile("ok.jpg", raster("JPEG")),
            "collection": root_collection().pk,
        },
    )
    assert response.json()["success"] is True


# --- documents ----------------------------------------------------------------------------

BAD_DOCUMENTS = [
    pytest.param("page.html", HTML_PAGE, "File extension “html” is not allowed", id="html"),
    pytest.param("logo.svg", SVG_WITH_SCRIPT, "File extension “svg” is not allowed", id="svg"),
    pytest.param("tool.exe", b"MZ\x90\x00", "File extension “exe” is not allowed", id="exe"),
    pytest.param(
        "report.pdf", HTML_PAGE, "This file is not a real PDF file", id="html_renamed_pdf"
    ),
    pytest.param(
        "report.pdf", PHP_SCRIPT, "This file is not a real PDF file", id="php_renamed_pdf"
    ),
    pytest.param(
        "notes.txt", HTML_PAGE, "This file is not a real plain text file", id="html_as_txt"
    ),
    pytest.param(
        "table.csv", b"name,link\nx,javascript:alert(1)\n", "not a real CSV text file", id="js_csv"
    ),
    pytest.param(
        "letter.docx",
        office_zip({"index.html": HTML_PAGE}),
        "This file is not a real Word (.docx) file",
        id="zip_renamed_docx",
    ),
    pytest.param("minutes.odt", PDF, "not a real OpenDocument text file", id="pdf_renamed_odt"),
    pytest.param(
        "big.pdf",
        PDF + b"\x00" * (20 * 1024 * 1024),
        "This file is too big",
        id="over_20_MB",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_DOCUMENTS)
def test_a_bad_document_is_refused_with_a_clear_error_and_not_stored(
    editor_client, name, content, message
):
    name = f"{uuid.uuid4().hex[:8]}-{name}"  # nothing of an earlier test can match
    response = upload_document(editor_client, name, content)

    assert_refused(response, CustomDocument, name, "documents", message)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", PDF),
        ("letter.docx", DOCX),
        ("minutes.odt", ODT),
        ("figures.csv", b"city,year\nLille,1968\nDortmund,1969\n"),
        ("readme.txt", "Partnerství měst — 友好城市\n".encode()),
    ],
)
def test_a_good_document_is_accepted_and_downloads_as_an_attachment(editor_client, name, content):
    response = upload_document(editor_client, name, content)

    assert response.status_code == 302, response.context and response.context["form"].errors
    document = CustomDocument.objects.get(title=f"Upload {name}")
    download = editor_client.get(document.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Security-Policy"] == "default-src 'none'"
    assert download["X-Content-Type-Options"] == "nosniff"


def test_the_multiple_document_uploader_refuses_a_disguised_file(editor_client):
    response = editor_client.post(
        reverse("wagtaildocs:add_multiple"),
        {
            "files[]": SimpleUploadedFile("report.pdf", HTML_PAGE),
            "collection": root_collection().pk,
        },
    )

    data = response.json()
    assert data["success"] is False
    assert "This file is not a real PDF file" in data["error_message"]
    assert not CustomDocument.objects.filter(title="report.pdf").exists()
    assert not UploadedFile.objects.exists()
