"""Nothing editors have not published reaches an anonymous client, on any read path.

One table of cases (what is hidden) times one table of read paths (how a client could ask).
Every case plants a unique marker (a title, an email) in what must stay hidden; the marker
must not appear in any response, hidden objects' detail URLs must not answer 200, and a
listing's `total_count` must not count them.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Locale,
    Page,
    PageViewRestriction,
)

from pages.models import CaseStudyPage, HubPage, Network, PartnerCity
from pages.routing import public_path
from tests.factories import (
    CaseStudyPageFactory,
    DocumentFactory,
    ImageFactory,
    NetworkFactory,
    PartnerCityFactory,
    image_file,
)

pytestmark = pytest.mark.django_db


@dataclass
class Hidden:
    """What a case planted: the marker that must never show, and the objects involved."""

    marker: str
    pages: list[Page] = field(default_factory=list)  # must not be reachable at all
    shown_pages: list[Page] = field(default_factory=list)  # public, but must not carry marker
    images: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    snippets: list = field(default_factory=list)  # partner cities / networks: not reachable
    shown_snippets: list = field(default_factory=list)  # live, but must not carry marker


def new_marker(kind: str) -> str:
    return f"SECRET{kind.replace('-', '')}{uuid.uuid4().hex[:8]}"


def case_study(title: str, parent=None, live: bool = True, **kwargs) -> CaseStudyPage:
    kwargs.setdefault("slug", slugify(title))
    return CaseStudyPageFactory(title=title, parent=parent, live=live, **kwargs)


def warm(api, page) -> None:
    """Read a page while it is public, so a response cache (if any) holds it."""
    assert api.get(f"/api/v2/pages/{page.pk}/").status_code == 200
    api.get("/api/v2/pages/", {"type": "pages.CaseStudyPage", "fields": "*"})
    api.get("/api/v2/pages/find/", {"html_path": public_path(page)})


# --- the cases ------------------------------------------------------------------------


def draft_only_page(api, hub) -> Hidden:
    marker = new_marker("draft")
    return Hidden(marker, pages=[case_study(marker, live=False)])


def unpublished_page(api, hub) -> Hidden:
    marker = new_marker("unpublished")
    page = case_study(marker)
    warm(api, page)
    page.unpublish()
    return Hidden(marker, pages=[page])


def future_go_live_page(api, hub) -> Hidden:
    marker = new_marker("future")
    page = case_study(marker, live=False)
    page.go_live_at = timezone.now() + datetime.timedelta(days=7)
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live  # scheduled, not published
    return Hidden(marker, pages=[page])


def expired_page(api, hub) -> Hidden:
    # The page expired a minute ago; `publish_scheduled` (a cron job) has not run yet, so
    # Wagtail still has it as live. The API must not wait for the cron job.
    marker = new_marker("expired")
    page = case_study(marker)
    warm(api, page)
    # The row as time would leave it (test_http_caching moves the clock past a real expiry).
    page.expire_at = timezone.now() - datetime.timedelta(minutes=1)
    page.save(update_fields=["expire_at"])
    return Hidden(marker, pages=[page])


def child_of_unpublished_page(api, hub) -> Hidden:
    marker = new_marker("orphan")
    parent = case_study(marker + "parent", live=False)
    child = case_study(marker + "child", parent=parent)
    return Hidden(marker, pages=[parent, child])


def child_of_private_page(api, hub) -> Hidden:
    marker = new_marker("privatechild")
    parent = case_study(marker + "parent")
    child = case_study(marker + "child", parent=parent)
    PageViewRestriction.objects.create(
        page=parent, restriction_type=PageViewRestriction.PASSWORD, password="letmein"
    )
    return Hidden(marker, pages=[parent, child])


def restricted_page(restriction_type: str):
    def build(api, hub) -> Hidden:
        marker = new_marker(restriction_type)
        page = case_study(marker)
        warm(api, page)
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=restriction_type, password="letmein"
        )
        if restriction_type == PageViewRestriction.GROUPS:
            restriction.groups.set([Group.objects.get_or_create(name="Partners only")[0]])
        return Hidden(marker, pages=[page])

    build.__name__ = f"page_under_{restriction_type}_restriction"
    return build


def draft_revision_of_live_page(api, hub) -> Hidden:
    marker = new_marker("draftrevision")
    page = case_study("Published title " + uuid.uuid4().hex[:6])
    warm(api, page)
    page.title = marker
    page.summary = marker
    page.slug = marker.lower()
    page.save_revision()  # saved, not published
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.has_unpublished_changes and marker not in page.title
    return Hidden(marker, shown_pages=[page])


def revision_history(api, hub) -> Hidden:
    # An earlier published title lives on only in the revision history.
    marker = new_marker("oldrevision")
    page = case_study(marker, slug="renamed-" + uuid.uuid4().hex[:6])
    page.title = "Current title " + uuid.uuid4().hex[:6]
    page.summary = "Current summary"
    page.save_revision().publish()
    page.refresh_from_db()
    return Hidden(marker, shown_pages=[page])


def page_linked_from_a_public_page(api, hub) -> Hidden:
    # A public page's call to action points at a draft: the draft's title must not show.
    marker = new_marker("linkeddraft")
    draft = case_study(marker, live=False)
    linking = case_study(
        "Linking page " + uuid.uuid4().hex[:6],
        body=[
            {
                "type": "call_to_action",
                "value": {"label": "Read more", "page": draft.pk, "url": ""},
            }
        ],
    )
    return Hidden(marker, pages=[draft], shown_pages=[linking])


def rich_text_link_to_hidden_page(kind: str):
    # A public page's rich text links to a page that is (or becomes) hidden: the link keeps
    # its text, but no href carries the target's slug or path.
    def build(api, hub) -> Hidden:
        marker = new_marker(f"richlink{kind}")
        target = case_study(marker, live=kind != "draft")
        linking = case_study(
            "Rich text linking page " + uuid.uuid4().hex[:6],
            body=[
                {
                    "type": "paragraph",
                    "value": f'<p>See <a linktype="page" id="{target.pk}">our partners</a>.</p>',
                }
            ],
        )
        if kind != "draft":
            warm(api, linking)
            shown = api.get(f"/api/v2/pages/{linking.pk}/").content.decode()
            assert marker.lower() in shown.lower()  # while public, the link does carry it
        if kind == "unpublished":
            target.unpublish()
        elif kind == "private":
            PageViewRestriction.objects.create(
                page=target, restriction_type=PageViewRestriction.PASSWORD, password="letmein"
            )
        return Hidden(marker, pages=[target], shown_pages=[linking])

    build.__name__ = f"rich_text_link_to_{kind}_page"
    return build


def media_from_private_collection_on_public_page(restriction_type: str):
    # An image and a document, chosen on a public page (hero image, image block, rich-text
    # document link) and on a partner city, and afterwards put under a collection
    # restriction: no title, rendition URL or file URL of them may stay in any response.
    def build(api, hub) -> Hidden:
        marker = new_marker(f"chosen{restriction_type}")
        collection = Collection.get_first_root_node().add_child(name=f"Chosen {marker}")
        image = ImageFactory(
            title=marker, collection=collection, file=image_file(f"{marker.lower()}.png")
        )
        document = DocumentFactory(
            title=marker,
            collection=collection,
            file=ContentFile(b"%PDF-1.4 private", name=f"{marker.lower()}.pdf"),
        )
        city = PartnerCityFactory(name="City " + uuid.uuid4().hex[:6], image=image)
        page = case_study(
            "Page with chosen media " + uuid.uuid4().hex[:6],
            hero_image=image,
            related_partner_city=city,
            body=[
                {"type": "image", "value": {"image": image.pk, "caption": ""}},
                {
                    "type": "section",
                    "value": {
                        "heading": "Reports",
                        "text": f'<p>Read <a linktype="document" id="{document.pk}">it</a>.</p>',
                    },
                },
            ],
        )
        warm(api, page)
        api.get(f"/api/v2/pages/{hub.pk}/")
        api.get("/api/v2/partner-cities/", {"limit": 100})
        shown = api.get(f"/api/v2/pages/{page.pk}/").content.decode()
        # While public, the page does carry the image's renditions and the document's URL.
        assert f"images/{marker.lower()}" in shown and f"{marker.lower()}.pdf" in shown
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=restriction_type, password="letmein"
        )
        if restriction_type == CollectionViewRestriction.GROUPS:
            restriction.groups.set([Group.objects.get_or_create(name="Partners only")[0]])
        return Hidden(marker, shown_pages=[page], images=[image], documents=[document])

    build.__name__ = f"media_chosen_on_a_public_page_from_{restriction_type}_collection"
    return build


def private_collection(kind: str, restriction_type: str):
    def build(api, hub) -> Hidden:
        marker = new_marker(f"{kind}{restriction_type}")
        root = Collection.get_first_root_node()
        collection = root.add_child(name=f"Private {marker}")
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=restriction_type, password="letmein"
        )
        if restriction_type == CollectionViewRestriction.GROUPS:
            restriction.groups.set([Group.objects.get_or_create(name="Partners only")[0]])
        # A sub-collection inherits the restriction.
        child_collection = collection.add_child(name=f"Inner {marker}")
        factory = ImageFactory if kind == "image" else DocumentFactory
        objects = [
            factory(title=marker, collection=collection),
            factory(title=marker + "inner", collection=child_collection),
        ]
        if kind == "image":
            return Hidden(marker, images=objects)
        return Hidden(marker, documents=objects)

    build.__name__ = f"{kind}_in_{restriction_type}_restricted_collection"
    return build


def admin_fields(api, hub) -> Hidden:
    marker = new_marker("admin")
    user = get_user_model().objects.create_user(
        username=marker, email=f"{marker.lower()}@example.com", password="pw-admin-fields-1"
    )
    page = case_study("Owned page " + uuid.uuid4().hex[:6])
    Page.objects.filter(pk=page.pk).update(owner=user, locked=True, locked_by=user)
    page.save_revision(user=user, log_action=True)
    page = CaseStudyPage.objects.get(pk=page.pk)
    return Hidden(marker, shown_pages=[page])


# --- snippets (partner cities, networks): drafts, scheduling, expiry, translations -----------


def embed_snippets(hub, city=None, network=None) -> CaseStudyPage:
    """Choose the snippets on a public case study (its related city/network) and in the
    English hub's timeline and networks blocks, as editors do."""
    page = case_study(
        "Page choosing snippets " + uuid.uuid4().hex[:6],
        related_partner_city=city,
        related_network=network,
    )
    body = list(hub.body.raw_data)
    if city is not None:
        body.append({"type": "partner_cities", "value": {"heading": "Cities", "cities": [city.pk]}})
    if network is not None:
        body.append({"type": "networks", "value": {"heading": "Nets", "networks": [network.pk]}})
    hub.body = body
    hub.save_revision().publish()
    return page


