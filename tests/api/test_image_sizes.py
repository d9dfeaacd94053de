"""Image sizes on request: /api/v2/images/<id>/resize/ redirects to a signed URL of Wagtail's
image serve view; only signed, allowed sizes of public images are ever made."""

from __future__ import annotations

import pytest
from PIL import Image as PILImage
from wagtail.images.utils import generate_signature
from wagtail.models import Collection, CollectionViewRestriction

from media.models import CustomRendition
from tests.factories import ImageFactory, image_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def image():
    return ImageFactory(file=image_file(size=(2000, 1000)))


def resize(api, image, **query):
    return api.get(f"/api/v2/images/{image.pk}/resize/", query)


def fetch(client, location: str):
    return client.get(location.removeprefix("http://testserver"))


def test_a_front_end_gets_any_width_through_a_signed_url(api, client, image):
    response = resize(api, image, width=1200, format="webp")

    assert response.status_code == 302
    served = fetch(client, response["Location"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    picture = PILImage.open(__import__("io").BytesIO(b"".join(served.streaming_content)))
    assert picture.size == (1200, 600)


def test_a_width_between_allowed_ones_is_served_at_the_next_one_up(api, client, image):
    location = resize(api, image, width=1100)["Location"]

    assert "/width-1200%7Cformat-jpeg/" in location or "/width-1200|format-jpeg/" in location
    assert fetch(client, location).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"width": "0"},
        {"width": "3841"},
        {"width": "wide"},
        {"width": "99999999999999999999"},
        {"width": "320", "format": "gif"},
        {"width": "320", "quality": "5"},
    ],
)
def test_bad_sizes_are_a_400(api, image, query):
    response = resize(api, image, **query)

    assert response.status_code == 400
    assert response.json()["message"]


def signed_path(image_id, spec: str, signature: str | None = None) -> str:
    signature = signature or generate_signature(image_id, spec)
    return f"/images/{signature}/{image_id}/{spec.replace('|', '%7C')}/factory.png"


def test_a_tampered_url_is_refused_before_any_rendition_is_made(client, image):
    signed = generate_signature(image.pk, "width-320|format-jpeg")
    tampered = signed_path(image.pk, "width-3840|format-jpeg", signature=signed)
    before = CustomRendition.objects.count()

    refused = client.get(tampered)
    unsigned = client.get(signed_path(image.pk, "width-320|format-jpeg", "unsigned"))

    assert (refused.status_code, unsigned.status_code) == (403, 403)
    assert refused.json() == {
        "message": "This URL's signature does not match its image and size.",
        "status": 403,
    }
    assert CustomRendition.objects.count() == before


@pytest.mark.parametrize(
    "spec",
    [
        "width-321|format-jpeg",  # not an allowed width, even signed
        "width-99999|format-jpeg",  # oversized
        "fill-4000x4000|format-jpeg",  # another operation
        "width-320|format-gif",
        "width-320",
        "original",
        "width-320|format-jpeg|jpegquality-1",
    ],
)
def test_signed_specs_outside_the_limits_are_a_400(client, image, spec):
    assert client.get(signed_path(image.pk, spec)).status_code == 400


@pytest.mark.parametrize("image_id", ["", "x", "99999999999999999999", "2147483648"])
def test_malformed_image_ids_are_a_404(client, image_id):
    spec = "width-320|format-jpeg"
    path = f"/images/{generate_signature(image_id, spec)}/{image_id}/{spec}/factory.png"

    assert client.get(path).status_code == 404


def test_a_missing_image_is_a_404(client, image):
    path = signed_path(image.pk + 1000, "width-320|format-jpeg")

    response = client.get(path)

    assert response.status_code == 404
    assert response.json() == {"message": "No such image.", "status": 404}


def test_a_private_image_is_neither_resized_nor_served(api, client, image):
    location = resize(api, image, width=320)["Location"]
    private = Collection.get_first_root_node().add_child(name="Private")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type="password", password="x"
    )
    image.collection = private
    image.save()

    assert resize(api, image, width=320).status_code == 404
    assert fetch(client, location).status_code == 404
