import pytest

from pages.models import CaseStudyPage, HubPage
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory_class",
    [
        factories.ImageFactory,
        factories.DocumentFactory,
        factories.PartnerCityFactory,
        factories.AgreementFactory,
        factories.NetworkFactory,
    ],
)
def test_each_model_factory_saves_a_valid_object(factory_class):
    obj = factory_class()
    obj.full_clean()
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_case_study_factory_publishes_under_the_hub(hub):
    page = factories.CaseStudyPageFactory(title="Factory case study")
    assert page.live
    assert page.get_parent().specific == hub
    assert CaseStudyPage.objects.live().filter(pk=page.pk).exists()


def test_case_study_factory_can_make_a_draft():
    page = factories.CaseStudyPageFactory(live=False)
    assert not page.live
    assert page.has_unpublished_changes


def test_hub_factory_adds_a_second_root():
    hub = factories.HubPageFactory(title="Another hub")
    assert hub.depth == 2 and HubPage.objects.filter(pk=hub.pk).exists()