def snippet_pair(marker: str, **kwargs) -> tuple[PartnerCity, Network]:
    city = PartnerCityFactory(name=marker + "city", summary=marker, **kwargs)
    network = NetworkFactory(name=marker + "network", summary=marker, **kwargs)
    for obj in (city, network):
        obj.save_revision()
    return city, network


def draft_snippets(api, hub) -> Hidden:
    marker = new_marker("draftsnippet")
    city, network = snippet_pair(marker, live=False)
    page = embed_snippets(hub, city, network)
    return Hidden(marker, shown_pages=[page], snippets=[city, network])


def newer_draft_of_live_snippets(api, hub) -> Hidden:
    # Live and embedded; then an editor saves a draft with the marker: the API keeps serving
    # the live version everywhere.
    marker = new_marker("snippetdraft")
    city, network = snippet_pair("Live " + uuid.uuid4().hex[:6])
    page = embed_snippets(hub, city, network)
    warm(api, page)
    api.get(f"/api/v2/pages/{hub.pk}/")
    for obj in (city, network):
        obj.name = marker
        obj.summary = marker
        obj.save_revision()  # saved, not published
    return Hidden(marker, shown_pages=[page], shown_snippets=[city, network])


def scheduled_snippets(api, hub) -> Hidden:
    marker = new_marker("scheduledsnippet")
    city, network = snippet_pair(marker, live=False)
    for obj in (city, network):
        obj.go_live_at = timezone.now() + datetime.timedelta(days=7)
        obj.save_revision().publish()  # approved for later: scheduled, not live
        obj.refresh_from_db()
        assert not obj.live
    page = embed_snippets(hub, city, network)
    return Hidden(marker, shown_pages=[page], snippets=[city, network])


