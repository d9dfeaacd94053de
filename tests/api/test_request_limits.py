"""Over-long request lines under gunicorn (gunicorn.conf.py): the app's own limit sits below
gunicorn's, so every line gunicorn lets through that is too long gets the API's JSON 414; a
line over gunicorn's limit gets gunicorn's own HTML 414, documented in gunicorn.conf.py."""

from __future__ import annotations

import json
import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from api.errors import MAX_URL_LENGTH

ROOT = Path(__file__).resolve().parents[2]
CONFIG = runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_the_apps_url_limit_is_below_gunicorns_request_line_limit():
    longest_line = len("OPTIONS ") + MAX_URL_LENGTH + len(" HTTP/1.1")
    assert longest_line < CONFIG["limit_request_line"] <= 8190


def raw_get(port: int, target: str) -> tuple[int, str, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            f"GET {target} HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers.get("Content-Type", ""), body


@pytest.fixture
def gunicorn_port(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "settings.test", "VAR_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "cms.wsgi:application",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.mark.slow
def test_every_over_long_url_gunicorn_lets_through_is_a_json_414(gunicorn_port):
    target = "/api/v2/pages/?search=" + "a" * (MAX_URL_LENGTH + 100)
    status, content_type, body = raw_get(gunicorn_port, target)
    assert (status, content_type) == (414, "application/json")
    assert json.loads(body)["status"] == 414


@pytest.mark.slow
def test_a_line_over_gunicorns_limit_gets_gunicorns_own_html_414(gunicorn_port):
    target = "/api/v2/pages/?search=" + "a" * CONFIG["limit_request_line"]
    status, content_type, body = raw_get(gunicorn_port, target)
    assert (status, content_type) == (414, "text/html")
    assert b"Request Line is too large" in body
