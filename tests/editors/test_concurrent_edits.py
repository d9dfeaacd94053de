"""Two people editing the same page or partner city in the admin: a form loaded before the
other person saved is sent back once with a warning and everything typed in it, instead of
silently replacing their version; saving again then goes through, knowingly."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pages.models import CaseStudyPage, PartnerCity

from .conftest import edit_form
from .test_snippet_workflow import city_form

pytestmark = pytest.mark.django_db


def loaded_revision(client, url: str) -> dict:
    """The revision an edit form was loaded from (Wagtail's hidden inputs)."""
    html = client.get(url).content.decode()
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html)[1]
        for name in ("loaded_revision_id", "loaded_revision_created_at")
    }


@pytest.fixture
def lille(db) -> CaseStudyPage:
    return CaseStudyPage.objects.get(slug="lille", locale__language_code="en")


def test_a_page_form_loaded_before_someone_elses_save_is_sent_back_with_a_warning(
    client, editor_user, reviewer_user, lille
):
    url = reverse("wagtailadmin_pages:edit", args=(lille.pk,))
    client.force_login(editor_user)
    eddies_form = loaded_revision(client, url)

    # Rita saves her change while Eddie is still typing.
    client.force_login(reviewer_user)
    ritas = edit_form(lille, summary="Rita's summary.", **loaded_revision(client, url))
    assert client.post(url, ritas).status_code == 302
    ritas_revision = CaseStudyPage.objects.get(pk=lille.pk).latest_revision_id

    # Eddie's save is refused once: his text is still in the form, Rita's version is intact.
    client.force_login(editor_user)
    data = edit_form(lille, summary="Eddie's summary.", **eddies_form)
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "rita saved a newer version" in html and "Nothing you changed is saved yet" in html
    assert "Eddie&#x27;s summary." in html
    page = CaseStudyPage.objects.get(pk=lille.pk)
    assert page.latest_revision_id == ritas_revision
    assert page.get_latest_revision_as_object().summary == "Rita's summary."

    # The form he got back names Rita's revision: saving again replaces it, knowingly.
    again = edit_form(lille, summary="Eddie's summary.", **loaded_revision_from(html))
    assert client.post(url, again).status_code == 302
    page = CaseStudyPage.objects.get(pk=lille.pk)
    assert page.get_latest_revision_as_object().summary == "Eddie's summary."
    assert page.revisions.filter(pk=ritas_revision).exists()  # still in the history


def loaded_revision_from(html: str) -> dict:
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html)[1]
        for name in ("loaded_revision_id", "loaded_revision_created_at")
    }


def test_a_partner_city_form_loaded_before_someone_elses_save_is_sent_back(
    client, editor_user, reviewer_user
):
    brno = PartnerCity.objects.get(name="Brno", locale__language_code="en")
    url = reverse("wagtailsnippets_pages_partnercity:edit", args=(brno.pk,))
    client.force_login(editor_user)
    eddies_form = loaded_revision(client, url)

    client.force_login(reviewer_user)
    ritas = city_form(brno, summary="Rita's summary.", **loaded_revision(client, url))
    assert client.post(url, ritas).status_code == 302

    client.force_login(editor_user)
    response = client.post(url, city_form(brno, summary="Eddie's summary.", **eddies_form))
    assert response.status_code == 200
    assert "rita saved a newer version" in response.content.decode()
    brno = PartnerCity.objects.get(pk=brno.pk)
    assert brno.get_latest_revision_as_object().summary == "Rita's summary."

    again = city_form(
        brno, summary="Eddie's summary.", **loaded_revision_from(response.content.decode())
    )
    assert client.post(url, again).status_code == 302
    brno = PartnerCity.objects.get(pk=brno.pk)
    assert brno.get_latest_revision_as_object().summary == "Eddie's summary."


def test_an_overwrite_confirmed_in_wagtails_dialog_is_saved_at_once(
    client, editor_user, reviewer_user, lille
):
    """Wagtail's editing-session dialog ("rita saved a new version ... Continue") already asked:
    the form it submits carries `overwrite_confirmed`, and is not asked about again."""
    url = reverse("wagtailadmin_pages:edit", args=(lille.pk,))
    client.force_login(editor_user)
    eddies_form = loaded_revision(client, url)
    assert "overwrite_confirmed" in client.get(url).content.decode()  # the editor's script
    client.force_login(reviewer_user)
    client.post(url, edit_form(lille, summary="Rita's summary.", **loaded_revision(client, url)))

    client.force_login(editor_user)
    data = edit_form(lille, summary="Eddie's summary.", overwrite_confirmed="1", **eddies_form)
    assert client.post(url, data).status_code == 302
    page = CaseStudyPage.objects.get(pk=lille.pk)
    assert page.get_latest_revision_as_object().summary == "Eddie's summary."
