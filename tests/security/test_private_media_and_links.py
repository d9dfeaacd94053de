"""What a public page shows in place of what it may not reveal (the never-leak table,
tests/security/test_never_leaks.py, proves the hidden part never shows; these tests pin the
shape a front end gets instead).

* A rich-text link to a draft, unpublished or private page keeps its text and loses its
  `href` (`<a>our partners</a>`; in markdown, plain text), like a link to a deleted page.
* An image or document from a collection under a view restriction, chosen on a public page,
  comes out as `null` where the image object would be (hero image, image block, teaser
  thumbnail, a snippet's image); a rich-text link to such a document keeps its text only.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from tests.factories import (
    CaseStudyPageFactory,
    DocumentFactory,
    ImageFactory,
    PartnerCityFactory,
    image_file,
)

pytestmark = pytest.mark.django_db


def paragraph_linking_to(*pages) -> list[dict]:
    links = " ".join(f'<a linktype="page" id="{page.pk}">{page.title} link</a>' for page in pages)
    return [{"type": "paragraph", "value": f"<p>See {links}.</p>"}]


def test_a_rich_text_link_to_a_hidden_page_keeps_its_text_but_not_its_href(api, hub):
    public = CaseStudyPageFactory(title="Public", slug="public-target")
    draft = CaseStudyPageFactory(title="Draft", slug="draft-target", live=False)
    private = CaseStudyPageFactory(title="Private", slug="private-target")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN, password=""
    )
    page = CaseStudyPageFactory(title="Linking", body=paragraph_linking_to(public, draft, private))

    html = api.get(f"/api/v2/pages/{page.pk}/").json()["body"][0]["value"]

    assert '<a href="http://127.0.0.1:3000/public-target/">Public link</a>' in html
    assert "<a>Draft link</a>" in html and "<a>Private link</a>" in html
    assert "draft-target" not in html and "private-target" not in html


def test_a_link_unlinks_once_its_target_is_unpublished_even_from_the_cache(api, hub):
    target = CaseStudyPageFactory(title="Target", slug="soon-unpublished")
    page = CaseStudyPageFactory(title="Linking", body=paragraph_linking_to(target))
    assert "soon-unpublished" in api.get(f"/api/v2/pages/{page.pk}/").content.decode()

    target.unpublish()

    html = api.get(f"/api/v2/pages/{page.pk}/").json()["body"][0]["value"]
    assert html == "<p>See <a>Target link</a>.</p>"


@pytest.mark.parametrize("rich_text_format", ["html", "markdown", "db_markdown", "db_html"])
def test_no_rich_text_format_carries_a_hidden_pages_path(api, hub, rich_text_format):
    draft = CaseStudyPageFactory(title="Draft", slug="draft-in-markdown", live=False)
    page = CaseStudyPageFactory(title="Linking", body=paragraph_linking_to(draft))

    response = api.get(f"/api/v2/pages/{page.pk}/", {"rich_text_format": rich_text_format})

    assert response.status_code == 200
    value = response.json()["body"][0]["value"]
    assert "Draft link" in value  # the text stays
    assert "draft-in-markdown" not in value


def test_markdown_keeps_links_to_public_pages(api, hub):
    public = CaseStudyPageFactory(title="Public", slug="public-in-markdown")
    page = CaseStudyPageFactory(title="Linking", body=paragraph_linking_to(public))

    response = api.get(f"/api/v2/pages/{page.pk}/", {"rich_text_format": "markdown"})

    assert (
        "[Public link](http://127.0.0.1:3000/public-in-markdown/)"
        in response.json()["body"][0]["value"]
    )


@pytest.fixture
def private_collection(db):
    collection = Collection.get_first_root_node().add_child(name="Partners only")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN, password=""
    )
    return collection


def test_private_media_chosen_on_a_public_page_comes_out_as_null(api, hub, private_collection):
    image = ImageFactory(collection=private_collection, file=image_file("private-photo.png"))
    document = DocumentFactory(
        collection=private_collection, file=ContentFile(b"%PDF-1.4", name="private-report.pdf")
    )
    city = PartnerCityFactory(image=image)
    page = CaseStudyPageFactory(
        title="Public page",
        hero_image=image,
        related_partner_city=city,
        body=[
            {"type": "image", "value": {"image": image.pk, "caption": "Our visit"}},
            {
                "type": "section",
                "value": {
                    "heading": "Reports",
                    "text": f'<p>Read <a linktype="document" id="{document.pk}">the report</a>.</p>',
                },
            },
        ],
    )

    data = api.get(f"/api/v2/pages/{page.pk}/").json()

    assert data["hero_image"] is None
    assert data["body"][0]["value"] == {"image": None, "caption": "Our visit"}
    assert data["body"][1]["value"]["text"] == "<p>Read <a>the report</a>.</p>"
    assert data["related_partner_city"]["image"] is None
    city_json = api.get(f"/api/v2/partner-cities/{city.pk}/").json()
    assert city_json["image"] is None
    teasers = api.get(f"/api/v2/pages/{hub.pk}/").json()["meta"]["case_study_teasers"]["items"]
    assert next(t for t in teasers if t["id"] == page.pk)["thumbnail"] is None


def test_media_in_public_collections_is_still_embedded(api, hub):
    image = ImageFactory(file=image_file("public-photo.png"))
    document = DocumentFactory(file=ContentFile(b"%PDF-1.4", name="public-report.pdf"))
    page = CaseStudyPageFactory(
        title="Public page",
        hero_image=image,
        body=[
            {
                "type": "section",
                "value": {
                    "heading": "Reports",
                    "text": f'<p>Read <a linktype="document" id="{document.pk}">it</a>.</p>',
                },
            }
        ],
    )

    data = api.get(f"/api/v2/pages/{page.pk}/").json()

    assert "public-photo" in data["hero_image"]["url"]
    # Storage renames a file whose name is taken (another test's upload), hence .filename.
    assert document.filename.startswith("public-report")
    assert (
        f'href="/documents/{document.pk}/{document.filename}"' in data["body"][0]["value"]["text"]
    )


def test_a_session_that_typed_a_collection_password_still_gets_nothing_from_it(api, hub):
    collection = Collection.get_first_root_node().add_child(name="Password protected")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.PASSWORD, password="pw"
    )
    image = ImageFactory(title="Behind a password", collection=collection)
    document = DocumentFactory(title="Behind a password", collection=collection)
    api.post(
        f"/documents/authenticate_with_password/{restriction.pk}/",
        {"password": "pw", "return_url": "/"},
    )
    assert restriction.pk in api.session.get("passed_collection_view_restrictions", [])

    for endpoint, obj in (("images", image), ("documents", document)):
        assert api.get(f"/api/v2/{endpoint}/{obj.pk}/").status_code == 404
        listing = api.get(f"/api/v2/{endpoint}/", {"limit": 100}).json()
        assert obj.pk not in {item["id"] for item in listing["items"]}
