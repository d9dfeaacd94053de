"""PostgreSQL stopped while the API is under load: every request fails fast with a 503 JSON
body (no hang, no stack trace), and the API recovers by itself when the database is back."""

from __future__ import annotations

import socket
import time

import pytest

from tests.faults.servers import Load, app_env, get, serving

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.own_servers]

# DATABASE_CONNECT_TIMEOUT defaults to 3 s (settings/base.py); the rest is slack for a busy
# 2-core machine. A request that takes longer than this while the database is down "hangs".
FAIL_FAST_SECONDS = 8.0
RECOVERY_SECONDS = 30.0
LEAKS = ("Traceback", "psycopg", "OperationalError", "connection to server", "postgres@")


def api_paths(base: str) -> list[str]:
    hub = get(base, "/api/v2/pages/?type=pages.HubPage&locale=en").json()["items"][0]
    case_study = get(base, "/api/v2/pages/?type=pages.CaseStudyPage&limit=1").json()["items"][0]
    return [
        "/api/v2/pages/?type=pages.CaseStudyPage&fields=*",
        f"/api/v2/pages/{hub['id']}/",
        f"/api/v2/pages/{case_study['id']}/",
        "/api/v2/partner-cities/",
        "/api/health/",
    ]


def assert_is_a_clean_503(response) -> None:
    assert response.status == 503, (response.url, response.status, response.error, response.body)
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers.get("retry-after", "").isdigit(), response.headers
    body = response.json()
    assert body["status"] == 503 and body["message"], body
    text = response.body.decode()
    assert not any(leak in text for leak in LEAKS), text


def test_stopping_postgresql_under_load_gives_fast_503s_and_the_api_recovers_by_itself(
    postgres, seeded_database, fault_dir
):
    env = app_env(postgres.url(seeded_database), fault_dir / "var")
    with serving(env) as app:
        paths = api_paths(app.base)
        with Load(app.base, paths, clients=6) as load:
            assert load.wait_for(lambda r: r.status == 200, timeout=30), app.output()
            time.sleep(2)

            postgres.stop("fast")
            stopped = time.monotonic()
            time.sleep(6)
            # Requests started once the server was gone (in-flight ones may still finish).
            down = [r for r in load.since(stopped + 0.5) if r.started < time.monotonic() - 0.1]

            postgres.start()
            restarted = time.monotonic()
            recovered = {
                path: load.wait_for(
                    lambda r, p=path: r.url == p and r.status == 200, RECOVERY_SECONDS
                )
                for path in paths
            }
            time.sleep(3)
            settled = time.monotonic()
            time.sleep(3)
        after = load.since(settled)
        everything = load.responses

    assert len(down) >= 10, f"too little load while the database was down: {len(down)}"
    for response in down:
        if response.url == "/api/health/":
            assert response.status == 503
            assert response.json()["checks"]["database"] == "unavailable"
            continue
        assert_is_a_clean_503(response)
    slowest = max(r.elapsed for r in down)
    assert slowest < FAIL_FAST_SECONDS, f"a request took {slowest:.1f} s with the database down"

    # No request of the whole run hung, was dropped, or got a 500.
    assert {r.status for r in everything} <= {200, 503}, sorted(
        {(r.status, r.url, r.error) for r in everything if r.status not in (200, 503)}
    )

    # Back without restarting the app: every endpoint answers 200 again, and keeps doing so.
    assert all(recovered.values()), {p: t for p, t in recovered.items() if t is None}
    assert max(recovered.values()) - restarted < RECOVERY_SECONDS
    assert after and all(r.status == 200 for r in after), sorted(
        {(r.status, r.url) for r in after if r.status != 200}
    )


def test_after_postgresql_restarts_no_api_request_fails_on_a_connection_it_dropped(
    postgres, seeded_database, fault_dir
):
    """Every worker thread holds a persistent connection that the restart closed: the first
    request each thread serves afterwards reconnects instead of failing."""
    env = app_env(postgres.url(seeded_database), fault_dir / "var")
    with serving(env) as app:
        paths = api_paths(app.base)[:-1]  # the health check reconnects by itself
        with Load(app.base, paths, clients=8) as load:  # 8 = 2 workers x 4 threads
            assert load.wait_for(lambda r: r.status == 200, timeout=30), app.output()
            time.sleep(2)  # every thread has served (and keeps) a connection
        warmed = len(load.responses)

        postgres.stop("fast")
        postgres.start()
        restarted = time.monotonic()
        with Load(app.base, paths, clients=8) as load:
            while len(load.since(restarted)) < 200 and time.monotonic() - restarted < 30:
                time.sleep(0.2)
        after = load.since(restarted)

    assert warmed >= 16, f"too little load before the restart: {warmed}"
    assert len(after) >= 200, app.output()
    assert all(r.status == 200 for r in after), sorted(
        {(r.status, r.url, r.body[:200]) for r in after if r.status != 200}
    )


def test_a_database_that_accepts_but_never_answers_is_a_503_within_the_connect_timeout(
    fault_dir,
):
    """A hung or black-holed database host: the connect timeout bounds every request."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)  # the kernel completes handshakes; nothing ever answers
        port = silent.getsockname()[1]
        env = app_env(f"postgres://postgres@127.0.0.1:{port}/cms", fault_dir / "var")
        with serving(env) as app:
            responses = [get(app.base, path) for path in ("/api/v2/pages/", "/api/v2/networks/")]
            health = get(app.base, "/api/health/")

    for response in responses:
        assert_is_a_clean_503(response)
        assert response.elapsed < FAIL_FAST_SECONDS, f"took {response.elapsed:.1f} s"
    assert health.status == 503 and health.json()["checks"]["database"] == "unavailable"
    assert health.elapsed < FAIL_FAST_SECONDS