def expired_snippets(api, hub) -> Hidden:
    # Expired a minute ago; `publish_scheduled` has not run, so Wagtail still has them live.
    marker = new_marker("expiredsnippet")
    city, network = snippet_pair(marker)
    page = embed_snippets(hub, city, network)
    warm(api, page)
    api.get(f"/api/v2/pages/{hub.pk}/")
    api.get("/api/v2/partner-cities/", {"limit": 100})
    for obj in (city, network):
        # The rows as time would leave them (test_http_caching moves the clock past a real
        # expiry; a write that bypasses model signals would be a bulk change, not this case).
        obj.expire_at = timezone.now() - datetime.timedelta(minutes=1)
        obj.save(update_fields=["expire_at"])
    return Hidden(marker, shown_pages=[page], snippets=[city, network])


def draft_translation_of_a_live_snippet(api, hub) -> Hidden:
    # The French copy of a live city is a draft: French pages and ?locale=fr fall back to the
    # English city instead of showing the French draft.
    marker = new_marker("frenchdraft")
    city = PartnerCityFactory(name="Twin " + uuid.uuid4().hex[:6])
    french = city.copy_for_translation(Locale.objects.get(language_code="fr"))
    french.name = marker
    french.summary = marker
    french.live = False
    french.save()
    french.save_revision()
    french_hub = HubPage.objects.get(depth=2, locale__language_code="fr")
    body = list(french_hub.body.raw_data)
    body.append({"type": "partner_cities", "value": {"heading": "Villes", "cities": [city.pk]}})
    french_hub.body = body
    french_hub.save_revision().publish()
    return Hidden(marker, shown_pages=[french_hub], snippets=[french])


