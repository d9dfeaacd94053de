"""Old links keep working when editors rename and move pages in the real admin (Chromium): the
API's `find` answers an old front-end path with where the page is now, the reference front end
takes the visitor there, and Settings > Redirects takes hand-made redirects (an external URL)
but refuses one that would loop.

See test_editor_journey_in_browser.py for how the live server shares the test's transaction;
Wagtail makes a rename's redirects when the publishing transaction commits, so publishing steps
run inside `committed()`.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from pages.models import CaseStudyPage, FrontendSettings
from tests.editors.browser import TIMEOUT_MS, django_orm, footer_action, open_tab
from tests.factories import CaseStudyPageFactory, HubPageFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

TWINNING_FRONT_END = "https://twinning.example.net"


@pytest.fixture
def find(admin_server, chromium):
    """The API's `find` as a front end calls it (no session): the JSON of a redirect (200), or
    the status and Location of anything else."""
    context = chromium.playwright.request.new_context(base_url=admin_server.url)

    def get(html_path: str) -> dict:
        response = context.get(
            "/api/v2/pages/find/",
            params={"html_path": html_path},
            max_redirects=0,
            timeout=TIMEOUT_MS,
        )
        if response.status == 200:
            return response.json()
        return {"status": response.status, "Location": response.headers.get("location")}

    yield get
    context.dispose()


def lille(language: str) -> CaseStudyPage:
    with django_orm():
        return CaseStudyPage.objects.get(slug="lille", locale__language_code=language)


@pytest.fixture
def visitor(chromium):
    """Someone with a browser of their own (no admin session) following links."""
    context = chromium.browser.new_context()
    yield context.new_page()
    context.close()


def change_slug_and_publish(page, admin_server, page_pk: int, slug: str, committed) -> None:
    page.goto(f"{admin_server.url}/admin/pages/{page_pk}/edit/")
    open_tab(page, "Promotion / SEO")
    page.fill("#id_slug", slug)
    with committed():
        footer_action(page, "Publish").click()
        expect(page.locator(".messages")).to_contain_text("has been published")


def test_a_renamed_case_study_old_urls_take_visitors_to_its_new_url_also_in_french(
    people, admin, admin_server, front_end, find, committed, visitor
):
    english, french = lille("en"), lille("fr")
    reviewer = admin(*people.reviewer)

    change_slug_and_publish(reviewer, admin_server, english.pk, "lille-france", committed)

    renamed = find("/lille/")
    del renamed["id"]
    assert renamed == {
        "old_path": "/lille",
        "location": "/lille-france/",
        "is_permanent": True,
        "status": 301,
        "page": english.pk,
    }
    # The French page keeps its own address until its translator changes it.
    assert find("/fr/lille/") == {"status": 302, "Location": f"/api/v2/pages/{french.pk}/"}

    # The translator renames it in wagtail-localize's editor and publishes it.
    reviewer.goto(f"{admin_server.url}/admin/pages/{french.pk}/edit/")
    reviewer.get_by_text("Promotion / SEO").click()
    slug = reviewer.locator(
        "#tab-promotion-seo li", has=reviewer.get_by_role("heading", name="Slug", exact=True)
    )
    slug.get_by_role("button", name="Edit").click()
    slug.locator("textarea").fill("lille-en-france")
    slug.get_by_role("button", name="Save").click()
    expect(slug).to_contain_text("lille-en-france")
    with committed():
        reviewer.get_by_role("button", name="Publish in French").click()
        expect(reviewer.locator(".messages")).to_contain_text("Published 'Lille' in French.")

    renamed = find("/fr/lille/")
    del renamed["id"]
    assert renamed == {
        "old_path": "/fr/lille",
        "location": "/fr/lille-en-france/",
        "is_permanent": True,
        "status": 301,
        "page": french.pk,
    }

    # A visitor following an old link on the reference front end lands on the page.
    visitor.goto(f"{front_end.url}/lille/")
    visitor.wait_for_url(f"{front_end.url}/lille-france/")
    expect(visitor.locator("article.case-study h1")).to_have_text("Lille")
    visitor.goto(f"{front_end.url}/fr/lille/")
    visitor.wait_for_url(f"{front_end.url}/fr/lille-en-france/")
    expect(visitor.locator("article.case-study h1")).to_have_text("Lille")


@pytest.fixture
def twinning_site(db) -> None:
    """A second site with its own (English) hub and front end. With one hub per language and
    site, and case studies only under a hub, the admin can move a case study only there."""
    with django_orm():
        other_hub = HubPageFactory(
            title="Twinning", slug="twinning", parent=Page.get_first_root_node()
        )
        other = Site.objects.create(hostname="twinning-cms.example.net", root_page=other_hub)
        FrontendSettings.objects.create(site=other, frontend_url=TWINNING_FRONT_END + "/")


def test_a_case_study_moved_to_another_site_sends_its_old_url_to_its_new_front_end(
    people, admin, admin_server, find, committed, twinning_site
):
    with django_orm():
        story = CaseStudyPageFactory(
            title="School exchanges",
            slug="school-exchanges",
            parent=Site.objects.get(is_default_site=True).root_page,
        )
    assert find("/school-exchanges/") == {  # the page, on this site
        "status": 302,
        "Location": f"/api/v2/pages/{story.pk}/",
    }

    reviewer = admin(*people.reviewer)
    reviewer.goto(f"{admin_server.url}/admin/pages/{story.pk}/move/")
    # The new parent is chosen in Wagtail's page chooser, which lists the tree root's hubs.
    reviewer.get_by_role("button", name="Actions").click()
    reviewer.get_by_role("button", name="Choose another page").click()
    modal = reviewer.locator(".modal-dialog")
    modal.get_by_role("link", name="Twinning", exact=True).click()
    expect(modal).to_be_hidden()
    expect(reviewer.locator("#id_new_parent_page-title")).to_have_text("Twinning")
    reviewer.get_by_role("button", name="Confirm").click()
    expect(reviewer.get_by_text("Are you sure you want to move this page into")).to_be_visible()
    with committed():
        reviewer.get_by_role("button", name="Yes, move this page").click()
        expect(reviewer.locator(".messages")).to_contain_text("Page 'School exchanges' moved.")

    moved = find("/school-exchanges/")
    assert (moved["location"], moved["status"], moved["page"]) == (
        f"{TWINNING_FRONT_END}/school-exchanges/",
        301,
        story.pk,
    )


def add_redirect_in_admin(page, admin_server, old_path: str, link: str, permanent: bool) -> None:
    """Settings > Redirects > Add redirect, to a URL."""
    page.goto(f"{admin_server.url}/admin/redirects/")
    page.get_by_role("link", name="Add redirect").first.click()
    page.get_by_label("Redirect from").fill(old_path)
    page.get_by_label("Redirect to any URL").fill(link)
    page.get_by_label("Permanent").set_checked(permanent)
    page.get_by_role("button", name="Create").click()


def test_a_hand_made_temporary_redirect_to_an_external_url_sends_visitors_there(
    administrator, admin, admin_server, front_end, find, committed, visitor
):
    ada = admin(*administrator)
    with committed():
        add_redirect_in_admin(
            ada, admin_server, "/twinning", f"{TWINNING_FRONT_END}/schools", False
        )
        expect(ada.locator(".messages")).to_contain_text("Redirect '/twinning' added.")
    expect(ada.locator("table.listing")).to_contain_text("/twinning")

    made = find("/twinning/")
    del made["id"]
    assert made == {
        "old_path": "/twinning",
        "location": f"{TWINNING_FRONT_END}/schools",
        "is_permanent": False,
        "status": 302,
        "page": None,
    }
    # The external site is outside the machine: the visitor's browser answers for it.
    visitor.route(
        f"{TWINNING_FRONT_END}/**", lambda route: route.fulfill(body="<h1>School twinning</h1>")
    )
    visitor.goto(f"{front_end.url}/twinning/")
    visitor.wait_for_url(f"{TWINNING_FRONT_END}/schools")
    expect(visitor.locator("h1")).to_have_text("School twinning")


def test_a_redirect_that_would_loop_is_refused_in_the_admin_and_not_saved(
    administrator, admin, admin_server, front_end, find, committed
):
    ada = admin(*administrator)
    with committed():
        add_redirect_in_admin(ada, admin_server, "/ping", f"{front_end.url}/pong/", True)
        expect(ada.locator(".messages")).to_contain_text("Redirect '/ping' added.")

    add_redirect_in_admin(ada, admin_server, "/pong", f"{front_end.url}/ping/", True)

    refusal = ada.locator(".messages")
    expect(refusal).to_contain_text("The redirect could not be created due to errors.")
    expect(refusal).to_contain_text("This redirect would loop")
    expect(ada.locator("#id_old_path")).to_have_value("/pong")  # the form comes back
    with django_orm():
        assert not Redirect.objects.filter(old_path="/pong").exists()
    assert find("/pong/")["status"] == 404
    assert find("/ping/")["location"] == "/pong/"  # the first one stands
