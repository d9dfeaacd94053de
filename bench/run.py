"""`make bench`: the API under load, on a production-style server, against an empty view.

1. Builds the bench site in its own database: SQLite at var/bench/db.sqlite3 by default,
   the database in DATABASE_URL when it is set (REDIS_URL, when set, is the cache).
   `manage.py load_bench_data` adds 2,000 case studies, 200 partner cities and 500 images
   on top of the seed (skipped when they are there already).
2. Counts SQL queries and bytes of each endpoint in-process (Django's test client).
3. Starts gunicorn (production settings, 2 sync workers) with the API response cache OFF
   (`API_CACHE_ENABLED=false`: these numbers are the cost of rendering) and the empty JSON
   view mounted (`BENCH_CEILING_VIEW=1`), then measures each endpoint with wrk at 1 and 32
   connections: requests/s, p50 and p99.
4. Writes the table into docs/benchmarks.md (between markers, one section per database).
5. Issue #6: starts one more gunicorn with the response cache ON (production settings,
   materialised pages on; Redis when REDIS_URL is set, else in process memory through
   settings.bench) and measures on it its own empty-view ceiling, the hub detail cached, the
   hub detail with `If-None-Match: <its ETag>` (304) and the listing of 20 cached, at 1 and 32
   connections (32 in rounds interleaved with the ceiling); with Redis also the first request
   after a publish made by another process (`manage.py shell`), against the uncached hub
   detail of step 3. Its own section in docs/benchmarks.md, per database and cache.

    .venv/bin/python bench/run.py [--duration 5] [--skip-load] [--only hub,listing]
    .venv/bin/python bench/run.py --only cache     # the response-cache section alone

`--scale` measures something else: whether latency stays flat as the site grows. It builds two
databases of its own, the seed's size (the seed plus 20 bench case studies, so a listing page is
full) and 20,000 bench case studies (SQLite under var/bench-scale-*/, or `<db>_scale_seed` and
`<db>_scale_20k` beside DATABASE_URL's database), serves both with gunicorn at once, measures
listing (first and last page), find, and details at 1 connection, alternating between the two
servers, and writes the ratio 20k/seed of p50 into docs/benchmarks.md ("Scale" section).

    .venv/bin/python bench/run.py --scale [--duration 5] [--scale-pages 20000]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DOC = ROOT / "docs" / "benchmarks.md"
CONNECTIONS = (1, 32)
WORKERS = 2

# Targets from issue #3 (fraction of the ceiling's requests/s at 32 connections; p50 at 1).
RATIO_TARGETS = {"hub": 0.15, "listing": 0.10}
DETAIL_P50_MS = 10.0
DETAIL_ENDPOINTS = ("hub", "case_study", "partner_city")


# "rendered": every request serializes the page (API_MATERIALISED_ENABLED=false);
# "materialised": page details and listing items are read from their stored representations.
# The second server measures its own ceiling first: its rows are compared with that one, not
# with the first server's, measured minutes earlier when the (shared) machine's load differed.
MATERIALISED_KEYS = ("ceiling", "hub", "case_study", "listing")


@dataclass
class Endpoint:
    key: str
    label: str
    path: str
    mode: str = "rendered"
    queries: int | None = None
    status: int | None = None
    bytes: int | None = None
    results: dict[int, dict] = field(default_factory=dict)


def bench_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="settings.production",
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        BENCH_CEILING_VIEW="1",
        API_CACHE_ENABLED="false",
        API_MATERIALISED_ENABLED="false",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if not env.get("DATABASE_URL"):
        env["VAR_DIR"] = str(ROOT / "var" / "bench")
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env: dict[str, str], skip_load: bool) -> None:
    print("== bench database:", env.get("DATABASE_URL") or f"{env['VAR_DIR']}/db.sqlite3")
    manage(env, "migrate", "--noinput", "-v0")
    if not skip_load:
        manage(env, "load_bench_data")


def in_process_measurements(env: dict[str, str], only: set[str] | None) -> list[Endpoint]:
    """Endpoints (their ids come from the bench data) with their SQL query counts and bytes."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from pages.models import CaseStudyPage, HubPage, PartnerCity

    hub = HubPage.objects.filter(depth=2, locale__language_code="en").first()
    bench_pages = CaseStudyPage.objects.filter(slug__startswith="bench-case-study-").order_by("pk")
    middle = bench_pages[bench_pages.count() // 2]
    city = PartnerCity.objects.filter(name__startswith="Bench city ").order_by("pk").first()
    endpoints = [
        Endpoint("ceiling", "empty JSON view (ceiling)", "/api/bench/empty/"),
        Endpoint("hub", "hub detail", f"/api/v2/pages/{hub.pk}/"),
        Endpoint("case_study", "case-study detail", f"/api/v2/pages/{middle.pk}/"),
        Endpoint(
            "listing",
            "20 case studies, fields=*",
            "/api/v2/pages/?type=pages.CaseStudyPage&fields=*&limit=20",
        ),
        Endpoint(
            "find",
            "find by path (302)",
            f"/api/v2/pages/find/?html_path={middle.url_path[len(hub.url_path) - 1 :]}",
        ),
        Endpoint("partner_cities", "partner-cities listing", "/api/v2/partner-cities/"),
        Endpoint("partner_city", "partner-city detail", f"/api/v2/partner-cities/{city.pk}/"),
        Endpoint("images", "images listing", "/api/v2/images/"),
    ]
    if only:
        endpoints = [e for e in endpoints if e.key in only or e.key == "ceiling"]
    materialised = [
        Endpoint(e.key, f"{e.label}, materialised", e.path, mode="materialised")
        for e in endpoints
        if e.key in MATERIALISED_KEYS
    ]
    if any(e.key != "ceiling" for e in materialised):
        endpoints += materialised
    client = Client(HTTP_HOST="127.0.0.1")
    executed: list[str] = []

    def count_query(execute, sql, params, many, context):
        # An execute wrapper, not CaptureQueriesContext: request_started resets the query
        # log of the connection, which made the captured count 0 under production settings.
        executed.append(sql)
        return execute(sql, params, many, context)

    from django.test import override_settings

    for endpoint in endpoints:
        with override_settings(API_MATERIALISED_ENABLED=endpoint.mode == "materialised"):
            client.get(endpoint.path)  # warm process caches, as a long-running worker would be
            executed.clear()
            with connection.execute_wrapper(count_query):
                response = client.get(endpoint.path)
        endpoint.queries = len(executed)
        endpoint.status = response.status_code
        endpoint.bytes = len(response.content)
        print(
            f"   {endpoint.key:15} {endpoint.mode:12} {response.status_code} "
            f"{endpoint.bytes:>8} B {endpoint.queries:>3} queries"
        )
    connection.close()
    return endpoints


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str]):
    port = free_port()
    gunicorn_bin = Path(PYTHON).parent / "gunicorn"
    process = subprocess.Popen(
        [
            str(gunicorn_bin),
            "cms.wsgi:application",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/api/bench/empty/", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("== wrk is missing: installing Debian's package")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
        found = shutil.which("wrk")
    return found


_DURATION = re.compile(r"([\d.]+)(us|ms|s|m)\b")
_SCALE = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    value, unit = _DURATION.match(text).groups()
    return float(value) * _SCALE[unit]


def run_wrk(
    wrk: str, url: str, connections: int, duration: int, headers: dict[str, str] | None = None
) -> dict:
    threads = min(connections, 2)
    # A generous timeout: a slow endpoint at 32 connections must be measured, not dropped.
    args = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "60s"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    args += ["--latency", url]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50_match = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99_match = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    # No completed request: infinite latency, so no target can pass on an empty measurement.
    p50 = _ms(p50_match.group(1)) if rps and p50_match else float("inf")
    p99 = _ms(p99_match.group(1)) if rps and p99_match else float("inf")
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
    }


def run_python_load(
    url: str, connections: int, duration: int, headers: dict[str, str] | None = None
) -> dict:
    """Fallback when wrk is unavailable: keep-alive HTTP/1.1 clients in threads. Python's GIL
    makes it a weaker client than wrk, so its requests/s are a lower bound."""
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    path = "/" + url.split("//", 1)[1].split("/", 1)[1]
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client() -> None:
        nonlocal errors
        conn = HTTPConnection(host, int(port), timeout=30)
        local, bad = [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            response.read()
            local.append((time.perf_counter() - started) * 1000)
            bad += response.status >= 400
        with lock:
            latencies.extend(local)
            errors += bad

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "rps": len(latencies) / duration,
        "p50": quantiles[49],
        "p99": quantiles[98],
        "errors": errors,
        "socket_errors": "",
    }


def measure(endpoints: list[Endpoint], base: str, duration: int, wrk: str | None) -> None:
    for endpoint in endpoints:
        if endpoint.results:
            continue
        url = base + endpoint.path
        for connections in CONNECTIONS:
            # Warm both workers (first request of a process, OS caches), then measure.
            if wrk:
                run_wrk(wrk, url, connections, 1)
                result = run_wrk(wrk, url, connections, duration)
            else:
                run_python_load(url, connections, 1)
                result = run_python_load(url, connections, duration)
            endpoint.results[connections] = result
            print(
                f"   {endpoint.key:15} {endpoint.mode:12} c={connections:<3} "
                f"{result['rps']:>8.1f} req/s "
                f"p50 {result['p50']:>7.2f} ms  p99 {result['p99']:>7.2f} ms"
                + (f"  {result['errors']} errors" if result["errors"] else "")
            )


def machine() -> str:
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    end = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({cpu}), load average (1/5/15 min) {LOAD_AT_START} at the start "
        f"and {end} at the end of the run"
    )


