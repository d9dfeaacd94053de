"""Image sizes on request: Wagtail's dynamic image serve view, signed and bounded.

`/images/<signature>/<image id>/<filter spec>/<file name>` is Wagtail's `ServeView`: the
signature is Wagtail's (`wagtail.images.utils.generate_signature`, an HMAC of the id and spec
with `IMAGE_SERVE_KEY`, else `SECRET_KEY`), so only URLs this server signed make renditions.
On top of Wagtail's checks, the spec must be `width-<w>|format-<avif|webp|jpeg>` with `<w>`
one of `ALLOWED_WIDTHS`, and the image must not be in a collection under a view restriction;
anything else is a 4xx, before any image is opened. So an image has at most
len(ALLOWED_WIDTHS) x 3 renditions, whatever anyone asks: bounded work and disk.

Front ends get these URLs from `/api/v2/images/<id>/resize/?width=&format=` (a redirect), or
sign them themselves on a server that holds `IMAGE_SERVE_KEY`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from wagtail.images.utils import verify_signature
from wagtail.images.views.serve import ServeView, generate_image_url

# Every width a front end may ask for: next/image's default device and image sizes, and the
# API's own rendition widths. A width in between is served at the next one up.
ALLOWED_WIDTHS: tuple[int, ...] = (
    16, 32, 48, 64, 96, 128, 256, 320, 384, 480, 640, 750, 828, 960,
    1080, 1200, 1600, 1920, 2048, 2560, 3840,
)  # fmt: skip
MAX_ID = 2**31 - 1
SPEC = re.compile(r"^width-(?P<width>[0-9]{1,4})\|format-(?P<format>avif|webp|jpeg)$")


@lru_cache(maxsize=1)
def served_formats() -> tuple[str, ...]:
    """AVIF where this Pillow build can encode it, then WebP and JPEG."""
    from PIL import features

    avif = getattr(settings, "API_IMAGE_AVIF", True) and features.check("avif")
    return ("avif", "webp", "jpeg") if avif else ("webp", "jpeg")


def serve_key() -> str | None:
    return getattr(settings, "IMAGE_SERVE_KEY", "") or None


def served_width(asked: int) -> int | None:
    """The allowed width to serve for a request of `asked` pixels (None: more than allowed)."""
    return next((width for width in ALLOWED_WIDTHS if width >= asked), None)


def spec_for(width: int, fmt: str) -> str:
    return f"width-{width}|format-{fmt}"


def signed_url(image, width: int, fmt: str) -> str:
    """The signed serve-view path of `image` at an allowed width and format."""
    return generate_image_url(image, spec_for(width, fmt), key=serve_key())


def bad_request(message: str, status: int = 400) -> HttpResponse:
    """The API's error shape (`{"message", "status"}`), for image URLs too."""
    return JsonResponse({"message": message, "status": status}, status=status)


class BoundedServeView(ServeView):
    """Wagtail's serve view, for the specs `ALLOWED_WIDTHS` and `served_formats` allow, and
    only for images anyone may see."""

    def get(self, request, signature, image_id, filter_spec, filename=None):
        match = SPEC.match(filter_spec)
        if match is None:
            return bad_request("Only width-<w>|format-<avif|webp|jpeg> is served.")
        if int(match["width"]) not in ALLOWED_WIDTHS:
            return bad_request(f"Width must be one of {', '.join(map(str, ALLOWED_WIDTHS))}.")
        if match["format"] not in served_formats():
            return bad_request(f"Format must be one of {', '.join(served_formats())}.")
        if not image_id.isdigit() or int(image_id) > MAX_ID:
            return bad_request("No such image.", 404)
        self.key = serve_key()
        if not verify_signature(signature.encode(), image_id, filter_spec, key=self.key):
            # Before any query: a forged URL costs nothing.
            return bad_request("This URL's signature does not match its image and size.", 403)
        image = self.model.objects.select_related("collection").filter(id=image_id).first()
        if image is None or image.collection.get_view_restrictions().exists():
            return bad_request("No such image.", 404)  # private: as if it did not exist
        return super().get(request, signature, image_id, filter_spec, filename)


serve = BoundedServeView.as_view()
