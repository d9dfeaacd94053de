"""The committed TypeScript types (frontend/types/api.d.ts, generated from the OpenAPI document)
accept real answers of every endpoint, seed and factory content alike: each answer is saved
(test-artifacts/api-responses/) and written into a TypeScript file as
`<answer> satisfies <its operation's response type>`, which tsc checks strictly (excess fields,
missing fields, wrong literal types). Needs node and npm (`make test` installs the tools from
frontend/package-lock.json where npm exists)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pages.models import CaseStudyPage, HubPage
from pages.preview import create_preview_token
from tests.conftest import contract
from tests.factories import (
    AgreementFactory,
    CaseStudyPageFactory,
    DocumentFactory,
    ImageFactory,
    NetworkFactory,
    PartnerCityFactory,
)

ROOT = Path(__file__).resolve().parents[2]
TSC = ROOT / "frontend" / "node_modules" / ".bin" / "tsc"
TYPES = ROOT / "frontend" / "types" / "api"
SAVED = ROOT / "test-artifacts" / "api-responses"

pytestmark = pytest.mark.django_db


def factory_case_study():
    """A case study with every body block type and every related object filled in."""
    image = ImageFactory(title="Factory image", description="A factory image")
    city = PartnerCityFactory(name="Typed city", image=image)
    for status in ("signed", "re-signed", "planned"):
        AgreementFactory(city=city, status=status, title=f"Agreement {status}")
    network = NetworkFactory(name="Typed network", image=image)
    lille = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    page = CaseStudyPageFactory(
        title="Typed case study",
        slug="typed-case-study",
        hero_image=image,
        related_partner_city=city,
        related_network=network,
        find_out_more_url="https://example.org/",
        find_out_more_label="More",
        body=[
            {"type": "section", "value": {"heading": "A section", "text": "<p>Text</p>"}},
            {"type": "paragraph", "value": "<p>A paragraph.</p>"},
            {"type": "image", "value": {"image": image.pk, "caption": ""}},
            {"type": "key_figure", "value": {"figure": "3", "label": "cities", "context": ""}},
            {"type": "call_to_action", "value": {"label": "Go", "page": lille.pk, "url": ""}},
            {
                "type": "call_to_action",
                "value": {"label": "Out", "page": None, "url": "https://x.org"},
            },
        ],
    )
    page.partner_organisations.create(name="A school", url="https://school.example")
    page.save_revision().publish()
    return page, city, network, image


def answers(api) -> dict[str, tuple[str, object]]:
    """name -> (URL, answer) for every endpoint, seed and factory content."""
    page, city, network, image = factory_case_study()
    document = DocumentFactory(title="Typed document")
    hub = HubPage.objects.get(depth=2, locale__language_code="en")
    french_hub = HubPage.objects.get(depth=2, locale__language_code="fr")
    urls = {
        "pages": "/api/v2/pages/",
        "pages_typed_all_fields": "/api/v2/pages/?type=pages.CaseStudyPage&fields=*",
        "pages_search": "/api/v2/pages/?search=Lille",
        "hub": f"/api/v2/pages/{hub.pk}/",
        "french_hub": f"/api/v2/pages/{french_hub.pk}/",
        "factory_case_study": f"/api/v2/pages/{page.pk}/",
        "preview": f"/api/v2/preview/?preview_token={create_preview_token(page)}",
        "partner_cities": "/api/v2/partner-cities/?locale=fr",
        "partner_city": f"/api/v2/partner-cities/{city.pk}/",
        "networks": "/api/v2/networks/",
        "network": f"/api/v2/networks/{network.pk}/",
        "images": "/api/v2/images/?fields=*",
        "image": f"/api/v2/images/{image.pk}/",
        "documents": "/api/v2/documents/",
        "document": f"/api/v2/documents/{document.pk}/",
        "health": "/api/health/",
        "not_found": "/api/v2/pages/999999/",
        "bad_request": "/api/v2/pages/?limit=nope",
    }
    for study in CaseStudyPage.objects.live().filter(locale__language_code="en"):
        urls[f"seed_{study.slug.replace('-', '_')}"] = f"/api/v2/pages/{study.pk}/"
    found = {}
    for name, url in urls.items():
        response = api.get(url)
        found[name] = (url, response.status_code, response.json())
    return found


def response_type(url: str, status: int) -> str:
    path = url.split("?", 1)[0]
    template, item = contract().operation(path)
    assert template is not None, url
    operation_id = item["get"]["operationId"]
    return f'operations["{operation_id}"]["responses"][{status}]["content"]["application/json"]'


@pytest.mark.skipif(not TSC.exists(), reason="no frontend/node_modules: node/npm absent")
def test_the_generated_types_accept_real_answers_of_every_endpoint(api, tmp_path):
    found = answers(api)
    SAVED.mkdir(parents=True, exist_ok=True)
    lines = [f'import type {{ operations }} from "{TYPES}";', ""]
    for name, (url, status, data) in found.items():
        (SAVED / f"{name}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False))
        literal = json.dumps(data, ensure_ascii=False)
        lines.append(f"// {url} -> {status}")
        lines.append(f"export const {name} = {literal} satisfies {response_type(url, status)};")
    (tmp_path / "answers.ts").write_text("\n".join(lines) + "\n")
    config = {
        "compilerOptions": {
            "strict": True,
            "noEmit": True,
            "skipLibCheck": True,
            "target": "ES2022",
            "module": "ESNext",
            "moduleResolution": "Bundler",
        },
        "files": ["answers.ts"],
    }
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    result = subprocess.run(
        [str(TSC), "-p", str(tmp_path / "tsconfig.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert {"hub", "factory_case_study", "preview", "partner_city", "document"} <= set(found)


def test_a_wrong_answer_fails_the_type_check(tmp_path):
    """The check above can fail: an answer with a misspelt field does not compile."""
    if not TSC.exists():
        pytest.skip("no frontend/node_modules: node/npm absent")
    source = (
        f'import type {{ components }} from "{TYPES}";\n'
        'export const x = {"message": "m", "status": 404, "extra": 1} '
        'satisfies components["schemas"]["Error"];\n'
    )
    (tmp_path / "wrong.ts").write_text(source)
    result = subprocess.run(
        [str(TSC), "--noEmit", "--strict", "--skipLibCheck", str(tmp_path / "wrong.ts")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "extra" in result.stdout
