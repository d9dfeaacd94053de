"""The embedded default as `make run` runs it (settings.dev, SQLite, no REDIS_URL): the server,
the scheduler, the task worker and `manage.py` commands are separate processes, and what any of
them changes is what the next API request shows; a webhook delivery one of them queued is
retried on time by the worker after that process has exited."""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.servers import PYTHON, ROOT, free_port, get, manage, run_script, wait_for_port

pytestmark = pytest.mark.slow


def dev_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(DJANGO_SETTINGS_MODULE="settings.dev", VAR_DIR=str(var_dir), LOG_LEVEL="WARNING")
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory) -> Path:
    """`make run`'s database, migrated and seeded once (each test works on a copy)."""
    var_dir = tmp_path_factory.mktemp("make-run-seed")
    env = dev_env(var_dir)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_seed", "-v0")
    return var_dir


@pytest.fixture
def var_dir(seeded_sqlite, tmp_path) -> Path:
    shutil.copytree(seeded_sqlite, tmp_path / "var")
    return tmp_path / "var"


@contextlib.contextmanager
def started(args: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)


@contextlib.contextmanager
def make_run(var_dir: Path, **extra: str) -> Iterator[str]:
    """The server (runserver, as `make run`), the scheduler and the task worker."""
    port = free_port()
    env = dev_env(var_dir, SCHEDULER_INTERVAL="1", **extra)
    with (
        started([PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], env),
        started(["bin/scheduler"], {**env, "PY": PYTHON}),
        started(
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--backend",
                "background",
                "--queue-name",
                "*",
                "--no-reload",
                "--interval",
                "0.2",
                "-v0",
            ],
            env,
        ),  # fmt: skip
    ):
        wait_for_port(port, 60)
        yield f"http://127.0.0.1:{port}"


def until(predicate, timeout: float = 60.0):
    """Poll for an event another process makes happen (never to wait out a margin)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("it never happened")


def cached(base: str, path: str) -> None:
    """Read twice: the answer is in the cache now (test_http_caching proves that part)."""
    get(base, path)
    get(base, path)


def lille_and_hub(base: str) -> tuple[int, int]:
    ids = []
    for html_path in ("/lille/", "/"):
        response = get(base, f"/api/v2/pages/find/?html_path={html_path}")
        assert response.status == 302
        ids.append(int(response.headers["location"].rstrip("/").rsplit("/", 1)[1]))
    return ids[0], ids[1]


def titles(base: str, path: str) -> list[str]:
    return [item["title"] for item in get(base, path).json()["items"]]


CASE_STUDIES = "/api/v2/pages/?type=pages.CaseStudyPage&limit=100"

RENAME = """
from pages.models import CaseStudyPage
page = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
page.title = sys.argv[1]
page.related_partner_city.name = sys.argv[1] + " (city)"
page.related_partner_city.save()
page.save_revision().publish()
print(json.dumps({"id": page.pk}))
"""


def test_a_change_made_by_a_manage_py_process_shows_on_the_next_request(var_dir):
    with make_run(var_dir) as base:
        lille, hub = lille_and_hub(base)
        paths = [
            f"/api/v2/pages/{lille}/",
            f"/api/v2/pages/{hub}/",
            CASE_STUDIES,
            "/api/v2/partner-cities/",
            "/api/v2/pages/find/?html_path=/lille/",
        ]
        for path in paths:
            cached(base, path)

        assert get(base, "/api/health/").json()["checks"] == {"database": "ok", "cache": "ok"}

        run_script(dev_env(var_dir), RENAME, "Lille, renamed elsewhere")

        assert get(base, paths[0]).json()["title"] == "Lille, renamed elsewhere"
        hub_body = get(base, paths[1]).body.decode()
        assert "Lille, renamed elsewhere (city)" in hub_body  # the hub embeds the city
        assert "Lille, renamed elsewhere" in titles(base, CASE_STUDIES)
        assert "Lille, renamed elsewhere (city)" in get(base, paths[3]).body.decode()
        assert get(base, paths[4]).headers["location"].endswith(f"/api/v2/pages/{lille}/")


SCHEDULE = """
import datetime
from django.utils import timezone
from pages.models import CaseStudyPage, HubPage
hub = HubPage.objects.get(depth=2, locale__language_code="en")
page = CaseStudyPage(title="Scheduled in Hangzhou", slug="hangzhou", summary="Soon.", live=False)
hub.add_child(instance=page)
page.go_live_at = timezone.now() + datetime.timedelta(seconds=3)
page.save_revision().publish()  # a future go_live_at schedules instead of publishing
print(json.dumps({"id": page.pk, "live": CaseStudyPage.objects.get(pk=page.pk).live}))
"""

IS_LIVE = """
from pages.models import CaseStudyPage
print(json.dumps({"live": CaseStudyPage.objects.get(pk=int(sys.argv[1])).live}))
"""


def test_a_page_whose_go_live_time_passes_under_the_scheduler_shows_everywhere(var_dir):
    with make_run(var_dir) as base:
        _, hub = lille_and_hub(base)
        for path in (
            CASE_STUDIES,
            f"/api/v2/pages/{hub}/",
            "/api/v2/pages/find/?html_path=/hangzhou/",
        ):
            get(base, path)
            get(base, path)
        scheduled = run_script(dev_env(var_dir), SCHEDULE)
        assert scheduled["live"] is False
        assert "Scheduled in Hangzhou" not in titles(base, CASE_STUDIES)

        env = dev_env(var_dir)
        until(lambda: run_script(env, IS_LIVE, str(scheduled["id"]))["live"])

        assert "Scheduled in Hangzhou" in titles(base, CASE_STUDIES)
        detail = get(base, f"/api/v2/pages/{scheduled['id']}/")
        assert detail.status == 200 and detail.json()["title"] == "Scheduled in Hangzhou"
        teasers = get(base, f"/api/v2/pages/{hub}/").json()["meta"]["case_study_teasers"]
        assert scheduled["id"] in [item["id"] for item in teasers["items"]]
        found = get(base, "/api/v2/pages/find/?html_path=/hangzhou/")
        assert found.status == 302


PUBLISH_WITH_A_WEBHOOK = """
from pages.models import CaseStudyPage
from webhooks.models import Webhook
Webhook.objects.create(name="Static build", url=sys.argv[1])
page = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
page.save_revision().publish()
print(json.dumps({"id": page.pk}))
"""

DELIVERIES = """
from webhooks.models import WebhookDelivery
print(json.dumps([
    {"status": d.status, "attempts": d.attempts, "log": d.attempt_log}
    for d in WebhookDelivery.objects.all()
]))
"""


def test_a_delivery_queued_by_a_process_that_exits_is_retried_on_time_by_the_worker(
    var_dir, receiver
):
    receiver.statuses = [503]  # down for the first attempt
    with make_run(var_dir, WEBHOOK_RETRY_BACKOFF="1"):
        env = dev_env(var_dir, WEBHOOK_RETRY_BACKOFF="1")
        run_script(env, PUBLISH_WITH_A_WEBHOOK, receiver.url)  # this process exits now

        delivery = until(
            lambda: [d for d in run_script(env, DELIVERIES) if d["status"] == "delivered"]
        )[0]

    assert len(receiver.requests) == 2
    assert delivery["attempts"] == 2
    assert [(a["status_code"], a["error"]) for a in delivery["log"]] == [
        (503, "HTTP 503"),
        (200, ""),
    ]
    first, second = (datetime.datetime.fromisoformat(a["at"]) for a in delivery["log"])
    assert second - first >= datetime.timedelta(seconds=1)  # the backoff, not sooner
