"""What a front end needs to route: old URLs redirect (find, /api/v2/redirects/) and a sitemap
of every public page in every language (/api/v2/sitemap/)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, PageViewRestriction, Site

from pages.models import CaseStudyPage, FrontendSettings
from tests.factories import CaseStudyPageFactory, HubPageFactory

pytestmark = pytest.mark.django_db


def find(api, html_path):
    return api.get("/api/v2/pages/find/", {"html_path": html_path})


@pytest.fixture
def rename(committed):
    """Rename a page as an editor publishing it does (Wagtail makes its redirect on commit)."""

    def rename(page, slug: str) -> None:
        page.slug = slug
        committed(lambda: page.save_revision().publish())

    return rename


def case_study(language: str, slug: str) -> CaseStudyPage:
    return CaseStudyPage.objects.get(locale__language_code=language, slug=slug)


def sitemap(api, **query) -> dict:
    response = api.get("/api/v2/sitemap/", query)
    assert response.status_code == 200, response.content
    return response.json()


# --- find honours redirects -------------------------------------------------------------------


def test_a_renamed_case_study_old_path_answers_where_it_went(api, rename):
    rename(case_study("en", "lille"), "lille-france")

    response = find(api, "/lille/")

    assert response.status_code == 200
    assert response.json() == {
        "id": response.json()["id"],
        "old_path": "/lille",
        "location": "/lille-france/",
        "is_permanent": True,
        "status": 301,
        "page": case_study("en", "lille-france").pk,
    }
    assert find(api, "/lille-france/").status_code == 302  # the page itself


def test_a_renamed_french_case_study_redirects_under_its_language_prefix(api, rename):
    rename(case_study("fr", "lille"), "lille-en-france")

    data = find(api, "/fr/lille/").json()

    assert (data["location"], data["status"]) == ("/fr/lille-en-france/", 301)
    assert find(api, "/lille/").status_code == 302  # the English page did not move


def test_a_moved_page_and_its_old_path_redirect_to_the_new_place(api, hub):
    parent = CaseStudyPageFactory(title="Programmes", slug="programmes")
    page = case_study("en", "lille")
    page.move(parent, pos="last-child")

    assert find(api, "/lille/").json()["location"] == "/programmes/lille/"


def test_a_page_moved_to_another_site_sends_its_old_path_to_that_sites_front_end(api, settings):
    other_hub = HubPageFactory(title="Twinning", slug="twinning", parent=Page.get_first_root_node())
    other = Site.objects.create(hostname="twinning-cms.example.net", root_page=other_hub)
    FrontendSettings.objects.create(site=other, frontend_url="https://twinning.example.net/")
    page = CaseStudyPageFactory(title="School exchanges", slug="school-exchanges")

    page.move(other_hub, pos="last-child")

    data = find(api, "/school-exchanges/").json()
    assert (data["location"], data["status"], data["page"]) == (
        "https://twinning.example.net/school-exchanges/",
        301,
        page.pk,
    )


def test_a_redirect_without_language_prefix_applies_to_the_translation(api):
    Redirect.add_redirect("/old-lille", redirect_to=case_study("en", "lille"))

    assert find(api, "/old-lille/").json()["location"] == "/lille/"
    assert find(api, "/fr/old-lille/").json()["location"] == "/fr/lille/"


def test_a_temporary_redirect_to_an_external_url_passes_through(api):
    Redirect.add_redirect(
        "/twinning", redirect_to="https://example.org/twinning", is_permanent=False
    )

    data = find(api, "/twinning/").json()

    assert (data["location"], data["status"], data["page"]) == (
        "https://example.org/twinning",
        302,
        None,
    )


def test_a_chain_of_redirects_answers_the_final_place_in_one_request(api, settings):
    front_end = settings.FRONTEND_URL.rstrip("/")
    Redirect.add_redirect("/a", redirect_to=f"{front_end}/b/")
    Redirect.add_redirect("/b", redirect_to="/c/", is_permanent=False)
    Redirect.add_redirect("/c", redirect_to=case_study("en", "lille"))

    data = find(api, "/a/").json()

    assert (data["old_path"], data["location"], data["status"]) == ("/a", "/lille/", 302)


def test_a_redirect_loop_is_refused(api, settings):
    front_end = settings.FRONTEND_URL.rstrip("/")
    Redirect.add_redirect("/ping", redirect_to=f"{front_end}/pong/")
    Redirect.add_redirect("/pong", redirect_to=f"{front_end}/ping/")

    response = find(api, "/ping/")

    assert response.status_code == 404
    assert "loop" in response.json()["message"]


def test_a_chain_longer_than_five_redirects_is_refused(api):
    for n in range(7):
        Redirect.add_redirect(f"/hop-{n}", redirect_to=f"/hop-{n + 1}/")

    assert find(api, "/hop-0/").status_code == 404
    assert find(api, "/hop-3/").json()["location"] == "/hop-7/"


def test_a_redirect_to_a_page_nobody_may_see_is_a_404(api):
    draft = CaseStudyPageFactory(title="Secret plan", slug="secret-plan", live=False)
    Redirect.add_redirect("/plan", redirect_to=draft)

    response = find(api, "/plan/")

    assert response.status_code == 404
    assert "secret-plan" not in response.content.decode()


def test_a_path_with_neither_page_nor_redirect_is_still_a_404(api):
    assert find(api, "/nowhere/").status_code == 404


# --- the redirects listing --------------------------------------------------------------------


def test_redirects_are_listed_resolved_and_paginated(api):
    lille = case_study("en", "lille")
    Redirect.add_redirect("/old-a", redirect_to=lille)
    Redirect.add_redirect("/old-b", redirect_to="https://example.org/", is_permanent=False)
    Redirect.add_redirect("/old-c", redirect_to=lille)

    first = api.get("/api/v2/redirects/", {"limit": 2}).json()
    second = api.get("/api/v2/redirects/", {"limit": 2, "offset": 2}).json()

    assert first["meta"]["total_count"] == 3
    assert [(r["old_path"], r["location"], r["status"]) for r in first["items"]] == [
        ("/old-a", "/lille/", 301),
        ("/old-b", "https://example.org/", 302),
    ]
    assert [r["old_path"] for r in second["items"]] == ["/old-c"]


def test_redirects_of_another_site_are_not_listed(api, hub):
    other = Site.objects.create(hostname="other.example", port=80, root_page=hub)
    Redirect.add_redirect("/elsewhere", redirect_to="https://example.org/", site=other)
    Redirect.add_redirect("/everywhere", redirect_to="https://example.org/")

    here = api.get("/api/v2/redirects/").json()["items"]
    there = api.get("/api/v2/redirects/", {"site": "other.example"}).json()["items"]

    assert [r["old_path"] for r in here] == ["/everywhere"]
    assert [r["old_path"] for r in there] == ["/elsewhere", "/everywhere"]


def test_redirects_to_pages_nobody_may_see_are_not_listed(api):
    draft = CaseStudyPageFactory(title="Secret plan", slug="secret-plan", live=False)
    Redirect.add_redirect("/plan", redirect_to=draft)

    data = api.get("/api/v2/redirects/").json()

    assert data == {"meta": {"total_count": 0}, "items": []}


def test_a_new_redirect_shows_at_once_in_cached_answers(api, settings):
    settings.API_CACHE_ENABLED = True
    assert api.get("/api/v2/redirects/").json()["items"] == []
    assert find(api, "/gone/").status_code == 404

    Redirect.add_redirect("/gone", redirect_to=case_study("en", "lille"))

    assert [r["old_path"] for r in api.get("/api/v2/redirects/").json()["items"]] == ["/gone"]
    assert find(api, "/gone/").json()["location"] == "/lille/"


@pytest.mark.parametrize(
    "query", [{"limit": "-1"}, {"limit": "101"}, {"offset": "x"}, {"page": "2"}]
)
def test_bad_redirect_listing_parameters_are_a_400(api, query):
    assert api.get("/api/v2/redirects/", query).status_code == 400


# --- the sitemap ------------------------------------------------------------------------------


def public_paths_by_walking_the_tree() -> set[tuple[str, str]]:
    """What the sitemap must list, worked out the long way: each live page with no hidden
    ancestor (itself included)."""
    now = timezone.now()
    restricted = set(PageViewRestriction.objects.values_list("page__path", flat=True))
    found = set()
    for page in Page.objects.filter(depth__gt=1).specific():
        line = [page, *page.get_ancestors().filter(depth__gt=1)]
        if all(
            p.live and (p.expire_at is None or p.expire_at > now) and p.path not in restricted
            for p in line
        ):
            found.add((page.locale.language_code, page.specific.get_url_parts()[2]))
    return found


def test_the_sitemap_lists_every_public_page_in_every_language(api):
    data = sitemap(api)

    listed = {(item["locale"], item["path"]) for item in data["items"]}
    assert listed == public_paths_by_walking_the_tree()
    assert {"en", "fr"} <= {locale for locale, _path in listed}
    assert ("fr", "/fr/lille/") in listed and ("en", "/") in listed
    assert data["meta"]["total_count"] == len(listed)


def test_each_sitemap_entry_has_its_translations_and_last_publication(api):
    lille = case_study("en", "lille")
    entry = next(i for i in sitemap(api)["items"] if i["id"] == lille.pk)

    assert entry["type"] == "pages.CaseStudyPage"
    assert entry["last_published_at"] == lille.last_published_at.isoformat()
    assert {"locale": "en", "path": "/lille/"} in entry["translations"]
    assert {"locale": "fr", "path": "/fr/lille/"} in entry["translations"]


def test_drafts_private_expired_and_unpublished_pages_are_not_in_the_sitemap(api):
    CaseStudyPageFactory(title="Draft", slug="draft-story", live=False)
    private = CaseStudyPageFactory(title="Private", slug="private-story")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    CaseStudyPageFactory(
        title="Expired", slug="expired-story", expire_at=timezone.now() - timedelta(minutes=1)
    )
    unpublished = CaseStudyPageFactory(title="Withdrawn", slug="withdrawn-story")
    unpublished.unpublish()
    below_private = CaseStudyPageFactory(title="Child", slug="child-story", parent=private)
    CaseStudyPageFactory(title="Public", slug="public-story")

    paths = {item["path"] for item in sitemap(api)["items"]}

    assert "/public-story/" in paths
    hidden = {"/draft-story/", "/private-story/", "/expired-story/", "/withdrawn-story/"}
    assert not hidden & paths
    assert below_private.url_path not in paths and "/private-story/child-story/" not in paths
    french_lille = case_study("fr", "lille")
    french_lille.unpublish()
    entry = next(i for i in sitemap(api)["items"] if i["path"] == "/lille/")
    assert entry["translations"] == [{"locale": "en", "path": "/lille/"}]


def test_the_sitemap_is_paginated(api):
    everything = sitemap(api)["items"]

    pages = [
        sitemap(api, limit=3, offset=offset)["items"] for offset in range(0, len(everything), 3)
    ]

    assert [item for page in pages for item in page] == everything


def test_a_published_page_shows_at_once_in_the_cached_sitemap(api, settings):
    settings.API_CACHE_ENABLED = True
    before = {item["path"] for item in sitemap(api)["items"]}
    CaseStudyPageFactory(title="Fresh", slug="fresh-story")

    after = {item["path"] for item in sitemap(api)["items"]}

    assert after - before == {"/fresh-story/"}


def test_a_sitemap_of_a_site_that_does_not_exist_is_a_400(api):
    response = api.get("/api/v2/sitemap/", {"site": "nowhere.example"})

    assert response.status_code == 400
    assert "nowhere.example" in response.json()["message"]
