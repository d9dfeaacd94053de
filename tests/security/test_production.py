"""Production settings: pass `check --deploy` cleanly and refuse to start without their config."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "p" * 20 + "Zq9!x-Lm3#" * 4


def manage(args: list[str], tmp_path, **env: str) -> subprocess.CompletedProcess:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    base.update(DJANGO_SETTINGS_MODULE="settings.production", VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="cms.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout
    assert "WARNINGS" not in result.stderr


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"ALLOWED_HOSTS": "cms.example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-key", "ALLOWED_HOSTS": "cms.example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
    ],
    ids=["no-secret-key", "short-secret-key", "no-allowed-hosts", "blank-allowed-hosts"],
)
def test_production_refuses_to_start_without_its_configuration(tmp_path, env, complaint):
    result = manage(["check"], tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and complaint in result.stderr