CASES = [
    draft_only_page,
    unpublished_page,
    future_go_live_page,
    expired_page,
    child_of_unpublished_page,
    child_of_private_page,
    restricted_page(PageViewRestriction.PASSWORD),
    restricted_page(PageViewRestriction.LOGIN),
    restricted_page(PageViewRestriction.GROUPS),
    draft_revision_of_live_page,
    revision_history,
    page_linked_from_a_public_page,
    rich_text_link_to_hidden_page("draft"),
    rich_text_link_to_hidden_page("unpublished"),
    rich_text_link_to_hidden_page("private"),
    media_from_private_collection_on_public_page(CollectionViewRestriction.PASSWORD),
    media_from_private_collection_on_public_page(CollectionViewRestriction.LOGIN),
    private_collection("image", CollectionViewRestriction.PASSWORD),
    private_collection("image", CollectionViewRestriction.LOGIN),
    private_collection("document", CollectionViewRestriction.GROUPS),
    private_collection("document", CollectionViewRestriction.LOGIN),
    admin_fields,
    draft_snippets,
    newer_draft_of_live_snippets,
    scheduled_snippets,
    expired_snippets,
    draft_translation_of_a_live_snippet,
]


# --- the read paths ---------------------------------------------------------------------


def v2_listing(api, hidden: Hidden, hub) -> list:
    responses = []
    for query in (
        {"limit": 100},
        {"type": "pages.CaseStudyPage", "fields": "*", "limit": 100},
        {"child_of": hub.pk, "fields": "*", "limit": 100},
        {"descendant_of": hub.pk, "limit": 100},
    ):
        response = api.get("/api/v2/pages/", query)
        assert response.status_code == 200
        data = response.json()
        ids = {item["id"] for item in data["items"]}
        assert not ids & {page.pk for page in hidden.pages}
        # total_count counts only what is listed: nothing hidden inflates it.
        assert data["meta"]["total_count"] == len(data["items"])
        responses.append(response)
    return responses


