import pytest

from tests.factories import AgreementFactory, PartnerCityFactory

pytestmark = pytest.mark.django_db


def names(response):
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_partner_cities_are_listed_with_their_agreements(api):
    response = api.get("/api/v2/partner-cities/")
    items = response.json()["items"]
    assert response.json()["meta"]["total_count"] == 5
    lille = next(i for i in items if i["name"] == "Lille")
    assert lille["country"] == "FR" and lille["latitude"] == pytest.approx(50.6292)
    assert lille["agreements"][0]["title"] == "Twinning agreement"
    assert lille["image"]["alt"]


def test_partner_city_detail(api):
    city = PartnerCityFactory(name="Brnoville")
    AgreementFactory(city=city, title="Memorandum")
    data = api.get(f"/api/v2/partner-cities/{city.pk}/").json()
    assert data["name"] == "Brnoville" and data["agreements"][0]["title"] == "Memorandum"
    assert data["meta"]["locale"] == "en"


def test_partner_cities_filter_by_country(api):
    assert names(api.get("/api/v2/partner-cities/", {"country": "DE"})) == ["Dortmund"]


def test_partner_cities_filter_by_year_range(api):
    assert names(api.get("/api/v2/partner-cities/", {"year_from": 1960, "year_to": 1970})) == [
        "Lille",
        "Dortmund",
    ]


def test_partner_cities_order_by_name_descending(api):
    assert names(api.get("/api/v2/partner-cities/", {"order": "-name"}))[:2] == [
        "Lille",
        "Hangzhou",
    ]


def test_networks_are_listed_and_filterable(api):
    assert "Eurocities" in names(api.get("/api/v2/networks/"))
    assert names(api.get("/api/v2/networks/", {"year_from": 2020})) == [
        "OECD Champion Mayors for Inclusive Growth"
    ]


@pytest.mark.parametrize(
    "query", [{"year_from": "abc"}, {"year_to": "-5"}, {"locale": "xx"}, {"country__nope": "1"}]
)
def test_bad_snippet_filters_are_a_400_with_a_message(api, query):
    response = api.get("/api/v2/partner-cities/", query)
    assert response.status_code == 400
    assert response.json()["message"]


def test_a_partner_city_embedded_in_a_page_has_the_shape_of_its_endpoint(api, hub):
    body = api.get(f"/api/v2/pages/{hub.pk}/").json()["body"]
    embedded = next(b["value"]["cities"][0] for b in body if b["type"] == "partner_cities")
    own = api.get(embedded["meta"]["detail_url"]).json()
    assert set(embedded) == set(own)
    own_meta = dict(own["meta"])
    assert own_meta.pop("translation_out_of_date") is None  # detail only, as for pages
    assert (
        embedded["meta"]
        == own_meta
        == {
            "type": "pages.PartnerCity",
            "detail_url": f"/api/v2/partner-cities/{embedded['id']}/",
            "locale": "en",
            "fallback": False,
        }
    )


def test_a_network_embedded_in_a_case_study_has_the_shape_of_its_endpoint(api):
    from pages.models import CaseStudyPage

    page = CaseStudyPage.objects.exclude(related_network=None).first()
    embedded = api.get(f"/api/v2/pages/{page.pk}/").json()["related_network"]
    listed = next(
        item
        for item in api.get("/api/v2/networks/").json()["items"]
        if item["id"] == embedded["id"]
    )
    assert embedded == listed
