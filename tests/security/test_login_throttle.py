"""Admin login is throttled against password guessing: 429 after repeated failures."""

from __future__ import annotations

import socket

import pytest

pytestmark = pytest.mark.django_db


def attempt(client, username, password, address="203.0.113.7"):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_repeated_wrong_passwords_are_refused_with_429(client, editor, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert attempt(client, "editor", "wrong-guess").status_code == 200
    blocked = attempt(client, "editor", "pw-editor-1")  # even the right password now waits
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    # Another address is not blocked by someone else's guessing.
    assert attempt(client, "editor", "pw-editor-1", address="198.51.100.9").status_code == 302


def test_a_successful_login_is_not_throttled(client, editor):
    for _ in range(3):
        assert attempt(client, "editor", "wrong-guess").status_code == 200
    assert attempt(client, "editor", "pw-editor-1").status_code == 302


def test_the_throttle_holds_while_redis_is_down(client, editor, settings):
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "api.cache.redis.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    }
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert attempt(client, "editor", "wrong-guess").status_code == 200
    assert attempt(client, "editor", "pw-editor-1").status_code == 429
