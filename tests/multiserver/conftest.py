"""Two app servers, as a load balancer would have them: separate gunicorn processes with
production settings and separate local disks (VAR_DIR), sharing only what production shares:
one PostgreSQL database, one Redis and one S3-compatible bucket.

The database is a dedicated one (`<test db>_multiserver_<random>`), migrated and seeded by
the real commands, then dropped. Redis is used in db 14 under a key prefix of this run, whose
keys are deleted afterwards. The bucket lives in moto's S3 server (a thread of this process):
real S3 is outside this machine, and moto speaks the same HTTP API to django-storages.
Sockets are bound to port 0 here and handed to gunicorn (`--bind fd://N`), so parallel runs
never fight over a port.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_DB = 14
ADMIN = ("multiserver-admin", "pw-" + secrets.token_urlsafe(12))
# Settings the subprocesses must not inherit from whoever runs the tests.
INHERITED_BLOCKLIST = re.compile(
    r"^(DJANGO_SETTINGS_MODULE|DATABASE_URL|REDIS_URL|SECRET_KEY|ALLOWED_HOSTS|VAR_DIR|"
    r"STATIC_ROOT|CACHE_KEY_PREFIX|API_CACHE_.*|AWS_.*|WAGTAILAPI_BASE_URL|PYTEST_.*)$"
)


def postgres_server_url() -> str:
    """The PostgreSQL server of DATABASE_URL: the suite's PostgreSQL leg runs this test (it
    takes minutes: migrate and seed a database of its own), the SQLite leg skips it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "two-server test runs where the suite runs on PostgreSQL: "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (CI's PostgreSQL leg)"
        )
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def redis_server_url() -> str:
    url = os.environ.get("REDIS_TEST_URL") or "redis://127.0.0.1:6379/0"
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", "", ""))


def require_postgres(url: str):
    import psycopg

    try:
        return psycopg.connect(with_database(url, "postgres"), autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        pytest.skip(f"two-server test needs PostgreSQL; {urlsplit(url).netloc} refused: {exc}")


def require_redis(url: str):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"two-server test needs Redis; {urlsplit(url).netloc} refused: {exc}")
    return client


def public_read_policy(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                # Images only: documents may sit in private collections, so they stay
                # private in the bucket and are served through Wagtail's view.
                "Resource": [
                    f"arn:aws:s3:::{bucket}/original_images/*",
                    f"arn:aws:s3:::{bucket}/images/*",
                ],
            }
        ],
    }


def start_manage(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen, timeout: int = 900) -> None:
    _, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, f"{' '.join(process.args[1:])} failed:\n{stderr[-4000:]}"


def run_manage(args: list[str], env: dict[str, str]) -> None:
    finish(start_manage(args, env))


@dataclass
class AppServer:
    """One gunicorn process on its own port and its own VAR_DIR."""

    name: str
    url: str
    var_dir: Path
    process: subprocess.Popen
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.url + path, timeout=60, allow_redirects=False, **kwargs)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_server(name: str, env: dict[str, str], tmp: Path) -> AppServer:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    var_dir = tmp / name
    var_dir.mkdir()
    log = tmp / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "cms.wsgi:application",
                f"--bind=fd://{sock.fileno()}",
                "--workers=1",
                "--threads=4",
                "--timeout=120",
                "--graceful-timeout=5",
                "--access-logfile=-",
            ],
            cwd=ROOT,
            env={**env, "VAR_DIR": str(var_dir)},
            pass_fds=(sock.fileno(),),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    sock.close()  # gunicorn holds its own copy
    server = AppServer(name, f"http://127.0.0.1:{port}", var_dir, process, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server {name} exited:\n{server.log_tail()}")
        try:
            if server.get("/api/health/").status_code == 200:
                return server
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    server.stop()
    raise AssertionError(f"server {name} did not answer /api/health/:\n{server.log_tail()}")


@dataclass
class Cluster:
    a: AppServer
    b: AppServer
    s3_endpoint: str
    bucket: str
    s3: Any  # a boto3 client with the app's credentials
    admin: tuple[str, str] = ADMIN


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    pg_url = postgres_server_url()
    redis_url = redis_server_url()
    maintenance = require_postgres(pg_url)
    redis_client = require_redis(redis_url)

    import boto3
    from moto.server import ThreadedMotoServer
    from psycopg import sql

    tmp = tmp_path_factory.mktemp("multiserver")
    run_id = secrets.token_hex(4)
    db_name = f"{urlsplit(pg_url).path.lstrip('/') or 'test'}_multiserver_{run_id}"
    key_prefix = f"multiserver-{run_id}"
    bucket = f"media-{run_id}"

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's access log
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    s3_endpoint = f"http://{host}:{port}"
    credentials = {"aws_access_key_id": "multiserver", "aws_secret_access_key": "multiserver"}
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **credentials)
    s3.create_bucket(Bucket=bucket)
    # As README's operators section says: anyone may read images, only the app writes
    # (a private bucket answers the API's image URLs with 403).
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read_policy(bucket)))

    maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    env = {key: value for key, value in os.environ.items() if not INHERITED_BLOCKLIST.match(key)}
    env.update(
        DJANGO_SETTINGS_MODULE="settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),  # one key for every server, as in production
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=with_database(pg_url, db_name),
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=key_prefix,
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID=credentials["aws_access_key_id"],
        AWS_SECRET_ACCESS_KEY=credentials["aws_secret_access_key"],
        # Plain http on loopback; the tests send X-Forwarded-Proto like a TLS proxy does.
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(tmp / "static"),
        DJANGO_SUPERUSER_USERNAME=ADMIN[0],
        DJANGO_SUPERUSER_PASSWORD=ADMIN[1],
        DJANGO_SUPERUSER_EMAIL="multiserver@example.com",
        PYTHONUNBUFFERED="1",
    )
    servers: list[AppServer] = []
    try:
        setup_env = {**env, "VAR_DIR": str(tmp / "setup")}
        # Static files are built from the code, once per release, like a container image.
        static = start_manage(["collectstatic", "--noinput"], setup_env)
        run_manage(["migrate", "--noinput"], setup_env)
        run_manage(["load_seed"], setup_env)
        run_manage(["ensure_admin"], setup_env)
        finish(static)
        servers.append(start_server("a", env, tmp))
        servers.append(start_server("b", env, tmp))
        yield Cluster(servers[0], servers[1], s3_endpoint, bucket, s3)
    finally:
        for server in servers:
            server.process.terminate()  # both at once, then wait for each
        for server in servers:
            server.stop()
        moto.stop()
        maintenance.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db_name))
        )
        maintenance.close()
        keys = list(redis_client.scan_iter(match=f"{key_prefix}*", count=1000))
        if keys:
            redis_client.delete(*keys)
        redis_client.close()
