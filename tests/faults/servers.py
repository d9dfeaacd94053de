"""Real servers for the fault tests: a private PostgreSQL cluster, a private Redis and the app
under gunicorn with production settings, each on a free loopback port and in a temp dir.

The shared PostgreSQL on 5432 and Redis on 6379 are never touched: these tests stop and
restart their own servers."""

from __future__ import annotations

import contextlib
import glob
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = Path(PYTHON).parent / "gunicorn"
READY_PATH = "/api/v2/pages/?offset=99999999999"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bindir() -> Path | None:
    """The newest Debian PostgreSQL server binaries, if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: p.split("/")[4])
    return Path(found[-1]).parent if found else None


def wait_for_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class PrivatePostgres:
    """`initdb` into a temp dir and `pg_ctl` start/stop on a free port. PostgreSQL refuses to
    run as root, so as root it runs as the `postgres` system user (runuser)."""

    def __init__(self, bindir: Path, base: Path):
        self.bindir = bindir
        self.datadir = base / "data"
        self.logfile = base / "postgres.log"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(base, "postgres")
        self._run("initdb", "-D", str(self.datadir), "-U", "postgres", "-A", "trust", "-E", "UTF8")

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.as_user, str(self.bindir / tool), *args],
            capture_output=True,
            text=True,
            check=check,
            cwd="/",
        )

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.datadir} -c max_connections=60 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        result = self._run(
            "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.datadir),
            "-l", str(self.logfile), "-o", options, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            log = self.logfile.read_text() if self.logfile.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{log[-2000:]}")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-w", "-t", "60", "-m", mode, "-D", str(self.datadir))

    def is_running(self) -> bool:
        return self._run("pg_ctl", "status", "-D", str(self.datadir), check=False).returncode == 0

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(statement)


class PrivateRedis:
    """redis-server on a free port, keeping nothing on disk (a restart starts empty)."""

    def __init__(self, binary: str, base: Path):
        self.binary = binary
        self.base = base
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.base), "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port, 20)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a paused process cannot terminate
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def pause(self) -> None:
        """SIGSTOP: the process hangs; the kernel still accepts connections for it."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT: back with every key it held."""
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def app_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """Production settings, as `make serve-production` runs them locally (no TLS redirect)."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        VAR_DIR=str(var_dir),
        LOG_LEVEL=os.environ.get("FAULTS_LOG_LEVEL", "ERROR"),
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def run_script(env: dict[str, str], code: str, *args: str, timeout: float = 300) -> dict:
    """Run Python with Django set up in `env` (arguments in sys.argv[1:]); the script prints
    one JSON object last."""
    prelude = "import django, json, sys\ndjango.setup()\n"
    result = subprocess.run(
        [PYTHON, "-c", prelude + code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"script failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


class App:
    """gunicorn (2 workers x 4 threads, as `make serve-production`) on a free port."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [str(GUNICORN), "cms.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--threads", "4", "--timeout", "30", "--graceful-timeout", "5",
             "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        # Ready once a worker answers. This request is refused by the API guard before any
        # database access, so it works whatever state the database is in.
        deadline = time.monotonic() + 90
        while get(self.base, READY_PATH, timeout=5).status != 400:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"gunicorn did not start:\n{self.output()}")
            time.sleep(0.2)

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        with contextlib.suppress(OSError):
            os.unlink(self.log.name)


@contextlib.contextmanager
def serving(env: dict[str, str]) -> Iterator[App]:
    app = App(env)
    try:
        yield app
    finally:
        app.close()


@dataclass
class Response:
    url: str
    started: float
    elapsed: float
    status: int  # 0: no HTTP answer (connection refused/reset, timeout)
    headers: dict[str, str]
    body: bytes
    error: str = ""

    def json(self):
        return json.loads(self.body)


def get(base: str, path: str, timeout: float = 30, headers: dict | None = None) -> Response:
    host, port = base.split("//", 1)[1].split(":")
    started = time.monotonic()
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "application/json", **(headers or {})})
        answer = conn.getresponse()
        body = answer.read()
        headers = {k.lower(): v for k, v in answer.getheaders()}
        return Response(path, started, time.monotonic() - started, answer.status, headers, body)
    except OSError as exc:
        return Response(path, started, time.monotonic() - started, 0, {}, b"", repr(exc))
    finally:
        conn.close()


@dataclass
class Load:
    """Client threads requesting `paths` in turn until stopped; every response is kept."""

    base: str
    paths: list[str]
    clients: int = 6
    timeout: float = 30
    headers: dict[str, str] = field(default_factory=dict)
    responses: list[Response] = field(default_factory=list)

    def __post_init__(self):
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._client, args=(n,), daemon=True)
            for n in range(self.clients)
        ]

    def _client(self, offset: int) -> None:
        n = offset
        while not self._stop.is_set():
            response = get(self.base, self.paths[n % len(self.paths)], self.timeout, self.headers)
            with self._lock:
                self.responses.append(response)
            n += 1
            if response.status == 0:
                time.sleep(0.05)  # do not spin on a refused connection

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(self.timeout + 5)

    def since(self, moment: float) -> list[Response]:
        with self._lock:
            return [r for r in self.responses if r.started >= moment]

    def wait_for(self, predicate, timeout: float) -> float | None:
        """Monotonic time of the first response (started after now) that satisfies predicate."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            for response in self.since(start):
                if predicate(response):
                    return response.started
            time.sleep(0.2)
        return None