LOAD_AT_START = " ".join(f"{x:.1f}" for x in os.getloadavg())


def measured_on(engine: str) -> str:
    """The opening of every results section: when, at which commit, on what machine."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return (
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC at commit `{commit}` "
        f"on {machine()}; {engine}"
    )


def report(endpoints: list[Endpoint], engine: str, tool: str, duration: int) -> str:
    # Each server's rows against that server's own ceiling (measured first on it).
    tops = {e.mode: e.results[32]["rps"] for e in endpoints if e.key == "ceiling"}
    lines = [
        f"{measured_on(engine)}; gunicorn with {WORKERS} sync workers, production "
        f"settings, response cache off; {tool}, {duration} s per cell after a 1 s warm-up. "
        "Rows marked materialised come from a second server with API_MATERIALISED_ENABLED=true "
        "(stored page representations), the others from one with it off (every request "
        "serializes); each server's ceiling was measured first on it, and each row's ratio "
        "is to the ceiling of its own server.",
        "",
        "| Endpoint | Status | Bytes | SQL queries | req/s @1 | p50 @1 (ms) | p99 @1 (ms) "
        "| req/s @32 | p50 @32 (ms) | p99 @32 (ms) | vs ceiling @32 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for e in endpoints:
        one, many = e.results[1], e.results[32]
        top = tops.get(e.mode) or tops.get("rendered")
        ratio = many["rps"] / top if top else 0
        lines.append(
            f"| {e.label} (`{e.path}`) | {e.status} | {e.bytes:,} | {e.queries} "
            f"| {one['rps']:,.0f} | {one['p50']:.1f} | {one['p99']:.1f} "
            f"| {many['rps']:,.0f} | {many['p50']:.1f} | {many['p99']:.1f} | {ratio:.1%} |"
        )
    lines += ["", "Targets (issue #3):", ""]
    for mode in ("rendered", "materialised"):
        by_key = {e.key: e for e in endpoints if e.mode == mode}
        for key, target in RATIO_TARGETS.items():
            if key in by_key:
                top = tops.get(mode) or tops.get("rendered")
                ratio = by_key[key].results[32]["rps"] / top if top else 0
                verdict = "PASS" if ratio >= target else "FAIL"
                lines.append(
                    f"- {verdict} ({mode}): {by_key[key].label} at 32 clients is {ratio:.1%} "
                    f"of the ceiling (target at least {target:.0%})."
                )
        for key in DETAIL_ENDPOINTS:
            if key in by_key:
                p50 = by_key[key].results[1]["p50"]
                verdict = "PASS" if p50 < DETAIL_P50_MS else "FAIL"
                lines.append(
                    f"- {verdict} ({mode}): {by_key[key].label} p50 at 1 client is {p50:.1f} ms "
                    f"(target under {DETAIL_P50_MS:.0f} ms)."
                )
    errors = [e.label for e in endpoints if any(r["errors"] for r in e.results.values())]
    if errors:
        lines.append(f"- Errors (non-2xx/3xx answers) during the run: {', '.join(errors)}.")
    return "\n".join(lines)


def write_doc(section: str, engine_key: str, title: str | None = None) -> None:
    start, end = f"<!-- bench:{engine_key}:start -->", f"<!-- bench:{engine_key}:end -->"
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    block = f"{start}\n{section}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        if title is None:
            title = f"Scale: {engine_key[6:]}" if engine_key.startswith("scale-") else engine_key
        text = text.rstrip() + f"\n\n## Results: {title}\n\n{block}\n"
    DOC.write_text(text)
    print(f"== wrote {DOC.relative_to(ROOT)} ({engine_key})")


# --- response cache (issue #6): hits, 304s and the first request after a publish ------------

# Targets from issue #6: fraction of this server's own ceiling at 32 connections.
CACHE_TARGETS = {"hub": 0.50, "hub_304": 0.70}
CACHE_KEYS = {"hub", "listing"}  # `--only` keys that select rows of this section
PUBLISH_ROUNDS = 5
# 32-connection cells are measured in this many rounds, each row right after the ceiling, so
# that a change in the machine's load hits the ceiling and the rows alike; medians reported.
CACHE_ROUNDS = 3
WARM_CONNECTIONS = 16  # fresh connections, so that both workers serve (and cache) the path
LISTING_PATH = "/api/v2/pages/?type=pages.CaseStudyPage&fields=*&limit=20"

PUBLISH_SCRIPT = """
from pages.models import HubPage
hub = HubPage.objects.get(pk={pk})
hub.title = {title!r}
hub.save_revision().publish()
"""


@dataclass
class CacheRow:
    key: str
    label: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200
    status: int | None = None
    state: str = ""
    bytes: int | None = None
    results: dict[int, dict] = field(default_factory=dict)
    rounds: list[dict] = field(default_factory=list)  # at 32 connections, one per round
    ratios: list[float] = field(default_factory=list)  # to the ceiling of the same round


def cache_env(env: dict[str, str]) -> tuple[dict[str, str], str]:
    """The cache-on server's environment and a description of its cache."""
    cached = {**env, "API_CACHE_ENABLED": "true", "API_MATERIALISED_ENABLED": "true"}
    if env.get("REDIS_URL"):
        cached.setdefault("CACHE_KEY_PREFIX", "cms-bench")
        return cached, f"Redis (`REDIS_URL`, key prefix `{cached['CACHE_KEY_PREFIX']}`)"
    # Production settings switch the cache off without Redis: an in-process cache is not
    # invalidated by a change made in another process. settings.bench allows it for this run.
    cached["DJANGO_SETTINGS_MODULE"] = "settings.bench"
    return cached, "in process memory (`settings.bench`; no `REDIS_URL`)"


