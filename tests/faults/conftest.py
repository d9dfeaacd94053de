"""Fixtures for the fault tests: a private PostgreSQL cluster (migrated and seeded once per
session) and a private Redis, both on free ports. Skipped, with the reason shown, where the
Debian server binaries are not installed."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.faults.servers import PrivatePostgres, PrivateRedis, app_env, manage, postgres_bindir


@pytest.fixture(scope="session")
def fault_dir():
    path = Path(tempfile.mkdtemp(prefix="cms-faults-"))
    path.chmod(0o711)  # the postgres user (when run as root) must reach its data dir
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres(fault_dir):
    """A private cluster these tests may stop and restart (never the shared one on 5432)."""
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("fault tests need PostgreSQL's server binaries (/usr/lib/postgresql/*/bin)")
    base = fault_dir / "pg"
    base.mkdir()
    server = PrivatePostgres(bindir, base)
    server.start()
    yield server
    if server.is_running():
        server.stop("immediate")


@pytest.fixture(scope="session")
def empty_database(postgres, fault_dir) -> str:
    """A migrated database with no content (a template for fresh copies)."""
    postgres.sql("CREATE DATABASE cms_empty")
    manage(app_env(postgres.url("cms_empty"), fault_dir / "var"), "migrate", "--noinput", "-v0")
    return "cms_empty"


@pytest.fixture(scope="session")
def seeded_database(postgres, empty_database, fault_dir) -> str:
    """The seeded site, as `make serve-production` builds it."""
    postgres.sql(f"CREATE DATABASE cms_seeded TEMPLATE {empty_database}")
    env = app_env(postgres.url("cms_seeded"), fault_dir / "var")
    manage(env, "load_seed", "-v0")
    return "cms_seeded"


@pytest.fixture
def fresh_database(postgres, empty_database, request) -> str:
    """A migrated, empty copy for one test."""
    name = f"cms_{request.node.name[:40].lower().replace('-', '_')}"
    postgres.sql(f"DROP DATABASE IF EXISTS {name}")
    postgres.sql(f"CREATE DATABASE {name} TEMPLATE {empty_database}")
    return name


@pytest.fixture
def redis_server(fault_dir):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("the Redis fault test needs redis-server (Debian package redis-server)")
    base = fault_dir / "redis"
    base.mkdir(exist_ok=True)
    server = PrivateRedis(binary, base)
    server.start()
    yield server
    server.stop()
