"""What a front-end developer gets from /api/v2/pages/: one request renders a page."""

import pytest

from pages.models import CaseStudyPage, HubPage
from tests.factories import CaseStudyPageFactory

pytestmark = pytest.mark.django_db

CASE_STUDY_PATHS = [
    "/lille/",
    "/eurocities-working-group-children-and-young-people/",
    "/g20-global-smart-cities-alliance/",
    "/bambisanani-partnership/",
]


def detail(api, page):
    response = api.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200
    return response.json()


def test_listing_of_case_studies_with_all_fields(api):
    response = api.get("/api/v2/pages/", {"type": "pages.CaseStudyPage", "fields": "*"})
    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["total_count"] == 4
    item = next(i for i in data["items"] if i["title"] == "Lille")
    assert item["summary"].startswith("With educational links")
    assert item["related_partner_city"]["name"] == "Lille"
    assert item["hero_image"]["alt"]
    assert "children and young people" in item["themes"]


def test_hub_detail_resolves_snippets_images_and_links(api, hub):
    data = detail(api, hub)
    blocks = {block["type"]: block["value"] for block in data["body"]}
    timeline = blocks["partner_cities"]["cities"]
    assert [c["name"] for c in timeline] == ["Lille", "Dortmund", "Hangzhou", "Brno", "Durban"][
        : len(timeline)
    ]
    assert len(timeline) == 5
    dortmund = timeline[1]
    assert dortmund["country"] == "DE" and dortmund["year_signed"] == 1969
    assert {a["status"] for a in dortmund["agreements"]} == {"signed", "re-signed"}
    assert [n["name"] for n in blocks["networks"]["networks"]][0] == "Eurocities"
    cta = blocks["call_to_action"]
    assert cta["page"]["type"] == "pages.CaseStudyPage" and cta["page"]["path"] == "/lille/"
    assert cta["page"]["locale"] == "en"


def test_hero_image_is_a_rendition_object_with_url_width_height_and_alt(api, hub):
    hero = detail(api, hub)["hero_image"]
    assert hero["url"].startswith("http://testserver/media/images/")
    assert hero["src"]["width"] == 960 and hero["src"]["height"] == 600
    assert hero["alt"].startswith("Placeholder for a photograph")
    assert hero["caption"] == "Leeds welcomes Chinese Olympic Committee"
    assert {"webp", "jpeg"} <= set(hero["renditions"])
    assert hero["srcset"]["webp"].count(" 480w") == 1


def test_an_images_alt_is_its_description(api, hub):
    image = hub.hero_image
    image.description = "The Lord Mayor greets the delegation on the town hall steps"
    image.save()
    hero = detail(api, HubPage.objects.get(pk=hub.pk))["hero_image"]
    assert hero["alt"] == "The Lord Mayor greets the delegation on the town hall steps"


def test_image_blocks_inside_case_studies_are_resolved_not_ids(api):
    page = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    image_blocks = [b for b in detail(api, page)["body"] if b["type"] == "image"]
    assert image_blocks and isinstance(image_blocks[0]["value"]["image"], dict)
    assert image_blocks[0]["value"]["image"]["renditions"]["webp"][0]["url"].endswith(".webp")


def test_rich_text_comes_out_as_html(api, hub):
    section = next(b for b in detail(api, hub)["body"] if b["type"] == "section")
    assert section["value"]["text"].startswith("<p>")


def test_every_page_detail_carries_locale_breadcrumbs_and_translations(api, hub):
    page = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    meta = detail(api, page)["meta"]
    assert meta["locale"] == "en"
    assert meta["path"] == "/lille/"
    assert meta["breadcrumbs"] == [{"id": hub.pk, "title": hub.title, "path": "/", "locale": "en"}]
    french = CaseStudyPage.objects.get(slug="lille", locale__language_code="fr")
    assert meta["translations"] == [
        {"locale": "fr", "id": french.pk, "title": french.title, "path": "/fr/lille/"}
    ]


def test_hub_meta_carries_the_case_study_teasers(api, hub):
    teasers = detail(api, hub)["meta"]["case_study_teasers"]
    assert teasers["total_count"] == 4
    first = teasers["items"][0]
    assert set(first) >= {"title", "summary", "path", "thumbnail"}
    assert first["thumbnail"]["url"].endswith(".webp")