def v2_detail(api, hidden: Hidden, hub) -> list:
    responses = []
    for page in hidden.pages:
        response = api.get(f"/api/v2/pages/{page.pk}/")
        assert response.status_code == 404
        responses.append(response)
    for page in hidden.shown_pages:
        response = api.get(f"/api/v2/pages/{page.pk}/", {"fields": "*"})
        assert response.status_code == 200
        responses.append(response)
    return responses


def v2_find(api, hidden: Hidden, hub) -> list:
    responses = []
    for page in hidden.pages:
        for html_path in (public_path(page), "/" + page.slug + "/"):
            response = api.get("/api/v2/pages/find/", {"html_path": html_path})
            assert response.status_code == 404
            responses.append(response)
    for page in hidden.shown_pages:
        response = api.get("/api/v2/pages/find/", {"html_path": public_path(page)})
        assert response.status_code == 302
        response = api.get(response["Location"])
        assert response.status_code == 200
        responses.append(response)
    return responses


def v2_search(api, hidden: Hidden, hub) -> list:
    responses = []
    for query in (
        {"search": hidden.marker},
        {"search": hidden.marker, "type": "pages.CaseStudyPage"},
    ):
        response = api.get("/api/v2/pages/", query)
        assert response.status_code == 200
        assert response.json()["meta"]["total_count"] == 0
        responses.append(response)
    return responses


def hub_teasers(api, hidden: Hidden, hub) -> list:
    response = api.get(f"/api/v2/pages/{hub.pk}/")
    assert response.status_code == 200
    return [response]


def v2_images(api, hidden: Hidden, hub) -> list:
    responses = [
        api.get("/api/v2/images/", {"limit": 100, "fields": "*"}),
        api.get("/api/v2/images/", {"search": hidden.marker}),
    ]
    for response in responses:
        data = response.json()
        assert data["meta"]["total_count"] == len(data["items"])
    for image in hidden.images:
        response = api.get(f"/api/v2/images/{image.pk}/")
        assert response.status_code == 404
        responses.append(response)
    return responses


def v2_documents(api, hidden: Hidden, hub) -> list:
    responses = [
        api.get("/api/v2/documents/", {"limit": 100, "fields": "*"}),
        api.get("/api/v2/documents/", {"search": hidden.marker}),
    ]
    for response in responses:
        data = response.json()
        assert data["meta"]["total_count"] == len(data["items"])
    for document in hidden.documents:
        response = api.get(f"/api/v2/documents/{document.pk}/")
        assert response.status_code == 404
        responses.append(response)
    return responses


def document_download(api, hidden: Hidden, hub) -> list:
    responses = []
    for document in hidden.documents:
        response = api.get(document.url)
        # A login/group restriction redirects to the login page; a password one asks for it.
        assert response.status_code in (200, 302, 401, 403, 404)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"%PDF" not in body
        # A password form sends the client back to the URL it asked for: that echo of its
        # own request reveals nothing, anything else of the document would.
        echoed = body.decode("utf-8", "replace").replace(document.url, "")
        assert hidden.marker.lower() not in echoed.lower()
    return responses


def v2_rich_text_formats(api, hidden: Hidden, hub) -> list:
    """Rich text in every format the API offers (`?rich_text_format=`), on the shown pages."""
    from wagtail.api.rich_text import APIRichText

    responses = []
    for page in hidden.shown_pages:
        for rich_text_format in sorted(APIRichText._serializers()):
            response = api.get(f"/api/v2/pages/{page.pk}/", {"rich_text_format": rich_text_format})
            assert response.status_code == 200
            responses.append(response)
    return responses


SNIPPET_ENDPOINTS = {PartnerCity: "partner-cities", Network: "networks"}


