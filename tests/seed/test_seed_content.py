"""Every fact of the source text is in the seeded content."""

import datetime

import pytest

from pages.models import CaseStudyPage, HubPage, Network, PartnerCity

pytestmark = pytest.mark.django_db


def test_partner_cities_carry_their_countries_and_years():
    cities = {c.name: c for c in PartnerCity.objects.all()}
    assert {n: (c.country, c.year_signed, c.period) for n, c in cities.items()} == {
        "Lille": ("FR", 1968, ""),
        "Dortmund": ("DE", 1969, ""),
        "Hangzhou": ("CN", None, "late 1980s"),
        "Brno": ("CZ", None, "after Hangzhou, late 1980s or later"),
        "Durban": ("ZA", 1998, ""),
    }


def test_the_dortmund_agreement_was_re_signed_in_february_2021():
    agreements = PartnerCity.objects.get(name="Dortmund").agreements.all()
    resigned = [a for a in agreements if a.status == "re-signed"]
    assert [(a.date, a.date_precision) for a in resigned] == [(datetime.date(2021, 2, 1), "month")]


def test_new_cooperation_agreements_are_planned_with_lille_and_brno():
    planned = {
        a.city.name
        for a in PartnerCity.objects.get(name="Lille", locale__language_code="en").agreements.all()
        if a.status == "planned"
    }
    planned |= {
        a.city.name
        for a in PartnerCity.objects.get(name="Brno").agreements.all()
        if a.status == "planned"
    }
    assert planned == {"Lille", "Brno"}


def test_networks_carry_roles_years_and_counts():
    networks = {n.name: n for n in Network.objects.all()}
    eurocities = networks["Eurocities"]
    assert (eurocities.member_city_count, eurocities.country_count) == (190, 39)
    assert "Children and Young People" in eurocities.role
    assert networks["OECD Champion Mayors for Inclusive Growth"].year_joined == 2020
    assert "World Economic Forum" in networks["G20 Global Smart Cities Alliance"].role


def test_the_hub_has_every_section_and_key_figure_of_the_source():
    hub = HubPage.objects.get(depth=2, locale__language_code="en")
    kinds = [block.block_type for block in hub.body]
    assert {
        "section",
        "partner_cities",
        "networks",
        "case_study_teasers",
        "key_figure",
        "call_to_action",
    } <= set(kinds)
    figures = {
        (b.value["figure"], b.value["label"]) for b in hub.body if b.block_type == "key_figure"
    }
    assert figures == {("190", "cities"), ("39", "countries"), ("10,000", "students")}
    text = " ".join(str(b.value["text"]) for b in hub.body if b.block_type == "section")
    for fact in (
        "1968",
        "Lille",
        "Dortmund",
        "Hangzhou",
        "Brno",
        "Durban in 1998",
        "New York and Tokyo",
        "pledges on plastic and climate",
        "February 2021",
        "anti-apartheid",
    ):
        assert fact in text
    assert hub.hero_caption == "Leeds welcomes Chinese Olympic Committee"


@pytest.mark.parametrize(
    ("slug", "facts"),
    [
        ("lille", ["1930s", "1968", "Leeds2023", "South Bank", "high speed rail station"]),
        (
            "eurocities-working-group-children-and-young-people",
            ["EU Child Guarantee", "2019", "child poverty"],
        ),
        (
            "g20-global-smart-cities-alliance",
            [
                "Covid-19",
                "35 other cities from 22 countries",
                "Barcelona, Mexico City, and Melbourne",
            ],
        ),
        (
            "bambisanani-partnership",
            [
                "working hand-in-hand",
                "Zulu",
                "2006",
                "British Council",
                "10,000 students",
                "KwaZulu-Natal",
                "15 years",
            ],
        ),
    ],
)
def test_each_case_study_has_its_full_text(slug, facts):
    page = CaseStudyPage.objects.get(slug=slug, locale__language_code="en")
    text = " ".join(str(block.value) for block in page.body)
    for fact in facts:
        assert fact in text, fact
    assert page.summary and page.hero_image is not None


def test_the_bambisanani_partnership_lists_its_partner_organisations():
    page = CaseStudyPage.objects.get(slug="bambisanani-partnership")
    names = [o.name for o in page.partner_organisations.all()]
    assert "St Mary’s High School Menston" in names and "Mnyakanya High School" in names
    assert "University of Leeds" in names and "Leeds Trinity University" in names


def test_case_studies_link_to_their_partner_city_or_network():
    assert (
        CaseStudyPage.objects.get(
            slug="lille", locale__language_code="en"
        ).related_partner_city.name
        == "Lille"
    )
    assert (
        CaseStudyPage.objects.get(slug="g20-global-smart-cities-alliance").related_network.name
        == "G20 Global Smart Cities Alliance"
    )
