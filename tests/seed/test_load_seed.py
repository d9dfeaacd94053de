import io

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, Site

from media.models import CustomImage
from pages.models import Agreement, CaseStudyPage, HubPage, Network, PartnerCity

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "pages": sorted(Page.objects.values_list("id", "title", "latest_revision_id")),
        "cities": sorted(PartnerCity.objects.values_list("id", "name")),
        "agreements": Agreement.objects.count(),
        "networks": sorted(Network.objects.values_list("id", "name")),
        "images": sorted(CustomImage.objects.values_list("id", "title", "file")),
    }


def run_seed(*args):
    out = io.StringIO()
    call_command("load_seed", *args, stdout=out)
    return out.getvalue()


def test_seed_builds_the_hub_as_the_site_root_with_four_case_studies_below_it():
    site = Site.objects.get(is_default_site=True)
    hub = site.root_page.specific
    assert isinstance(hub, HubPage)
    assert hub.depth == 2
    children = [page.specific for page in hub.get_children()]
    assert sorted(page.title for page in children) == [
        "Bambisanani Partnership",
        "Eurocities Working Group Children and Young People",
        "G20 Global Smart Cities Alliance",
        "Lille",
    ]
    assert all(isinstance(page, CaseStudyPage) and page.live for page in children)
    assert not Page.objects.filter(depth=2).exclude(pk=hub.pk).filter(locale=hub.locale).exists()


def test_running_the_seed_again_changes_nothing_and_creates_no_duplicates():
    before = snapshot()
    output = run_seed()
    assert snapshot() == before
    assert "0 created, 0 updated" in output


def test_the_seed_prints_progress():
    output = run_seed()
    for step in ("Images", "Partner cities", "Networks", "Hub", "Case studies", "Seed loaded"):
        assert step in output


def test_an_editors_change_survives_a_rerun_unless_forced():
    lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    lille.title = "Lille (edited by an editor)"
    lille.save_revision().publish()
    run_seed()
    assert (
        CaseStudyPage.objects.get(slug="lille", locale__language_code="en").title
        == "Lille (edited by an editor)"
    )

    # Even when the seed's own entry for the page changes, the editor's version wins...
    from pages import seed

    data = seed.load_seed_file()
    data["case_studies"][0]["summary"] = "A new seed summary"
    messages = []
    seed.SeedLoader(data, log=messages.append).run()
    assert any("kept page:case_study:lille" in m for m in messages)
    assert (
        CaseStudyPage.objects.get(slug="lille", locale__language_code="en").title
        == "Lille (edited by an editor)"
    )
    # ...unless the operator asks for the seed to win.
    seed.SeedLoader(data, force=True, log=messages.append).run()
    lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    assert (lille.title, lille.summary) == ("Lille", "A new seed summary")


def test_an_editors_snippet_change_survives_a_rerun():
    city = PartnerCity.objects.get(name="Durban")
    city.summary = "Edited summary"
    city.save()
    run_seed()
    assert PartnerCity.objects.get(name="Durban").summary == "Edited summary"


def test_force_restores_seed_content_over_an_editors_change(monkeypatch):
    from pages import seed

    data = seed.load_seed_file()
    data["partner_cities"][0]["summary"] = "A changed seed summary"
    city = PartnerCity.objects.get(name="Lille", locale__language_code="en")
    city.summary = "Editor's summary"
    city.save()
    seed.SeedLoader(data, log=lambda m: None).run()
    assert (
        PartnerCity.objects.get(name="Lille", locale__language_code="en").summary
        == "Editor's summary"
    )
    seed.SeedLoader(data, force=True, log=lambda m: None).run()
    assert (
        PartnerCity.objects.get(name="Lille", locale__language_code="en").summary
        == "A changed seed summary"
    )


def test_a_changed_seed_entry_updates_an_object_nobody_edited():
    from pages import seed

    data = seed.load_seed_file()
    data["networks"][0]["member_city_count"] = 200
    counts = seed.SeedLoader(data, log=lambda m: None).run()
    assert Network.objects.get(name="Eurocities").member_city_count == 200
    assert counts["updated"] == 1


def delete_bambisanani_and_brno() -> None:
    """What an editor does in the admin: delete a case study and a partner city."""
    CaseStudyPage.objects.get(slug="bambisanani-partnership", locale__language_code="en").delete()
    PartnerCity.objects.get(name="Brno", locale__language_code="en").delete()


