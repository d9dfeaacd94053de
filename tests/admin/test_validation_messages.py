"""Validation messages in the admin say how to fix the problem."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from pages.models import PartnerCity
from tests.editors.conftest import case_study_form

pytestmark = pytest.mark.django_db


def test_a_partner_city_signed_in_the_future_is_refused_with_a_fix(admin_client):
    next_year = timezone.now().year + 1
    data = nested_form_data(
        {
            "name": "Futureville",
            "country": "FR",
            "year_signed": next_year,
            "period": "",
            "summary": "Not yet.",
            "latitude": "",
            "longitude": "",
            "image": "",
            "agreements": inline_formset([]),
        }
    )
    response = admin_client.post(reverse("wagtailsnippets_pages_partnercity:add"), data)
    html = response.content.decode()
    assert f"{next_year} is in the future" in html
    assert "describe the period" in html
    assert not PartnerCity.objects.filter(name="Futureville").exists()


def test_a_case_study_without_a_summary_is_refused_with_a_fix(admin_client, hub):
    url = reverse("wagtailadmin_pages:add", args=("pages", "casestudypage", hub.pk))
    # A draft may be incomplete; publishing is where the summary is enforced.
    data = case_study_form("No summary", "no-summary", summary="", **{"action-publish": "1"})
    response = admin_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" in html
    assert "shown on the hub" in html  # the help text beside the error says what to write
