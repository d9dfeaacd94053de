"""`make bench`: the API on a production-style server, against a bare Django app, in one run.

Each database leg (SQLite always; PostgreSQL with Redis when they answer, see `Leg`) does:

1. Builds its bench site (`manage.py load_bench_data`: 2,000 case studies, 200 partner cities,
   500 images on top of the seed) and counts each endpoint's SQL queries and bytes in-process.
2. Starts four gunicorns, each with 2 sync workers: the ceiling (`bench/ceiling.py`, a bare
   Django app: one view, no middleware, its own settings), the same app on the leg's database
   (its floor: the view reads the content generation first, as every fresh answer must), the
   API with the response cache off (`API_CACHE_ENABLED=false`: the render path, with stock
   Wagtail's v2 pages endpoint mounted beside it by `bench/settings.py`), and the API with the
   cache on (Redis on the PostgreSQL leg, Django's database cache on the SQLite one).
3. wrk at 1 and 32 connections. Every 32-connection cell is measured right after the ceiling,
   in the same round, and reported as a percentage of it; the rows with targets take
   `--rounds` rounds (median ratio), the others one.
4. The first request after a publish made by another process (`manage.py shell`), on the
   cache-on server, beside the same request on the render path.
5. A hung Redis (its own redis-server, SIGSTOP): p99 of the hub detail at 32 connections and a
   publish's duration, beside a publish with Redis up; then fresh after SIGCONT.
6. Memory: one worker's RSS after 100 and after 10,000 mixed requests (render path).
7. Writes its section of docs/benchmarks.md (between markers).

Any answer that is not 2xx/3xx, or a socket error, anywhere in a run marks it FAILED (exit 1).

    .venv/bin/python bench/run.py [--duration 5] [--rounds 3] [--legs sqlite,postgresql]
    .venv/bin/python bench/run.py --scale [--scale-pages 20000]   # latency vs site size

`--scale` builds two sites of its own (the seed's size and 20,000 case studies; on PostgreSQL with
`BENCH_SCALE_DATABASE=postgresql`, else SQLite), serves both at
once and compares p50 at 1 connection, alternating between them ("Scale" sections).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
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
WORKERS = 2
CEILING_PATH = "/ceiling/"
FLOOR_PATH = "/ceiling/generation/"
LISTING = "/api/v2/pages/?type=pages.CaseStudyPage&fields=*&limit=20"
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cms_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")

# Issue #17, the render path (cache off): p50 at 1 connection (ms), share of the ceiling at 32,
# and how many times faster than stock Wagtail's v2 on the same page (p50 at 1 connection).
RENDER_P50_MS = {"hub": 7.0, "case_study": 5.0, "listing": 15.0, "partner_city": 3.0}
RENDER_SHARE = {"hub": 0.08, "listing": 0.03}
STOCK_FACTOR = 3.0
# Issue #13, the response cache: share of the ceiling at 32 connections; hung Redis bounds.
# The hit both as a client that accepts gzip (browsers, CDNs, Node's fetch) and as one that
# does not (wrk's default: the stored answer is inflated for it).
CACHE_SHARE = {"hit_hub": 0.60, "hit_hub_gzip": 0.60, "not_modified": 0.75}
HUNG_P99_MS, HUNG_PUBLISH_S = 1000.0, 2.0
PUBLISH_ROUNDS = 5
MEMORY_REQUESTS = [100, 10_000]
MEMORY_GROWTH = 0.10
ERRORS: list[str] = []  # every cell that saw a non-2xx/3xx answer or a socket error


# --- servers and load -----------------------------------------------------------------------


@dataclass
class Leg:
    name: str  # "sqlite" or "postgresql"
    env: dict[str, str]  # the bench site's database (and, on PostgreSQL, Redis for the cache)
    cache: str  # what the cache-on server caches in, for the report

    @property
    def engine(self) -> str:
        return {"sqlite": "SQLite (WAL)", "postgresql": "PostgreSQL"}[self.name]


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        API_CACHE_ENABLED="false",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def reachable(url: str, default_port: int) -> bool:
    host_port = url.split("//", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = host_port.partition(":")
    with (
        contextlib.suppress(OSError),
        socket.create_connection((host, int(port or default_port)), 1),
    ):
        return True
    return False


def legs(names: list[str]) -> list[Leg]:
    found = []
    for name in names:
        if name == "sqlite":
            env = base_env(VAR_DIR=str(ROOT / "var" / "bench"))
            found.append(Leg("sqlite", env, "Django's database cache (no `REDIS_URL`)"))
        elif not reachable(PG_URL, 5432):
            print(f"!!!!!!!! SKIPPED: the PostgreSQL leg: nothing answers at {PG_URL} !!!!!!!!")
        else:
            create_postgres_database(PG_URL)
            env = base_env(DATABASE_URL=PG_URL)
            cache = "Django's database cache (no Redis answered)"
            if reachable(REDIS_URL, 6379):
                env.update(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX="cms-bench")
                cache = f"Redis (`{REDIS_URL}`)"
            else:
                print(f"!!!!!!!! no Redis at {REDIS_URL}: the PostgreSQL leg caches in it !!!!!!!!")
            found.append(Leg("postgresql", env, cache))
    return found


def create_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    base: str
    process: subprocess.Popen

    def workers(self) -> list[int]:
        """The worker processes' pids (children of the gunicorn master)."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(stat.parent.name))
        return pids


