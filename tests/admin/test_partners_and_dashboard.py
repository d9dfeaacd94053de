"""The admin an editor sees: a "Partners & networks" menu with search, filters and ordering,
and a dashboard of what needs attention."""

from __future__ import annotations

import pytest
from django.urls import reverse

from media.models import CustomImage
from pages.models import PartnerCity
from tests.factories import CaseStudyPageFactory, ImageFactory, NetworkFactory, PartnerCityFactory

pytestmark = pytest.mark.django_db

CITIES = "wagtailsnippets_pages_partnercity:list"
NETWORKS = "wagtailsnippets_pages_network:list"


def test_partners_and_networks_have_their_own_admin_menu(admin_client):
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    # The sidebar menu is rendered from JSON, where "&" is escaped as \u0026.
    assert "Partners \\u0026 networks" in html or "Partners &amp; networks" in html
    assert reverse(CITIES) in html
    assert reverse(NETWORKS) in html


def test_partner_cities_can_be_searched_by_name(admin_client):
    PartnerCityFactory(name="Siegen", country="DE")
    html = admin_client.get(reverse(CITIES), {"q": "Siegen"}).content.decode()
    assert "Siegen" in html
    assert "Lille" not in html


def test_partner_cities_can_be_filtered_by_country_and_year(admin_client):
    PartnerCityFactory(name="Siegen", country="DE", year_signed=1975)
    PartnerCityFactory(name="Brno", country="CZ", year_signed=1998)
    html = admin_client.get(reverse(CITIES), {"country": "DE"}).content.decode()
    assert "Siegen" in html and "Brno" not in html
    html = admin_client.get(reverse(CITIES), {"year_signed__gte": 1990}).content.decode()
    assert "Brno" in html and "Siegen" not in html


def test_networks_can_be_filtered_by_year_joined(admin_client):
    NetworkFactory(name="Old Alliance", year_joined=1985)
    NetworkFactory(name="New Alliance", year_joined=2020)
    html = admin_client.get(reverse(NETWORKS), {"year_joined__lte": 1990}).content.decode()
    assert "Old Alliance" in html and "New Alliance" not in html


def test_partner_cities_are_listed_oldest_partnership_first_and_can_be_reordered(admin_client):
    PartnerCityFactory(name="Aardvark City", year_signed=2001)
    response = admin_client.get(reverse(CITIES), {"ordering": "name"})
    names = [city.name for city in response.context["object_list"]]
    assert names == sorted(names)
    default = admin_client.get(reverse(CITIES)).context["object_list"]
    years = [city.year_signed for city in default if city.year_signed]
    assert years == sorted(years)


def test_agreements_are_edited_inline_with_their_partner_city(admin_client):
    city = PartnerCity.objects.filter(agreements__isnull=False).first()
    url = reverse("wagtailsnippets_pages_partnercity:edit", args=(city.pk,))
    html = admin_client.get(url).content.decode()
    assert 'name="agreements-TOTAL_FORMS"' in html
    assert city.agreements.first().title in html


def dashboard(client) -> str:
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Needs your attention" in html
    return html


def test_the_dashboard_lists_draft_case_studies(admin_client):
    CaseStudyPageFactory(title="Unfinished Hangzhou story", live=False)
    html = dashboard(admin_client)
    assert "Case studies in draft" in html
    assert "Unfinished Hangzhou story" in html


def test_the_dashboard_lists_case_studies_in_moderation(admin_client, admin_user):
    from wagtail.models import Workflow

    page = CaseStudyPageFactory(title="Waiting Dortmund story", live=False)
    Workflow.objects.get(name="Reviewers").start(page, admin_user)
    html = dashboard(admin_client)
    moderation = html.split("Case studies in moderation", 1)[1].split("Case studies in draft")[0]
    assert "Waiting Dortmund story" in moderation


def test_the_dashboard_lists_images_without_alt_text(admin_client):
    ImageFactory(title="Mystery photo")
    CustomImage.objects.filter(title="Mystery photo").update(description="")
    html = dashboard(admin_client)
    section = html.split("Images without alt text", 1)[1]
    assert "Mystery photo" in section


def test_the_dashboard_says_when_nothing_needs_attention(admin_client):
    html = dashboard(admin_client)
    assert "Nothing waits for a reviewer." in html
    assert "Every image has alt text." in html


def test_the_dashboard_counts_failed_webhook_deliveries(admin_client):
    from webhooks.models import Webhook, WebhookDelivery

    hook = Webhook.objects.create(name="Static build", url="https://example.org/hook", secret="s")
    WebhookDelivery.objects.create(
        webhook=hook, event="page.published", payload={}, status="failed"
    )
    WebhookDelivery.objects.create(
        webhook=hook, event="page.published", payload={}, status="delivered"
    )
    assert "1 failed deliveries." in dashboard(admin_client)
