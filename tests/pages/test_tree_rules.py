import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from pages.models import CaseStudyPage, HubPage
from tests.factories import CaseStudyPageFactory

pytestmark = pytest.mark.django_db


def test_a_case_study_can_only_be_created_under_a_hub(hub):
    assert CaseStudyPage.can_create_at(hub)
    lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    assert not CaseStudyPage.can_create_at(lille)
    assert not CaseStudyPage.can_create_at(Page.get_first_root_node())


def test_a_hub_only_sits_at_the_top_of_the_tree(hub):
    assert HubPage.allowed_parent_page_models() == [Page]
    assert not HubPage.can_create_at(hub)


def test_a_case_study_cannot_be_moved_under_another_case_study():
    lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    other = CaseStudyPage.objects.get(slug="bambisanani-partnership")
    assert not other.can_move_to(lille)


def test_the_admin_refuses_to_add_a_case_study_under_a_case_study(client, editor):
    client.force_login(editor)
    lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    response = client.get(f"/admin/pages/add/pages/casestudypage/{lille.pk}/")
    assert response.status_code in (302, 403)
    assert not CaseStudyPage.objects.child_of(lille).exists()


def test_a_find_out_more_link_needs_its_label():
    page = CaseStudyPageFactory()
    page.find_out_more_url = "https://example.org/"
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "find_out_more_label" in error.value.message_dict


def test_a_case_study_without_a_summary_is_rejected():
    page = CaseStudyPageFactory()
    page.summary = ""
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "summary" in error.value.message_dict
