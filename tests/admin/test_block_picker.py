"""The block picker of the page body: every block an editor can add has a label, an icon, a
description and a preview (Wagtail's block preview support) that shows what the block looks like."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pages.models import CaseStudyPage, HubPage, Network, PartnerCity

pytestmark = pytest.mark.django_db

BODY_BLOCKS = [
    (model, name, block)
    for model in (HubPage, CaseStudyPage)
    for name, block in model._meta.get_field("body").stream_block.child_blocks.items()
]
IDS = [f"{model.__name__}.{name}" for model, name, _block in BODY_BLOCKS]

# What each preview shows: its sample text, or one of the editor's own objects.
SHOWS = {
    "section": lambda: "Partners from Europe to China",
    "paragraph": lambda: "first official partner city agreement",
    "image": lambda: "<img",
    "key_figure": lambda: "190",
    "call_to_action": lambda: "Find out more",
    "partner_cities": lambda: PartnerCity.objects.filter(locale__language_code="en")[0].name,
    "networks": lambda: Network.objects.filter(locale__language_code="en")[0].name,
    "case_study_teasers": lambda: (
        CaseStudyPage.objects.live()
        .filter(locale__language_code="en")
        .order_by("-first_published_at")[0]
        .title
    ),
}


@pytest.mark.parametrize(("model", "name", "block"), BODY_BLOCKS, ids=IDS)
def test_every_body_block_has_a_label_an_icon_and_a_description(model, name, block):
    assert block.meta.label and str(block.meta.label).strip()  # set, not derived from the key
    assert block.meta.icon and block.meta.icon != "placeholder"
    assert str(block.get_description()).strip()


@pytest.mark.parametrize(("model", "name", "block"), BODY_BLOCKS, ids=IDS)
def test_every_body_block_has_a_preview_in_the_block_picker(admin_client, model, name, block):
    assert block.is_previewable
    response = admin_client.get(
        reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert SHOWS[name]() in html, html[html.find("<main") :]
    assert str(block.label) in html  # the preview's title names the block
