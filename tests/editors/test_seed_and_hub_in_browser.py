"""What editors do in the real admin (Chromium) stays done, and shows: a case study and a
partner city deleted in the admin stay deleted when `load_seed` runs again (as `make run` and
`make serve-production` run it at every start), and a case study published in the admin
appears on the reference front end's hub.

See test_editor_journey_in_browser.py for how the live server shares the test's transaction.
"""

from __future__ import annotations

import os
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from pages.models import CaseStudyPage, HubPage, PartnerCity
from tests.editors.browser import django_orm, footer_action

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db]

CASE_STUDY = "Bambisanani Partnership"  # seeded
PARTNER_CITY = "Durban"  # seeded
NEW_CASE_STUDY = "Leeds and Hangzhou: a new exchange of young engineers"


@pytest.fixture
def public_page(chromium):
    context = chromium.browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def front_end_hub(page, front_end) -> dict[str, list[str]]:
    """What a reader sees on the reference front end's hub."""
    page.goto(front_end.url + "/")
    expect(page.locator("article.hub h1")).to_be_visible()
    expect(page.locator(".teasers .teaser").first).to_be_visible()
    return {
        "cities": page.locator(".partner-city h3").all_inner_texts(),
        "teasers": page.locator(".teasers .teaser h3").all_inner_texts(),
    }


def test_a_case_study_and_a_partner_city_deleted_in_the_admin_stay_deleted_after_load_seed(
    administrator, admin, anonymous_api, committed, admin_server, front_end, public_page
):
    with django_orm():
        case_study = CaseStudyPage.objects.get(title=CASE_STUDY, locale__language_code="en")
        city = PartnerCity.objects.get(name=PARTNER_CITY, locale__language_code="en")
    ada = admin(*administrator)

    ada.goto(f"{admin_server.url}/admin/pages/{case_study.pk}/delete/")
    with committed():
        ada.get_by_role("button", name=re.compile(r"^Yes, delete")).click()
        expect(ada.locator(".messages")).to_contain_text("deleted")
    ada.goto(f"{admin_server.url}/admin/snippets/pages/partnercity/delete/{city.pk}/")
    with committed():
        ada.get_by_role("button", name=re.compile(r"^Yes, delete")).click()
        expect(ada.locator(".messages")).to_contain_text("deleted")

    # The next start of `make run` loads the seed again.
    with committed(), django_orm():
        call_command("load_seed", stdout=open(os.devnull, "w"))
        assert not CaseStudyPage.objects.filter(title=CASE_STUDY).exists()
        assert not PartnerCity.objects.filter(name=PARTNER_CITY).exists()

    cities = anonymous_api("/api/v2/partner-cities/", limit=100)["items"]
    assert PARTNER_CITY not in [item["name"] for item in cities]
    studies = anonymous_api("/api/v2/pages/", type="pages.CaseStudyPage", limit=100)["items"]
    assert CASE_STUDY not in [item["title"] for item in studies]
    seen = front_end_hub(public_page, front_end)
    assert not [name for name in seen["cities"] if name.startswith(PARTNER_CITY)]
    assert CASE_STUDY not in seen["teasers"] and len(seen["teasers"]) == 3


def test_a_case_study_published_in_the_admin_appears_on_the_front_end_hub(
    people, admin, anonymous_api, committed, admin_server, front_end, public_page
):
    with django_orm():
        hub = HubPage.objects.get(depth=2, locale__language_code="en")
    before = front_end_hub(public_page, front_end)["teasers"]
    assert NEW_CASE_STUDY not in before

    reviewer = admin(*people.reviewer)  # reviewers publish directly
    reviewer.goto(f"{admin_server.url}/admin/pages/{hub.pk}/add_subpage/")
    expect(reviewer.get_by_role("heading", name="New: Case study")).to_be_visible()
    reviewer.fill("#id_title", NEW_CASE_STUDY)
    reviewer.fill("#id_summary", "Apprentices from both cities swap workshops for a term.")
    with committed():
        footer_action(reviewer, "Publish").click()
        expect(reviewer.locator(".messages")).to_contain_text("published")

    # The hub lists the latest case studies: the new one comes first, on the next request.
    after = front_end_hub(public_page, front_end)["teasers"]
    assert after[0] == NEW_CASE_STUDY and after[1:] == before
    teaser = public_page.locator(".teasers .teaser", has_text=NEW_CASE_STUDY)
    teaser.get_by_role("link").click()
    expect(public_page.locator("article.case-study h1")).to_have_text(NEW_CASE_STUDY)