def http_get(base: str, path: str, headers: dict[str, str] | None = None) -> tuple:
    """One request on a new connection: (ms from sending to the last byte, response, body)."""
    host, port = base.split("//", 1)[1].split(":")
    conn = HTTPConnection(host, int(port), timeout=120)
    conn.connect()
    started = time.perf_counter()
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    return elapsed, response, body


def warm(base: str, row: CacheRow) -> None:
    for _ in range(WARM_CONNECTIONS):
        _, response, body = http_get(base, row.path, row.headers)
    row.status, row.bytes = response.status, len(body)
    row.state = response.getheader("X-Cache") or "-"
    if row.status != row.expect:
        raise RuntimeError(f"{row.label}: expected {row.expect}, got {row.status}")


def cache_rows(base: str, hub_path: str, keys: set[str] | None) -> list[CacheRow]:
    rows = [CacheRow("ceiling", "empty JSON view (this server's ceiling)", "/api/bench/empty/")]
    if keys is None or "hub" in keys:
        _, response, _ = http_get(base, hub_path)
        etag = response.getheader("ETag")
        rows += [
            CacheRow("hub", "hub detail, cached", hub_path),
            CacheRow(
                "hub_304",
                "hub detail, `If-None-Match: <its ETag>` (304)",
                hub_path,
                {"If-None-Match": etag},
                expect=304,
            ),
        ]
    if keys is None or "listing" in keys:
        rows.append(CacheRow("listing", "20 case studies, fields=*, cached", LISTING_PATH))
    return rows


