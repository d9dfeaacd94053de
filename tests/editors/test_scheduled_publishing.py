"""Scheduled publishing and expiry: the clock moves, `publish_scheduled` runs (as bin/scheduler
does every minute), and the API follows."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from pages.models import CaseStudyPage
from tests.factories import CaseStudyPageFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def api_titles(api) -> list[str]:
    response = api.get("/api/v2/pages/", {"type": "pages.CaseStudyPage", "limit": 100})
    return [item["title"] for item in response.json()["items"]]


@pytest.fixture
def run_scheduler_at(django_capture_on_commit_callbacks):
    """Run publish_scheduled as if it were `moment`; the API cache is invalidated on commit."""

    def run(moment):
        with mock.patch("django.utils.timezone.now", return_value=moment):
            with django_capture_on_commit_callbacks(execute=True):
                call_command("publish_scheduled", stdout=open(os.devnull, "w"))

    return run


def test_a_scheduled_case_study_goes_live_when_its_time_comes(api, run_scheduler_at):
    go_live = timezone.now() + timedelta(hours=2)
    page = CaseStudyPageFactory(title="Hangzhou", slug="hangzhou", live=False)
    page.go_live_at = go_live
    page.save_revision().publish()  # a future go_live_at schedules instead of publishing
    page.refresh_from_db()
    assert not page.live
    assert "Hangzhou" not in api_titles(api)

    run_scheduler_at(go_live - timedelta(minutes=1))
    assert "Hangzhou" not in api_titles(api)

    run_scheduler_at(go_live + timedelta(minutes=1))
    assert "Hangzhou" in api_titles(api)
    assert api.get("/api/v2/pages/find/", {"html_path": "/hangzhou/"}).status_code == 302


def test_a_scheduled_change_to_a_live_case_study_replaces_it_at_its_time(api, run_scheduler_at):
    page = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    old_summary = page.summary
    go_live = timezone.now() + timedelta(days=1)
    page.summary = "Lille and Leeds renew their agreement."
    page.go_live_at = go_live
    page.save_revision().publish()

    def summary() -> str:
        return api.get(f"/api/v2/pages/{page.pk}/").json()["summary"]

    assert summary() == old_summary
    run_scheduler_at(go_live + timedelta(minutes=1))
    assert summary() == "Lille and Leeds renew their agreement."


def test_an_expired_case_study_leaves_the_api(api, run_scheduler_at):
    expire = timezone.now() + timedelta(hours=1)
    page = CaseStudyPageFactory(title="Brno", slug="brno")
    page.expire_at = expire
    page.save_revision().publish()
    assert "Brno" in api_titles(api)

    run_scheduler_at(expire + timedelta(minutes=1))
    page.refresh_from_db()
    assert not page.live and page.expired
    assert "Brno" not in api_titles(api)
    assert api.get(f"/api/v2/pages/{page.pk}/").status_code == 404


def test_bin_scheduler_runs_publish_scheduled_repeatedly_until_stopped(tmp_path):
    calls = tmp_path / "calls"
    fake_python = tmp_path / "python"
    fake_python.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    fake_python.chmod(0o755)
    env = {**os.environ, "PY": str(fake_python), "SCHEDULER_INTERVAL": "0.2"}
    process = subprocess.Popen([str(ROOT / "bin" / "scheduler")], env=env)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if calls.exists() and len(calls.read_text().splitlines()) >= 2:
                break
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=10)
    lines = calls.read_text().splitlines()
    assert len(lines) >= 2
    assert set(lines) == {"manage.py publish_scheduled"}
    assert returncode == 0
