"""The benchmark compares the API with two other servers; both must serve what it measures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_ceiling_is_a_bare_django_app_answering_json():
    # Its own settings (no apps, no middleware, no database): run in its own interpreter.
    script = (
        "import io, django\n"
        "from django.core.wsgi import get_wsgi_application\n"
        "app = get_wsgi_application()\n"
        "from django.conf import settings\n"
        "environ = {'REQUEST_METHOD': 'GET', 'PATH_INFO': '/ceiling/', 'SERVER_NAME': "
        "'127.0.0.1', 'SERVER_PORT': '80', 'HTTP_HOST': '127.0.0.1', 'wsgi.input': "
        "io.BytesIO(), 'wsgi.url_scheme': 'http'}\n"
        "seen = []\n"
        "body = b''.join(app(environ, lambda status, headers: seen.append((status, headers))))\n"
        "print(seen[0][0], dict(seen[0][1])['Content-Type'], body.decode(), "
        "len(settings.MIDDLEWARE), len(settings.INSTALLED_APPS))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.ceiling", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout

    assert out.strip() == '200 OK application/json {"ok": true} 0 0'


def test_the_floor_reads_the_generation_as_every_fresh_api_answer_does():
    # bench/ceiling.py cannot import the app (it has none): its copy of the read must match.
    from api.cache import generation
    from bench import ceiling

    assert ceiling.GENERATION_READ == generation.READ


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls", API_CACHE_ENABLED=False)
def test_stock_wagtail_serves_the_same_page_beside_the_api(api, hub):
    ours = api.get(f"/api/v2/pages/{hub.pk}/")
    stock = api.get(f"/stock/api/v2/pages/{hub.pk}/")

    assert stock.status_code == 200
    assert stock.json()["id"] == ours.json()["id"] == hub.pk
    assert stock.json()["title"] == ours.json()["title"]
    assert stock.json()["meta"]["type"] == "pages.HubPage"