def load(wrk: str | None, base: str, row: CacheRow, connections: int, duration: int) -> dict:
    if wrk:
        run_wrk(wrk, base + row.path, connections, 1, row.headers)
        return run_wrk(wrk, base + row.path, connections, duration, row.headers)
    run_python_load(base + row.path, connections, 1, row.headers)
    return run_python_load(base + row.path, connections, duration, row.headers)


def measure_cache_rows(rows: list[CacheRow], base: str, duration: int, wrk: str | None) -> None:
    def show(row: CacheRow, connections: int, result: dict) -> None:
        print(
            f"   {row.key:10} {row.status} {row.state:5} c={connections:<3} "
            f"{result['rps']:>8.1f} req/s p50 {result['p50']:>7.2f} ms "
            f"p99 {result['p99']:>7.2f} ms"
            + (f"  {result['errors']} errors" if result["errors"] else "")
        )

    for row in rows:
        warm(base, row)
    for row in rows:
        row.results[1] = load(wrk, base, row, 1, duration)
        show(row, 1, row.results[1])
    ceiling = rows[0]
    for _ in range(CACHE_ROUNDS):
        for row in rows:
            row.rounds.append(load(wrk, base, row, 32, duration))
            row.ratios.append(row.rounds[-1]["rps"] / ceiling.rounds[-1]["rps"])
            show(row, 32, row.rounds[-1])
    for row in rows:
        # The round with the median requests/s stands for the row in the table.
        row.results[32] = sorted(row.rounds, key=lambda r: r["rps"])[len(row.rounds) // 2]
        # The answer after the load is the one that was measured: check it again.
        _, response, _ = http_get(base, row.path, row.headers)
        if response.status != row.expect:
            raise RuntimeError(f"{row.label}: expected {row.expect}, got {response.status}")


def warm_misses(base: str) -> None:
    """Run the miss path (queries, a stored page read, storing) on both workers, as the
    workers of the uncached servers had before they were measured: a worker that has served
    only hits pays its first query's imports on its first miss."""
    import random

    for _ in range(WARM_CONNECTIONS):
        offset = random.randrange(1000)
        http_get(base, f"/api/v2/pages/?type=pages.CaseStudyPage&limit=2&offset={offset}")


def after_publish(
    env: dict[str, str], base: str, uncached_base: str, hub_pk: int, hub_path: str
) -> list[dict]:
    """Republish the hub with a new title from another process, then time the next request of
    the hub detail (the page published: the publishing process refills its cache entry) and
    of the case-study listing (invalidated by it through the case studies' ancestor tags, not
    refilled) on the cache-on server and on a cache-off server (materialised, as the cache-on
    one), taking turns at going first. All are single requests on new connections after
    another process wrote: the same measurement on both servers, so the cache's own cost is
    the difference. Round 0 warms up (the first publish in a run), reported but not counted."""
    import json

    for server in (base, uncached_base):
        warm_misses(server)
    _, _, body = http_get(base, hub_path)
    original = json.loads(body)["title"]
    rounds = []
    try:
        for number in range(PUBLISH_ROUNDS + 1):
            title = f"{original} (bench publish {number})"
            for path in (hub_path, LISTING_PATH):
                http_get(base, path)
            _, before, _ = http_get(base, hub_path)
            script = PUBLISH_SCRIPT.format(pk=hub_pk, title=title)
            manage(env, "shell", "-v", "0", "-c", script)
            cached_first = number % 2 == 0
            for key, path in (("hub", hub_path), ("listing", LISTING_PATH)):
                servers = [base, uncached_base] if cached_first else [uncached_base, base]
                answers = {server: http_get(server, path) for server in servers}
                first_ms, response, body = answers[base]
                uncached_ms, plain, plain_body = answers[uncached_base]
                next_ms, again, _ = http_get(base, path)
                fresh = response.status == 200 and plain.status == 200
                if key == "hub":
                    fresh = fresh and json.loads(body)["title"] == title
                    fresh = fresh and json.loads(plain_body)["title"] == title
                rounds.append(
                    {
                        "round": number,
                        "key": key,
                        "before": before.getheader("X-Cache") if key == "hub" else "-",
                        "first_ms": first_ms,
                        "first_state": response.getheader("X-Cache"),
                        "fresh": fresh,
                        "next_ms": next_ms,
                        "next_state": again.getheader("X-Cache"),
                        "uncached_ms": uncached_ms,
                        "order": "cache on first" if cached_first else "cache off first",
                    }
                )
                print(
                    f"   publish {number} {key:8}: first request {first_ms:.1f} ms "
                    f"({rounds[-1]['first_state']}, fresh: {fresh}), cache off "
                    f"{uncached_ms:.1f} ms, next {next_ms:.1f} ms ({rounds[-1]['next_state']})"
                )
    finally:
        manage(env, "shell", "-v", "0", "-c", PUBLISH_SCRIPT.format(pk=hub_pk, title=original))
    return rounds


def cache_report(
    rows: list[CacheRow],
    rounds: list[dict] | None,
    uncached: dict[str, float],
    engine: str,
    backend: str,
    tool: str,
    duration: int,
) -> str:
    lines = [
        f"{measured_on(engine)}; gunicorn with {WORKERS} sync workers, production settings, "
        f"response cache on, in {backend}, materialised pages on; {tool}, {duration} s per "
        f"cell after warming both workers. At 32 connections each row was measured in "
        f"{CACHE_ROUNDS} rounds, right after this server's ceiling in the same round; the table "
        "shows the round with the median requests/s, and the ratio is the median of the "
        "per-round ratios (all rounds in brackets).",
        "",
        "| Request | Status | X-Cache | Bytes | req/s @1 | p50 @1 (ms) | p99 @1 (ms) "
        "| req/s @32 | p50 @32 (ms) | p99 @32 (ms) | vs ceiling @32 |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        one, many = row.results[1], row.results[32]
        each = ", ".join(f"{r:.0%}" for r in row.ratios)
        lines.append(
            f"| {row.label} (`{row.path}`) | {row.status} | {row.state} | {row.bytes:,} "
            f"| {one['rps']:,.0f} | {one['p50']:.1f} | {one['p99']:.1f} "
            f"| {many['rps']:,.0f} | {many['p50']:.1f} | {many['p99']:.1f} "
            f"| {statistics.median(row.ratios):.1%} ({each}) |"
        )
    lines += ["", "Targets (issue #6):", ""]
    by_key = {row.key: row for row in rows}
    for key, target in CACHE_TARGETS.items():
        if key in by_key:
            ratio = statistics.median(by_key[key].ratios)
            verdict = "PASS" if ratio >= target else "FAIL"
            lines.append(
                f"- {verdict}: {by_key[key].label} at 32 clients is {ratio:.1%} of this "
                f"server's ceiling (target at least {target:.0%})."
            )
    errors = [r.label for r in rows if any(x["errors"] for x in [*r.results.values(), *r.rounds])]
    if errors:
        lines.append(f"- Errors (non-2xx/3xx answers) during the run: {', '.join(errors)}.")
    if rounds is None:
        lines.append(
            "- Not measured: the first request after a publish. With the in-process cache a "
            "publish made by another process cannot reach the workers' caches (the reason "
            "production settings refuse it); run with `REDIS_URL` set."
        )
        return "\n".join(lines)
    if not rounds:
        return "\n".join(lines)
    lines += [
        "",
        f"After a publish (the hub republished with a new title by `manage.py shell` in another "
        f"process, {PUBLISH_ROUNDS} rounds after a warm-up round 0; then one request on a new "
        "connection per server, timed from sending to the last byte, of the hub detail (the "
        "page published, whose cache entry the publishing process refills) and of the listing "
        "of 20 case studies with `fields=*` (invalidated by the hub's change through its items' "
        "ancestor tags, not refilled); the cache-off server is materialised like this one; "
        "Shows the change: the hub's new title on both servers, for the listing a 200):",
        "",
        "| Round | Request | Before | First request (ms) | X-Cache | Shows the change "
        "| Next request (ms) | X-Cache | Cache off: first request (ms) | Order |",
        "|---:|---|---|---:|---|---|---:|---|---:|---|",
    ]
    for r in rounds:
        lines.append(
            f"| {r['round'] or '0 (warm-up)'} | {r['key']} | {r['before']} | {r['first_ms']:.1f} "
            f"| {r['first_state']} | {'yes' if r['fresh'] else '**no**'} | {r['next_ms']:.1f} "
            f"| {r['next_state']} | {r['uncached_ms']:.1f} | {r['order']} |"
        )
    fresh = sum(r["fresh"] for r in rounds)
    lines += [
        "",
        f"- {'PASS' if fresh == len(rounds) else 'FAIL'}: the first request after a publish "
        f"showed it in {fresh} of {len(rounds)} requests (the warm-up round included).",
    ]
    counted = [r for r in rounds if r["round"]]
    for key, label in (("hub", "hub detail"), ("listing", "case-study listing")):
        mine = [r for r in counted if r["key"] == key]
        if not mine:
            continue
        first = statistics.median(r["first_ms"] for r in mine)
        same = statistics.median(r["uncached_ms"] for r in mine)
        states = ", ".join(sorted({r["first_state"] or "-" for r in mine}))
        verdict = "PASS" if first <= same else "FAIL"
        lines.append(
            f"- {verdict}: the first request of the {label} after a publish took {first:.1f} ms "
            f"(median of {len(mine)}; X-Cache {states}); the same request on the cache-off "
            f"server took {same:.1f} ms (target: no more)."
        )
    reference = uncached.get("materialised")
    if reference is not None:
        rendered = uncached.get("rendered")
        lines.append(
            f"- For scale: the uncached hub detail's p50 at 1 client under wrk (keep-alive, a "
            f"warm worker, no write in between) was {reference:.1f} ms materialised"
            + (f", {rendered:.1f} ms rendered" if rendered is not None else "")
            + "; one request on a new connection from the bench's Python client costs more "
            "than that even when it is a hit (the Next request column)."
        )
    return "\n".join(lines)


def cache_bench(
    env: dict[str, str],
    keys: set[str] | None,
    uncached: dict[str, float],
    engine: str,
    engine_key: str,
    wrk: str | None,
    tool: str,
    args,
) -> None:
    """Issue #6's targets: a server with the response cache on, its own ceiling, cached rows,
    304 answers and (with Redis) the first request after a publish."""
    from pages.models import HubPage

    hub = HubPage.objects.filter(depth=2, locale__language_code="en").first()
    hub_path = f"/api/v2/pages/{hub.pk}/"
    cached, backend = cache_env(env)
    print(f"== response cache on, in {backend}")
    with gunicorn(cached) as base:
        rows = cache_rows(base, hub_path, keys)
        measure_cache_rows(rows, base, args.duration, wrk)
        rounds = None  # not measurable with the in-process cache (see cache_report)
        if cached.get("REDIS_URL"):
            rounds = []
            if keys is None or "hub" in keys:
                uncached_env = {**env, "API_MATERIALISED_ENABLED": "true"}
                with gunicorn(uncached_env) as uncached_base:
                    rounds = after_publish(cached, base, uncached_base, hub.pk, hub_path)
    section = cache_report(rows, rounds, uncached, engine, backend, tool, args.duration)
    print(section)
    if not args.no_write:
        store = "redis" if cached.get("REDIS_URL") else "inprocess"
        label = "Redis" if store == "redis" else "in-process"
        write_doc(
            section,
            f"cache-{engine_key}-{store}",
            title=f"Response cache: {engine_key}, {label} (issue #6)",
        )


# --- scale: the same requests on the seed's size and on 20,000 pages ------------------------

SCALE_TARGET = 1.5
SCALE_ROUNDS = 3  # alternate seed/20k this many times per endpoint; medians are reported


def scale_env(size: str, case_studies: int) -> dict[str, str]:
    env = bench_env()
    url = env.get("DATABASE_URL")
    if url:
        base, name = url.rsplit("/", 1)
        env["DATABASE_URL"] = f"{base}/{name}_scale_{size}"
        create_postgres_database(env["DATABASE_URL"])
    else:
        env["VAR_DIR"] = str(ROOT / "var" / f"bench-scale-{size}")
    env["BENCH_CASE_STUDIES"] = str(case_studies)
    return env


def create_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def scale_prepare(env: dict[str, str], skip_load: bool) -> None:
    print("== scale database:", env.get("DATABASE_URL") or f"{env['VAR_DIR']}/db.sqlite3")
    manage(env, "migrate", "--noinput", "-v0")
    if not skip_load:
        manage(env, "load_bench_data", "--case-studies", env["BENCH_CASE_STUDIES"], "-v0")


def scale_paths(base: str, case_studies: int) -> dict[str, tuple[str, str]]:
    """Endpoint key -> (label, path), found through the API itself (find's redirect)."""
    import json

    def location(path: str) -> str:
        conn = HTTPConnection(*base.split("//", 1)[1].split(":"), timeout=60)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.getheader("Location")

    middle = f"/bench-case-study-{case_studies // 2:05d}/"
    listing = "/api/v2/pages/?type=pages.CaseStudyPage&fields=*&limit=20"
    with urllib.request.urlopen(base + listing, timeout=120) as response:
        total = json.load(response)["meta"]["total_count"]
    return {
        "listing": ("listing, first 20, fields=*", listing),
        "listing_last": (
            "listing, last 20 (offset)",
            f"/api/v2/pages/?type=pages.CaseStudyPage&fields=*&limit=20&offset={total - 20}",
        ),
        "listing_plain": ("listing, all pages, default fields", "/api/v2/pages/"),
        "find": ("find by path (302)", f"/api/v2/pages/find/?html_path={middle}"),
        "detail": ("case-study detail", location(f"/api/v2/pages/find/?html_path={middle}")),
        "hub": ("hub detail", location("/api/v2/pages/find/?html_path=/")),
    }


def scale_measure(wrk: str | None, base: str, path: str, duration: int) -> dict:
    if wrk:
        run_wrk(wrk, base + path, 1, 1)
        return run_wrk(wrk, base + path, 1, duration)
    run_python_load(base + path, 1, 1)
    return run_python_load(base + path, 1, duration)


def scale_main(args) -> None:
    started = time.monotonic()
    sizes = {"seed": 20, "20k": args.scale_pages}
    envs = {size: scale_env(size, n) for size, n in sizes.items()}
    for env in envs.values():
        scale_prepare(env, args.skip_load)
    wrk = ensure_wrk()
    tool = "wrk" if wrk else "a Python keep-alive load generator (wrk unavailable)"
    engine = "PostgreSQL" if envs["seed"].get("DATABASE_URL") else "SQLite (WAL)"
    with gunicorn(envs["seed"]) as small, gunicorn(envs["20k"]) as large:
        bases = {"seed": small, "20k": large}
        paths = {size: scale_paths(bases[size], sizes[size]) for size in sizes}
        rows = []
        for key, (label, _) in paths["seed"].items():
            p50s: dict[str, list[float]] = {"seed": [], "20k": []}
            rps: dict[str, list[float]] = {"seed": [], "20k": []}
            for _ in range(SCALE_ROUNDS):
                for size in sizes:
                    result = scale_measure(wrk, bases[size], paths[size][key][1], args.duration)
                    p50s[size].append(result["p50"])
                    rps[size].append(result["rps"])
            seed, big = statistics.median(p50s["seed"]), statistics.median(p50s["20k"])
            ratio = big / seed if seed else float("inf")
            rows.append((key, label, paths["20k"][key][1], seed, big, ratio, rps))
            print(f"   {key:14} seed p50 {seed:7.2f} ms  20k p50 {big:7.2f} ms  ratio {ratio:.2f}")
    lines = [
        f"{measured_on(engine)}; gunicorn with {WORKERS} sync workers per site, production "
        f"settings, response cache and materialised pages off (every request renders); {tool}, 1 connection, {args.duration} s per cell, "
        f"{SCALE_ROUNDS} rounds alternating between the two sites, medians. Seed's size: the "
        f"seed + {sizes['seed']} bench case studies; large: the seed + {sizes['20k']:,}.",
        "",
        "| Endpoint | p50 seed (ms) | p50 20k (ms) | 20k/seed | req/s seed | req/s 20k | verdict |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for _key, label, path, seed, big, ratio, rps in rows:
        verdict = "PASS" if ratio <= SCALE_TARGET else "FAIL"
        lines.append(
            f"| {label} (`{path}`) | {seed:.1f} | {big:.1f} | {ratio:.2f}x "
            f"| {statistics.median(rps['seed']):,.0f} | {statistics.median(rps['20k']):,.0f} "
            f"| {verdict} (target at most {SCALE_TARGET}x) |"
        )
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_doc(section, f"scale-{engine.split()[0].lower()}")
    print(f"== done in {time.monotonic() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="store_true", help="seed's size vs 20,000 pages")
    parser.add_argument("--scale-pages", type=int, default=20000, help="case studies for --scale")
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--skip-load", action="store_true", help="reuse the bench data as is")
    parser.add_argument("--only", default="", help="comma-separated endpoint keys")
    parser.add_argument("--no-write", action="store_true", help="print, do not update the doc")
    args = parser.parse_args()
    if args.scale:
        scale_main(args)
        return

    env = bench_env()
    started = time.monotonic()
    prepare(env, args.skip_load)
    # `--only cache` runs the response-cache section alone; other keys select rows of both.
    only = set(filter(None, args.only.split(","))) or None
    issue3_keys = None if only is None else only - {"cache"}
    cache_keys = None if only is None or "cache" in only else only & CACHE_KEYS
    print("== SQL queries and bytes per request (in-process)")
    endpoints = in_process_measurements(env, issue3_keys if issue3_keys != set() else {"-"})
    from django.db import connection

    engine_key = connection.vendor  # "sqlite" or "postgresql"
    base_engine = {"sqlite": "SQLite (WAL)", "postgresql": "PostgreSQL"}.get(engine_key, engine_key)
    wrk = ensure_wrk()
    tool = "wrk" if wrk else "a Python keep-alive load generator (wrk unavailable; a lower bound)"
    print(f"== load with {tool}")
    if issue3_keys is None or issue3_keys:
        # One server per mode (same settings otherwise); the ceiling is measured on the first.
        with gunicorn(env) as base:
            measure([e for e in endpoints if e.mode == "rendered"], base, args.duration, wrk)
        with gunicorn({**env, "API_MATERIALISED_ENABLED": "true"}) as base:
            measure([e for e in endpoints if e.mode == "materialised"], base, args.duration, wrk)
        section = report(endpoints, base_engine, tool, args.duration)  # cache off: no Redis
        print(section)
        if not args.no_write:
            write_doc(section, engine_key)
    if cache_keys is None or cache_keys:
        # The uncached hub detail of this run, what the first request after a publish is
        # compared with.
        uncached = {e.mode: e.results[1]["p50"] for e in endpoints if e.key == "hub" and e.results}
        cache_bench(env, cache_keys, uncached, base_engine, engine_key, wrk, tool, args)
    print(f"== done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
