"""The admin as the README describes it: avatars that the admin's CSP lets through, one
moderation workflow with the two groups that use it, and no autosave."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import Page, Workflow, WorkflowContentType, WorkflowPage

from pages.models import CaseStudyPage, HubPage, Network, PartnerCity

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client


def test_every_avatar_in_the_admin_comes_from_the_cms_itself(editor_client, settings):
    response = editor_client.get(reverse("wagtailadmin_home"))
    html = response.content.decode()
    # The sidebar's account menu (React, from JSON) and the dashboard's account card.
    avatars = re.findall(r'"avatarUrl": "([^"]*)"', html)
    avatars += re.findall(r'<span\s+class="avatar[^"]*"\s*>\s*<img src="([^"]*)"', html)
    assert len(avatars) >= 2, "the sidebar and the account card show the editor's avatar"
    # Same origin: the admin's CSP (img-src 'self' data: blob:) allows them.
    assert all(src.startswith(settings.STATIC_URL) for src in avatars), avatars
    assert "gravatar" not in html.lower()
    assert "img-src 'self' data: blob:" in response["Content-Security-Policy"]


def test_one_moderation_workflow_and_the_two_groups_the_readme_names():
    assert set(Group.objects.values_list("name", flat=True)) == {"Editors", "Reviewers"}
    assert list(Workflow.objects.values_list("name", flat=True)) == ["Reviewers"]
    reviewers = Workflow.objects.get(name="Reviewers")
    root = Page.get_first_root_node()
    assert WorkflowPage.objects.get(page=root).workflow == reviewers
    for model in (PartnerCity, Network):
        content_type = ContentType.objects.get_for_model(model)
        assert WorkflowContentType.objects.get(content_type=content_type).workflow == reviewers
    task = reviewers.tasks.get()
    assert (task.name, [g.name for g in task.specific.groups.all()]) == (
        "Reviewer approves",
        ["Reviewers"],
    )


def test_the_editors_do_not_autosave_but_keep_the_editing_session_warning(editor_client):
    hub = HubPage.objects.get(depth=2, locale__language_code="en")
    lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    brno = PartnerCity.objects.get(name="Brno", locale__language_code="en")
    for url in (
        reverse("wagtailadmin_pages:add", args=("pages", "casestudypage", hub.pk)),
        reverse("wagtailadmin_pages:edit", args=(lille.pk,)),
        reverse("wagtailsnippets_pages_partnercity:edit", args=(brno.pk,)),
    ):
        html = editor_client.get(url).content.decode()
        # The editor's form: data-edit-form, then its controllers.
        controllers = re.search(r'data-edit-form\s+data-controller="([^"]*)"', html)[1].split()
        assert "w-autosave" not in controllers, url
        assert "w-unsaved" in controllers  # leaving with unsaved changes asks first
    for url in (
        reverse("wagtailadmin_pages:edit", args=(lille.pk,)),
        reverse("wagtailsnippets_pages_partnercity:edit", args=(brno.pk,)),
    ):
        html = editor_client.get(url).content.decode()
        # Wagtail's editing sessions: who else is here, and "X saved a new version".
        assert 'data-controller="w-swap w-action w-session"' in html, url
        assert 'id="w-save-confirmation-dialog"' in html, url