@contextlib.contextmanager
def gunicorn(env: dict[str, str], app: str = "cms.wsgi:application", workers: int = WORKERS):
    port = free_port()
    process = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), app, "--workers", str(workers)]
        + ["--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--backlog", "2048"]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    ready = CEILING_PATH if "bench.ceiling" in env["DJANGO_SETTINGS_MODULE"] else "/api/health/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + ready, timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn ({app}) did not start") from None
                time.sleep(0.3)
        yield Server(base, process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def ceiling_server(database_url: str = ""):
    """The bare Django app; with `database_url`, also the floor (`/ceiling/generation/`)."""
    env = {**base_env(), "DJANGO_SETTINGS_MODULE": "bench.ceiling"}
    if database_url:
        env["CEILING_DATABASE_URL"] = database_url
    return gunicorn(env, "django.core.wsgi:get_wsgi_application()")


def database_url(leg_env: dict[str, str]) -> str:
    return leg_env.get("DATABASE_URL") or f"sqlite:///{leg_env['VAR_DIR']}/db.sqlite3"


_DURATION = re.compile(r"([\d.]+)(us|ms|s|m)\b")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    value, unit = _DURATION.match(text).groups()
    return float(value) * _UNIT_MS[unit]


class Load:
    """wrk when it is installed (Debian's package), else a weaker Python client (a lower
    bound). Every measurement's errors are recorded in ERRORS, which fails the run."""

    def __init__(self, duration: int):
        self.duration = duration
        self.wrk = shutil.which("wrk")
        if not self.wrk and shutil.which("apt-get") and os.geteuid() == 0:
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
            self.wrk = shutil.which("wrk")
        self.tool = "wrk" if self.wrk else "a Python keep-alive client (no wrk: a lower bound)"

    def __call__(
        self, url: str, connections: int, headers: dict | None = None, warm: bool = True
    ) -> dict:
        if warm:
            self._run(url, connections, 1, headers)
        result = self._run(url, connections, self.duration, headers)
        if result["errors"]:
            ERRORS.append(f"{url} at {connections} connections: {result['errors']} errors")
        return result

    def _run(self, url: str, connections: int, duration: int, headers: dict | None) -> dict:
        if not self.wrk:
            return python_load(url, connections, duration, headers)
        args = [self.wrk, f"-t{min(connections, 2)}", f"-c{connections}", f"-d{duration}s"]
        args += ["--timeout", "30s", "--latency"]
        for name, value in (headers or {}).items():
            args += ["-H", f"{name}: {value}"]
        out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
        p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
        bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        sockets = re.search(r"Socket errors: (.*)", out)
        errors = int(bad.group(1)) if bad else 0
        errors += sum(int(n) for n in re.findall(r"\d+", sockets.group(1))) if sockets else 0
        return {
            "rps": rps,
            # No completed request: infinite latency, so no target passes on nothing.
            "p50": _ms(p50.group(1)) if rps and p50 else float("inf"),
            "p99": _ms(p99.group(1)) if rps and p99 else float("inf"),
            "errors": errors,
        }


def python_load(url: str, connections: int, duration: int, headers: dict | None) -> dict:
    host, port, path = split_url(url)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client() -> None:
        nonlocal errors
        conn = HTTPConnection(host, port, timeout=30)
        mine, bad = [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            bad += response.status >= 400
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = statistics.quantiles(sorted(latencies), n=100) if len(latencies) > 1 else [0.0] * 99
    return {"rps": len(latencies) / duration, "p50": cuts[49], "p99": cuts[98], "errors": errors}


def split_url(url: str) -> tuple[str, int, str]:
    netloc, _, path = url.split("//", 1)[1].partition("/")
    host, _, port = netloc.partition(":")
    return host, int(port), "/" + path


def http_get(base: str, path: str, headers: dict | None = None) -> tuple[float, int, bytes]:
    """One request on a new connection: (ms from sending to the last byte, status, body)."""
    host, port, _ = split_url(base + "/")
    conn = HTTPConnection(host, port, timeout=120)
    conn.connect()
    started = time.perf_counter()
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    if response.status >= 400:
        ERRORS.append(f"{path}: {response.status}")
    return elapsed, response.status, body


# --- what is measured ------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None
    bytes: int | None = None
    queries: int | None = None
    one: dict | None = None  # at 1 connection
    many: list[dict] = field(default_factory=list)  # at 32, one per round
    shares: list[float] = field(default_factory=list)  # of the ceiling, in the same round

    @property
    def share(self) -> float:
        return statistics.median(self.shares) if self.shares else 0.0


# Run with `manage.py shell` (the bench settings, cache off): each endpoint's path, status,
# bytes and SQL queries (after one warm-up request, as a long-running worker would be).
INSPECT = r"""
import json
from django.db import connection
from django.test import Client
from pages.models import CaseStudyPage, HubPage, PartnerCity

hub = HubPage.objects.filter(depth=2, locale__language_code="en").first()
studies = CaseStudyPage.objects.filter(slug__startswith="bench-case-study-").order_by("pk")
middle = studies[studies.count() // 2]
city = PartnerCity.objects.filter(name__startswith="Bench city ").order_by("pk").first()
paths = {
    "hub": f"/api/v2/pages/{hub.pk}/",
    "case_study": f"/api/v2/pages/{middle.pk}/",
    "listing": LISTING,
    "find": "/api/v2/pages/find/?html_path=" + middle.url_path[len(hub.url_path) - 1 :],
    "partner_cities": "/api/v2/partner-cities/",
    "partner_city": f"/api/v2/partner-cities/{city.pk}/",
    "images": "/api/v2/images/",
    "stock_hub": f"/stock/api/v2/pages/{hub.pk}/",
    "stock_case_study": f"/stock/api/v2/pages/{middle.pk}/",
    "stock_listing": "/stock" + LISTING,
}
client = Client(HTTP_HOST="127.0.0.1")
executed = []

def count(execute, sql, params, many, context):
    executed.append(sql)
    return execute(sql, params, many, context)

found = {"hub_pk": hub.pk, "case_study_pk": middle.pk}
for key, path in paths.items():
    client.get(path)
    executed.clear()
    with connection.execute_wrapper(count):
        response = client.get(path)
    found[key] = [path, response.status_code, len(response.content), len(executed)]
print("BENCH" + json.dumps(found))
"""

LABELS = {
    "hub": "hub detail",
    "case_study": "case-study detail",
    "listing": "20 case studies, fields=*",
    "find": "find by path (302)",
    "partner_cities": "partner-cities listing",
    "partner_city": "partner-city detail",
    "images": "images listing",
    "stock_hub": "hub detail, stock Wagtail v2",
    "stock_case_study": "case-study detail, stock Wagtail v2",
    "stock_listing": "20 case studies, fields=*, stock Wagtail v2",
}


def inspect(leg: Leg) -> tuple[list[Row], dict[str, int]]:
    out = manage(leg.env, "shell", "-v", "0", "-c", f"LISTING = {LISTING!r}\n{INSPECT}")
    found = json.loads(out[out.index("BENCH") + 5 :])
    pks = {key: found.pop(key) for key in ("hub_pk", "case_study_pk")}
    rows = []
    for key, (path, status, size, queries) in found.items():
        rows.append(Row(key, LABELS[key], path, status=status, bytes=size, queries=queries))
        print(f"   {key:18} {status} {size:>8} B {queries:>3} queries")
        if status >= 400:
            ERRORS.append(f"{path}: {status} in-process")
    return rows, pks


def at_32(load: Load, ceiling: Server, server: Server, row: Row, rounds: int) -> None:
    """`rounds` pairs of (ceiling, row) at 32 connections; the share is per pair."""
    for _ in range(rounds):
        top = load(ceiling.base + CEILING_PATH, 32, warm=False)
        row.many.append(load(server.base + row.path, 32, row.headers))
        row.shares.append(row.many[-1]["rps"] / top["rps"] if top["rps"] else 0.0)


def measure(load: Load, ceiling: Server, server: Server, rows: list[Row], targets, rounds: int):
    for row in rows:
        row.one = load(server.base + row.path, 1, row.headers)
        at_32(load, ceiling, server, row, rounds if row.key in targets else 1)
        print(
            f"   {row.key:18} p50@1 {row.one['p50']:7.2f} ms  p99@1 {row.one['p99']:7.2f} ms  "
            f"{statistics.median(r['rps'] for r in row.many):8.0f} req/s@32  "
            f"{row.share:6.1%} of the ceiling"
        )


PUBLISH = """
import time
from pages.models import HubPage
hub = HubPage.objects.get(pk={pk})
hub.title = {title!r}
started = time.perf_counter()
hub.save_revision().publish()
print("PUBLISHED", time.perf_counter() - started)
"""


def publish(env: dict[str, str], pk: int, title: str) -> float:
    """Publish the hub with a new title from another process; seconds the publish took."""
    out = manage(env, "shell", "-v", "0", "-c", PUBLISH.format(pk=pk, title=title))
    return float(out.split("PUBLISHED", 1)[1].split()[0])


def after_publish(leg: Leg, cached: Server, rendered: Server, rows: dict[str, Row], pk: int):
    """Per round: publish the hub from another process, then one request (a new connection)
    of the hub, a case study and the listing on the cache-on server, and the same on the
    render path; the two servers take turns at going first. Returns {key: (cached, rendered)}
    medians in ms, and whether every first answer showed the new title."""
    keys = ("hub", "case_study", "listing")
    times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in keys}
    _, _, body = http_get(cached.base, rows["hub"].path)
    original, fresh = json.loads(body)["title"], True
    for number in range(PUBLISH_ROUNDS + 1):  # round 0 warms up; not counted
        for key in keys:
            http_get(cached.base, rows[key].path)  # cached before the publish
        title = f"{original} (bench publish {number})"
        publish(leg.env, pk, title)
        order = [cached, rendered] if number % 2 else [rendered, cached]
        for key in keys:
            for server in order:
                elapsed, _, body = http_get(server.base, rows[key].path)
                if key == "hub":
                    fresh = fresh and json.loads(body)["title"] == title
                if number:
                    times[key][server is rendered].append(elapsed)
    publish(leg.env, pk, original)
    medians = {k: (statistics.median(c), statistics.median(r)) for k, (c, r) in times.items()}
    return medians, fresh


def hung_redis(leg: Leg, load: Load, hub: Row, pk: int) -> dict | None:
    """A redis-server of its own, paused with SIGSTOP under a cache-on server."""
    binary = shutil.which("redis-server")
    if not binary:
        print("!!!!!!!! SKIPPED: hung Redis: no redis-server here !!!!!!!!")
        return None
    port = free_port()
    redis = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    env = {**leg.env, "API_CACHE_ENABLED": "true", "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    try:
        with gunicorn(env) as server:
            http_get(server.base, hub.path)
            _, _, body = http_get(server.base, hub.path)
            original = json.loads(body)["title"]
            up = publish(env, pk, f"{original} (before the hang)")
            redis.send_signal(signal.SIGSTOP)
            try:
                result = load(server.base + hub.path, 32)
                hung = publish(env, pk, f"{original} (during the hang)")
            finally:
                redis.send_signal(signal.SIGCONT)
            _, _, body = http_get(server.base, hub.path)
            fresh = json.loads(body)["title"] == f"{original} (during the hang)"
            publish(env, pk, original)
    finally:
        redis.terminate()
        redis.wait(timeout=10)
    return {"load": result, "publish_up": up, "publish_hung": hung, "fresh": fresh}


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def memory(leg: Leg, rows: list[Row]) -> tuple[int, int]:
    """One worker, render path: RSS after 100 and after 10,000 requests cycling through the
    API's endpoints on one keep-alive connection."""
    paths = [r.path for r in rows if not r.key.startswith("stock_")]
    with gunicorn(leg.env, workers=1) as server:
        (worker,) = server.workers()
        host, port, _ = split_url(server.base + "/")
        conn = HTTPConnection(host, port, timeout=60)
        readings = []
        for done in range(1, MEMORY_REQUESTS[-1] + 1):
            conn.request("GET", paths[done % len(paths)])
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                ERRORS.append(f"memory run: {paths[done % len(paths)]}: {response.status}")
            if done in MEMORY_REQUESTS:
                readings.append(rss_kib(worker))
        conn.close()
    return readings[0], readings[-1]


# --- one leg -----------------------------------------------------------------------------------


def run_leg(leg: Leg, load: Load, args) -> str:
    print(f"== {leg.engine}: bench site")
    manage(leg.env, "migrate", "--noinput", "-v0")
    if not args.skip_load:
        manage(leg.env, "load_bench_data", "-v0")
    print("== SQL queries and bytes per request (in-process)")
    rows, pks = inspect(leg)
    by_key = {r.key: r for r in rows}
    cached_env = {**leg.env, "API_CACHE_ENABLED": "true"}
    with (
        ceiling_server() as ceiling,
        ceiling_server(database_url(leg.env)) as floor,
        gunicorn(leg.env) as rendered,
        gunicorn(cached_env) as cached,
    ):
        print(f"== render path (cache off), {load.tool}")
        targets = set(RENDER_SHARE) | {"stock_hub", "stock_listing"}
        measure(load, ceiling, rendered, rows, targets, args.rounds)
        print(f"== response cache on, in {leg.cache}")
        hub = by_key["hub"]
        etag = urllib.request.urlopen(cached.base + hub.path).headers["ETag"]
        cache_rows = [
            Row("hit_hub", "hub detail, cached", hub.path),
            Row("hit_hub_gzip", "hub detail, cached, `Accept-Encoding: gzip`", hub.path),
            Row("not_modified", "hub detail, `If-None-Match` (304)", hub.path),
            Row("hit_listing", "20 case studies, fields=*, cached", LISTING),
        ]
        cache_rows[1].headers = {"Accept-Encoding": "gzip"}
        cache_rows[2].headers = {"If-None-Match": etag}
        for row in cache_rows:
            for _ in range(8):  # fresh connections: both workers see the path
                _, row.status, body = http_get(cached.base, row.path, row.headers)
            row.bytes = len(body)
        measure(load, ceiling, cached, cache_rows, set(CACHE_SHARE), args.rounds)
        # The floor of any fresh answer on this database: a bare view and the generation read.
        floor_row = Row("floor", "bare Django + the generation read (floor)", FLOOR_PATH)
        _, floor_row.status, body = http_get(floor.base, FLOOR_PATH)
        floor_row.bytes = len(body)
        measure(load, ceiling, floor, [floor_row], {"floor"}, args.rounds)
        cache_rows.append(floor_row)
        print("== the first request after a publish in another process")
        firsts, fresh = after_publish(leg, cached, rendered, by_key, pks["hub_pk"])
    print("== hung Redis")
    hung = hung_redis(leg, load, hub, pks["hub_pk"])
    print(f"== memory: one worker, {MEMORY_REQUESTS[-1]:,} requests")
    rss = memory(leg, rows)
    print(f"   RSS {rss[0]:,} KiB after {MEMORY_REQUESTS[0]}, {rss[1]:,} KiB after the last")
    return leg_report(leg, load, args, rows, cache_rows, firsts, fresh, hung, rss)


# --- the report ----------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "**FAIL**"


def measured_on(engine: str) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC at commit `{commit}` "
        f"on {os.cpu_count()} CPUs ({cpu}), load average {load} at the end; {engine}"
    )


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| Request | Status | Bytes | SQL | p50 @1 (ms) | p99 @1 (ms) | req/s @32 "
        "| p99 @32 (ms) | of the ceiling @32 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        many = sorted(r.many, key=lambda m: m["rps"])[len(r.many) // 2]
        each = f" ({', '.join(f'{s:.1%}' for s in r.shares)})" if len(r.shares) > 1 else ""
        queries = "-" if r.queries is None else r.queries
        lines.append(
            f"| {r.label} (`{r.path}`) | {r.status} | {r.bytes:,} | {queries} "
            f"| {r.one['p50']:.1f} | {r.one['p99']:.1f} | {many['rps']:,.0f} "
            f"| {many['p99']:.1f} | {r.share:.1%}{each} |"
        )
    return lines


def leg_report(leg, load, args, rows, cache_rows, firsts, fresh, hung, rss) -> str:
    by_key = {r.key: r for r in rows + cache_rows}
    lines = [
        f"{measured_on(leg.engine)}. gunicorn, {WORKERS} sync workers per server, production "
        f"settings; {load.tool}, {args.duration} s per cell after a 1 s warm-up. Each 32-connection "
        "cell was measured right after the ceiling (the bare Django app of bench/ceiling.py) and "
        f"its share is of that measurement; rows with targets: the median of {args.rounds} rounds "
        "(each round in brackets).",
        "",
        "Render path (`API_CACHE_ENABLED=false`):",
        "",
        *table(rows),
        "",
        f"Response cache on, in {leg.cache}:",
        "",
        *table(cache_rows),
        "",
        "The first request after a publish (the hub republished by `manage.py shell`; one request "
        f"on a new connection; median of {PUBLISH_ROUNDS} rounds, the servers taking turns at "
        "going first):",
        "",
        "| Request | cache on: first request after the publish (ms) | render path, same request (ms) |",
        "|---|---:|---:|",
    ]
    for key, (first, plain) in firsts.items():
        lines.append(f"| {by_key[key].label} | {first:.1f} | {plain:.1f} |")
    lines += ["", "Targets:", ""]
    for key, target in RENDER_P50_MS.items():
        p50 = by_key[key].one["p50"]
        lines.append(
            f"- {verdict(p50 <= target)} (#17): {by_key[key].label}, render path, p50 at 1 "
            f"connection {p50:.1f} ms (at most {target:.0f} ms)."
        )
    for key, target in RENDER_SHARE.items():
        share = by_key[key].share
        lines.append(
            f"- {verdict(share >= target)} (#17): {by_key[key].label}, render path, at 32 "
            f"connections {share:.1%} of the ceiling (at least {target:.0%})."
        )
    for key in ("hub", "case_study", "listing"):
        ours, stock = by_key[key].one["p50"], by_key[f"stock_{key}"].one["p50"]
        lines.append(
            f"- {verdict(stock >= STOCK_FACTOR * ours)} (#17): {by_key[key].label}, p50 "
            f"{ours:.1f} ms against stock Wagtail's {stock:.1f} ms: {stock / ours:.1f}x "
            f"(at least {STOCK_FACTOR:.0f}x)."
        )
    for key, target in CACHE_SHARE.items():
        share = by_key[key].share
        lines.append(
            f"- {verdict(share >= target)} (#13): {by_key[key].label} at 32 connections "
            f"{share:.1%} of the ceiling (at least {target:.0%})."
        )
    floor = by_key["floor"].share
    if floor:  # a floor that answered nothing is already among the run's errors
        lines.append(
            f"- Context (#13): the floor, a bare Django view that only reads the generation as "
            f"every fresh answer must, reached {floor:.1%} of the ceiling; of the floor, the "
            + ", ".join(
                f"{by_key[key].label} reached {by_key[key].share / floor:.0%}"
                for key in CACHE_SHARE
            )
            + "."
        )
    lines.append(
        f"- {verdict(fresh)} (#13): every first request after a publish showed the new title."
    )
    if hung is None:
        lines.append("- SKIPPED (#13): hung Redis (no redis-server on this machine).")
    else:
        p99 = hung["load"]["p99"]
        rendered = statistics.median(m["p99"] for m in by_key["hub"].many)
        lines += [
            f"- {verdict(p99 <= HUNG_P99_MS)} (#13): Redis hung (SIGSTOP): hub detail p99 at 32 "
            f"connections {p99:.0f} ms, {hung['load']['rps']:,.0f} req/s (p99 at most "
            f"{HUNG_P99_MS:.0f} ms; every request renders: the render path's own p99 at 32 "
            f"connections was {rendered:.0f} ms in this run).",
            f"- {verdict(hung['publish_hung'] <= HUNG_PUBLISH_S)} (#13): a publish with Redis "
            f"hung took {hung['publish_hung']:.2f} s, with Redis up {hung['publish_up']:.2f} s "
            f"(at most {HUNG_PUBLISH_S:.0f} s).",
            f"- {verdict(hung['fresh'])} (#13): after SIGCONT the hub showed what was "
            "published during the hang.",
        ]
    growth = rss[1] / rss[0] - 1
    lines.append(
        f"- {verdict(growth <= MEMORY_GROWTH)} (#17): one worker's RSS {rss[0] / 1024:.1f} MiB "
        f"after {MEMORY_REQUESTS[0]} requests, {rss[1] / 1024:.1f} MiB after "
        f"{MEMORY_REQUESTS[-1]:,} ({growth:+.1%}; at most +{MEMORY_GROWTH:.0%})."
    )
    return "\n".join(lines)


def write_doc(section: str, key: str, title: str) -> None:
    start, end = f"<!-- bench:{key}:start -->", f"<!-- bench:{key}:end -->"
    text = DOC.read_text()
    block = f"{start}\n{section}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + f"\n\n## Results: {title}\n\n{block}\n"
    DOC.write_text(text)
    print(f"== wrote {DOC.relative_to(ROOT)} ({key})")


def failed_banner(errors: list[str]) -> str:
    return (
        "**RUN FAILED: answers that were not 2xx/3xx, or socket errors:** "
        + "; ".join(errors[:20])
        + "\n\n"
    )


# --- scale: the same requests on the seed's size and on 20,000 pages ------------------------

SCALE_TARGET = 1.5
SCALE_ROUNDS = 3


def scale_env(size: str, case_studies: int) -> dict[str, str]:
    if reachable(PG_URL, 5432) and os.environ.get("BENCH_SCALE_DATABASE") == "postgresql":
        url = f"{PG_URL}_scale_{size}"
        create_postgres_database(url)
        return base_env(DATABASE_URL=url, BENCH_CASE_STUDIES=str(case_studies))
    return base_env(
        VAR_DIR=str(ROOT / "var" / f"bench-scale-{size}"), BENCH_CASE_STUDIES=str(case_studies)
    )


def scale_paths(base: str, case_studies: int) -> dict[str, tuple[str, str]]:
    """Endpoint key -> (label, path), found through the API itself (find's redirect)."""

    def location(path: str) -> str:
        host, port, _ = split_url(base + "/")
        conn = HTTPConnection(host, port, timeout=60)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.getheader("Location")

    middle = f"/bench-case-study-{case_studies // 2:05d}/"
    with urllib.request.urlopen(base + LISTING, timeout=120) as response:
        total = json.load(response)["meta"]["total_count"]
    return {
        "listing": ("listing, first 20, fields=*", LISTING),
        "listing_last": ("listing, last 20 (offset)", f"{LISTING}&offset={total - 20}"),
        "listing_plain": ("listing, all pages, default fields", "/api/v2/pages/"),
        "find": ("find by path (302)", f"/api/v2/pages/find/?html_path={middle}"),
        "detail": ("case-study detail", location(f"/api/v2/pages/find/?html_path={middle}")),
        "hub": ("hub detail", location("/api/v2/pages/find/?html_path=/")),
    }


def scale_main(args, load: Load) -> None:
    sizes = {"seed": 20, "20k": args.scale_pages}
    envs = {size: scale_env(size, n) for size, n in sizes.items()}
    for env in envs.values():
        manage(env, "migrate", "--noinput", "-v0")
        if not args.skip_load:
            manage(env, "load_bench_data", "--case-studies", env["BENCH_CASE_STUDIES"], "-v0")
    engine = "PostgreSQL" if envs["seed"].get("DATABASE_URL") else "SQLite (WAL)"
    with gunicorn(envs["seed"]) as small, gunicorn(envs["20k"]) as large:
        bases = {"seed": small.base, "20k": large.base}
        paths = {size: scale_paths(bases[size], sizes[size]) for size in sizes}
        rows = []
        for key, (label, _) in paths["seed"].items():
            p50s: dict[str, list[float]] = {"seed": [], "20k": []}
            for _ in range(SCALE_ROUNDS):
                for size in sizes:
                    p50s[size].append(load(bases[size] + paths[size][key][1], 1)["p50"])
            seed, big = statistics.median(p50s["seed"]), statistics.median(p50s["20k"])
            rows.append((label, paths["20k"][key][1], seed, big, big / seed))
            print(f"   {key:14} seed p50 {seed:7.2f} ms  20k p50 {big:7.2f} ms  x{big / seed:.2f}")
    lines = [
        f"{measured_on(engine)}. gunicorn, {WORKERS} sync workers per site, production settings, "
        f"response cache off (every request renders); {load.tool}, 1 connection, {args.duration} "
        f"s per cell, {SCALE_ROUNDS} rounds alternating between the sites, medians. Seed's size: "
        f"the seed + {sizes['seed']} bench case studies; large: the seed + {sizes['20k']:,}.",
        "",
        "| Endpoint | p50 seed (ms) | p50 20k (ms) | 20k/seed | verdict |",
        "|---|---:|---:|---:|---|",
    ]
    for label, path, seed, big, ratio in rows:
        lines.append(
            f"| {label} (`{path}`) | {seed:.1f} | {big:.1f} | {ratio:.2f}x "
            f"| {verdict(ratio <= SCALE_TARGET)} (at most {SCALE_TARGET}x) |"
        )
    section = ("" if not ERRORS else failed_banner(ERRORS)) + "\n".join(lines)
    print(section)
    if not args.no_write:
        name = engine.split()[0]
        write_doc(section, f"scale-{name.lower()}", f"Scale, {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="store_true", help="seed's size vs 20,000 pages")
    parser.add_argument("--scale-pages", type=int, default=20000, help="case studies for --scale")
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="rounds for rows with targets")
    parser.add_argument("--legs", default="sqlite,postgresql", help="databases to measure")
    parser.add_argument("--skip-load", action="store_true", help="reuse the bench data as is")
    parser.add_argument("--no-write", action="store_true", help="print, do not update the doc")
    parser.add_argument("--memory-requests", type=int, default=MEMORY_REQUESTS[-1])
    args = parser.parse_args()
    MEMORY_REQUESTS[-1] = args.memory_requests
    started = time.monotonic()
    load = Load(args.duration)
    if args.scale:
        scale_main(args, load)
    else:
        for leg in legs(args.legs.split(",")):
            before = len(ERRORS)
            section = run_leg(leg, load, args)
            if len(ERRORS) > before:
                section = failed_banner(ERRORS[before:]) + section
            print(section)
            if not args.no_write:
                write_doc(section, leg.name, f"{leg.engine}, {leg.cache}")
    print(f"== done in {time.monotonic() - started:.0f} s")
    if ERRORS:
        print("RUN FAILED:", *ERRORS, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
