"""The project's own wiring: checks pass, migrations match the models, the layout holds."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def test_django_system_checks_pass():
    call_command("check", stdout=io.StringIO())


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:
        pytest.fail(f"models have changes with no migration:\n{out.getvalue()}")


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^make \w+", readme, flags=re.M)
    assert commands[:2] == ["make run", "make test"]


def test_ci_calls_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_setting_read_from_the_environment_is_documented():
    names = set()
    for path in (ROOT / "settings").glob("*.py"):
        text = path.read_text()
        names |= set(re.findall(r"""os\.environ(?:\.get)?\(\s*["']([A-Z_]+)["']""", text))
        names |= set(re.findall(r"""os\.environ\[["']([A-Z_]+)["']\]""", text))
        names |= set(
            re.findall(r"""(?:required|env_list|env_bool|env_int)\(\s*["']([A-Z_]+)["']""", text)
        )
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()
    missing_readme = sorted(n for n in names if f"`{n}`" not in readme)
    missing_example = sorted(n for n in names if not re.search(rf"^#?\s*{n}=", example, flags=re.M))
    assert not missing_readme, f"not in README.md's table: {missing_readme}"
    assert not missing_example, f"not in .env.example: {missing_example}"


def test_imports_run_one_way():
    """The import-linter contracts in pyproject.toml hold: settings -> nothing, media ->
    Wagtail, pages -> media, api and webhooks -> pages, cms -> api, nothing -> tests; no
    circle among the modules of a package; imports inside functions count too (`make lint`
    runs the same check)."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_api_package_holds_no_representation_code():
    """How models, blocks and images become JSON lives beside them in `pages`; `api` wires
    endpoints and does not define how a model looks."""
    assert not (ROOT / "api" / "fields.py").exists()
    for path in (ROOT / "api").glob("*.py"):
        assert "def image_representation" not in path.read_text(), path


def test_make_runs_front_end_port_sets_every_front_end_url_in_development():
    """`FRONTEND_PORT=4123 make run`: page URLs, preview, "View live", the CMS-host redirect
    and the admin's CSP frame-src all point at the front end on that port."""
    code = (
        "import json, settings.dev as s; print(json.dumps([s.FRONTEND_URL, "
        "s.FRONTEND_PREVIEW_URL, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-src'], "
        "s.CORS_ALLOWED_ORIGINS]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTEND_")}
    env.update(FRONTEND_PORT="4123", VAR_DIR=str(ROOT / "var"))
    env.pop("CORS_ALLOWED_ORIGINS", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "http://127.0.0.1:4123",
        "http://127.0.0.1:4123/preview",
        ["'self'", "http://127.0.0.1:4123"],
        ["http://127.0.0.1:4123", "http://localhost:4123"],
    ]