def test_a_case_study_and_a_partner_city_an_editor_deleted_stay_deleted(api):
    delete_bambisanani_and_brno()
    output = run_seed()
    assert not CaseStudyPage.objects.filter(slug="bambisanani-partnership").exists()
    assert not PartnerCity.objects.filter(name="Brno").exists()
    assert "left deleted page:case_study:bambisanani-partnership" in output
    assert "left deleted partner_city:brno" in output
    assert "2 left deleted" in output
    # The rest of the site is intact, and the API shows neither.
    hub = HubPage.objects.get(depth=2, locale__language_code="en")
    assert hub.live and len(hub.get_children()) == 3
    cities = api.get("/api/v2/partner-cities/").json()["items"]
    assert "Brno" not in [city["name"] for city in cities] and len(cities) == 4
    data = api.get(f"/api/v2/pages/{hub.pk}/").json()
    timeline = next(b["value"] for b in data["body"] if b["type"] == "partner_cities")
    assert "Brno" not in [city["name"] for city in timeline["cities"]]
    teasers = [item["title"] for item in data["meta"]["case_study_teasers"]["items"]]
    assert "Bambisanani Partnership" not in teasers and len(teasers) == 3
    # A second run still leaves them deleted.
    run_seed()
    assert not PartnerCity.objects.filter(name="Brno").exists()


def test_plain_force_overwrites_edits_but_does_not_bring_deleted_entries_back():
    delete_bambisanani_and_brno()
    run_seed("--force")
    assert not CaseStudyPage.objects.filter(slug="bambisanani-partnership").exists()
    assert not PartnerCity.objects.filter(name="Brno").exists()


def test_force_naming_an_entry_recreates_it_and_only_it():
    delete_bambisanani_and_brno()
    output = run_seed("--force", "partner_city:brno")
    assert "created partner_city:brno" in output
    brno = PartnerCity.objects.get(name="Brno", locale__language_code="en")
    assert brno.live and brno.live_revision_id is not None
    assert not CaseStudyPage.objects.filter(slug="bambisanani-partnership").exists()
    run_seed("--force", "page:case_study:bambisanani-partnership")
    assert CaseStudyPage.objects.filter(slug="bambisanani-partnership", live=True).exists()


def test_force_naming_an_entry_the_seed_does_not_have_is_a_clear_error():
    with pytest.raises(CommandError, match="not in the seed: partner_city:brnoo"):
        run_seed("--force", "partner_city:brnoo")


def test_a_case_study_linked_from_the_hub_can_be_deleted_and_the_seed_still_loads():
    # The hub's call to action links Lille: its button goes with the page, not the whole load.
    CaseStudyPage.objects.get(slug="lille", locale__language_code="en").delete()
    from pages import seed

    data = seed.load_seed_file()
    data["hub"]["introduction"] = "A changed introduction."
    seed.SeedLoader(data, log=lambda m: None).run()
    hub = HubPage.objects.get(depth=2, locale__language_code="en")
    assert hub.introduction == "A changed introduction."
    assert "call_to_action" not in [block.block_type for block in hub.body]


def test_an_editors_draft_of_a_seeded_city_is_kept_when_the_seed_entry_changes():
    from pages import seed

    brno = PartnerCity.objects.get(name="Brno", locale__language_code="en")
    brno.summary = "An editor's draft summary."
    draft = brno.save_revision()
    data = seed.load_seed_file()
    entry = next(e for e in data["partner_cities"] if e["key"] == "brno")
    entry["summary"] = "A new seed summary."
    messages = []
    seed.SeedLoader(data, log=messages.append).run()
    assert any("kept partner_city:brno" in m for m in messages)
    brno = PartnerCity.objects.get(pk=brno.pk)
    assert brno.latest_revision_id == draft.pk and brno.has_unpublished_changes
    assert brno.summary != "A new seed summary."


def test_placeholder_images_are_titled_after_the_source_file_names_with_alt_text_and_caption():
    titles = set(CustomImage.objects.values_list("title", flat=True))
    assert {
        "Lille edited.jpg",
        "Eurocities%20Working%20Group_edited.jpg",
        "Cropped%20-%20LCC%20Cityscapes%20-%20Pla",
        "Bambisanani%206_edited.jpg",
    } <= titles
    for image in CustomImage.objects.all():
        assert image.description and image.caption and image.width == 1600


def test_a_translated_citys_republished_revision_is_not_mistaken_for_a_translators_change():
    """Only content counts: a new revision of the French Lille with the same text (as the
    migration that gave snippets revisions made) leaves it the seed's to update."""
    from pages import seed

    french = PartnerCity.objects.get(name="Lille", locale__language_code="fr")
    french.save_revision().publish()
    data = seed.load_seed_file()
    entry = next(e for e in data["partner_cities"] if e["key"] == "lille")
    entry["summary"] = "A new English summary for Lille."
    messages = []
    seed.SeedLoader(data, log=messages.append).run()
    assert any("updated translation:fr:partner_city:lille" in m for m in messages), messages
