"""Where a render goes: p50 per URL and the top cumulative costs, in-process, caches off.

    .venv/bin/python bench/profile.py                      # SQLite at var/profile/db.sqlite3
    DATABASE_URL=postgres://.../db .venv/bin/python bench/profile.py
    .venv/bin/python bench/profile.py --only hub,listing --requests 300 --top 30
    .venv/bin/python bench/profile.py --no-profile          # timings only
    .venv/bin/python bench/profile.py --cache --gzip --only hub   # a cache hit, as browsers ask
    .venv/bin/python bench/profile.py --skip-load --no-profile --sql   # each SQL statement's cost

Builds (once; `--skip-load` after) the same site as `make bench`: the seed plus `manage.py
load_bench_data` (2,000 case studies, 200 partner cities, 500 images), then serves with `make
bench`'s environment (`bench.run.base_env`: production settings) and the cache off
(`API_CACHE_ENABLED=false`), through Django's test client in this process: the cost of
rendering, without gunicorn and the network (about 1 ms more a request). For each URL: warm-up
requests, then `--requests` timed ones (p50, p90, mean wall-clock ms; p50 of this thread's CPU
ms, steadier on a busy machine but without the database server's time on PostgreSQL; SQL queries
per request), then the same number under cProfile with the functions of the largest cumulative
and own time. `--var-dir` lets another checkout's code run against the same database (to compare
two branches in one run). `--cache` turns the response cache on (every timed request is then a
hit, `--gzip` as a client that accepts gzip asks): where a hit's time goes, without gunicorn and
the network. `--sql` lists each SQL statement of a request with the time the ORM took to
compile it and the database to execute it: on SQLite the compiling costs more than the executing.
`--primitives` prices, on this machine and database, what every render is made of: one
statement written out in SQL, one through the ORM (a few values, a page row, a case study's
row), Wagtail's `Site.find_for_request`, and a request through the middleware to a view that
reads one row (`/api/health/`): the budget any faster render path has to fit in. `--split`
divides each request's CPU time between Django's ORM (every `QuerySet` method, and statements
run on a cursor) and the rest (middleware, DRF, the serializers, Wagtail's blocks, the
representations, the JSON): the rest is what a request would cost if every statement were free.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's `profile`, which cProfile imports: keep its
# own directory off the import path, and the project's on it.
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

from bench.run import base_env  # noqa: E402


def environment(var_dir: Path) -> dict[str, str]:
    """`make bench`'s (bench settings, caches off), on this shell's database and Redis if it
    names them, else on SQLite in `var_dir`."""
    env = base_env()
    env.update(
        {name: os.environ[name] for name in ("DATABASE_URL", "REDIS_URL") if os.environ.get(name)}
    )
    if not env.get("DATABASE_URL"):
        env["VAR_DIR"] = str(var_dir)
    return env


def prepare(env: dict[str, str]) -> None:
    for args in (("migrate", "--noinput", "-v0"), ("load_bench_data",)):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def urls() -> dict[str, str]:
    from pages.models import CaseStudyPage, HubPage, PartnerCity

    hub = HubPage.objects.filter(depth=2, locale__language_code="en").first()
    bench_pages = CaseStudyPage.objects.filter(slug__startswith="bench-case-study-").order_by("pk")
    middle = bench_pages[bench_pages.count() // 2]
    city = PartnerCity.objects.filter(name__startswith="Bench city ").order_by("pk").first()
    return {
        "hub": f"/api/v2/pages/{hub.pk}/",
        "case_study": f"/api/v2/pages/{middle.pk}/",
        "partner_city": f"/api/v2/partner-cities/{city.pk}/",
        "listing": "/api/v2/pages/?type=pages.CaseStudyPage&fields=*&limit=20",
    }


def timed(client, url: str, requests: int) -> tuple[list[float], list[float], int]:
    from django.db import connection

    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:200])
    times, cpu = [], []
    for _ in range(requests):
        start, start_cpu = time.perf_counter(), time.thread_time()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    return times, cpu, len(executed)


def statements(client, url: str, requests: int) -> str:
    """Each SQL statement of a request: ms compiling it (the ORM's `SQLCompiler.as_sql`; a
    subquery's compiling counts in its outer statement too; statements written out in SQL have
    none) and ms executing it (until the database answers; SQLite computes further rows as they
    are fetched), the mean of `requests` requests, costliest first."""
    from django.db import connection
    from django.db.models.sql.compiler import SQLCompiler

    compiled: dict[str, float] = {}
    executed: dict[str, float] = {}
    original = SQLCompiler.as_sql

    def timed_as_sql(self, *args, **kwargs):
        start = time.perf_counter()
        sql, params = original(self, *args, **kwargs)
        compiled[sql] = compiled.get(sql, 0.0) + time.perf_counter() - start
        return sql, params

    def timed_execute(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            executed[sql] = executed.get(sql, 0.0) + time.perf_counter() - start

    SQLCompiler.as_sql = timed_as_sql
    try:
        with connection.execute_wrapper(timed_execute):
            for _ in range(requests):
                client.get(url)
    finally:
        SQLCompiler.as_sql = original
    rows = sorted(
        ((compiled.get(sql, 0.0), seconds, sql) for sql, seconds in executed.items()),
        key=lambda row: -(row[0] + row[1]),
    )
    ms = 1000 / requests  # seconds over all requests -> ms a request
    lines = [f"{'compile':>8} {'execute':>8}  statement"]
    for compile_s, execute_s, sql in rows:
        lines.append(f"{compile_s * ms:8.3f} {execute_s * ms:8.3f}  {' '.join(sql.split())[:150]}")
    total_compile = sum(row[0] for row in rows) * ms
    total_execute = sum(row[1] for row in rows) * ms
    lines.append(
        f"{total_compile:8.3f} {total_execute:8.3f}  all ({len(rows)} distinct statements)"
    )
    return "\n".join(lines)


def cpu_p50(call: Callable[[], object], requests: int, warmup: int = 20) -> float:
    for _ in range(warmup):
        call()
    cpu = []
    for _ in range(requests):
        start = time.thread_time()
        call()
        cpu.append((time.thread_time() - start) * 1000)
    return statistics.median(cpu)


def primitives(client, requests: int) -> str:
    """Thread CPU p50 (ms) of the pieces every render is built from, on this database."""
    from django.db import connection
    from django.test import RequestFactory
    from wagtail.models import Page, Site

    from pages.models import CaseStudyPage

    pk = int(urls()["case_study"].rstrip("/").rsplit("/", 1)[1])
    table = Page._meta.db_table
    factory = RequestFactory(HTTP_HOST="127.0.0.1")

    def written_out():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT title FROM {table} WHERE id = %s", [pk])
            return cursor.fetchall()

    pieces = {
        "a statement written out in SQL (one value by key)": written_out,
        "the same through the ORM (values_list)": lambda: list(
            Page.objects.filter(pk=pk).values_list("title")
        ),
        "three values and the locale's code (one join)": lambda: list(
            Page.objects.filter(pk=pk).values_list("title", "url_path", "locale__language_code")
        ),
        "a page row (Page.objects.get)": lambda: Page.objects.get(pk=pk),
        "a case study's row (37 columns, two tables)": lambda: (
            CaseStudyPage.objects.filter(pk=pk).order_by().first()
        ),
        "Wagtail's Site.find_for_request": lambda: Site.find_for_request(factory.get("/")),
        "a request through the middleware: GET /api/health/": lambda: client.get("/api/health/"),
    }
    return "\n".join(f"{cpu_p50(call, requests):8.3f}  {name}" for name, call in pieces.items())


def orm_split(client, chosen: dict[str, str], requests: int) -> str:
    """Per URL, thread CPU p50 (ms) of the whole request, of its time in Django's ORM (any
    `QuerySet` method: building, compiling, executing, fetching, making instances, prefetching;
    the outermost call counted once; and statements run on a cursor outside one), and of the
    rest."""
    import types

    from django.db import connection
    from django.db.models.query import QuerySet

    inside = {"depth": 0, "seconds": 0.0}

    def counted(call):
        def wrapper(*args, **kwargs):
            if inside["depth"]:
                return call(*args, **kwargs)
            inside["depth"] += 1
            start = time.thread_time()
            try:
                return call(*args, **kwargs)
            finally:
                inside["seconds"] += time.thread_time() - start
                inside["depth"] -= 1

        return wrapper

    def cursor_statement(execute, sql, params, many, context):
        return counted(execute)(sql, params, many, context)

    originals = {
        name: value
        for name, value in vars(QuerySet).items()
        if isinstance(value, types.FunctionType) and not name.startswith("__")
    }
    for name, value in originals.items():
        setattr(QuerySet, name, counted(value))
    lines = [f"{'url':14} {'whole':>7} {'ORM':>7} {'the rest':>9}"]
    try:
        with connection.execute_wrapper(cursor_statement):
            for key, url in chosen.items():
                whole, orm = [], []
                for _ in range(requests):
                    inside["seconds"] = 0.0
                    start = time.thread_time()
                    client.get(url)
                    whole.append((time.thread_time() - start) * 1000)
                    orm.append(inside["seconds"] * 1000)
                total, in_orm = statistics.median(whole), statistics.median(orm)
                lines.append(f"{key:14} {total:7.2f} {in_orm:7.2f} {total - in_orm:9.2f}")
    finally:
        for name, value in originals.items():
            setattr(QuerySet, name, value)
    return "\n".join(lines)


def profiled(client, url: str, requests: int, top: int) -> str:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        client.get(url)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per URL")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--top", type=int, default=25, help="functions listed per profile")
    parser.add_argument("--only", default="", help="comma-separated: hub,case_study,...")
    parser.add_argument("--no-profile", action="store_true", help="timings only")
    parser.add_argument("--skip-load", action="store_true", help="the database is built")
    parser.add_argument("--var-dir", type=Path, default=ROOT / "var" / "profile")
    parser.add_argument("--cache", action="store_true", help="response cache on: time its hits")
    parser.add_argument("--gzip", action="store_true", help="send Accept-Encoding: gzip")
    parser.add_argument(
        "--sql", action="store_true", help="each statement's compiling and executing time"
    )
    parser.add_argument(
        "--primitives", action="store_true", help="what a statement, a row, a request cost"
    )
    parser.add_argument(
        "--split", action="store_true", help="each request's CPU in the ORM and in the rest"
    )
    args = parser.parse_args()

    env = environment(args.var_dir.resolve())
    if args.cache:
        env["API_CACHE_ENABLED"] = "true"
    print("== database:", env.get("DATABASE_URL") or f"{env['VAR_DIR']}/db.sqlite3")
    if not args.skip_load:
        prepare(env)
    os.environ.update(env)
    from django.test import Client

    # The server's startup (cms/wsgi.py: Django set up, then what it built frozen out of the
    # garbage collector's reach), as gunicorn runs it.
    import cms.wsgi  # noqa: F401

    client = Client(
        HTTP_HOST="127.0.0.1", **({"HTTP_ACCEPT_ENCODING": "gzip"} if args.gzip else {})
    )
    chosen = {key: url for key, url in urls().items() if not args.only or key in args.only}
    for url in chosen.values():
        for _ in range(args.warmup):
            client.get(url)
    rows = []
    for key, url in chosen.items():
        times, cpu, queries = timed(client, url, args.requests)
        rows.append((key, url, times, cpu, queries))
    if args.sql:
        for key, url in chosen.items():
            print(f"\n== statements: {key} ({url}), ms a request, mean of {args.requests}")
            print(statements(client, url, args.requests))
    if args.split:
        print(f"\n== the ORM and the rest: thread CPU p50 of {args.requests} requests (ms)")
        print(orm_split(client, chosen, args.requests))
    if args.primitives:
        print(f"\n== primitives: thread CPU p50 of {args.requests} calls each (ms)")
        print(primitives(client, args.requests))
    if not args.no_profile:
        for key, url in chosen.items():
            print(f"\n== profile: {key} ({url}), {args.requests} requests")
            print(profiled(client, url, args.requests, args.top))
    mode = "response cache hits" if args.cache else "caches off"
    print(f"\n== p50 in-process, {mode}, {args.requests} requests each (ms)")
    print(f"{'url':14} {'p50':>7} {'p90':>7} {'mean':>7} {'cpu p50':>8} {'queries':>8}  path")
    for key, url, times, cpu, queries in rows:
        p50, p90 = statistics.median(times), statistics.quantiles(times, n=10)[-1]
        print(
            f"{key:14} {p50:7.2f} {p90:7.2f} {statistics.fmean(times):7.2f} "
            f"{statistics.median(cpu):8.2f} {queries:8}  {url}"
        )


if __name__ == "__main__":
    main()