def snippets(api, hidden: Hidden, hub) -> list:
    responses = []
    for endpoint in SNIPPET_ENDPOINTS.values():
        for query in (
            {"limit": 100},
            {"limit": 100, "fields": "*"},
            {"limit": 100, "fields": "*", "locale": "fr"},
            {"search": hidden.marker},
            {"search": hidden.marker, "locale": "fr"},
        ):
            response = api.get(f"/api/v2/{endpoint}/", query)
            assert response.status_code == 200
            data = response.json()
            assert data["meta"]["total_count"] == len(data["items"])
            responses.append(response)
    for obj in hidden.snippets:
        response = api.get(f"/api/v2/{SNIPPET_ENDPOINTS[type(obj)]}/{obj.pk}/")
        assert response.status_code == 404
        responses.append(response)
    for obj in hidden.shown_snippets:
        response = api.get(f"/api/v2/{SNIPPET_ENDPOINTS[type(obj)]}/{obj.pk}/")
        assert response.status_code == 200
        responses.append(response)
    return responses


def pages_embedding_snippets(api, hidden: Hidden, hub) -> list:
    # Every hub (its timeline and networks blocks) in every language, fully.
    responses = []
    for each_hub in HubPage.objects.filter(depth=2):
        response = api.get(f"/api/v2/pages/{each_hub.pk}/", {"fields": "*"})
        assert response.status_code == 200
        responses.append(response)
    return responses


def v2_sitemap(api, hidden: Hidden, hub) -> list:
    response = api.get("/api/v2/sitemap/")
    assert response.status_code == 200
    data = response.json()
    assert not {item["id"] for item in data["items"]} & {page.pk for page in hidden.pages}
    assert data["meta"]["total_count"] == len(data["items"])
    return [response]


def redirects_to_hidden_pages(api, hidden: Hidden, hub) -> list:
    """An editor's redirect to a hidden page (or Wagtail's, after a rename) must not publish
    the page's path, in find or in the listing."""
    from wagtail.contrib.redirects.models import Redirect

    responses = []
    for n, page in enumerate(hidden.pages):
        Redirect.add_redirect(f"/to-hidden-{n}", redirect_to=page)
        response = api.get("/api/v2/pages/find/", {"html_path": f"/to-hidden-{n}/"})
        assert response.status_code == 404
        responses.append(response)
    response = api.get("/api/v2/redirects/", {"limit": 100})
    assert response.json()["items"] == []
    return [*responses, response]


def image_sizes(api, hidden: Hidden, hub) -> list:
    from wagtail.images.utils import generate_signature

    responses = []
    for image in hidden.images:
        response = api.get(f"/api/v2/images/{image.pk}/resize/", {"width": 320})
        assert response.status_code == 404
        spec = "width-320|format-jpeg"
        served = api.get(f"/images/{generate_signature(image.pk, spec)}/{image.pk}/{spec}/x.png")
        assert served.status_code == 404
        responses += [response, served]
    return responses


READ_PATHS = [
    v2_sitemap,
    redirects_to_hidden_pages,
    image_sizes,
    v2_listing,
    v2_detail,
    v2_find,
    v2_search,
    hub_teasers,
    v2_images,
    v2_documents,
    document_download,
    v2_rich_text_formats,
    snippets,
    pages_embedding_snippets,
]


@pytest.mark.parametrize("read", READ_PATHS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", CASES, ids=lambda f: f.__name__)
def test_hidden_content_never_reaches_an_anonymous_client(
    api, hub, case, read, django_capture_on_commit_callbacks
):
    # Run on-commit work (cache invalidation, search indexing) as a real commit would.
    with django_capture_on_commit_callbacks(execute=True):
        hidden = case(api, hub)
    anonymous = type(api)()  # fresh client: no session, no password passed
    for response in read(anonymous, hidden, hub):
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode("utf-8", "replace")
        assert hidden.marker.lower() not in body.lower(), (response.request, body[:500])
        assert "@example.com" not in body