def test_a_newly_published_case_study_leads_the_seeded_hubs_teasers(
    api, hub, django_capture_on_commit_callbacks
):
    """The seeded hub's teasers block chooses nothing: it lists the latest case studies, so
    publishing one is enough for it to show up (first), in the block and in `meta`."""
    detail(api, hub)  # cached before the publish
    with django_capture_on_commit_callbacks(execute=True):
        CaseStudyPageFactory(title="Leeds and Hangzhou: a new exchange")
    data = detail(api, hub)
    block = next(b["value"] for b in data["body"] if b["type"] == "case_study_teasers")
    assert block["case_studies"]["items"][0]["title"] == "Leeds and Hangzhou: a new exchange"
    assert data["meta"]["case_study_teasers"]["items"][0]["title"] == (
        "Leeds and Hangzhou: a new exchange"
    )
    assert block["case_studies"]["total_count"] == 5


def test_a_hand_picked_teasers_block_shows_only_its_choice(api, hub):
    lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    hub.body = [("case_study_teasers", {"heading": "Chosen", "case_studies": [lille]})]
    hub.save_revision().publish()
    CaseStudyPageFactory(title="Not chosen")
    block = detail(api, HubPage.objects.get(pk=hub.pk))["body"][0]["value"]
    assert [item["title"] for item in block["case_studies"]["items"]] == ["Lille"]


def test_draft_case_studies_are_not_listed(api):
    CaseStudyPageFactory(title="Secret draft", live=False)
    response = api.get("/api/v2/pages/", {"type": "pages.CaseStudyPage"})
    titles = [item["title"] for item in response.json()["items"]]
    assert "Secret draft" not in titles
    assert response.json()["meta"]["total_count"] == 4


def test_a_draft_chosen_in_the_hub_teasers_is_not_shown(api, hub):
    draft = CaseStudyPageFactory(title="Unpublished teaser", live=False)
    hub.body.append(("case_study_teasers", {"heading": "More", "case_studies": [draft]}))
    hub.save_revision().publish()
    data = detail(api, HubPage.objects.get(pk=hub.pk))
    assert "Unpublished teaser" not in str(data)


@pytest.mark.parametrize("path", ["/", *CASE_STUDY_PATHS])
def test_find_resolves_every_public_page_path_to_a_followable_detail_url(api, path):
    response = api.get("/api/v2/pages/find/", {"html_path": path})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/api/v2/pages/")
    # A client that does not follow redirects reads where to go in JSON, like every answer.
    assert response.json() == {
        "message": "Found: follow Location.",
        "status": 302,
        "location": location,
    }
    followed = api.get(location)
    assert followed.status_code == 200
    assert followed.json()["meta"]["path"] == path


def test_find_of_an_unknown_path_is_a_404_json(api):
    response = api.get("/api/v2/pages/find/", {"html_path": "/no-such-page/"})
    assert response.status_code == 404
    assert "message" in response.json()


def test_find_keeps_other_query_parameters(api):
    response = api.get("/api/v2/pages/find/", {"html_path": "/lille/", "fields": "title"})
    assert response["Location"].endswith("?fields=title")


@pytest.mark.parametrize(
    "query",
    [{}, {"search": "Lille"}, {"type": "pages.CaseStudyPage"}, {"child_of": "hub"}],
    ids=["listing", "search", "typed", "child_of"],
)
def test_html_url_is_the_front_end_url_in_every_listing(api, hub, query):
    query = {k: (hub.pk if v == "hub" else v) for k, v in query.items()}
    items = api.get("/api/v2/pages/", query).json()["items"]
    assert items
    for item in items:
        assert item["meta"]["html_url"] == "http://127.0.0.1:3000" + item["meta"]["path"]


def test_html_url_of_a_pages_parent_is_the_front_end_url(api):
    page = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    parent = api.get(f"/api/v2/pages/{page.pk}/").json()["meta"]["parent"]
    assert parent["meta"]["html_url"] == "http://127.0.0.1:3000/"
