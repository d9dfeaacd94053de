"""Every field an editor fills in explains itself (help_text is the editors' documentation)."""

from __future__ import annotations

import pytest
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin

from media.models import CustomImage
from pages.models import (
    Agreement,
    CaseStudyPage,
    HubPage,
    Network,
    PartnerCity,
    PartnerOrganisation,
)

# Bookkeeping fields editors never type into (keys, tree links, ordering, parent links), and
# the fields of Wagtail's publishing mixins on snippets (revisions, live state, locks; the
# schedule is set in Wagtail's own dialog, which explains itself), as Page's are on pages.
NOT_EDITED = {
    "id",
    "locale",
    "translation_key",
    "sort_order",
    "page_ptr",
    "city",
    "page",
    *(
        field.name
        for mixin in (DraftStateMixin, LockableMixin, RevisionMixin)
        for field in mixin._meta.get_fields()
    ),
}


@pytest.mark.parametrize(
    "model", [HubPage, CaseStudyPage, PartnerCity, Network, Agreement, PartnerOrganisation]
)
def test_every_field_an_editor_fills_in_has_help_text(model):
    missing = [
        field.name
        for field in model._meta.get_fields(include_parents=False)
        if getattr(field, "concrete", False)
        and not field.auto_created
        and field.name not in NOT_EDITED
        and not str(getattr(field, "help_text", "")).strip()
    ]
    assert not missing, f"{model.__name__}: add help_text to {missing}"


@pytest.mark.parametrize("name", ["description", "caption", "credit"])
def test_the_image_fields_the_project_adds_have_help_text(name):
    assert str(CustomImage._meta.get_field(name).help_text).strip()
